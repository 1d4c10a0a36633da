/**
 * Child-process entry of the memory suite: `node --expose-gc child.js <cache> <entries>
 * <max-bytes>`. A fresh process per cache, so nothing another cache or suite allocated is
 * in its heap. Garbage-collects, makes the cache, fills it with `entries` distinct ~100-byte
 * entries one `await`ed write at a time, garbage-collects again, and sends `{ fill }`
 * (a {@link MemoryFill}) over IPC.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { entryValue, MEMORY_CACHES, type MemoryCache, PREPARE } from './fills.js';

/** What one fill measured (bytes; growths are against the heap before the cache existed). */
export interface MemoryFill {
  cache: MemoryCache;
  entries: number;
  maxBytes: number;
  /** Entries still held after the fill. */
  kept: number;
  /** What the cache itself counts for them against `maxBytes` (null when it does not say). */
  countedBytes: number | null;
  /** Mean JSON length of the values written. */
  meanValueBytes: number;
  /** `heapUsed` growth once the empty cache exists (allocated up front for a count bound). */
  emptyHeapGrowth: number;
  /** `heapUsed` growth after the fill (the empty cache included). */
  heapGrowth: number;
  /** `external` growth after the fill (typed arrays outside the JS heap). */
  externalGrowth: number;
  /** `rss` growth after the fill. */
  rssGrowth: number;
  /** Seconds the fill took. */
  fillSeconds: number;
}

const [name = '', entriesArg = '', maxBytesArg = ''] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (
  !MEMORY_CACHES.includes(name as MemoryCache) ||
  !/^\d+$/.test(entriesArg) ||
  !/^\d+$/.test(maxBytesArg) ||
  gc === undefined
) {
  console.error(
    `usage: node --expose-gc child.js <${MEMORY_CACHES.join('|')}> <entries> <max-bytes>`,
  );
  process.exit(2);
}
process.on('disconnect', () => process.exit(1));
const cache = name as MemoryCache;
const entries = Number(entriesArg);
const maxBytes = Number(maxBytesArg);

/** Memory once everything unreachable is collected (a few passes, finalizers in between). */
async function settled(): Promise<NodeJS.MemoryUsage> {
  for (let pass = 0; pass < 3; pass++) {
    gc?.();
    await tick();
  }
  return process.memoryUsage();
}

const setup = await PREPARE[cache]();
const base = await settled();
// Only `maxBytes` bounds the fill (ours: `maxEntries: 0`; peers: a count as large as the fill).
const fillable = await setup(entries, maxBytes);
const empty = await settled();
const started = performance.now();
for (let n = 0; n < entries; n++) await fillable.write(n);
const fillSeconds = (performance.now() - started) / 1000;
const full = await settled();
const { kept, countedBytes } = await fillable.held(entries);
await fillable.close();

let valueBytes = 0;
for (let n = 0; n < entries; n++) valueBytes += JSON.stringify(entryValue(n)).length;
const fill: MemoryFill = {
  cache,
  entries,
  maxBytes,
  kept,
  countedBytes,
  meanValueBytes: valueBytes / entries,
  emptyHeapGrowth: empty.heapUsed - base.heapUsed,
  heapGrowth: full.heapUsed - base.heapUsed,
  externalGrowth: full.external - base.external,
  rssGrowth: full.rss - base.rss,
  fillSeconds,
};
if (process.send) process.send({ fill }, () => process.exit(0));
else console.log(JSON.stringify(fill));
