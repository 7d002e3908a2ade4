-- Gives up a nick the node holds, and its key, and announces the leave.
-- KEYS[1] nicks, KEYS[2] keys; ARGV[1] channel, ARGV[2] node, ARGV[3] nick, ARGV[4] its key
-- Returns 1 if the node held the nick, 0 otherwise.
if redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[3])
  if redis.call('HGET', KEYS[2], ARGV[4]) == ARGV[3] then
    redis.call('HDEL', KEYS[2], ARGV[4])
  end
  redis.call('SPUBLISH', ARGV[1], 'l\n' .. ARGV[3])
  return 1
end
return 0
