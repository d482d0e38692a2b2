-- ARGV: ns, budget bytes, protected-segment cap bytes, idle TTL ms, policy name, protected fraction
-- Sets the store's policy and applies it at once: demotes what exceeds the new protected cap, evicts what
-- exceeds the new budget. Returns the evicted entries.
redis.call('HSET', K_CONFIG, 'budget_bytes', ARGV[2], 'protected_bytes', ARGV[3], 'idle_ttl_ms', ARGV[4],
  'policy', ARGV[5], 'protected_fraction', ARGV[6])
demote_until(tonumber(ARGV[3]), nil)
return evict_until(tonumber(ARGV[2]), nil)
