-- ARGV: ns, segment ('probation' or 'protected'), start index, count
-- Removes entries of one slice of a segment whose blob is gone (idle TTL expired). Returns {next start index,
-- or -1 after the last slice, {removed entries}}.
local zset = segment_key(ARGV[2])
local start, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local members = redis.call('ZRANGE', zset, start, start + count - 1)
local removed, gone = {}, 0
for _, m in ipairs(members) do
  if redis.call('EXISTS', blob_key(m)) == 0 then
    gone = gone + 1
    local r = remove_entry(m, 'ttl')
    if r then table.insert(removed, r) end
  end
end
local next_start = start + #members - gone
if #members < count then next_start = -1 end
return {next_start, removed}
