/**
 * Sent and failed command counts: the current second is two plain counters (bumped on every
 * command, nothing else), closed into a ring of past seconds once a second by the owner.
 */
export class SuccessWindow {
  #sent = 0;
  #failed = 0;
  #excused = 0;
  readonly #past: Array<[sent: number, failed: number]> = [];
  readonly #seconds: number;

  /** `seconds`: how far back the rate looks. */
  constructor(seconds = 60) {
    this.#seconds = seconds;
  }

  /** Commands sent in the current second. */
  get sentNow(): number {
    return this.#sent;
  }

  /** Commands failed in the current second. */
  get failedNow(): number {
    return this.#failed;
  }

  /** Counts one command sent (or refused). */
  sent(): void {
    this.#sent++;
  }

  /** Counts `count` failures of commands counted by `sent`. */
  fail(count = 1): void {
    this.#failed += count;
  }

  /**
   * Counts one command refused for a reason the breaker must not weigh (its slot's Cluster
   * master is lost): in the rate, not in `sentNow` or `failedNow`.
   */
  excuse(): void {
    this.#excused++;
  }

  /** Closes the current second. */
  rotate(): void {
    this.#past.push([this.#sent + this.#excused, this.#failed + this.#excused]);
    if (this.#past.length > this.#seconds) this.#past.shift();
    this.#sent = 0;
    this.#failed = 0;
    this.#excused = 0;
  }

  /** Share of commands that did not fail over the window, 0..1; `1` when none was sent. */
  rate(): number {
    let sent = this.#sent + this.#excused;
    let failed = this.#failed + this.#excused;
    for (const [s, f] of this.#past) {
      sent += s;
      failed += f;
    }
    return sent === 0 ? 1 : Math.max(0, (sent - failed) / sent);
  }
}
