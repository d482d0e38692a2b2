-- ARGV: ns, member
-- A read for tools: {blob, document ids} or {}; no lookup counted, recency untouched.
local m = ARGV[2]
local blob = redis.call('GET', blob_key(m))
local docs = redis.call('HGET', meta_key(m), 'docs')
if not blob or not docs then return {} end
return {blob, docs}
