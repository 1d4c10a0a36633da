/**
 * Success and failure counts over a sliding window of one-second buckets: cheap to bump
 * on every command, read by health.
 */
export class SuccessWindow {
  readonly #ok: Uint32Array;
  readonly #failed: Uint32Array;
  readonly #seconds: number;
  #second = 0;

  /** `seconds`: how far back the rate looks. */
  constructor(seconds = 60) {
    this.#seconds = seconds;
    this.#ok = new Uint32Array(seconds);
    this.#failed = new Uint32Array(seconds);
  }

  /** Counts one success. */
  ok(now = Date.now()): void {
    Atomics.add(this.#ok, this.#slot(now), 1);
  }

  /** Counts one failure. */
  fail(now = Date.now()): void {
    Atomics.add(this.#failed, this.#slot(now), 1);
  }

  /** Successes over all outcomes in the window, 0..1; `1` when nothing happened. */
  rate(now = Date.now()): number {
    this.#slot(now);
    let ok = 0;
    let failed = 0;
    for (const count of this.#ok) ok += count;
    for (const count of this.#failed) failed += count;
    return ok + failed === 0 ? 1 : ok / (ok + failed);
  }

  /** The bucket of `now`, clearing buckets that fell out of the window since the last call. */
  #slot(now: number): number {
    const second = Math.floor(now / 1000);
    if (second !== this.#second) {
      const stale = Math.min(second - this.#second, this.#seconds);
      for (let i = 1; i <= stale; i++) {
        const index = (this.#second + i) % this.#seconds;
        this.#ok[index] = 0;
        this.#failed[index] = 0;
      }
      this.#second = second;
    }
    return second % this.#seconds;
  }
}
