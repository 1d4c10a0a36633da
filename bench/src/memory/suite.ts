import type { Owner } from '@redis-infra/testing';
import { forkOwned, messageFrom, sibling, stopChild } from '../child-process.js';
import type { Progress } from '../compare.js';
import type { Settings } from '../settings.js';
import type { MemoryFill } from './child.js';
import { MEMORY_CACHES, type MemoryCache } from './fills.js';

/** `child.js` next to this file (`.ts` when run from source by tap). */
const CHILD = sibling(import.meta.url, './child');
/** A full fill takes about half a minute on a busy 2-core machine. */
const FILL_TIMEOUT_MS = 300_000;
/** The cache issue's target: heap growth at most 1.3x the `maxBytes` bound. */
export const MEMORY_TARGET = 1.3;

/** One cache's fill, and how it compares with its bound. */
export interface MemoryResult extends MemoryFill {
  label: string;
  /** `heapGrowth / maxBytes`. */
  growthPerBound: number;
  /** `(heapGrowth - emptyHeapGrowth) / maxBytes`: the entries alone, without what the empty cache allocated. */
  fillPerBound: number;
  /** At most this (ours only). */
  target: number | null;
  result: 'pass' | 'short' | null;
}

const LABELS: Readonly<Record<MemoryCache, string>> = {
  ours: '@redis-infra/cache L1 (`l1.maxBytes`)',
  bentocache: 'bentocache memory driver (`maxSize`)',
};

/**
 * Heap and RSS after writing `settings.memory.entries` distinct ~100-byte entries into each
 * cache under the same byte bound, each cache in a fresh `node --expose-gc` process.
 */
export async function memorySuite(
  owner: Owner,
  _target: unknown,
  settings: Settings,
  progress: Progress,
): Promise<{ memory: MemoryResult[] }> {
  const { entries, maxBytes } = settings.memory;
  const results: MemoryResult[] = [];
  for (const cache of MEMORY_CACHES) {
    const { child, stderr } = forkOwned(owner, CHILD, [cache, String(entries), String(maxBytes)], {
      execArgv: ['--expose-gc'],
    });
    const fill = await messageFrom(
      child,
      `memory fill of ${cache}`,
      FILL_TIMEOUT_MS,
      (message) => (message as { fill?: MemoryFill } | null)?.fill,
      stderr,
    );
    await stopChild(child);
    const growthPerBound = fill.heapGrowth / fill.maxBytes;
    const target = cache === 'ours' ? MEMORY_TARGET : null;
    results.push({
      ...fill,
      label: LABELS[cache],
      growthPerBound,
      fillPerBound: (fill.heapGrowth - fill.emptyHeapGrowth) / fill.maxBytes,
      target,
      result: target === null ? null : growthPerBound <= target ? 'pass' : 'short',
    });
    progress(
      `memory ${LABELS[cache]}: ${fill.kept} of ${entries} entries kept, heap +${mib(fill.heapGrowth)} MiB ` +
        `(${growthPerBound.toFixed(2)}x the bound), rss +${mib(fill.rssGrowth)} MiB, fill ${fill.fillSeconds.toFixed(1)} s`,
    );
  }
  return { memory: results };
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
