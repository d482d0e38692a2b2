-- ARGV: ns, member, tokens, bytes, SHA-1 of the blob that failed its check, counted (1 when get.lua counted the
-- read as a hit)
-- Deletes the entry if it still holds that very blob (a writer may have replaced it since) and turns the hit
-- into a miss. Returns {{removed entry}} or {}.
local m, tokens, bytes, sha, counted = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
stat('corrupt', 1)
if counted == '1' then
  stat('hits:redis', -1)
  stat('hit_tokens:redis', -tokens)
  stat('bytes_read:redis', -bytes)
  stat('misses', 1)
  stat('miss_tokens', tokens)
end
local blob = redis.call('GET', blob_key(m))
if blob and redis.sha1hex(blob) == sha then
  local r = remove_entry(m, 'corrupt')
  if r then return {r} end
end
return {}
