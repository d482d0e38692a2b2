-- ARGV: ns, member, blob, bytes, tokens, document ids (space-separated)
-- Stores the blob and its accounting atomically, evicting first so the store never exceeds its budget.
-- Returns {replaced 0/1, all document ids, {evicted entries}}.
local m, blob, bytes, tokens, docs = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local budget, protected_cap, ttl = config()
if not budget then
  return redis.error_reply('KVSTORE_UNCONFIGURED no byte budget in ' .. K_CONFIG)
end
if bytes > budget then
  return redis.error_reply('KVSTORE_TOO_LARGE ' .. budget)
end
local old = redis.call('HMGET', meta_key(m), 'bytes', 'segment', 'docs')
local replaced = old[1] ~= false
local old_segment, old_docs = old[2] or 'probation', old[3] or ''
local delta = bytes
if replaced then delta = bytes - tonumber(old[1]) end
local evicted = evict_until(budget - delta, m)
if ttl > 0 then
  redis.call('SET', blob_key(m), blob, 'PX', ttl)
else
  redis.call('SET', blob_key(m), blob)
end
local now = now_ms()
local all_docs = docs
if replaced then
  local seen, list = {}, {}
  for _, s in ipairs({old_docs, docs}) do
    for d in string.gmatch(s, '%S+') do
      if not seen[d] then
        seen[d] = true
        table.insert(list, d)
      end
    end
  end
  all_docs = table.concat(list, ' ')
  redis.call('HSET', meta_key(m), 'bytes', bytes, 'tokens', tokens, 'docs', all_docs, 'last_access', now)
  stat('bytes', delta)
  stat('bytes:' .. old_segment, delta)
  redis.call('ZADD', segment_key(old_segment), tick(), m)
else
  redis.call('HSET', meta_key(m), 'bytes', bytes, 'tokens', tokens, 'docs', docs, 'created', now,
    'last_access', now, 'hits', 0, 'segment', 'probation')
  redis.call('ZADD', K_PROBATION, tick(), m)
  stat('bytes', bytes)
  stat('bytes:probation', bytes)
  stat('entries', 1)
end
for d in string.gmatch(all_docs, '%S+') do
  redis.call('SADD', doc_key(d), m)
end
stat('puts', 1)
stat('bytes_written', bytes)
return {replaced and 1 or 0, all_docs, evicted}
