/** Base class of every error the harness throws; `code` is stable. */
export class TestingError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`@redis-infra/testing: ${message}`, options);
    this.name = 'TestingError';
    this.code = code;
  }
}

/** `redis-server` is not on PATH (or `REDIS_SERVER_BIN` points nowhere). */
export class RedisServerNotFoundError extends TestingError {
  constructor(binary: string, options?: { cause?: unknown }) {
    super(
      'E_REDIS_SERVER_NOT_FOUND',
      `"${binary}" was not found. The tests start real Redis servers; install Redis ` +
        '(Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) ' +
        'or set REDIS_SERVER_BIN to the redis-server binary.',
      options,
    );
    this.name = 'RedisServerNotFoundError';
  }
}

/** A server did not start, or a topology did not reach the expected state in time. */
export class ServerStartError extends TestingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SERVER_START', message, options);
    this.name = 'ServerStartError';
  }
}

/** A condition polled by `waitFor` did not hold before the deadline. */
export class WaitTimeoutError extends TestingError {
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super('E_WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`, options);
    this.name = 'WaitTimeoutError';
  }
}
