import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Environment, Family, LookupFn, Platform } from './types.js';

/** Where an unresolvable development host is sent. */
export const LOOPBACK = '127.0.0.1';

/** Default lookup: `dns.promises.lookup`. */
export const defaultLookup: LookupFn = (host) => dnsLookup(host);

/** One place a host is used, for notes. */
export interface HostUse {
  /** Host as configured. */
  readonly host: string;
  /** Port it is used with. */
  readonly port: number;
  /** What it is: `redis`, `sentinel` or `cluster node`. */
  readonly kind: string;
}

/** An explicit rewrite and the variable that asked for it. */
export interface Alias {
  /** Target host. */
  readonly to: string;
  /** `REDIS_HOST_ALIASES` or `options.hostAliases`. */
  readonly source: string;
}

/** What the hostname rewrite needs to know. */
export interface HostContext {
  /** Rewrites happen only in development and test. */
  readonly environment: Environment;
  /** Rewrites happen only on a plain host. */
  readonly platform: Platform;
  /** Explicit rewrites; they always win and are never looked up. */
  readonly aliases: ReadonlyMap<string, Alias>;
  /** DNS check. */
  readonly lookup: LookupFn;
  /** Deadline for one lookup, in ms. */
  readonly timeoutMs: number;
}

/** How to map configured hosts to the hosts to connect to, and notes on every rewrite. */
export interface HostDecision {
  /** Configured host -> host to connect to. */
  readonly map: (host: string) => string;
  /** One note per rewritten (kind, host, port). */
  readonly notes: readonly string[];
}

/** A single-label name such as `redis`: not `localhost`, not an IP address. */
export function isServiceName(host: string): boolean {
  return !host.includes('.') && host !== 'localhost' && isIP(host) === 0;
}

/** Whether `lookup(host)` succeeds before the deadline; a thrown or late lookup counts as no. */
export async function resolves(
  lookup: LookupFn,
  host: string,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  const attempt = Promise.resolve()
    .then(() => lookup(host))
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** IP family for a set of hosts: 0 on Railway's private network, 6 for IPv6 literals, else 4. */
export function familyOf(hosts: readonly string[]): Family {
  if (hosts.some((host) => host.endsWith('.railway.internal'))) return 0;
  return hosts.every((host) => isIP(host) === 6) ? 6 : 4;
}

/**
 * Applies aliases, then, in development/test on a plain host, sends service names that do not
 * resolve to 127.0.0.1. Each distinct host is looked up once, all in parallel.
 */
export async function resolveHosts(
  uses: readonly HostUse[],
  context: HostContext,
): Promise<HostDecision> {
  const local = context.environment === 'development' || context.environment === 'test';
  const candidates =
    local && context.platform === 'host'
      ? [...new Set(uses.map((use) => use.host))].filter(
          (host) => !context.aliases.has(host) && isServiceName(host),
        )
      : [];
  const checks = await Promise.all(
    candidates.map(async (host) => ({
      host,
      ok: await resolves(context.lookup, host, context.timeoutMs),
    })),
  );
  const unresolved = new Set(checks.filter((check) => !check.ok).map((check) => check.host));
  const map = (host: string) =>
    context.aliases.get(host)?.to ?? (unresolved.has(host) ? LOOPBACK : host);
  const notes = new Set<string>();
  for (const { host, port, kind } of uses) {
    const alias = context.aliases.get(host);
    if (alias !== undefined) {
      notes.add(`${kind} host "${host}" rewritten to "${alias.to}" by ${alias.source}`);
    } else if (unresolved.has(host)) {
      notes.add(
        `${kind} host "${host}" does not resolve outside Docker; using ${LOOPBACK}:${port} (${context.environment})`,
      );
    }
    if (familyOf([map(host)]) === 0) {
      notes.add(
        `${kind} host "${map(host)}" is on Railway's private network; using family 0 (IPv4 and IPv6)`,
      );
    }
  }
  return { map, notes: [...notes] };
}
