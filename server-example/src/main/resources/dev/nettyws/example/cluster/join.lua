-- Claims the first free nick of a list for a member on a node, atomically across nodes, and renews the node's lease.
-- KEYS[1] nicks (hash nick -> node), KEYS[2] nodes (sorted set node -> lease deadline, Redis ms)
-- ARGV[1] channel, ARGV[2] node, ARGV[3] lease ms, ARGV[4] room lifetime ms, ARGV[5] 'join' or 'reclaim',
-- ARGV[6] deadline (Redis ms), ARGV[7...] the nicks to try, in order
-- Returns the nick claimed, or nil when all are taken. 'reclaim' also accepts a nick the node already holds (after
-- its lease lapsed and was renewed). A join that reaches Redis after its deadline (the node has given up on it) is
-- refused, so that no nick is held for a member the node never admitted.
local now = server_millis()
if now > tonumber(ARGV[6]) then
  return redis.error_reply('EXPIRED the join reached Redis after its deadline')
end
purge(KEYS[1], KEYS[2], ARGV[1], now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
for i = 7, #ARGV do
  local nick = ARGV[i]
  if redis.call('HSETNX', KEYS[1], nick, ARGV[2]) == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
    redis.call('SPUBLISH', ARGV[1], 'j\n' .. nick)
    return nick
  end
  if ARGV[5] == 'reclaim' and redis.call('HGET', KEYS[1], nick) == ARGV[2] then
    return nick
  end
end
return false
