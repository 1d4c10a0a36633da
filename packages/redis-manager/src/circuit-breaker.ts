/** `closed`: calls flow. `open`: calls fail at once. `half-open`: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Breaker settings. */
export interface BreakerOptions {
  /**
   * Failures (timeouts, lost connections) within one second that open the breaker, when
   * they are also at least half of the commands settled in that second. @default 5
   */
  failureThreshold?: number;
  /** How long the breaker stays open before it lets one probe through. @default 1000 */
  cooldownMs?: number;
}

/**
 * A per-endpoint circuit breaker: opens when failures dominate (or when told the connection
 * is gone), goes half-open after `cooldownMs` and calls `onChange` on every transition so
 * that its owner can send a probe; a success closes it, a failed probe re-opens it.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #timer: NodeJS.Timeout | undefined;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #onChange: (state: BreakerState) => void;

  constructor(options: BreakerOptions, onChange: (state: BreakerState) => void) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 1_000;
    this.#onChange = onChange;
  }

  /** The current state. */
  get state(): BreakerState {
    return this.#state;
  }

  /** A probe (or a new connection) succeeded: closes the breaker. */
  success(): void {
    if (this.#state !== 'closed') {
      clearTimeout(this.#timer);
      this.#set('closed');
    }
  }

  /**
   * A call failed; `failed` and `settled` (replied or failed) count the current second. A
   * failed probe re-opens at once; otherwise the breaker opens when
   * `failed >= failureThreshold` and `failed >= settled / 2`.
   */
  failure(failed: number, settled: number): void {
    const dominant = failed >= this.#threshold && failed * 2 >= settled;
    if (this.#state === 'half-open' || (this.#state === 'closed' && dominant)) this.open();
  }

  /** Opens now (or again) and schedules the half-open probe. */
  open(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#set('half-open'), this.#cooldownMs);
    this.#timer.unref();
    if (this.#state !== 'open') this.#set('open');
  }

  /** Stops the cooldown timer for good. */
  dispose(): void {
    clearTimeout(this.#timer);
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.#onChange(state);
  }
}
