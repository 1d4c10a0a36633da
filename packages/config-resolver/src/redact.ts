/** What every secret is replaced with. */
export const REDACTED = '[redacted]';

/** A JSON value, as returned by `redact`. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options of `redact` and `redactText`. */
export interface RedactOptions {
  /** Exact secret strings to replace wherever they occur (also in percent-encoded form). @default [] */
  readonly secrets?: readonly string[];
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/\S+/gi;
/** A query parameter's value, except `db`'s (the one a Redis URL takes): any other may be a secret (`?pw=`). */
const QUERY_VALUE = /([?&](?!db=)[^=&#]*=)[^&#]*/gi;
const SECRET_KEY =
  /pass|secret|token|credential|api.?key|private.?key|^key$|^pfx$|^auth$|^authorization$|^cookie$/i;

/** An authority of `host[:port]` entries (comma-separated: sentinel and cluster endpoints), IPv6 in brackets. */
const HOST_PORTS = /^(?:(?:\[[^\]]*\]|[^:[\],/?#]+)(?::\d{1,5})?(?:,|(?=[/?#]|$)))+(?:[/?#]|$)/;

/**
 * Redacts the password of a URL-like string, parsable or not: everything between the first
 * `:` of the user info and its last `@`, and every query value but `db`'s (a password put
 * there under any name, `?pw=`, never shows). A URL with a scheme but no `@` whose authority
 * is not `host[:port]` (`redis://:pw`, `redis://user:pw`, a URL whose host was left out)
 * keeps only what comes before that `:`.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  const start = SCHEME.exec(url)?.[0].length ?? 0;
  let out = url;
  if (at !== -1) {
    const userinfo = url.slice(start, at);
    const colon = userinfo.indexOf(':');
    if (colon !== -1) {
      out = `${url.slice(0, start)}${userinfo.slice(0, colon)}:${REDACTED}${url.slice(at)}`;
    }
  } else if (start > 0) {
    const rest = url.slice(start);
    const colon = rest.indexOf(':');
    if (colon !== -1 && colon < rest.search(/[/?#]|$/) && !HOST_PORTS.test(rest)) {
      out = `${url.slice(0, start)}${rest.slice(0, colon)}:${REDACTED}`;
    }
  }
  return out.replace(QUERY_VALUE, `$1${REDACTED}`);
}

/** Redacts URL passwords inside free text (e.g. an error message) and every listed secret. */
export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text;
  for (const secret of options.secrets ?? []) {
    if (secret === '') continue;
    out = out.split(secret).join(REDACTED).split(encodeURIComponent(secret)).join(REDACTED);
  }
  return out.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/** Returns a JSON-safe deep copy in which secret-named keys, URL passwords and listed secrets are `[redacted]`. */
export function redact(value: string, options?: RedactOptions): string;
/** Returns a JSON-safe deep copy in which secret-named keys, URL passwords and listed secrets are `[redacted]`. */
export function redact(value: unknown, options?: RedactOptions): JsonValue;
export function redact(value: unknown, options: RedactOptions = {}): JsonValue {
  return walk(value, options, new WeakSet()) ?? null;
}

function walk(
  value: unknown,
  options: RedactOptions,
  seen: WeakSet<object>,
): JsonValue | undefined {
  if (typeof value === 'string') return redactText(value, options);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    return walkObject(value, options, seen);
  } finally {
    seen.delete(value);
  }
}

function walkObject(value: object, options: RedactOptions, seen: WeakSet<object>): JsonValue {
  if (ArrayBuffer.isView(value)) return '[binary]';
  if (value instanceof Date) return value.toJSON();
  if (Array.isArray(value)) return value.map((item) => walk(item, options, seen) ?? null);
  const entries: [string, unknown][] = Object.entries(value);
  if (value instanceof Error) entries.unshift(['name', value.name], ['message', value.message]);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of entries) {
    const copy = SECRET_KEY.test(key) && item !== undefined ? REDACTED : walk(item, options, seen);
    if (copy !== undefined) out[key] = copy;
  }
  return out;
}
