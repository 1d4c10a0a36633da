/**
 * The rate limiter's Lua scripts: one round trip per request, one key per limiter and
 * client (hash-tagged by the caller, so Cluster is fine), Redis' own clock.
 *
 * Both take KEYS[1] and ARGV = window (ms), max, mode ('incr' | 'read'), continueExceeding
 * ('1' | '0'), exponentialBackoff ('1' | '0'), and return { current, ttl (ms) }.
 */

/**
 * Fixed window, as `@fastify/rate-limit`'s Redis store counts: INCR, expire on the first hit
 * (or on every hit over the limit with continueExceeding; doubling with exponentialBackoff).
 * A key that lost its expiry gets one again, so no counter lives forever.
 */
export const FIXED_WINDOW = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
if ARGV[3] == 'read' then
  local current = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then ttl = 0 end
  return { current, ttl }
end
local current = redis.call('INCR', key)
local ttl
if current == 1 or (ARGV[4] == '1' and current > max) then
  ttl = window
  redis.call('PEXPIRE', key, ttl)
elseif ARGV[5] == '1' and current > max then
  ttl = math.min(window * (2 ^ (current - max - 1)), 9007199254740991)
  redis.call('PEXPIRE', key, ttl)
else
  ttl = redis.call('PTTL', key)
  if ttl < 0 then
    ttl = window
    redis.call('PEXPIRE', key, ttl)
  end
end
return { current, ttl }
`;

/**
 * Sliding window: a weighted two-window counter in one hash (field = window start). The
 * estimate is prev * (share of the previous window still inside the sliding window) + curr.
 * It is checked before anything is written, so a rejected request consumes no quota; the
 * ttl of a rejection is the time until the estimate falls below the limit.
 */
export const SLIDING_WINDOW = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local start = now - (now % window)
local elapsed = now - start
local curr = tonumber(redis.call('HGET', key, tostring(start)) or '0')
local prev = tonumber(redis.call('HGET', key, tostring(start - window)) or '0')
local weight = (window - elapsed) / window
local estimate = math.floor(prev * weight + curr)
if ARGV[3] == 'read' then
  return { estimate, window - elapsed }
end
if estimate + 1 > max then
  local ttl = window - elapsed
  if prev > 0 and curr < max then
    -- The previous window's share must shrink until prev * w + curr + 1 <= max.
    local needed = (max - 1 - curr) / prev
    ttl = math.ceil(window - elapsed - needed * window)
    if ttl < 1 then ttl = 1 end
  end
  return { estimate + 1, ttl }
end
if curr == 0 then
  redis.call('HDEL', key, tostring(start - 2 * window))
end
redis.call('HINCRBY', key, tostring(start), 1)
redis.call('PEXPIRE', key, window * 2)
return { estimate + 1, window - elapsed }
`;
