/** How long a clock reading is reused, in ms (as lru-cache's `ttlResolution`). */
export const CLOCK_RESOLUTION_MS = 1;
/** How many times a reading is reused at most, for code that keeps timers from running. */
export const CLOCK_READS = 16;

let reading = 0;
let reads = 0;

function forget(): void {
  reading = 0;
}

/**
 * `Date.now()` for the L1 freshness check of every hit, read at most once per
 * `CLOCK_RESOLUTION_MS` and per `CLOCK_READS` calls: a clock read costs about as much as
 * the rest of an L1 hit. An entry may so be served fresh up to about a millisecond past its
 * expiry, never more than `CLOCK_READS` hits late in code that never yields to timers.
 */
export function coarseNow(): number {
  if (reading === 0) setTimeout(forget, CLOCK_RESOLUTION_MS).unref();
  else if (--reads > 0) return reading;
  reading = Date.now();
  reads = CLOCK_READS;
  return reading;
}
