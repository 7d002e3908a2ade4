-- Renews a node's lease in a room where it has members, forgets the members of dead nodes, keeps the room alive.
-- KEYS[1] nicks, KEYS[2] nodes, KEYS[3] stream, KEYS[4] keys
-- ARGV[1] channel, ARGV[2] node, ARGV[3] lease ms, ARGV[4] room lifetime ms
-- Returns {1 if the node's lease was still running (0: it lapsed and its nicks were forgotten), Redis ms}.
local now = server_millis()
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[2])
local alive = 0
if deadline and tonumber(deadline) >= now then
  alive = 1
end
purge(KEYS[1], KEYS[4], KEYS[2], ARGV[1], now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
for i = 1, 4 do
  redis.call('PEXPIRE', KEYS[i], ARGV[4])
end
return {alive, now}
