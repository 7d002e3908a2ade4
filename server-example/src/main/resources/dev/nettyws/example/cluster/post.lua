-- Appends a message to its room's stream and publishes it on the room's shard channel, both or neither.
-- KEYS[1] stream, KEYS[2] the post's token
-- ARGV[1] channel, ARGV[2] body, ARGV[3] stream length (MAXLEN ~), ARGV[4] deadline (Redis ms),
-- ARGV[5] token lifetime ms, ARGV[6] room lifetime ms
-- Returns the message's id. A post retried by the client after a lost reply finds its token and returns the id it
-- already got, instead of appending the message twice; a post that reaches Redis after its deadline (the client has
-- reported it failed) is refused rather than appended late.
local done = redis.call('GET', KEYS[2])
if done then
  return done
end
if server_millis() > tonumber(ARGV[4]) then
  return redis.error_reply('EXPIRED the post reached Redis after its deadline')
end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '0-0'
if #newest > 0 then
  prev = newest[1][1]
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'p', prev, 'b', ARGV[2])
redis.call('SET', KEYS[2], id, 'PX', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('SPUBLISH', ARGV[1], 'm\n' .. id .. '\n' .. prev .. '\n' .. ARGV[2])
return id
