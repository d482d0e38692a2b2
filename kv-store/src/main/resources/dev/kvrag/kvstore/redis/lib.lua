-- Shared by every script of the chunk-KV store; LuaScript puts it in front of each one. ARGV[1] is the key
-- namespace. Keys are built here rather than passed in KEYS because eviction touches entries nobody named: the
-- store needs one Redis primary (on a cluster, a namespace with a hash tag, e.g. '{kvrag}:', keeps every key in
-- one slot).
--
-- Per entry m = '<modelId>:<chunkKey>':  <ns>kv:<m> the blob, <ns>kvmeta:<m> a hash (bytes, tokens, docs,
-- created, last_access, hits, segment). Per document d: <ns>kvdoc:<d> the set of its entries. Recency:
-- <ns>kvlru:probation and <ns>kvlru:protected, sorted sets scored by a logical clock. <ns>kvstats: counters;
-- <ns>kvconfig: the budget and policy (written by the cache-service).
local ns = ARGV[1]
local K_PROBATION = ns .. 'kvlru:probation'
local K_PROTECTED = ns .. 'kvlru:protected'
local K_STATS = ns .. 'kvstats'
local K_CONFIG = ns .. 'kvconfig'

local function blob_key(m) return ns .. 'kv:' .. m end
local function meta_key(m) return ns .. 'kvmeta:' .. m end
local function doc_key(d) return ns .. 'kvdoc:' .. d end

local function segment_key(segment)
  if segment == 'protected' then return K_PROTECTED end
  return K_PROBATION
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Recency scores from one counter: totally ordered, whatever the callers' wall clocks say.
local function tick()
  return redis.call('HINCRBY', K_STATS, 'clock', 1)
end

local function stat(field, delta)
  if delta ~= 0 then redis.call('HINCRBY', K_STATS, field, delta) end
end

local function stat_value(field)
  return tonumber(redis.call('HGET', K_STATS, field)) or 0
end

-- budget (nil when nobody configured the store), protected-segment cap in bytes, idle TTL in ms
local function config()
  local c = redis.call('HMGET', K_CONFIG, 'budget_bytes', 'protected_bytes', 'idle_ttl_ms')
  return tonumber(c[1]), tonumber(c[2]) or 0, tonumber(c[3]) or 0
end

-- Removes entry m with its accounting: {m, bytes, tokens, docs, reason}, or false when it had no metadata.
local function remove_entry(m, reason)
  local meta = redis.call('HMGET', meta_key(m), 'bytes', 'tokens', 'docs', 'segment')
  redis.call('ZREM', K_PROBATION, m)
  redis.call('ZREM', K_PROTECTED, m)
  if not meta[1] then
    redis.call('DEL', blob_key(m))
    return false
  end
  local bytes, tokens, docs, segment = tonumber(meta[1]), tonumber(meta[2]) or 0, meta[3] or '', meta[4] or 'probation'
  redis.call('DEL', blob_key(m), meta_key(m))
  for d in string.gmatch(docs, '%S+') do
    redis.call('SREM', doc_key(d), m)
  end
  stat('bytes', -bytes)
  stat('bytes:' .. segment, -bytes)
  stat('entries', -1)
  stat('removed:' .. reason, 1)
  return {m, bytes, tokens, docs, reason}
end

-- The least recently used member of a segment other than keep, or nil.
local function lru_member(zset, keep)
  local c = redis.call('ZRANGE', zset, 0, 1)
  if c[1] and c[1] ~= keep then return c[1] end
  if c[2] and c[2] ~= keep then return c[2] end
  return nil
end

-- Evicts until the store holds at most limit bytes, never keep: probation (read at most once since stored)
-- before protected, least recently used first. A victim whose blob already expired is reported as 'ttl'.
local function evict_until(limit, keep)
  local evicted = {}
  while stat_value('bytes') > limit do
    local victim = lru_member(K_PROBATION, keep) or lru_member(K_PROTECTED, keep)
    if not victim then break end
    local reason = 'budget'
    if redis.call('EXISTS', blob_key(victim)) == 0 then reason = 'ttl' end
    local r = remove_entry(victim, reason)
    if r then table.insert(evicted, r) end
  end
  return evicted
end

-- Moves the protected segment's least recently used entries (never keep) to the most recent end of probation
-- until the segment holds at most cap bytes.
local function demote_until(cap, keep)
  while stat_value('bytes:protected') > cap do
    local lru = lru_member(K_PROTECTED, keep)
    if not lru then break end
    local b = tonumber(redis.call('HGET', meta_key(lru), 'bytes')) or 0
    redis.call('ZREM', K_PROTECTED, lru)
    redis.call('ZADD', K_PROBATION, tick(), lru)
    redis.call('HSET', meta_key(lru), 'segment', 'probation')
    stat('bytes:protected', -b)
    stat('bytes:probation', b)
  end
end

-- A read. Segmented LRU: a probation entry read again is promoted to protected; with cap 0 (plain LRU) it only
-- becomes the most recent entry of its segment.
local function touch(m, segment, bytes, protected_cap)
  if segment == 'probation' and protected_cap > 0 then
    redis.call('ZREM', K_PROBATION, m)
    redis.call('ZADD', K_PROTECTED, tick(), m)
    redis.call('HSET', meta_key(m), 'segment', 'protected')
    stat('bytes:probation', -bytes)
    stat('bytes:protected', bytes)
    demote_until(protected_cap, m)
  else
    redis.call('ZADD', segment_key(segment), tick(), m)
  end
end

