/** One documented input: an environment variable, the option that overrides it, its default and meaning. */
export interface VariableInfo {
  /** Environment variable name. */
  readonly name: string;
  /** `ConfigOptions` path that wins over it, or `''` when there is none. */
  readonly option: string;
  /** Default as shown in the README (`none` when unset means absent). */
  readonly default: string;
  /** What it does, what it accepts, and its precedence. */
  readonly description: string;
}

const MAIN_ENDPOINT =
  'The first of `options.url`, `options.host`/`options.path`, `REDIS_URL`, `REDIS_PRIVATE_URL`, `REDIS_TLS_URL`, `REDIS_PUBLIC_URL`, the `REDIS_HOST` group and the `REDISHOST` group that is set supplies the whole main endpoint; the rest are ignored with a note.';

/** Every environment variable the resolver reads; the README table is checked against this list. */
export const VARIABLES: readonly VariableInfo[] = [
  {
    name: 'ENVIRONMENT',
    option: 'environment',
    default: '`development`',
    description:
      '`development`, `dev`, `test`, `staging`, `production` or `prod`, any letter case; anything else is an error. Wins over `NODE_ENV` and `RAILWAY_ENVIRONMENT_NAME`.',
  },
  {
    name: 'NODE_ENV',
    option: '',
    default: 'none',
    description:
      'Used when `ENVIRONMENT` is unset. An unrecognised value (e.g. `local`) is ignored with a note.',
  },
  {
    name: 'RAILWAY_ENVIRONMENT_NAME',
    option: '',
    default: 'none',
    description:
      'Used when `ENVIRONMENT` and `NODE_ENV` give nothing. An unrecognised name (e.g. `pr-42`) counts as `staging`, with a note.',
  },
  {
    name: 'REDIS_URL',
    option: 'url',
    default: 'none',
    description: `Main endpoint: \`redis://[user[:password]@]host[:port][/db]\`, \`rediss://\` (TLS) in any letter case, or \`unix:///path?db=N\`. User and password are percent-decoded; IPv6 hosts go in brackets. ${MAIN_ENDPOINT}`,
  },
  {
    name: 'REDIS_PRIVATE_URL',
    option: '',
    default: 'none',
    description: 'Railway private-network URL; main endpoint when `REDIS_URL` is unset.',
  },
  {
    name: 'REDIS_TLS_URL',
    option: '',
    default: 'none',
    description: 'Heroku TLS URL; main endpoint when the URLs above are unset.',
  },
  {
    name: 'REDIS_PUBLIC_URL',
    option: '',
    default: 'none',
    description: 'Railway public (proxy) URL; main endpoint when the URLs above are unset.',
  },
  {
    name: 'REDIS_HOST',
    option: 'host',
    default: '`localhost`',
    description:
      'Hostname or IP address (IPv6 with or without brackets). With `REDIS_PORT`, `REDIS_DB` and `REDIS_USERNAME` it forms the main endpoint when no URL is set.',
  },
  {
    name: 'REDIS_PORT',
    option: 'port',
    default: '`6379`',
    description: 'Port, an integer in 1..65535. Part of the `REDIS_HOST` group.',
  },
  {
    name: 'REDIS_DB',
    option: 'db',
    default: '`0`',
    description:
      'Database, an integer in 0..15; must be 0 in cluster mode. Part of the `REDIS_HOST` group.',
  },
  {
    name: 'REDIS_USERNAME',
    option: 'username',
    default: 'none',
    description: 'ACL username. Part of the `REDIS_HOST` group.',
  },
  {
    name: 'REDIS_PASSWORD',
    option: 'password',
    default: 'none',
    description:
      "Password; overrides the password of whichever main endpoint was chosen (roles with their own URL keep that URL's).",
  },
  {
    name: 'REDISHOST',
    option: '',
    default: 'none',
    description:
      'Railway host; with `REDISPORT`, `REDISUSER` and `REDISPASSWORD` it forms the main endpoint when nothing above is set.',
  },
  { name: 'REDISPORT', option: '', default: 'none', description: 'Railway port, 1..65535.' },
  { name: 'REDISUSER', option: '', default: 'none', description: 'Railway username.' },
  { name: 'REDISPASSWORD', option: '', default: 'none', description: 'Railway password.' },
  {
    name: 'REDIS_SSL_ENABLED',
    option: 'tls',
    default: '`false`',
    description:
      '`true` forces TLS for every role; `false` leaves it to the URL scheme (`rediss://` always uses TLS).',
  },
  {
    name: 'REDIS_TLS_CA',
    option: 'tlsCa',
    default: 'none',
    description:
      'CA certificate: PEM text (contains `-----BEGIN`; `\\n` escapes allowed) or a path to a PEM file. A missing or unreadable file, or a certificate Node cannot parse, is an error.',
  },
  {
    name: 'REDIS_TLS_CERT',
    option: 'tlsCert',
    default: 'none',
    description: 'Client certificate for mutual TLS: PEM text or a file path, parsed at start-up.',
  },
  {
    name: 'REDIS_TLS_KEY',
    option: 'tlsKey',
    default: 'none',
    description:
      'Client private key for mutual TLS: PEM text or a file path, parsed at start-up. Always redacted.',
  },
  {
    name: 'REDIS_TLS_REJECT_UNAUTHORIZED',
    option: 'tlsRejectUnauthorized',
    default: '`true`',
    description:
      'Verify the server certificate. `false` is an error in production unless `REDIS_TLS_ALLOW_INSECURE=true`, and always adds a note.',
  },
  {
    name: 'REDIS_TLS_ALLOW_INSECURE',
    option: 'tlsAllowInsecure',
    default: '`false`',
    description: 'Allow `REDIS_TLS_REJECT_UNAUTHORIZED=false` in production.',
  },
  {
    name: 'REDIS_CONNECTION_POOL_SIZE',
    option: 'poolSize',
    default: '`1`',
    description:
      'Connections per role, an integer in 1..256. One auto-pipelined connection saturates Redis for small commands; raise it for large values or slow commands.',
  },
  {
    name: 'REDIS_CONNECT_TIMEOUT_MS',
    option: 'connectTimeoutMs',
    default: '`5000`',
    description: 'Deadline for establishing a connection, an integer in 1..2147483647.',
  },
  {
    name: 'REDIS_COMMAND_TIMEOUT_MS',
    option: 'commandTimeoutMs',
    default: '`1000`',
    description: 'Deadline for one command, an integer in 1..2147483647.',
  },
  {
    name: 'REDIS_RETRY_ON_TIMEOUT',
    option: 'retryOnTimeout',
    default: '`false`',
    description:
      'Retry a command once after it timed out. Off by default because `INCR`-style commands are not idempotent.',
  },
  {
    name: 'REDIS_HEALTH_CHECK_INTERVAL_MS',
    option: 'healthCheckIntervalMs',
    default: '`10000`',
    description: 'Interval between health probes, an integer in 0..2147483647; 0 disables them.',
  },
  {
    name: 'REDIS_KEY_PREFIX',
    option: 'keyPrefix',
    default: "`''`",
    description: 'Prefix for every key of every role.',
  },
  {
    name: 'REDIS_FALLBACK',
    option: 'fallback',
    default: '`auto`',
    description:
      '`auto`, `memory` or `off`. `auto` means `memory` in development and test, `off` in staging and production.',
  },
  {
    name: 'RATE_LIMIT_STORAGE_URL',
    option: 'roles.rateLimit.url',
    default: 'main endpoint',
    description:
      'URL for the `rateLimit` role; replaces its whole endpoint (credentials included). Same hostname treatment as the main endpoint.',
  },
  {
    name: 'CACHE_REDIS_URL',
    option: 'roles.cache.url',
    default: 'main endpoint',
    description: 'URL for the `cache` role; same rules as `RATE_LIMIT_STORAGE_URL`.',
  },
  {
    name: 'REDIS_SENTINELS',
    option: 'sentinels',
    default: 'none',
    description:
      'Sentinel mode: `host:port,...` (port defaults to 26379, IPv6 in brackets). Cannot be combined with `REDIS_CLUSTER_NODES`.',
  },
  {
    name: 'REDIS_SENTINEL_NAME',
    option: 'sentinelName',
    default: '`mymaster`',
    description: 'Sentinel master name.',
  },
  {
    name: 'REDIS_SENTINEL_PASSWORD',
    option: 'sentinelPassword',
    default: 'none',
    description: 'Password of the sentinels themselves.',
  },
  {
    name: 'REDIS_CLUSTER_NODES',
    option: 'clusterNodes',
    default: 'none',
    description: 'Cluster mode: start-up nodes `host:port,...` (port defaults to 6379).',
  },
  {
    name: 'REDIS_HOST_ALIASES',
    option: 'hostAliases',
    default: 'none',
    description:
      'Host rewrites that always win, in every environment: `redis=localhost,cache=10.0.0.5`. Aliased hosts are not looked up.',
  },
  {
    name: 'KUBERNETES_SERVICE_HOST',
    option: '',
    default: 'none',
    description: 'Only read to detect Kubernetes.',
  },
  { name: 'DYNO', option: '', default: 'none', description: 'Only read to detect Heroku.' },
  {
    name: 'RAILWAY_*',
    option: '',
    default: 'none',
    description: 'Any variable starting with `RAILWAY_` means the process runs on Railway.',
  },
];
