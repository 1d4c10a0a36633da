/** `closed`: calls flow. `open`: calls fail at once. `half-open`: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Breaker settings. */
export interface BreakerOptions {
  /** Consecutive failures (timeouts, lost connections) that open the breaker. @default 5 */
  failureThreshold?: number;
  /** How long the breaker stays open before it lets one probe through. @default 1000 */
  cooldownMs?: number;
}

/**
 * A per-endpoint circuit breaker: opens after `failureThreshold` consecutive failures (or
 * when told the connection is gone), goes half-open after `cooldownMs` and calls `onChange`
 * on every transition so that its owner can send a probe.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
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

  /** A call succeeded: resets the failure count and closes the breaker. */
  success(): void {
    this.#failures = 0;
    if (this.#state !== 'closed') {
      clearTimeout(this.#timer);
      this.#set('closed');
    }
  }

  /** A call failed: a probe failure re-opens at once; otherwise opens at the threshold. */
  failure(): void {
    this.#failures++;
    if (
      this.#state === 'half-open' ||
      (this.#state === 'closed' && this.#failures >= this.#threshold)
    )
      this.open();
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
