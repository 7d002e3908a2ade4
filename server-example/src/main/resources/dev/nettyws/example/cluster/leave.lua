-- Gives up a nick the node holds and announces the leave.
-- KEYS[1] nicks; ARGV[1] channel, ARGV[2] node, ARGV[3] nick
-- Returns 1 if the node held the nick, 0 otherwise.
if redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[3])
  redis.call('SPUBLISH', ARGV[1], 'l\n' .. ARGV[3])
  return 1
end
return 0
