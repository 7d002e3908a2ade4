-- The messages of a room after an id (or the newest ones), oldest first.
-- KEYS[1] stream
-- ARGV[1] the id to read after, or '' for the newest messages; ARGV[2] how many at most (the newest of them)
-- Returns {complete, id, prev, body, id, prev, body, ...}. complete is 1 when nothing between the id asked for and
-- the first message returned is missing: the first one's predecessor is that id (or, with nothing after it, the id
-- is the newest). It is 0 when messages after the id fell out of the stream, or the stream is not the one the id
-- came from.
local after = ARGV[1]
local low = '-'
if after ~= '' then
  low = '(' .. after
end
local entries = redis.call('XREVRANGE', KEYS[1], '+', low, 'COUNT', tonumber(ARGV[2]))
local complete = 1
if after ~= '' then
  if #entries == 0 then
    local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
    if #newest == 0 then
      if after ~= '0-0' then
        complete = 0
      end
    elseif newest[1][1] ~= after then
      complete = 0
    end
  end
end
local out = {complete}
for i = #entries, 1, -1 do
  local id = entries[i][1]
  local fields = entries[i][2]
  local prev, body = '', ''
  for f = 1, #fields, 2 do
    if fields[f] == 'p' then
      prev = fields[f + 1]
    elseif fields[f] == 'b' then
      body = fields[f + 1]
    end
  end
  if i == #entries and after ~= '' and prev ~= after then
    complete = 0
  end
  out[#out + 1] = id
  out[#out + 1] = prev
  out[#out + 1] = body
end
out[1] = complete
return out
