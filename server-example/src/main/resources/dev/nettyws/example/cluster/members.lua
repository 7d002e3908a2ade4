-- The nicks in a room on every node, without those of dead nodes.
-- KEYS[1] nicks, KEYS[2] nodes, KEYS[3] keys; ARGV[1] channel
purge(KEYS[1], KEYS[3], KEYS[2], ARGV[1], server_millis())
return redis.call('HKEYS', KEYS[1])
