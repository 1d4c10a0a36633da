import { formatRate } from '../compare.js';
import type { MemorySettings } from '../settings.js';
import type { MemoryResult } from './suite.js';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The memory section of the report. */
export function memoryMarkdown(results: readonly MemoryResult[], s: MemorySettings): string[] {
  if (results.length === 0) return [];
  const lines = [
    `## Memory under a ${mib(s.maxBytes)} bound`,
    '',
    `Each cache in a fresh \`node --expose-gc\` process, its bound set to ${mib(s.maxBytes)} and no entry`,
    `limit (ours \`maxEntries: 0\`; the peer's set to ${formatRate(s.entries)}), so only the byte bound can stop it, then ${formatRate(s.entries)} distinct`,
    'entries written one after the other (objects of about 100 bytes of JSON, distinct keys).',
    'Growths are against the heap before the cache existed, after garbage collection.',
    '',
    '- **kept**: entries still held; **counted**: the bytes the cache counts for them;',
    '- **heap**: `heapUsed` growth, of which **empty** was there before the first write',
    '  (allocated up front for the entry limit); **external**: typed arrays outside the heap;',
    '- **heap / bound**: heap growth over the bound, against the target; **fill / bound**: the',
    "  same without the empty cache's part (what the entries themselves cost).",
    '',
    '| cache | kept | counted | heap | empty | external | RSS | heap / bound | fill / bound | target | result |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.label} | ${formatRate(r.kept)} | ${r.countedBytes === null ? '–' : mib(r.countedBytes)} | ${mib(
        r.heapGrowth,
      )} | ${mib(r.emptyHeapGrowth)} | ${mib(r.externalGrowth)} | ${mib(r.rssGrowth)} | ${r.growthPerBound.toFixed(
        2,
      )}x | ${r.fillPerBound.toFixed(2)}x | ${r.target === null ? '' : `<= ${r.target}x`} | ${r.result ?? ''} |`,
    );
  }
  const values = results[0] as MemoryResult;
  lines.push(
    '',
    `Values: ${values.meanValueBytes.toFixed(0)} bytes of JSON on average. Time per write (absolute, this machine): ${results
      .map((r) => `${r.label} ${((r.fillSeconds / r.entries) * 1e6).toFixed(1)} µs`)
      .join(', ')}.`,
    '',
  );
  return lines;
}
