import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.js';

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long. @default 10000 */
  timeoutMs?: number;
  /** Pause between attempts. @default 50 */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false` (errors count as
 * "not yet"), and returns that value; throws `WaitTimeoutError` naming `what` otherwise.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50 }: WaitOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, { cause: lastError });
    await sleep(intervalMs);
  }
}
