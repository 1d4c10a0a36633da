/** Reconnect delays. */
export interface BackoffOptions {
  /** First delay's upper bound, in ms. @default 50 */
  baseMs?: number;
  /** Largest delay, in ms. @default 2000 */
  maxMs?: number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniformly random delay
 * between 0 and `min(maxMs, baseMs * 2^attempt)`. `attempt` starts at 1.
 */
export function fullJitter(
  attempt: number,
  { baseMs = 50, maxMs = 2_000 }: BackoffOptions = {},
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(Math.random() * ceiling);
}
