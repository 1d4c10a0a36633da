import { inspect } from 'node:util';
import { buildRole } from './build-role.js';
import { DEFAULTS } from './defaults.js';
import { modeOf, selectMainEndpoint } from './endpoint.js';
import { resolveEnvironment } from './environment.js';
import { ConfigError } from './errors.js';
import { deepFreeze } from './freeze.js';
import { type Alias, defaultLookup, type HostUse, resolveHosts } from './hostname.js';
import { defaultExists, detectPlatform } from './platform.js';
import { redact } from './redact.js';
import { draftRoles, type RoleDraft } from './roles.js';
import { checkRules } from './rules.js';
import { type EnvValues, type OptionValues, parseEnv, parseOptions } from './schema.js';
import { firstOf } from './sourced.js';
import { loadPem, pemSources } from './tls.js';
import type {
  Environment,
  RedactedConfig,
  ResolveConfigInput,
  ResolvedConfig,
  ResolvedRoles,
} from './types.js';

/** Trims every value and drops blank ones: whitespace around values is ignored, empty means unset. */
function normalizeEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) out[name] = trimmed;
  }
  return out;
}

function hostUses(drafts: readonly RoleDraft[]): HostUse[] {
  return drafts.flatMap(({ endpoint }): HostUse[] => {
    if (endpoint.sentinels !== undefined)
      return endpoint.sentinels.value.map((node) => ({ ...node, kind: 'sentinel' }));
    if (endpoint.cluster !== undefined)
      return endpoint.cluster.value.map((node) => ({ ...node, kind: 'cluster node' }));
    return endpoint.path === undefined
      ? [{ host: endpoint.host, port: endpoint.port, kind: 'redis' }]
      : [];
  });
}

function aliasesOf(env: EnvValues, options: OptionValues): Map<string, Alias> {
  const aliases = new Map<string, Alias>();
  for (const [from, to] of env.REDIS_HOST_ALIASES ?? [])
    aliases.set(from, { to, source: 'REDIS_HOST_ALIASES' });
  for (const [from, to] of options.hostAliases ?? [])
    aliases.set(from, { to, source: 'options.hostAliases' });
  return aliases;
}

function insecureNotes(
  drafts: readonly RoleDraft[],
  allowed: string | undefined,
  environment: Environment,
): string[] {
  const sources = new Set(
    drafts
      .map((draft) => draft.rejectUnauthorized)
      .filter((s) => !s.value)
      .map((s) => s.source),
  );
  const allowedBy = environment === 'production' ? `, allowed by ${allowed}` : '';
  return [...sources].map(
    (source) => `TLS certificate verification is off (${source}=false${allowedBy})`,
  );
}

/**
 * Resolves environment variables and options into one frozen, validated config per role.
 * Throws `ConfigError` listing every problem found.
 */
export async function resolveConfig(input: ResolveConfigInput = {}): Promise<ResolvedConfig> {
  const rawEnv = normalizeEnv(input.env ?? process.env);
  const env = parseEnv(rawEnv);
  const options = parseOptions(input.options ?? {});
  const problems = [...env.problems, ...options.problems];
  const e = env.values;
  const o = options.values;
  const environment = resolveEnvironment({
    option: o.environment,
    ENVIRONMENT: e.ENVIRONMENT,
    NODE_ENV: e.NODE_ENV,
    RAILWAY_ENVIRONMENT_NAME: e.RAILWAY_ENVIRONMENT_NAME,
  });
  const platform = detectPlatform(rawEnv, input.exists ?? defaultExists);
  const main = selectMainEndpoint(e, o);
  const roles = draftRoles(e, o, main.draft);
  const allow = firstOf(
    [o.tlsAllowInsecure, 'options.tlsAllowInsecure'],
    [e.REDIS_TLS_ALLOW_INSECURE, 'REDIS_TLS_ALLOW_INSECURE'],
  );
  const allowInsecure = allow?.value === true ? allow.source : undefined;
  problems.push(
    ...checkRules({
      environment: environment.environment,
      allowInsecure,
      topologies: roles.drafts.map(({ endpoint }) => ({
        sentinels: endpoint.sentinels?.source,
        cluster: endpoint.cluster?.source,
      })),
      clusterDbs: roles.drafts
        .filter((draft) => modeOf(draft.endpoint) === 'cluster')
        .map((draft) => draft.endpoint.db),
      insecure: roles.drafts
        .filter((draft) => !draft.rejectUnauthorized.value)
        .map((draft) => draft.rejectUnauthorized.source),
    }),
  );
  const pem = await loadPem(roles.drafts.flatMap(pemSources));
  problems.push(...pem.problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const hosts = await resolveHosts(hostUses(roles.drafts), {
    environment: environment.environment,
    platform: platform.platform,
    aliases: aliasesOf(e, o),
    lookup: input.lookup ?? defaultLookup,
    timeoutMs: input.lookupTimeoutMs ?? DEFAULTS.lookupTimeoutMs,
  });
  const fallback = o.fallback ?? e.REDIS_FALLBACK ?? DEFAULTS.fallback;
  const local = environment.environment === 'development' || environment.environment === 'test';
  const data: RedactedConfig = {
    environment: environment.environment,
    platform: platform.platform,
    roles: Object.fromEntries(
      roles.drafts.map((draft) => [draft.name, buildRole(draft, hosts.map, pem.pem)]),
    ) as unknown as ResolvedRoles,
    fallback: fallback === 'auto' ? (local ? 'memory' : 'off') : fallback,
    healthCheckIntervalMs:
      o.healthCheckIntervalMs ?? e.REDIS_HEALTH_CHECK_INTERVAL_MS ?? DEFAULTS.healthCheckIntervalMs,
    notes: [
      ...environment.notes,
      platform.note,
      main.note,
      ...roles.notes,
      ...hosts.notes,
      ...insecureNotes(roles.drafts, allowInsecure, environment.environment),
    ],
  };
  const config = { ...data } as ResolvedConfig;
  const redacted = (): RedactedConfig => deepFreeze(redact(data) as unknown as RedactedConfig);
  // Logging the config whole (JSON: pino, JSON.stringify; util.inspect: console.log) shows
  // the redacted copy: the secrets stay readable as properties, never printed by accident.
  Object.defineProperties(config, {
    redacted: { value: redacted, enumerable: false },
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: { value: redacted, enumerable: false },
  });
  return deepFreeze(config);
}
