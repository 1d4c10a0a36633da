/**
 * Format and version of what the cache stores in Redis: `RIC1\n<header JSON>\n<payload>`.
 * A value that does not start so (another library's, a corrupted one) is not ours: a miss.
 */
const MAGIC = 'RIC1\n';

/** What the envelope's header says about the payload. */
export interface EnvelopeHeader {
  /** Fresh until (ms since the epoch). */
  expiresAt: number;
  /** May be served stale until (ms since the epoch). */
  staleUntil: number;
  /** Tags of the entry, when it has some. */
  tags: string[] | undefined;
  /** The version of each tag when the entry was written. */
  versions: number[] | undefined;
}

/** A decoded envelope: its header and the serialized value. */
export interface Envelope extends EnvelopeHeader {
  payload: string;
}

/** Wraps a serialized value with its header. */
export function encodeEnvelope(header: EnvelopeHeader, payload: string): string {
  const head: Record<string, unknown> = { e: header.expiresAt, s: header.staleUntil };
  if (header.tags) {
    head.t = header.tags;
    head.v = header.versions;
  }
  return `${MAGIC}${JSON.stringify(head)}\n${payload}`;
}

/** The envelope in `text`, or `undefined` when `text` is not a well-formed envelope of this version. */
export function decodeEnvelope(text: string): Envelope | undefined {
  if (!text.startsWith(MAGIC)) return undefined;
  const end = text.indexOf('\n', MAGIC.length);
  if (end < 0) return undefined;
  let head: unknown;
  try {
    // Plain JSON.parse: only the four fields below are read, each type-checked, and nothing
    // is copied from it (a `__proto__` key in it stays an inert own property).
    head = JSON.parse(text.slice(MAGIC.length, end));
  } catch {
    return undefined;
  }
  if (typeof head !== 'object' || head === null) return undefined;
  const { e, s, t, v } = head as Record<string, unknown>;
  if (typeof e !== 'number' || typeof s !== 'number') return undefined;
  let tags: string[] | undefined;
  let versions: number[] | undefined;
  if (t !== undefined) {
    if (!Array.isArray(t) || !Array.isArray(v) || t.length !== v.length) return undefined;
    if (!t.every((tag) => typeof tag === 'string') || !v.every((n) => typeof n === 'number'))
      return undefined;
    tags = t;
    versions = v;
  }
  return { expiresAt: e, staleUntil: s, tags, versions, payload: text.slice(end + 1) };
}
