import { createHash } from 'node:crypto';

/** A Lua script run by SHA (`EVALSHA`), sent in full once per server (`EVAL`) when it does not know it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The server's clock in microseconds, as a decimal string (tag versions are made of it). */
const NOW_US = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])`;

/** Keeps the key alive at least ARGV[1] ms. */
const KEEP_ALIVE = `
local ttl = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[1])
if ttl < want then ttl = want end`;

/**
 * A tag's current version for writing an entry under it: the stored one, or a new one
 * (the server's clock in µs) when the tag has none yet. Keeps the tag key alive at least
 * ARGV[1] ms, so that it outlives the entry.
 */
export const TAG_VERSION = lua(`${KEEP_ALIVE}
local version = redis.call('GET', KEYS[1])
if not version then
${NOW_US}
  version = string.format('%.0f', now)
end
redis.call('SET', KEYS[1], version, 'PX', ttl)
return version`);

/**
 * Invalidates a tag: its new version is the server's clock in µs, or one more than the
 * current version if that is not below it: versions only grow, so an entry written under
 * an older version never matches again.
 */
export const TAG_BUMP = lua(`${KEEP_ALIVE}
${NOW_US}
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if current >= now then now = current + 1 end
local version = string.format('%.0f', now)
redis.call('SET', KEYS[1], version, 'PX', ttl)
return version`);

/** Extends a lease (ARGV[2] ms) if ARGV[1] still holds it. */
export const LEASE_RENEW = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

/** Releases a lease if ARGV[1] still holds it (compare-and-delete). */
export const LEASE_RELEASE = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);
