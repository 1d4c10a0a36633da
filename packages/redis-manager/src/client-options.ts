import type { ResolvedRole, SentinelAddress } from '@redis-infra/config-resolver';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { type BackoffOptions, fullJitter } from './backoff.js';

/** What kind of connection the options are for. */
export type ConnectionKind = 'pool' | 'lease' | 'subscriber';

/** Reconnect policy shared by every connection of an endpoint. */
export interface ReconnectPolicy extends BackoffOptions {
  /** Delay between attempts after an authentication failure: no retry storm. @default 10000 */
  authRetryMs?: number;
}

/** Tells the retry strategies whether the last failure was an authentication failure. */
export type AuthFailed = () => boolean;

/** Cluster options as the `Cluster` constructor takes them under `exactOptionalPropertyTypes`. */
export type ClusterClientOptions = Omit<ClusterOptions, 'redisOptions'> & {
  redisOptions: Omit<NonNullable<ClusterOptions['redisOptions']>, 'replyMapping'>;
};

/** A retry strategy that never gives up: full-jitter backoff, slower after auth failures. */
export function retryStrategy(
  { authRetryMs = 10_000, ...backoff }: ReconnectPolicy,
  authFailed: AuthFailed,
) {
  return (attempt: number): number => (authFailed() ? authRetryMs : fullJitter(attempt, backoff));
}

/**
 * Reconnect when a former master answers READONLY after a failover; the command fails with
 * that READONLY error (an availability failure the breaker counts). Not 2 (reconnect and
 * re-send): a pooled connection has no offline queue after its first connect, so ioredis'
 * re-send always failed with "Stream isn't writeable", which told the caller nothing.
 */
export function reconnectOnError(error: Error): 1 | false {
  return error.message.startsWith('READONLY') ? 1 : false;
}

/** `values` without its `undefined` entries (ioredis options under `exactOptionalPropertyTypes`). */
export function compact<T extends object>(values: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as never;
}

/** Connection settings common to standalone, sentinel and cluster nodes. */
function common(role: ResolvedRole, kind: ConnectionKind) {
  const { username, password, tls, family, connectionName } = role.redis;
  return {
    ...compact({ username, password, family, tls: tls && { ...tls } }),
    ...(connectionName ? { connectionName: `${connectionName}:${kind}` } : {}),
    connectTimeout: role.connectTimeoutMs,
    // Deadlines: the subscriber's are ioredis' own; leased connections run blocking commands
    // (ioredis' blockingTimeout for those, the manager arms the rest); pooled commands get
    // theirs from the manager (one sweep per endpoint, or armed per command on Cluster).
    ...(kind === 'lease' ? { blockingTimeout: role.commandTimeoutMs } : {}),
    ...(kind === 'subscriber' ? { commandTimeout: role.commandTimeoutMs } : {}),
    // Commands in flight when a connection drops fail at once instead of waiting for it.
    maxRetriesPerRequest: kind === 'subscriber' ? null : 0,
    reconnectOnError,
    lazyConnect: true,
  };
}

/** Where a standalone or sentinel connection goes. */
function destination(role: ResolvedRole, policy: ReconnectPolicy) {
  const { host, port, path, db, sentinels, name, sentinelPassword, tls } = role.redis;
  if (role.mode !== 'sentinel') return { ...(path ? { path } : { host, port }), db };
  return {
    ...compact({ sentinelPassword, sentinelTLS: tls && { ...tls } }),
    // ioredis adds the sentinels it discovers to this list: it must be a copy.
    sentinels: (sentinels as readonly SentinelAddress[]).map((sentinel) => ({ ...sentinel })),
    name,
    role: 'master' as const,
    db,
    enableTLSForSentinelMode: tls !== undefined,
    sentinelRetryStrategy: retryStrategy(policy, () => false),
    sentinelCommandTimeout: role.connectTimeoutMs,
    failoverDetector: true,
  };
}

/** ioredis options for a standalone or sentinel connection of `role`. */
export function redisOptions(
  role: ResolvedRole,
  kind: ConnectionKind,
  policy: ReconnectPolicy,
  authFailed: AuthFailed,
): Omit<RedisOptions, 'replyMapping'> {
  return {
    ...common(role, kind),
    ...destination(role, policy),
    retryStrategy: retryStrategy(policy, authFailed),
    // Pooled connections batch their writes themselves (`WriteBatch`), for less.
    enableAutoPipelining: false,
    enableOfflineQueue: true,
    autoResubscribe: true,
  } as Omit<RedisOptions, 'replyMapping'>;
}

/** ioredis options for a cluster connection of `role`. */
export function clusterOptions(
  role: ResolvedRole,
  kind: ConnectionKind,
  policy: ReconnectPolicy,
  authFailed: AuthFailed,
): ClusterClientOptions {
  return {
    redisOptions: common(role, kind),
    clusterRetryStrategy: retryStrategy(policy, authFailed),
    // Off on Cluster: with ioredis 6, an auto-pipelined batch that spans several slots is not
    // redirected after a failover (every command keeps failing with MOVED); single commands are.
    enableAutoPipelining: false,
    // Kept on: following MOVED to a node met just now needs it; send-time deadlines bound it.
    enableOfflineQueue: true,
    lazyConnect: true,
    scaleReads: 'master',
    slotsRefreshTimeout: role.connectTimeoutMs,
    // Commands in flight when a node's connection drops fail at once, as on standalone, rather
    // than retry every 100 ms until their deadline (the node is then a lost master: see
    // `LostMasters`).
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 100,
    // Certificates name the hosts, not the IPs a lookup would turn them into.
    ...(role.redis.tls
      ? { dnsLookup: (address: string, done: (e: null, a: string) => void) => done(null, address) }
      : {}),
  } as ClusterClientOptions;
}
