import { z } from 'zod';
import {
  addDetail,
  aliasListText,
  aliasRecord,
  boolText,
  connectionName,
  dbText,
  environmentText,
  fallbackText,
  hostSchema,
  intNumber,
  intText,
  MAX_MS,
  nodeListArray,
  nodeListText,
  portText,
  socketPath,
} from './fields.js';
import { type Naming, toProblems } from './problems.js';
import type { ConfigOptions, ConfigProblem } from './types.js';
import { parseRedisUrl } from './url.js';

const URL_TEXT = 'a redis://, rediss:// or unix: URL such as redis://user:password@host:6379/0';
const HOST = 'a hostname or IP address';
const PORT = 'an integer in 1..65535';
const DB = 'an integer in 0..15';
const TEXT = 'a string';
const BOOL_TEXT = 'true, false, 1, 0, yes, no, on or off';
const BOOL = 'true or false';
const POOL = 'an integer in 1..256';
const TIMEOUT = `an integer number of milliseconds in 1..${MAX_MS}`;
const INTERVAL = `an integer number of milliseconds in 0..${MAX_MS} (0 disables)`;
const FALLBACK = 'auto, memory or off';
const NODES_TEXT = 'host:port,... (IPv6 in brackets)';
const NODES = 'an array of { host, port? }';
const ROLE = 'an object of role options under a name like "sessions" (letters, digits, _ and -)';

/** Blank strings and empty arrays count as unset; other strings are trimmed. */
function blank(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return Array.isArray(value) && value.length === 0 ? undefined : value;
}

function field<T extends z.ZodType>(schema: T, accepts: string) {
  return z.preprocess(blank, schema.optional()).describe(accepts);
}

const redisUrl = z.string().transform((raw, ctx) => {
  const result = parseRedisUrl(raw);
  if (result.ok) return result.url;
  addDetail(ctx, raw, result.reason);
  return z.NEVER;
});

/** Every environment variable the resolver validates, with what it accepts. */
export const ENV_SHAPE = {
  ENVIRONMENT: field(environmentText, 'development, dev, test, staging, production or prod'),
  NODE_ENV: field(z.string(), TEXT),
  RAILWAY_ENVIRONMENT_NAME: field(z.string(), TEXT),
  REDIS_URL: field(redisUrl, URL_TEXT),
  REDIS_PRIVATE_URL: field(redisUrl, URL_TEXT),
  REDIS_TLS_URL: field(redisUrl, URL_TEXT),
  REDIS_PUBLIC_URL: field(redisUrl, URL_TEXT),
  REDIS_HOST: field(hostSchema, HOST),
  REDIS_PORT: field(portText, PORT),
  REDIS_DB: field(dbText, DB),
  REDIS_USERNAME: field(z.string(), TEXT),
  REDIS_PASSWORD: field(z.string(), TEXT),
  REDISHOST: field(hostSchema, HOST),
  REDISPORT: field(portText, PORT),
  REDISUSER: field(z.string(), TEXT),
  REDISPASSWORD: field(z.string(), TEXT),
  REDIS_SSL_ENABLED: field(boolText, BOOL_TEXT),
  REDIS_TLS_CA: field(z.string(), TEXT),
  REDIS_TLS_CERT: field(z.string(), TEXT),
  REDIS_TLS_KEY: field(z.string(), TEXT),
  REDIS_TLS_REJECT_UNAUTHORIZED: field(boolText, BOOL_TEXT),
  REDIS_TLS_ALLOW_INSECURE: field(boolText, BOOL_TEXT),
  REDIS_CONNECTION_POOL_SIZE: field(intText(1, 256), POOL),
  REDIS_CONNECT_TIMEOUT_MS: field(intText(1, MAX_MS), TIMEOUT),
  REDIS_COMMAND_TIMEOUT_MS: field(intText(1, MAX_MS), TIMEOUT),
  REDIS_RETRY_ON_TIMEOUT: field(boolText, BOOL_TEXT),
  REDIS_HEALTH_CHECK_INTERVAL_MS: field(intText(0, MAX_MS), INTERVAL),
  REDIS_KEY_PREFIX: field(z.string(), TEXT),
  REDIS_FALLBACK: field(fallbackText, FALLBACK),
  RATE_LIMIT_STORAGE_URL: field(redisUrl, URL_TEXT),
  CACHE_REDIS_URL: field(redisUrl, URL_TEXT),
  REDIS_SENTINELS: field(nodeListText(26379), `${NODES_TEXT}, port defaulting to 26379`),
  REDIS_SENTINEL_NAME: field(z.string(), TEXT),
  REDIS_SENTINEL_PASSWORD: field(z.string(), TEXT),
  REDIS_CLUSTER_NODES: field(nodeListText(6379), `${NODES_TEXT}, port defaulting to 6379`),
  REDIS_HOST_ALIASES: field(aliasListText, 'from=to,... with hostnames or IP addresses'),
  KUBERNETES_SERVICE_HOST: field(z.string(), TEXT),
  DYNO: field(z.string(), TEXT),
};

/** Settings a role accepts in `options.roles.<name>`, also valid at the top of `options`. */
export const ROLE_SHAPE = {
  url: field(z.string().pipe(redisUrl), URL_TEXT),
  host: field(hostSchema, HOST),
  port: field(intNumber(1, 65535), PORT),
  path: field(socketPath, 'an absolute unix socket path'),
  db: field(intNumber(0, 15), DB),
  username: field(z.string(), TEXT),
  password: field(z.string(), TEXT),
  tls: field(z.boolean(), BOOL),
  tlsCa: field(z.string(), TEXT),
  tlsCert: field(z.string(), TEXT),
  tlsKey: field(z.string(), TEXT),
  tlsRejectUnauthorized: field(z.boolean(), BOOL),
  sentinels: field(nodeListArray(26379), NODES),
  sentinelName: field(z.string(), TEXT),
  sentinelPassword: field(z.string(), TEXT),
  clusterNodes: field(nodeListArray(6379), NODES),
  poolSize: field(intNumber(1, 256), POOL),
  connectTimeoutMs: field(intNumber(1, MAX_MS), TIMEOUT),
  commandTimeoutMs: field(intNumber(1, MAX_MS), TIMEOUT),
  retryOnTimeout: field(z.boolean(), BOOL),
  keyPrefix: field(z.string(), TEXT),
  connectionName: field(connectionName, 'a name without spaces'),
};

const roleSchema = z.strictObject(ROLE_SHAPE);

/** Every key `ConfigOptions` accepts, with what it accepts. */
export const OPTIONS_SHAPE = {
  ...ROLE_SHAPE,
  environment: field(
    z.enum(['development', 'test', 'staging', 'production']),
    'development, test, staging or production',
  ),
  fallback: field(z.enum(['auto', 'memory', 'off']), FALLBACK),
  healthCheckIntervalMs: field(intNumber(0, MAX_MS), INTERVAL),
  tlsAllowInsecure: field(z.boolean(), BOOL),
  hostAliases: field(aliasRecord, 'an object of hostname: hostname'),
  roles: field(z.record(z.string().regex(/^[A-Za-z][\w-]*$/), roleSchema), ROLE),
};

/** Validated environment variables; absent when unset or invalid. */
export type EnvValues = z.output<z.ZodObject<typeof ENV_SHAPE>>;
/** Validated options; absent when unset or invalid. */
export type OptionValues = z.output<z.ZodObject<typeof OPTIONS_SHAPE>>;
/** Validated options of one role. */
export type RoleValues = z.output<typeof roleSchema>;

/** A validation outcome: what is valid, and every problem with the rest. */
export interface Parsed<T> {
  /** Valid values; invalid ones are left out. */
  readonly values: T;
  /** One problem per invalid variable. */
  readonly problems: ConfigProblem[];
}

function parseShape<S extends z.ZodRawShape>(
  shape: S,
  input: Record<string, unknown>,
  strict: boolean,
  naming: Naming,
): Parsed<z.output<z.ZodObject<S>>> {
  const loose = z.object(shape);
  const result = (strict ? z.strictObject(shape) : loose).safeParse(input);
  if (result.success) return { values: result.data, problems: [] };
  const bad = new Set(result.error.issues.map((issue) => issue.path[0]));
  const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !bad.has(key)));
  return { values: loose.parse(rest), problems: toProblems(result.error.issues, input, naming) };
}

/** What the field accepts, from its zod description. */
const describe = (schema: unknown) => (schema as z.ZodType).description as string;

const ENV_NAMING: Naming = {
  prefix: '',
  depth: () => 1,
  accepts: (path) => describe(ENV_SHAPE[path[0] as keyof typeof ENV_SHAPE]),
  known: { top: [], nested: [] },
};

const OPTIONS_NAMING: Naming = {
  prefix: 'options.',
  depth: (path) => (path[0] === 'roles' ? Math.min(path.length, 3) : 1),
  accepts: (path) =>
    path.length === 3
      ? describe(ROLE_SHAPE[path[2] as keyof typeof ROLE_SHAPE])
      : path.length === 2
        ? ROLE
        : describe(OPTIONS_SHAPE[path[0] as keyof typeof OPTIONS_SHAPE]),
  known: { top: Object.keys(OPTIONS_SHAPE), nested: Object.keys(ROLE_SHAPE) },
};

/** Validates environment variables with zod; other variables are ignored. */
export function parseEnv(env: Readonly<Record<string, string | undefined>>): Parsed<EnvValues> {
  return parseShape(ENV_SHAPE, { ...env }, false, ENV_NAMING);
}

/** Validates options with zod; unknown keys are problems. */
export function parseOptions(options: ConfigOptions): Parsed<OptionValues> {
  return parseShape(OPTIONS_SHAPE, { ...options }, true, OPTIONS_NAMING);
}
