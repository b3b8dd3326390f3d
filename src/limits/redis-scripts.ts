/**
 * The Lua scripts of the Redis store. Each admission is ONE script call (check every rule, then
 * take from every rule, or from none), each settlement another: Redis runs a script atomically,
 * so limits stay exact however many firewall instances share the server.
 *
 * Layout per rule: a hash `<key>` (`sum` for sliding windows; `used`/`held` for calendar windows)
 * and a sorted set `<key>:z` of entries `<reservationId>|<amount>` scored by when they stop
 * counting (sliding: taken-at + window; calendar holds: hold expiry). Expired entries are swept
 * on every touch, subtracting their amounts. `now` comes from the caller (ARGV), not Redis TIME,
 * so tests can drive windows with a fake clock; instances therefore need synchronised clocks
 * (NTP), which any production host has. Numbers are formatted with `%.0f` before going back to
 * Redis because Lua's default number formatting switches to exponent notation above 1e14.
 */

const COMMON = `
local function amountOf(member)
  local p = string.find(member, '|', 1, true)
  return tonumber(string.sub(member, p + 1)) or 0
end
local function fmt(x) return string.format('%.0f', x) end
-- Drop expired entries of a rule. Returns (inUse, used, held, freed, exp, nx): the caller folds
-- -freed into its own HINCRBY (one write per rule instead of two); exp is the hash's 'exp' field
-- (absolute ms the keys' TTL was last set to, by the callers' clock) so TTLs are refreshed only
-- when needed instead of two PEXPIREs per rule per call. Calendar hashes also keep 'nx', a lower
-- bound of every hold's expiry: holds expire only when an instance crashes, so the ZSET is
-- scanned only once now reaches nx (then nx moves to the oldest remaining hold). nx is written
-- only to a hash that carries 'exp' (i.e. has a TTL), never creating a key without one.
local function sweep(h, z, kind, now)
  local v = redis.call('HMGET', h, 'sum', 'used', 'held', 'exp', 'nx')
  local exp, nx = tonumber(v[4]), tonumber(v[5])
  local freed = 0
  if kind == 's' or not nx or nx <= now then
    local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
    if #expired > 0 then
      for _, m in ipairs(expired) do freed = freed + amountOf(m) end
      redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
    end
    if kind == 'c' then
      local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
      nx = #first == 2 and tonumber(first[2]) or nil
      if exp then
        if nx then redis.call('HSET', h, 'nx', first[2]) elseif v[5] then redis.call('HDEL', h, 'nx') end
      end
    end
  end
  if kind == 's' then
    local s = (tonumber(v[1]) or 0) - freed
    return s, s, 0, freed, exp, nil
  end
  local used, held = tonumber(v[2]) or 0, (tonumber(v[3]) or 0) - freed
  return used + held, used, held, freed, exp, nx
end
local function lastScore(z)
  local last = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #last == 2 then return tonumber(last[2]) end
  return nil
end
`;

/**
 * Check-and-reserve. KEYS: hash, zset for each rule. ARGV: id, now, holdUntil, dryRun (0/1),
 * n, grace, then per rule: kind (s|c), limit, cost, windowMs, windowEnd.
 * Returns { ok (1/0), failedIndex (1-based, 0 = none), retryAfterMs, remaining1, reset1, … }.
 *
 * Cost per rule in the steady state: sliding 5 commands (HMGET, ZRANGEBYSCORE, ZREMRANGEBYSCORE,
 * ZADD, HINCRBY), calendar 3 (HMGET, ZADD, HINCRBY); TTLs are refreshed about once per window
 * and calendar holds scanned about once per reservation TTL (see COMMON's sweep).
 */
export const RESERVE_LUA = `${COMMON}
local id, now, holdUntil = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local dry, n, grace = ARGV[4] == '1', tonumber(ARGV[5]), tonumber(ARGV[6])
local inUse, used, freed, exps, nxs = {}, {}, {}, {}, {}
for i = 1, n do
  local o = 7 + (i - 1) * 5
  local u, c, _, f, e, x = sweep(KEYS[2 * i - 1], KEYS[2 * i], ARGV[o], now)
  inUse[i], used[i], freed[i], exps[i], nxs[i] = u, c, f, e, x
end
local fail = 0
for i = 1, n do
  local o = 7 + (i - 1) * 5
  if inUse[i] + tonumber(ARGV[o + 2]) > tonumber(ARGV[o + 1]) then fail = i break end
end
local out = { fail == 0 and 1 or 0, fail, 0 }
if fail > 0 then
  local o = 7 + (fail - 1) * 5
  local kind, limit, cost = ARGV[o], tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  local windowMs, windowEnd = tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  local retry
  if cost > limit then
    retry = kind == 's' and windowMs or math.max(0, windowEnd - now)
  elseif kind == 's' then
    retry = windowMs
    local need = inUse[fail] + cost - limit
    local entries = redis.call('ZRANGE', KEYS[2 * fail], 0, 999, 'WITHSCORES')
    for j = 1, #entries, 2 do
      need = need - amountOf(entries[j])
      if need <= 0 then retry = math.max(1, tonumber(entries[j + 1]) - now) break end
    end
  elseif used[fail] + cost <= limit then
    retry = 1000 -- blocked only by in-flight holds, which settle or expire soon
  else
    retry = math.max(1, windowEnd - now)
  end
  out[3] = retry
end
for i = 1, n do
  local o = 7 + (i - 1) * 5
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local kind, limit, costS = ARGV[o], tonumber(ARGV[o + 1]), ARGV[o + 2]
  local cost, windowMs, windowEnd = tonumber(costS), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  local field = kind == 's' and 'sum' or 'held'
  local delta = -freed[i]
  local taken = 0
  if fail == 0 then
    taken = cost
    if cost > 0 and not dry then
      delta = delta + cost
      redis.call('ZADD', z, fmt(kind == 's' and now + windowMs or holdUntil), id .. '|' .. costS)
      -- TTLs are relative to the caller's clock, never Redis' own (no PEXPIREAT). Sliding keys
      -- live 2 windows and are refreshed once less than one window + 1 s is left; calendar keys
      -- live until the window's end + grace, set once per window.
      local e = exps[i]
      if kind == 's' then
        if not e or e < now + windowMs + 1000 then
          local ttl = 2 * windowMs + 1000
          redis.call('PEXPIRE', z, fmt(ttl))
          redis.call('HSET', h, 'exp', fmt(now + ttl))
          redis.call('PEXPIRE', h, fmt(ttl))
        end
      else
        local x = nxs[i]
        local nx = (not x or holdUntil < x) and fmt(holdUntil) or nil
        if e ~= windowEnd then
          local ttl = math.max(1, windowEnd + grace - now)
          redis.call('PEXPIRE', z, fmt(ttl))
          if nx then redis.call('HSET', h, 'exp', fmt(windowEnd), 'nx', nx) else redis.call('HSET', h, 'exp', fmt(windowEnd)) end
          redis.call('PEXPIRE', h, fmt(ttl))
        elseif nx then
          redis.call('HSET', h, 'nx', nx)
        end
      end
    end
  end
  if delta ~= 0 then redis.call('HINCRBY', h, field, fmt(delta)) end
  out[#out + 1] = fmt(math.max(0, limit - inUse[i] - taken))
  local reset
  if kind == 's' then
    if taken > 0 and not dry then
      reset = windowMs -- the entry just added is the newest: it leaves the window last
    else
      local last = lastScore(z)
      reset = last and math.max(0, last - now) or 0
      if taken > 0 then reset = math.max(reset, windowMs) end
    end
  else
    reset = math.max(0, windowEnd - now)
  end
  out[#out + 1] = fmt(reset)
end
return out
`;

/**
 * Settle. KEYS: hash, zset per entry. ARGV: id, now, grace, n, then per entry: kind, reserved,
 * actual, and windowEnd (calendar) or the entry's expiry score (sliding; 0 = unknown, read it).
 * A hold that already expired is gone; the actual usage is still charged.
 */
export const SETTLE_LUA = `${COMMON}
local id, now, grace, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n do
  local o = 5 + (i - 1) * 4
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local kind, reserved, actual, windowEnd = ARGV[o], ARGV[o + 1], ARGV[o + 2], tonumber(ARGV[o + 3])
  local member = id .. '|' .. reserved
  if kind == 's' then
    local score = ARGV[o + 3]
    if score == '0' then score = redis.call('ZSCORE', z, member) end
    -- ZREM says whether the entry is still in the window (not swept): only then move it.
    if score and redis.call('ZREM', z, member) == 1 then
      if tonumber(actual) > 0 then redis.call('ZADD', z, score, id .. '|' .. actual) end
      redis.call('HINCRBY', h, 'sum', fmt(tonumber(actual) - tonumber(reserved)))
    end
  else
    if redis.call('ZREM', z, member) == 1 then redis.call('HINCRBY', h, 'held', '-' .. reserved) end
    if tonumber(actual) > 0 then
      -- The key normally already carries its window's TTL (set at admission); it is (re)created
      -- only when the hold's hash expired or was lost, i.e. when 'used' starts from this amount.
      if redis.call('HINCRBY', h, 'used', actual) == tonumber(actual) then
        redis.call('PEXPIRE', h, fmt(math.max(1, windowEnd + grace - now)))
      end
    end
  end
end
return 1
`;

/**
 * Peek (sweeps, takes nothing). KEYS: hash, zset per rule. ARGV: now, n, then per rule: kind,
 * windowEnd. Returns used, held, resetMs per rule.
 */
export const PEEK_LUA = `${COMMON}
local now, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 1, n do
  local kind, windowEnd = ARGV[1 + 2 * i], tonumber(ARGV[2 + 2 * i])
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local _, used, held, freed = sweep(h, z, kind, now)
  if freed ~= 0 then redis.call('HINCRBY', h, kind == 's' and 'sum' or 'held', fmt(-freed)) end
  local reset = 0
  if kind == 's' then
    local last = lastScore(z)
    reset = last and math.max(0, last - now) or 0
  else
    reset = math.max(0, windowEnd - now)
  end
  out[#out + 1] = fmt(used)
  out[#out + 1] = fmt(held)
  out[#out + 1] = fmt(reset)
end
return out
`;
