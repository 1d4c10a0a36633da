import { DEFAULTS } from './defaults.js';
import type { EndpointDraft } from './endpoint.js';
import type { EnvValues, OptionValues, RoleValues } from './schema.js';
import { firstOf, type Sourced } from './sourced.js';
import type { NodeAddress } from './types.js';
import type { ParsedUrl } from './url.js';

/** The built-in roles, always present. */
export const BUILT_IN_ROLES: readonly string[] = ['main', 'rateLimit', 'cache'];

/** A role before hostname rewrites and TLS loading. */
export interface RoleDraft {
  /** Role name. */
  readonly name: string;
  /** Where and how to connect. */
  readonly endpoint: EndpointDraft;
  /** CA (PEM or path) and where it came from. */
  readonly tlsCa: Sourced<string> | undefined;
  /** Client certificate (PEM or path). */
  readonly tlsCert: Sourced<string> | undefined;
  /** Client key (PEM or path). */
  readonly tlsKey: Sourced<string> | undefined;
  /** Certificate verification and where it came from. */
  readonly rejectUnauthorized: Sourced<boolean>;
  /** Pool size. */
  readonly poolSize: number;
  /** Connect deadline in ms. */
  readonly connectTimeoutMs: number;
  /** Command deadline in ms. */
  readonly commandTimeoutMs: number;
  /** Retry once after a timeout. */
  readonly retryOnTimeout: boolean;
  /** Key prefix. */
  readonly keyPrefix: string;
  /** `CLIENT SETNAME` value. */
  readonly connectionName: string | undefined;
}

/** Every role's draft and notes on roles with their own endpoint. */
export interface RoleDrafts {
  /** Built-in roles first, then the user's, in `options.roles` order. */
  readonly drafts: readonly RoleDraft[];
  /** One note per role with its own URL. */
  readonly notes: readonly string[];
}

function fromUrl(own: Sourced<ParsedUrl>, main: EndpointDraft): EndpointDraft {
  const url = own.value;
  return {
    host: url.host ?? DEFAULTS.host,
    port: url.port ?? DEFAULTS.port,
    path: url.path,
    username: url.username,
    password: url.password,
    db: { value: url.db ?? DEFAULTS.db, source: own.source },
    tls: url.tls,
    sentinels: undefined,
    cluster: undefined,
    sentinelName: main.sentinelName,
    sentinelPassword: undefined,
  };
}

/**
 * A role's own URL (`options.roles.<name>.url`, then `RATE_LIMIT_STORAGE_URL` / `CACHE_REDIS_URL`)
 * replaces the whole endpoint; otherwise it inherits the main endpoint. Other role options then
 * override single fields; policies fall back to the top-level option, then the variable, then the default.
 */
export function draftRoles(env: EnvValues, options: OptionValues, main: EndpointDraft): RoleDrafts {
  const roleUrls: Readonly<Record<string, readonly [ParsedUrl | undefined, string]>> = {
    rateLimit: [env.RATE_LIMIT_STORAGE_URL, 'RATE_LIMIT_STORAGE_URL'],
    cache: [env.CACHE_REDIS_URL, 'CACHE_REDIS_URL'],
  };
  const roles = options.roles ?? {};
  const names = [...new Set([...BUILT_IN_ROLES, ...Object.keys(roles)])];
  const notes: string[] = [];
  const drafts = names.map((name): RoleDraft => {
    const role: RoleValues = roles[name] ?? {};
    const at = `options.roles.${name}.`;
    const own = firstOf<ParsedUrl>([role.url, `${at}url`], roleUrls[name] ?? [undefined, '']);
    if (own !== undefined) notes.push(`role "${name}" endpoint from ${own.source}`);
    return {
      name,
      endpoint: override(own === undefined ? main : fromUrl(own, main), role, at, env, options),
      tlsCa: firstOf(
        [role.tlsCa, `${at}tlsCa`],
        [options.tlsCa, 'options.tlsCa'],
        [env.REDIS_TLS_CA, 'REDIS_TLS_CA'],
      ),
      tlsCert: firstOf(
        [role.tlsCert, `${at}tlsCert`],
        [options.tlsCert, 'options.tlsCert'],
        [env.REDIS_TLS_CERT, 'REDIS_TLS_CERT'],
      ),
      tlsKey: firstOf(
        [role.tlsKey, `${at}tlsKey`],
        [options.tlsKey, 'options.tlsKey'],
        [env.REDIS_TLS_KEY, 'REDIS_TLS_KEY'],
      ),
      rejectUnauthorized: firstOf(
        [role.tlsRejectUnauthorized, `${at}tlsRejectUnauthorized`],
        [options.tlsRejectUnauthorized, 'options.tlsRejectUnauthorized'],
        [env.REDIS_TLS_REJECT_UNAUTHORIZED, 'REDIS_TLS_REJECT_UNAUTHORIZED'],
        [DEFAULTS.tlsRejectUnauthorized, 'default'],
      ) as Sourced<boolean>,
      poolSize:
        role.poolSize ?? options.poolSize ?? env.REDIS_CONNECTION_POOL_SIZE ?? DEFAULTS.poolSize,
      connectTimeoutMs:
        role.connectTimeoutMs ??
        options.connectTimeoutMs ??
        env.REDIS_CONNECT_TIMEOUT_MS ??
        DEFAULTS.connectTimeoutMs,
      commandTimeoutMs:
        role.commandTimeoutMs ??
        options.commandTimeoutMs ??
        env.REDIS_COMMAND_TIMEOUT_MS ??
        DEFAULTS.commandTimeoutMs,
      retryOnTimeout:
        role.retryOnTimeout ??
        options.retryOnTimeout ??
        env.REDIS_RETRY_ON_TIMEOUT ??
        DEFAULTS.retryOnTimeout,
      keyPrefix: role.keyPrefix ?? options.keyPrefix ?? env.REDIS_KEY_PREFIX ?? DEFAULTS.keyPrefix,
      connectionName: role.connectionName ?? options.connectionName,
    };
  });
  return { drafts, notes };
}

function override(
  base: EndpointDraft,
  role: RoleValues,
  at: string,
  env: EnvValues,
  options: OptionValues,
): EndpointDraft {
  const located = role.host !== undefined || role.path !== undefined;
  const topology = located || role.sentinels !== undefined || role.clusterNodes !== undefined;
  return {
    host: role.host ?? base.host,
    port: role.port ?? base.port,
    path: located ? role.path : base.path,
    username: role.username ?? base.username,
    password: role.password ?? base.password,
    db: firstOf([role.db, `${at}db`]) ?? base.db,
    tls: base.tls || (role.tls ?? options.tls ?? env.REDIS_SSL_ENABLED ?? false),
    sentinels: topology
      ? firstOf<readonly NodeAddress[]>([role.sentinels, `${at}sentinels`])
      : base.sentinels,
    cluster: topology
      ? firstOf<readonly NodeAddress[]>([role.clusterNodes, `${at}clusterNodes`])
      : base.cluster,
    sentinelName: role.sentinelName ?? base.sentinelName,
    sentinelPassword: role.sentinelPassword ?? base.sentinelPassword,
  };
}
