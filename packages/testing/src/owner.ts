/**
 * Whatever owns a started server and tears it down: a tap test (`t`) fits, and so does
 * {@link createScope} for code that is not a test (the bench).
 */
export interface Owner {
  /** Registers `fn` to run when the owner ends, even after a failed assertion. */
  teardown(fn: () => unknown): void;
}

/** An {@link Owner} that runs its teardowns, newest first, when `close()` is called. */
export interface Scope extends Owner {
  /** Runs every registered teardown (newest first); safe to call more than once. */
  close(): Promise<void>;
}

/** Creates a {@link Scope}: an owner for servers outside a test. */
export function createScope(): Scope {
  const teardowns: Array<() => unknown> = [];
  return {
    teardown(fn) {
      teardowns.push(fn);
    },
    async close() {
      for (let fn = teardowns.pop(); fn; fn = teardowns.pop()) await fn();
    },
  };
}
