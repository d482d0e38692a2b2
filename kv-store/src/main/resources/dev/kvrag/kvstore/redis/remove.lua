-- ARGV: ns, reason, member...
-- Returns the removed entries.
local removed = {}
for i = 3, #ARGV do
  local r = remove_entry(ARGV[i], ARGV[2])
  if r then table.insert(removed, r) end
end
return removed
