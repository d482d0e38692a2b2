-- ARGV: ns, tier, hits, hit tokens, bytes read, corrupt
-- Adds lookups answered by a tier above Redis (a worker's local tier), which Redis never saw.
local tier, hits, tokens, bytes = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
stat('lookups', hits)
stat('lookup_tokens', tokens)
stat('hits:' .. tier, hits)
stat('hit_tokens:' .. tier, tokens)
stat('bytes_read:' .. tier, bytes)
stat('corrupt', tonumber(ARGV[6]))
return 1
