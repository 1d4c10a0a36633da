/** How a call settled and how long it took. */
export interface Timed<T> {
  /** Milliseconds from the call to its settlement. */
  ms: number;
  /** The value, when it resolved. */
  value?: T;
  /** The error, when it rejected. */
  error?: unknown;
}

/** Runs `fn` and resolves (never rejects) with how long it took and how it settled. */
export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}
