/**
 * The Lua scripts of the Redis store. Each admission is ONE script call (check every rule, then
 * take from every rule, or from none), which also applies the settlements queued since the last
 * one (redis-store.ts); settlements with no admission to carry them go out as a batch. Redis runs
 * a script atomically, so limits stay exact however many firewall instances share the server.
 *
 * Cost matters: on a loaded 2-core host each redis.call inside a script costs several µs
 * (bench:limits, Redis CPU ms per request), so the scripts avoid calls: request counters
 * (`u` rules: every entry counts 1, never settled) are swept with one ZREMRANGEBYSCORE whose
 * count is the amount freed, and replies are integers rather than formatted strings.
 *
 * Layout per rule: a hash `<key>` (`sum` for sliding windows; `used`/`held` for calendar windows)
 * and a sorted set `<key>:z` of entries `<reservationId>|<amount>` scored by when they stop
 * counting (sliding: taken-at + window; calendar holds: hold expiry). Expired entries are swept
 * on every touch, subtracting their amounts. `now` comes from the caller (ARGV), not Redis TIME,
 * so tests can drive windows with a fake clock; instances therefore need synchronised clocks
 * (NTP), which any production host has. Numbers written to Redis are formatted with `%.0f`
 * because Lua's default number formatting switches to exponent notation above 1e14; replies are
 * Lua numbers (integer replies, exact below 2^53).
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
  if kind ~= 'c' then
    local v = redis.call('HMGET', h, 'sum', 'exp')
    local freed = 0
    if kind == 'u' then
      -- Unit entries (each counts 1, never settled): the removed count is the amount freed, so
      -- one command instead of reading the expired members first.
      freed = redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
    else
      local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
      if #expired > 0 then
        for _, m in ipairs(expired) do freed = freed + amountOf(m) end
        redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
      end
    end
    local s = (tonumber(v[1]) or 0) - freed
    return s, s, 0, freed, tonumber(v[2]), nil
  end
  local v = redis.call('HMGET', h, 'used', 'held', 'exp', 'nx')
  local exp, nx = tonumber(v[3]), tonumber(v[4])
  local freed = 0
  if not nx or nx <= now then
    local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
    if #expired > 0 then
      for _, m in ipairs(expired) do freed = freed + amountOf(m) end
      redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
    end
    local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
    nx = #first == 2 and tonumber(first[2]) or nil
    if exp then
      if nx then redis.call('HSET', h, 'nx', first[2]) elseif v[4] then redis.call('HDEL', h, 'nx') end
    end
  end
  local used, held = tonumber(v[1]) or 0, (tonumber(v[2]) or 0) - freed
  return used + held, used, held, freed, exp, nx
end
local function lastScore(z)
  local last = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #last == 2 then return tonumber(last[2]) end
  return nil
end
-- Settle the entries given in ARGV[a..] against the KEYS pairs from index k. 7 arguments per
-- entry, all prepared by the caller so this loop builds no strings: kind (s|c), the admission's
-- member (id|reserved), the member for the actual amount ('' = none), the sliding entry's score
-- ('0' = unknown, read it), the counter delta (sliding: actual - reserved; calendar: -reserved),
-- the calendar usage to add ('0' = none), and the calendar key's TTL should it be recreated.
-- A hold that already expired is gone; the actual usage is still charged.
local function settleAll(a, m, k)
  for i = 1, m do
    local o = a + (i - 1) * 7
    local h, z = KEYS[k + 2 * i - 2], KEYS[k + 2 * i - 1]
    if ARGV[o] ~= 'c' then
      local score = ARGV[o + 3]
      if score == '0' then score = redis.call('ZSCORE', z, ARGV[o + 1]) end
      -- ZREM says whether the entry is still in the window (not swept): only then move it.
      if score and redis.call('ZREM', z, ARGV[o + 1]) == 1 then
        if ARGV[o + 2] ~= '' then redis.call('ZADD', z, score, ARGV[o + 2]) end
        redis.call('HINCRBY', h, 'sum', ARGV[o + 4])
      end
    else
      if redis.call('ZREM', z, ARGV[o + 1]) == 1 then redis.call('HINCRBY', h, 'held', ARGV[o + 4]) end
      local add = ARGV[o + 5]
      -- The key normally already carries its window's TTL (set at admission); it is (re)created
      -- only when the hold's hash expired or was lost, i.e. when 'used' starts from this amount.
      if add ~= '0' and redis.call('HINCRBY', h, 'used', add) == tonumber(add) then
        redis.call('PEXPIRE', h, ARGV[o + 6])
      end
    end
  end
end
`;

/**
 * Check-and-reserve. KEYS: hash, zset for each rule, then hash, zset for each settle entry.
 * ARGV: now, holdUntil, dryRun (0/1), n, grace, m, then 7 per rule: kind (u|s|c|n), limit, cost,
 * member (`<id>|<cost>`), score (sliding: now + windowMs; calendar: holdUntil), windowMs,
 * windowEnd; then 7 per settle entry (see settleAll). The settlements queued since the last call
 * ride along and are applied first, so a request needs one round trip, not two. The caller
 * prepares members and scores as strings: string building is slow in Redis' Lua.
 * Returns { ok (1/0), failedIndex (1-based, 0 = none), retryAfterMs, remaining1, reset1, … }.
 *
 * Cost per rule in the steady state: sliding 5 commands (HMGET, ZRANGEBYSCORE, ZREMRANGEBYSCORE,
 * ZADD, HINCRBY), request counters 4 (HMGET, ZREMRANGEBYSCORE, ZADD, HINCRBY) or, next to a
 * tokens-per-minute rule, 1 (`n`: ZCARD of that rule's entries, KEYS are the companion's),
 * calendar 3 (HMGET, ZADD, HINCRBY); TTLs are refreshed about once per window and calendar holds scanned about once
 * per reservation TTL (see COMMON's sweep).
 */
export const RESERVE_LUA = `${COMMON}
local now, holdUntil, holdN = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[2])
local dry, n, grace, m = ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if m > 0 then settleAll(7 + n * 7, m, 2 * n + 1) end
local inUse, used, freed, exps, nxs, costs, limits = {}, {}, {}, {}, {}, {}, {}
for i = 1, n do
  local o = 7 + (i - 1) * 7
  costs[i], limits[i] = tonumber(ARGV[o + 2]), tonumber(ARGV[o + 1])
  if ARGV[o] ~= 'n' then
    local u, c, _, f, e, x = sweep(KEYS[2 * i - 1], KEYS[2 * i], ARGV[o], now)
    inUse[i], used[i], freed[i], exps[i], nxs[i] = u, c, f, e, x
  end
end
local fail = 0
for i = 1, n do
  -- An 'n' rule counts the live entries of its sliding companion (same admission, swept above).
  if ARGV[7 + (i - 1) * 7] == 'n' then
    local c = redis.call('ZCARD', KEYS[2 * i])
    inUse[i], used[i], freed[i] = c, c, 0
  end
  if fail == 0 and inUse[i] + costs[i] > limits[i] then fail = i end
end
local out = { fail == 0 and 1 or 0, fail, 0 }
if fail > 0 then
  local o = 7 + (fail - 1) * 7
  local kind, limit, cost = ARGV[o], limits[fail], costs[fail]
  local windowMs, windowEnd = tonumber(ARGV[o + 5]), tonumber(ARGV[o + 6])
  local retry
  if cost > limit then
    retry = kind ~= 'c' and windowMs or math.max(0, windowEnd - now)
  elseif kind ~= 'c' then
    retry = windowMs
    local need = inUse[fail] + cost - limit
    local entries = redis.call('ZRANGE', KEYS[2 * fail], 0, 999, 'WITHSCORES')
    for j = 1, #entries, 2 do
      need = need - (kind == 'n' and 1 or amountOf(entries[j]))
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
  local o = 7 + (i - 1) * 7
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local kind, cost, f = ARGV[o], costs[i], freed[i]
  local field = kind ~= 'c' and 'sum' or 'held'
  local windowMs = tonumber(ARGV[o + 5])
  local taken = fail == 0 and cost or 0 -- a dry run reports what would be left after taking
  -- Sliding entries are added even at cost 0: an 'n' rule may count them.
  if fail == 0 and not dry and kind ~= 'n' and (taken > 0 or kind == 's') then
    redis.call('ZADD', z, ARGV[o + 4], ARGV[o + 3])
    -- TTLs are relative to the caller's clock, never Redis' own (no PEXPIREAT). Sliding keys
    -- live 2 windows and are refreshed once less than one window + 1 s is left; calendar keys
    -- live until the window's end + grace, set once per window.
    local e = exps[i]
    if kind ~= 'c' then
      if not e or e < now + windowMs + 1000 then
        local ttl = 2 * windowMs + 1000
        redis.call('PEXPIRE', z, fmt(ttl))
        redis.call('HSET', h, 'exp', fmt(now + ttl))
        redis.call('PEXPIRE', h, fmt(ttl))
      end
    else
      local windowEnd = tonumber(ARGV[o + 6])
      local x = nxs[i]
      local nx = (not x or holdN < x) and holdUntil or nil
      if e ~= windowEnd then
        local ttl = math.max(1, windowEnd + grace - now)
        redis.call('PEXPIRE', z, fmt(ttl))
        if nx then redis.call('HSET', h, 'exp', ARGV[o + 6], 'nx', nx) else redis.call('HSET', h, 'exp', ARGV[o + 6]) end
        redis.call('PEXPIRE', h, fmt(ttl))
      elseif nx then
        redis.call('HSET', h, 'nx', nx)
      end
    end
    if f == 0 then
      if cost ~= 0 then redis.call('HINCRBY', h, field, ARGV[o + 2]) end
    elseif cost ~= f then
      redis.call('HINCRBY', h, field, fmt(cost - f))
    end
  elseif f ~= 0 then
    redis.call('HINCRBY', h, field, fmt(-f))
  end
  out[#out + 1] = math.max(0, limits[i] - inUse[i] - taken)
  local reset
  if kind ~= 'c' then
    if taken > 0 and not dry then
      reset = windowMs -- the entry just added is the newest: it leaves the window last
    else
      local last = lastScore(z)
      reset = last and math.max(0, last - now) or 0
      if taken > 0 then reset = math.max(reset, windowMs) end
    end
  else
    reset = math.max(0, tonumber(ARGV[o + 6]) - now)
  end
  out[#out + 1] = reset
end
return out
`;

/**
 * Settle a batch (the settlements no admission took along). KEYS: hash, zset per entry.
 * ARGV: m, then 7 per entry (see settleAll).
 */
export const SETTLE_LUA = `${COMMON}
settleAll(2, tonumber(ARGV[1]), 1)
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
  local _, used, held, freed = sweep(h, z, kind == 'n' and 's' or kind, now)
  if freed ~= 0 then redis.call('HINCRBY', h, kind ~= 'c' and 'sum' or 'held', fmt(-freed)) end
  if kind == 'n' then used = redis.call('ZCARD', z) end
  local reset = 0
  if kind ~= 'c' then
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
