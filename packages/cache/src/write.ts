import type { CacheCore } from './core.js';
import { encodeEnvelope } from './envelope.js';
import { SerializationError, ValueTooLargeError } from './errors.js';
import type { KeySpace } from './keys.js';
import { entrySize } from './l1.js';
import { jittered } from './options.js';

/** How an entry is written. */
export interface WriteOptions {
  ttl: number;
  grace: number;
  tags: readonly string[];
  /** Versions read before the value was computed, by tag name (they win: older is safer). */
  known?: ReadonlyMap<string, number> | undefined;
}

/** An entry ready to write: serialized and checked. */
export interface Prepared {
  key: string;
  /** The key in L1 (`KeySpace.l1Key`). */
  l1Key: string;
  redisKey: string;
  value: unknown;
  payload: string;
  ttl: number;
  grace: number;
  tags: readonly string[];
  known: ReadonlyMap<string, number> | undefined;
}

/** An entry on its way to both tiers. */
interface Row {
  entry: Prepared;
  ttl: number;
  expiresAt: number;
  tagKeys: string[] | undefined;
  versions: number[] | undefined;
}

/** Serializes and checks a value for writing; throws `E_SERIALIZE` or `E_VALUE_TOO_LARGE`. */
export function prepare(
  core: CacheCore,
  ns: KeySpace,
  key: string,
  value: unknown,
  options: WriteOptions,
): Prepared {
  let payload: unknown;
  try {
    payload = core.options.serializer.serialize(value);
  } catch (cause) {
    throw new SerializationError(key, { cause });
  }
  if (typeof payload !== 'string') throw new SerializationError(key);
  const { maxValueBytes } = core.options;
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no byte count.
  if (payload.length > maxValueBytes / 3) {
    const bytes = Buffer.byteLength(payload);
    if (bytes > maxValueBytes) throw new ValueTooLargeError(key, bytes, maxValueBytes);
  }
  const { ttl, grace, tags, known } = options;
  const l1Key = ns.l1Key(key);
  return { key, l1Key, redisKey: ns.redisKey(l1Key), value, payload, ttl, grace, tags, known };
}

/**
 * Writes prepared entries to Redis (`SET PX`, TTL jittered, kept `grace` past expiry; on
 * standalone Redis the SETs of a batch are auto-pipelined into one round trip), then to L1,
 * and tells the other instances in one message. Redis failures leave the entries in L1.
 */
export async function write(
  core: CacheCore,
  ns: KeySpace,
  entries: readonly Prepared[],
): Promise<void> {
  const now = Date.now();
  const rows = entries.map((entry): Row => {
    const ttl = jittered(entry.ttl, core.options.jitter);
    const tagKeys = entry.tags.length > 0 ? entry.tags.map((tag) => ns.tag(tag)) : undefined;
    return { entry, ttl, expiresAt: now + ttl, tagKeys, versions: undefined };
  });
  try {
    await core.attempt(() => Promise.all(rows.map((row) => store(core, row))));
  } finally {
    core.bus?.publish({ op: 's', keys: entries.map((entry) => entry.redisKey) });
    for (const { entry, expiresAt, tagKeys, versions } of rows) {
      core.keep(entry.l1Key, {
        value: entry.value,
        expiresAt,
        staleUntil: expiresAt + entry.grace,
        tags: tagKeys,
        versions: tagKeys && (versions ?? core.tags.local(tagKeys)),
        size: entrySize(entry.redisKey, entry.payload),
      });
    }
  }
}

/** Writes one entry to Redis, recording its tags' versions on the row. */
async function store(core: CacheCore, row: Row): Promise<void> {
  const { entry, tagKeys, expiresAt } = row;
  const lifetime = Math.ceil(row.ttl + entry.grace);
  if (tagKeys) row.versions = await versionsFor(core, entry, tagKeys, lifetime);
  const header = {
    expiresAt,
    staleUntil: expiresAt + entry.grace,
    tags: tagKeys && [...entry.tags],
    versions: row.versions,
  };
  await core.redis.set(entry.redisKey, encodeEnvelope(header, entry.payload), lifetime);
}

/** Tag versions to record: those read before the value was computed, else current ones. */
async function versionsFor(
  core: CacheCore,
  entry: Prepared,
  tagKeys: string[],
  lifetime: number,
): Promise<number[]> {
  const current = await core.tags.forWrite(tagKeys, lifetime);
  const { known } = entry;
  return known ? entry.tags.map((tag, i) => known.get(tag) ?? (current[i] as number)) : current;
}
