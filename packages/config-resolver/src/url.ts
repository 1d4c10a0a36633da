import { dbText, hostSchema, portText } from './fields.js';

/** The parts of a Redis URL; absent parts take the defaults of where the URL is used. */
export interface ParsedUrl {
  /** Hostname or IP (IPv6 without brackets), lower-cased; absent for unix sockets. */
  readonly host?: string;
  /** Port, when the URL has one. */
  readonly port?: number;
  /** Unix socket path. */
  readonly path?: string;
  /** Percent-decoded username. */
  readonly username?: string;
  /** Percent-decoded password. */
  readonly password?: string;
  /** Database, from `/db` or `?db=`. */
  readonly db?: number;
  /** `rediss://`. */
  readonly tls: boolean;
}

/** Outcome of `parseRedisUrl`; `reason` never contains any part of the input. */
export type UrlResult =
  | { readonly ok: true; readonly url: ParsedUrl }
  | { readonly ok: false; readonly reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const SCHEMES = new Set(['redis', 'rediss', 'unix']);

const fail = (reason: string): UrlResult => ({ ok: false, reason });

/** Parses `redis://`, `rediss://` (any letter case) and `unix:` URLs. */
export function parseRedisUrl(raw: string): UrlResult {
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return fail('it has no scheme');
  if (!SCHEMES.has(scheme)) return fail(`unknown scheme "${scheme}:"`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('it is not a valid URL; check the port and percent-encode the password');
  }
  if (`${url.pathname}${url.search}${url.hash}`.includes('@')) {
    return fail('"@" after the host: percent-encode @ : / ? # in the username and password');
  }
  let username: string;
  let password: string;
  let pathname: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return fail('invalid percent-encoding (write % as %25)');
  }
  const unknown = [...url.searchParams.keys()].find((key) => key !== 'db');
  if (unknown !== undefined)
    return fail(`unsupported query parameter "${unknown}"; only db is supported`);
  const isUnix = scheme === 'unix';
  const dbRaw = (isUnix ? '' : pathname.slice(1)) || (url.searchParams.get('db') ?? '');
  const db = dbRaw === '' ? undefined : dbText.safeParse(dbRaw).data;
  if (dbRaw !== '' && db === undefined) return fail('the database is not an integer in 0..15');
  const auth = {
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    ...(db === undefined ? {} : { db }),
  };
  if (isUnix) return parseUnix(url, pathname, auth);
  return parseTcp(url, scheme === 'rediss', auth);
}

function parseUnix(url: URL, path: string, auth: Omit<ParsedUrl, 'tls'>): UrlResult {
  if ((url.hostname !== '' && url.hostname !== 'localhost') || !/^\/./.test(path)) {
    return fail('a unix socket URL looks like unix:///path/to/redis.sock?db=0');
  }
  return { ok: true, url: { ...auth, path, tls: false } };
}

function parseTcp(url: URL, tls: boolean, auth: Omit<ParsedUrl, 'tls'>): UrlResult {
  if (url.hostname === '') return fail('it has no host');
  const host = hostSchema.safeParse(url.hostname);
  if (!host.success) return fail('the host is not a hostname or IP address');
  const port = url.port === '' ? undefined : portText.safeParse(url.port).data;
  if (url.port !== '' && port === undefined) return fail('the port is not an integer in 1..65535');
  return {
    ok: true,
    url: { ...auth, host: host.data, ...(port === undefined ? {} : { port }), tls },
  };
}
