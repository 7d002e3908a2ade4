-- Shared by the scripts of RedisRoomStore; prepended to each one that uses it.

-- Redis's own clock in milliseconds: one clock for every node, whatever theirs say.
local function server_millis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Forgets the nicks of nodes whose lease ran out (a node that died without a word), with their keys, and announces
-- their leaves.
local function purge(nicks, keys, nodes, channel, now)
  local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. now)
  if #dead == 0 then
    return
  end
  local is_dead = {}
  for _, node in ipairs(dead) do
    is_dead[node] = true
  end
  local gone = {}
  local all = redis.call('HGETALL', nicks)
  for i = 1, #all, 2 do
    if is_dead[all[i + 1]] then
      gone[all[i]] = true
      redis.call('HDEL', nicks, all[i])
      redis.call('SPUBLISH', channel, 'l\n' .. all[i])
    end
  end
  if next(gone) ~= nil then
    local held = redis.call('HGETALL', keys)
    for i = 1, #held, 2 do
      if gone[held[i + 1]] then
        redis.call('HDEL', keys, held[i])
      end
    end
  end
  for _, node in ipairs(dead) do
    redis.call('ZREM', nodes, node)
  end
end
