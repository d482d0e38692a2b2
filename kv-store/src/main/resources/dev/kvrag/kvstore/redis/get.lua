-- ARGV: ns, member, tokens
-- A counted lookup: {1, blob, document ids} on a hit; {0} or {0, {removed entry}} on a miss (an entry whose blob
-- expired is cleaned up on the way).
local m, tokens = ARGV[2], tonumber(ARGV[3])
local _, protected_cap, ttl = config()
stat('lookups', 1)
stat('lookup_tokens', tokens)
local blob = redis.call('GET', blob_key(m))
if not blob then
  stat('misses', 1)
  stat('miss_tokens', tokens)
  if redis.call('EXISTS', meta_key(m)) == 1 then
    local gone = remove_entry(m, 'ttl')
    if gone then return {0, gone} end
  end
  return {0}
end
local meta = redis.call('HMGET', meta_key(m), 'bytes', 'segment', 'docs')
if not meta[1] then
  -- A blob written around the store is unaccounted for: never served.
  redis.call('DEL', blob_key(m))
  stat('misses', 1)
  stat('miss_tokens', tokens)
  return {0}
end
local bytes = tonumber(meta[1])
redis.call('HSET', meta_key(m), 'last_access', now_ms())
redis.call('HINCRBY', meta_key(m), 'hits', 1)
touch(m, meta[2], bytes, protected_cap)
if ttl > 0 then redis.call('PEXPIRE', blob_key(m), ttl) end
stat('hits:redis', 1)
stat('hit_tokens:redis', tokens)
stat('bytes_read:redis', bytes)
return {1, blob, meta[3]}
