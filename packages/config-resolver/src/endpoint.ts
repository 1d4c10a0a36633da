import { DEFAULTS } from './defaults.js';
import type { EnvValues, OptionValues } from './schema.js';
import { compact, firstOf, type Sourced } from './sourced.js';
import type { Mode, NodeAddress } from './types.js';
import type { ParsedUrl } from './url.js';

/** An endpoint before hostname rewrites: where to connect and with which credentials. */
export interface EndpointDraft {
  /** Host as configured. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Unix socket path; wins over host and port. */
  readonly path: string | undefined;
  /** ACL username. */
  readonly username: string | undefined;
  /** Password. */
  readonly password: string | undefined;
  /** Database and where it came from (`default` when defaulted). */
  readonly db: Sourced<number>;
  /** Use TLS. */
  readonly tls: boolean;
  /** Sentinels, when in sentinel mode. */
  readonly sentinels: Sourced<readonly NodeAddress[]> | undefined;
  /** Cluster nodes, when in cluster mode. */
  readonly cluster: Sourced<readonly NodeAddress[]> | undefined;
  /** Sentinel master name. */
  readonly sentinelName: string;
  /** Sentinel password. */
  readonly sentinelPassword: string | undefined;
}

/** The main endpoint and a note on where it came from. */
export interface MainEndpoint {
  /** The endpoint. */
  readonly draft: EndpointDraft;
  /** Where it came from and what was ignored. */
  readonly note: string;
}

interface Tier {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly parts: ParsedUrl | undefined;
  readonly dbVar: string;
}

const url = (name: string, parts: ParsedUrl | undefined): Tier => ({
  vars: { [name]: parts },
  parts,
  dbVar: name,
});

const group = (vars: Record<string, unknown>, parts: ParsedUrl, dbVar: string): Tier => ({
  vars,
  parts: Object.values(vars).some((value) => value !== undefined) ? parts : undefined,
  dbVar,
});

const setVars = (tier: Tier) =>
  Object.keys(tier.vars).filter((name) => tier.vars[name] !== undefined);

/** Sentinel mode, cluster mode or standalone. */
export function modeOf(endpoint: EndpointDraft): Mode {
  if (endpoint.sentinels !== undefined) return 'sentinel';
  return endpoint.cluster === undefined ? 'standalone' : 'cluster';
}

/**
 * The first tier that is set supplies the whole location and credentials: options.url >
 * options.host/path > REDIS_URL > REDIS_PRIVATE_URL > REDIS_TLS_URL > REDIS_PUBLIC_URL >
 * REDIS_HOST group > REDISHOST group > localhost:6379. Then options.port/db/username and
 * options.password > REDIS_PASSWORD override single fields.
 */
export function selectMainEndpoint(env: EnvValues, options: OptionValues): MainEndpoint {
  const tiers: Tier[] = [
    url('options.url', options.url),
    group(
      { 'options.path': options.path, 'options.host': options.host },
      { ...compact({ host: options.host, path: options.path }), tls: false },
      'options.db',
    ),
    url('REDIS_URL', env.REDIS_URL),
    url('REDIS_PRIVATE_URL', env.REDIS_PRIVATE_URL),
    url('REDIS_TLS_URL', env.REDIS_TLS_URL),
    url('REDIS_PUBLIC_URL', env.REDIS_PUBLIC_URL),
    group(
      {
        REDIS_HOST: env.REDIS_HOST,
        REDIS_PORT: env.REDIS_PORT,
        REDIS_DB: env.REDIS_DB,
        REDIS_USERNAME: env.REDIS_USERNAME,
      },
      {
        ...compact({
          host: env.REDIS_HOST,
          port: env.REDIS_PORT,
          db: env.REDIS_DB,
          username: env.REDIS_USERNAME,
        }),
        tls: false,
      },
      'REDIS_DB',
    ),
    group(
      {
        REDISHOST: env.REDISHOST,
        REDISPORT: env.REDISPORT,
        REDISUSER: env.REDISUSER,
        REDISPASSWORD: env.REDISPASSWORD,
      },
      {
        ...compact({
          host: env.REDISHOST,
          port: env.REDISPORT,
          username: env.REDISUSER,
          password: env.REDISPASSWORD,
        }),
        tls: false,
      },
      'REDISHOST',
    ),
  ];
  const [chosen, ...ignored] = tiers.filter((tier) => tier.parts !== undefined);
  const parts: ParsedUrl = chosen?.parts ?? { tls: false };
  const ignoredVars = ignored.flatMap(setVars);
  const from =
    chosen === undefined
      ? `defaults (${DEFAULTS.host}:${DEFAULTS.port})`
      : setVars(chosen).join(', ');
  const ignoring = ignoredVars.length === 0 ? '' : `; ignoring ${ignoredVars.join(', ')}`;
  const draft: EndpointDraft = {
    host: parts.host ?? DEFAULTS.host,
    port: options.port ?? parts.port ?? DEFAULTS.port,
    path: parts.path,
    username: options.username ?? parts.username,
    password: options.password ?? env.REDIS_PASSWORD ?? parts.password,
    db: firstOf([options.db, 'options.db'], [parts.db, chosen?.dbVar ?? '']) ?? {
      value: DEFAULTS.db,
      source: 'default',
    },
    tls: parts.tls,
    sentinels: firstOf<readonly NodeAddress[]>(
      [options.sentinels, 'options.sentinels'],
      [env.REDIS_SENTINELS, 'REDIS_SENTINELS'],
    ),
    cluster: firstOf<readonly NodeAddress[]>(
      [options.clusterNodes, 'options.clusterNodes'],
      [env.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES'],
    ),
    sentinelName: options.sentinelName ?? env.REDIS_SENTINEL_NAME ?? DEFAULTS.sentinelName,
    sentinelPassword: options.sentinelPassword ?? env.REDIS_SENTINEL_PASSWORD,
  };
  const topology = draft.sentinels ?? draft.cluster;
  const note =
    topology === undefined
      ? `main endpoint from ${from}${ignoring}`
      : `main ${modeOf(draft)} nodes from ${topology.source}; credentials and db from ${from}${ignoring}`;
  return { draft, note };
}
