const PREFIX = '@redis-infra/redis-manager:';

/** Base class of the manager's errors; `code` is stable, messages are redacted. */
export class RedisManagerError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`${PREFIX} ${message}`, options);
    this.name = 'RedisManagerError';
    this.code = code;
  }
}

/** Why a connection could not be made. */
export type ConnectFailure = 'refused' | 'not-found' | 'auth' | 'tls' | 'timeout' | 'unknown';

const WHY: Record<ConnectFailure, string> = {
  refused: 'the connection was refused (is Redis running and listening there?)',
  'not-found': 'the host was not found (check the hostname, or REDIS_HOST_ALIASES)',
  auth: 'authentication failed (check the username and password)',
  tls: 'the TLS handshake failed (check rediss://, the CA and REDIS_TLS_REJECT_UNAUTHORIZED)',
  timeout:
    'it did not answer in time (check the host, port, firewall, or raise REDIS_CONNECT_TIMEOUT_MS)',
  unknown: 'the connection failed',
};

/** A role could not connect at start-up (`E_REDIS_CONNECT`): which role, which endpoint (redacted), and why. */
export class RedisConnectError extends RedisManagerError {
  /** Role that failed. */
  readonly role: string;
  /** Redacted endpoint. */
  readonly endpoint: string;
  /** Classified reason. */
  readonly reason: ConnectFailure;

  constructor(
    role: string,
    endpoint: string,
    reason: ConnectFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'E_REDIS_CONNECT',
      `cannot connect role "${role}" to ${endpoint}: ${WHY[reason]} (${detail})`,
      options,
    );
    this.name = 'RedisConnectError';
    this.role = role;
    this.endpoint = endpoint;
    this.reason = reason;
  }
}

/**
 * Redis is unavailable for a role (`E_REDIS_UNAVAILABLE`): its breaker is open or no
 * connection is up. Thrown at once instead of waiting for a timeout.
 */
export class RedisUnavailableError extends RedisManagerError {
  /** Role (or roles, comma-separated, when they share connections). */
  readonly role: string;

  constructor(role: string, why: string, options?: { cause?: unknown }) {
    super('E_REDIS_UNAVAILABLE', `Redis is unavailable for role "${role}": ${why}`, options);
    this.name = 'RedisUnavailableError';
    this.role = role;
  }
}

/** `withConnection` could not get a connection in time, or its wait queue is full (`E_POOL_TIMEOUT`, `E_POOL_QUEUE_FULL`). */
export class PoolError extends RedisManagerError {
  constructor(code: 'E_POOL_TIMEOUT' | 'E_POOL_QUEUE_FULL', message: string) {
    super(code, message);
    this.name = 'PoolError';
  }
}

/** The manager is closed (`E_MANAGER_CLOSED`). */
export class ManagerClosedError extends RedisManagerError {
  constructor() {
    super('E_MANAGER_CLOSED', 'the manager is closed');
    this.name = 'ManagerClosedError';
  }
}

/** A role name the config does not define (`E_UNKNOWN_ROLE`). */
export class UnknownRoleError extends RedisManagerError {
  constructor(role: string, known: readonly string[]) {
    super(
      'E_UNKNOWN_ROLE',
      `unknown role "${role}"; the config defines ${known.map((r) => `"${r}"`).join(', ')}`,
    );
    this.name = 'UnknownRoleError';
  }
}
