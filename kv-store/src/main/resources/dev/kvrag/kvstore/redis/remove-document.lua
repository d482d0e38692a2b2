-- ARGV: ns, document id
-- Removes every entry filed under the document (an entry shared with another document goes too: it is a
-- cache, the other document's next lookup recomputes it). Returns the removed entries.
local d = ARGV[2]
local removed = {}
for _, m in ipairs(redis.call('SMEMBERS', doc_key(d))) do
  local r = remove_entry(m, 'document-deleted')
  if r then table.insert(removed, r) end
end
redis.call('DEL', doc_key(d))
return removed
