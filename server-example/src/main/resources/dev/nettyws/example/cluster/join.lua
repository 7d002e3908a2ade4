-- Claims the first free nick of a list for a member on a node, atomically across nodes, and renews the node's lease.
-- A nick is free when no member holds it or a nick with the same key (what makes two nicks one to a reader: the
-- chat's case folded confusable skeleton), so two nodes claiming look-alike nicks at once never both get theirs.
-- KEYS[1] nicks (hash nick -> node), KEYS[2] nodes (sorted set node -> lease deadline, Redis ms),
-- KEYS[3] keys (hash key -> nick)
-- ARGV[1] channel, ARGV[2] node, ARGV[3] lease ms, ARGV[4] room lifetime ms, ARGV[5] 'join' or 'reclaim',
-- ARGV[6] deadline (Redis ms), ARGV[7...] the nicks to try, in order, each followed by its key
-- Returns the nick claimed, or nil when all are taken. 'reclaim' also accepts a nick the node already holds (after
-- its lease lapsed and was renewed). A join that reaches Redis after its deadline (the node has given up on it) is
-- refused, so that no nick is held for a member the node never admitted.
local now = server_millis()
if now > tonumber(ARGV[6]) then
  return redis.error_reply('EXPIRED the join reached Redis after its deadline')
end
purge(KEYS[1], KEYS[3], KEYS[2], ARGV[1], now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
for i = 7, #ARGV - 1, 2 do
  local nick = ARGV[i]
  local key = ARGV[i + 1]
  local holder = redis.call('HGET', KEYS[3], key)
  if holder and not redis.call('HGET', KEYS[1], holder) then
    -- A key whose nick nobody holds (removed by something that did not know keys, such as an older node's purge
    -- during a rolling upgrade): free, or the heartbeats would keep it and its look-alikes taken for good.
    redis.call('HDEL', KEYS[3], key)
    holder = false
  end
  if not holder and redis.call('HSETNX', KEYS[1], nick, ARGV[2]) == 1 then
    redis.call('HSET', KEYS[3], key, nick)
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
    redis.call('PEXPIRE', KEYS[3], ARGV[4])
    redis.call('SPUBLISH', ARGV[1], 'j\n' .. nick)
    return nick
  end
  if ARGV[5] == 'reclaim' and holder == nick and redis.call('HGET', KEYS[1], nick) == ARGV[2] then
    return nick
  end
end
return false
