/** Where the app runs, as far as Redis behaviour is concerned. */
export type Environment = 'development' | 'test' | 'staging' | 'production';

/** Where the process was detected to run; only `host` allows hostname rewrites. */
export type Platform = 'docker' | 'kubernetes' | 'railway' | 'heroku' | 'host';

/** How a role talks to Redis. */
export type Mode = 'standalone' | 'sentinel' | 'cluster';

/** What the layers above do while Redis is unavailable: serve from memory, or fail. */
export type Fallback = 'memory' | 'off';

/** The fallback setting before `auto` is resolved (`memory` in development/test, else `off`). */
export type FallbackSetting = 'auto' | Fallback;

/** IP family ioredis uses for DNS lookups: 0 = IPv4 and IPv6, 4 = IPv4 only, 6 = IPv6 only. */
export type Family = 0 | 4 | 6;

/** A host and port of a sentinel or cluster node. */
export interface NodeAddress {
  /** Hostname or IP address (IPv6 without brackets). */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** A sentinel address as ioredis takes it in `sentinels`. */
export interface SentinelAddress extends NodeAddress {
  /** IP family for looking up this sentinel's host. */
  readonly family: Family;
}

/** A sentinel or cluster node as given in options; `port` defaults to 26379 (sentinel) or 6379 (cluster). */
export interface NodeAddressInput {
  /** Hostname or IP address; IPv6 with or without brackets. */
  readonly host: string;
  /** TCP port. @default 26379 for sentinels, 6379 for cluster nodes */
  readonly port?: number;
}

/** Node `tls.connect` options, ready for ioredis' `tls`. */
export interface TlsOptions {
  /** CA certificates (PEM) to trust instead of the system store. */
  readonly ca?: string;
  /** Client certificate (PEM) for mutual TLS. */
  readonly cert?: string;
  /** Client private key (PEM) for mutual TLS; a secret. */
  readonly key?: string;
  /** Verify the server certificate. */
  readonly rejectUnauthorized: boolean;
  /** SNI and certificate name: the configured hostname, kept when the host is rewritten. */
  readonly servername?: string;
}

/** Connection options ready for `new Redis(...)` (standalone, sentinel) or `redisOptions` (cluster). */
export interface RedisOptions {
  /** Host to connect to (standalone). */
  readonly host?: string;
  /** Port to connect to (standalone). */
  readonly port?: number;
  /** Unix socket path; replaces host and port. */
  readonly path?: string;
  /** IP family for DNS lookups. */
  readonly family?: Family;
  /** ACL username. */
  readonly username?: string;
  /** Password (AUTH); a secret. */
  readonly password?: string;
  /** Database number; always 0 in cluster mode. */
  readonly db: number;
  /** TLS options; absent means plain TCP. */
  readonly tls?: TlsOptions;
  /** Sentinels to ask for the master (sentinel mode). */
  readonly sentinels?: readonly SentinelAddress[];
  /** Sentinel master name (sentinel mode). */
  readonly name?: string;
  /** Password for the sentinels themselves; a secret. */
  readonly sentinelPassword?: string;
  /** `CLIENT SETNAME` value. */
  readonly connectionName?: string;
}

/** One role's resolved settings: where to connect, how, and the role's own policies. */
export interface ResolvedRole {
  /** Role name (`main`, `rateLimit`, `cache`, or one from `options.roles`). */
  readonly name: string;
  /** Topology. */
  readonly mode: Mode;
  /** Redacted identity of the server(s), e.g. `rediss://app@cache.example.com:6380/2`. */
  readonly endpoint: string;
  /** Roles with equal `shareKey` may share connections: `endpoint` plus a per-process HMAC of every connection setting, secrets included. */
  readonly shareKey: string;
  /** ioredis options. */
  readonly redis: RedisOptions;
  /** Cluster start-up nodes (cluster mode only). */
  readonly nodes?: readonly NodeAddress[];
  /** Connections in the role's pool. */
  readonly poolSize: number;
  /** Deadline for establishing a connection, in ms. */
  readonly connectTimeoutMs: number;
  /** Deadline for one command, in ms. */
  readonly commandTimeoutMs: number;
  /** Retry a command once after it timed out. */
  readonly retryOnTimeout: boolean;
  /** Prefix for every key this role writes. */
  readonly keyPrefix: string;
}

/** Resolved roles: the three built-ins plus any added in `options.roles`. */
export interface ResolvedRoles {
  /** The app's general-purpose role. */
  readonly main: ResolvedRole;
  /** Storage for the rate limiter. */
  readonly rateLimit: ResolvedRole;
  /** Storage for the L2 cache. */
  readonly cache: ResolvedRole;
  /** Roles added by the user. */
  readonly [name: string]: ResolvedRole;
}

/** A JSON-safe copy of the config with every secret replaced by `[redacted]`. */
export type RedactedConfig = Omit<ResolvedConfig, 'redacted'>;

/** The frozen result of `resolveConfig`. */
export interface ResolvedConfig {
  /** The environment the settings were resolved for. */
  readonly environment: Environment;
  /** Where the process runs. */
  readonly platform: Platform;
  /** Per-role settings. */
  readonly roles: ResolvedRoles;
  /** Behaviour while Redis is unavailable. */
  readonly fallback: Fallback;
  /** Interval between health probes in ms; 0 disables them. */
  readonly healthCheckIntervalMs: number;
  /** Human-readable decisions made while resolving (already redacted). */
  readonly notes: readonly string[];
  /** A JSON-safe, frozen copy with every secret replaced by `[redacted]`. */
  redacted(): RedactedConfig;
}

/** Settings a role can take; also the top-level defaults for every role. */
export interface RoleOptions {
  /** Redis URL (`redis://`, `rediss://`, `unix:`); replaces the inherited endpoint. @default the main endpoint */
  readonly url?: string;
  /** Hostname or IP address. @default `localhost` */
  readonly host?: string;
  /** TCP port. @default 6379 */
  readonly port?: number;
  /** Unix socket path; wins over `host`. @default none */
  readonly path?: string;
  /** Database number, 0..15. @default 0 */
  readonly db?: number;
  /** ACL username. @default none */
  readonly username?: string;
  /** Password; overrides the URL's. @default none */
  readonly password?: string;
  /** `true` forces TLS; `rediss://` always uses TLS. @default false */
  readonly tls?: boolean;
  /** CA certificate: PEM text or a file path. @default the system CAs */
  readonly tlsCa?: string;
  /** Client certificate: PEM text or a file path. @default none */
  readonly tlsCert?: string;
  /** Client private key: PEM text or a file path. @default none */
  readonly tlsKey?: string;
  /** Verify the server certificate; `false` in production needs `tlsAllowInsecure`. @default true */
  readonly tlsRejectUnauthorized?: boolean;
  /** Sentinels; switches to sentinel mode. @default none */
  readonly sentinels?: readonly NodeAddressInput[];
  /** Sentinel master name. @default `mymaster` */
  readonly sentinelName?: string;
  /** Password for the sentinels. @default none */
  readonly sentinelPassword?: string;
  /** Cluster start-up nodes; switches to cluster mode. @default none */
  readonly clusterNodes?: readonly NodeAddressInput[];
  /** Connections in the pool, 1..256. @default 1 */
  readonly poolSize?: number;
  /** Connect deadline in ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Per-command deadline in ms. @default 1000 */
  readonly commandTimeoutMs?: number;
  /** Retry a command once after a timeout. @default false */
  readonly retryOnTimeout?: boolean;
  /** Prefix for every key. @default `''` */
  readonly keyPrefix?: string;
  /** `CLIENT SETNAME` value, no spaces. @default none */
  readonly connectionName?: string;
}

/** Explicit settings; each wins over its environment variable. */
export interface ConfigOptions extends RoleOptions {
  /** Environment; skips ENVIRONMENT / NODE_ENV / RAILWAY_ENVIRONMENT_NAME. @default `development` */
  readonly environment?: Environment;
  /** Behaviour while Redis is unavailable. @default `auto` */
  readonly fallback?: FallbackSetting;
  /** Interval between health probes in ms; 0 disables. @default 10000 */
  readonly healthCheckIntervalMs?: number;
  /** Allow `tlsRejectUnauthorized: false` in production. @default false */
  readonly tlsAllowInsecure?: boolean;
  /** Host rewrites that always win, e.g. `{ redis: 'localhost' }`. @default none */
  readonly hostAliases?: Readonly<Record<string, string>>;
  /** Per-role overrides and extra roles, by role name. @default none */
  readonly roles?: Readonly<Record<string, RoleOptions>>;
}

/** Resolves when `host` resolves in DNS; rejects otherwise. */
export type LookupFn = (host: string) => Promise<unknown>;

/** Tells whether a file exists (container detection). */
export type ExistsFn = (path: string) => boolean;

/** Input of `resolveConfig`. */
export interface ResolveConfigInput {
  /** Environment variables. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Explicit settings that win over `env`. @default {} */
  readonly options?: ConfigOptions;
  /** DNS check for the hostname rewrite. @default dns.promises.lookup */
  readonly lookup?: LookupFn;
  /** Deadline for one lookup; a slower host counts as not resolving. @default 1000 */
  readonly lookupTimeoutMs?: number;
  /** File-existence check for `/.dockerenv` and `/run/.containerenv`. @default fs.existsSync */
  readonly exists?: ExistsFn;
}

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** Environment variable (`REDIS_PORT`) or option path (`options.roles.cache.port`). */
  readonly variable: string;
  /** What it got (redacted) and what it accepts. */
  readonly message: string;
}
