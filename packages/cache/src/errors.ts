const PREFIX = '@redis-infra/cache:';

/** Keys in messages are cut to this many characters (a key may be 10 KB long). */
const KEY_CHARS = 80;

/** `key` as messages show it: quoted, cut when long. */
export function showKey(key: string): string {
  return JSON.stringify(key.length > KEY_CHARS ? `${key.slice(0, KEY_CHARS)}…` : key);
}

/** Base class of the cache's errors: a stable `code`, the `cause` kept, a prefixed message. */
export class CacheError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`${PREFIX} ${message}`, options);
    this.name = 'CacheError';
    this.code = code;
  }
}

/** `createCache` got options it cannot use (`E_INVALID_OPTION`); the message lists every problem. */
export class CacheOptionsError extends CacheError {
  /** One line per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('E_INVALID_OPTION', `invalid cache options: ${problems.join('; ')}`);
    this.name = 'CacheOptionsError';
    this.problems = problems;
  }
}

/** A value's serialized form is larger than `maxValueBytes` (`E_VALUE_TOO_LARGE`). */
export class ValueTooLargeError extends CacheError {
  /** Size of the serialized value, in bytes. */
  readonly bytes: number;
  /** The configured limit, in bytes. */
  readonly maxBytes: number;

  constructor(key: string, bytes: number, maxBytes: number) {
    super(
      'E_VALUE_TOO_LARGE',
      `the value of key ${showKey(key)} is ${bytes} bytes serialized, over maxValueBytes (${maxBytes}); cache a smaller value or raise maxValueBytes`,
    );
    this.name = 'ValueTooLargeError';
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/** The serializer could not turn a value into a string (`E_SERIALIZE`): `undefined`, a BigInt, a cycle. */
export class SerializationError extends CacheError {
  constructor(key: string, options?: { cause?: unknown }) {
    super(
      'E_SERIALIZE',
      `the value of key ${showKey(key)} cannot be serialized${reason(options?.cause)}; cache plain data (JSON by default) or pass a serializer`,
      options,
    );
    this.name = 'SerializationError';
  }
}

/** The loader of `getOrSet` threw and no stale value could stand in (`E_LOADER_FAILED`); `cause` is what it threw. */
export class LoaderError extends CacheError {
  constructor(key: string, cause: unknown) {
    super('E_LOADER_FAILED', `the loader of key ${showKey(key)} failed${reason(cause)}`, { cause });
    this.name = 'LoaderError';
  }
}

/** The loader of `getOrSet` (or the wait for another instance's) took longer than `timeout` (`E_LOADER_TIMEOUT`). */
export class LoaderTimeoutError extends CacheError {
  /** The timeout that passed, in ms. */
  readonly timeoutMs: number;

  constructor(key: string, timeoutMs: number) {
    super(
      'E_LOADER_TIMEOUT',
      `the loader of key ${showKey(key)} did not settle within ${timeoutMs} ms; its value is cached if it lands later`,
    );
    this.name = 'LoaderTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A Redis (L2) operation failed (`E_L2`). Thrown only with `suppressL2Errors: false`; by
 * default it is counted, passed to `onError`, and the cache carries on with L1.
 */
export class L2Error extends CacheError {
  constructor(role: string, cause: unknown) {
    super('E_L2', `a Redis operation for role "${role}" failed${reason(cause)}`, { cause });
    this.name = 'L2Error';
  }
}

/** A call after `close()` (`E_CACHE_CLOSED`). */
export class CacheClosedError extends CacheError {
  constructor() {
    super('E_CACHE_CLOSED', 'the cache is closed');
    this.name = 'CacheClosedError';
  }
}

function reason(cause: unknown): string {
  return cause instanceof Error ? `: ${cause.message}` : '';
}
