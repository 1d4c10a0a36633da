/** How long a clock reading is reused, in ms (as lru-cache's `ttlResolution`). */
export const CLOCK_RESOLUTION_MS = 1;
/** How many times a reading is reused at most, for code that keeps timers from running. */
export const CLOCK_READS = 16;
/** A timer set this long ago and not fired is taken as lost (fake timers, a blocked loop): another is set. */
const LOST_MS = 50;

let reading = 0;
let reads = 0;
let pending = false;
let armedAt = 0;

function forget(): void {
  pending = false;
  reads = 0;
}

/**
 * `Date.now()` for the L1 freshness check of every hit, reused for `CLOCK_READS` calls at
 * most and until the event loop runs its timers (a timer of `CLOCK_RESOLUTION_MS` forgets
 * it): a clock read costs about as much as the rest of an L1 hit. While timers run, an
 * entry may so be served fresh up to about a millisecond past its expiry; in a synchronous
 * stretch that keeps them from running, a reading serves at most `CLOCK_READS` hits.
 */
export function coarseNow(): number {
  if (--reads > 0) return reading;
  reading = Date.now();
  reads = CLOCK_READS;
  if (!pending || Math.abs(reading - armedAt) > LOST_MS) {
    pending = true;
    armedAt = reading;
    setTimeout(forget, CLOCK_RESOLUTION_MS).unref();
  }
  return reading;
}
