/**
 * The Lua script of the Redis store (key layout 2). Each admission is ONE script call (check
 * every rule, then take from every rule, or from none), which also applies the settlements
 * queued since the last one (redis-store.ts); settlements with no admission to carry them, and
 * usage reports, run the same script in other modes. Redis runs a script atomically, so limits
 * stay exact however many firewall instances share the server.
 *
 * Cost shaped the layout. Measured as redis-server instructions per admission + settlement
 * (callgrind; wall-clock figures on the shared 2-core host are too noisy to rank variants):
 * layout 1 (a hash and a sorted set per rule, 7 ARGV strings per rule through `tonumber`, ~21
 * redis.calls for 4 rules) ≈ 382 k; this layout ≈ 233 k, of which ≈ 32 k is the bare EVALSHA
 * round trip. Inside a script every value crossing between Redis and Lua costs, so the counters
 * of one group (a scope: agent, team or key; a tool; an address) live together and values
 * cross packed:
 *
 * - `<prefix>lim2:{<group>}`: a string, the group's state as one flat MessagePack table of
 *   numbers: [1] = exp (absolute ms its TTL was set to), [2] = nx (a lower bound of every
 *   entry's score; 0 = unknown, INF = no entries), [3] = n (number of entries), and from
 *   b = 8·field + 8 per rule (fields are numbers, plan.ts): sliding b = sum, b+1 = when the
 *   newest entry leaves the window; calendar b = the window end the counters belong to, b+1
 *   used, b+2 held, and b+3..5 the same for the previous window, so late settlements and an
 *   instance whose clock lags a little still land where layout 1's per-window keys put them;
 * - `…:z`, a sorted set of entries scored by when they stop counting, each `struct`-packed as
 *   tag, count, id, then per counter field + amount (script-args.ts `entry`): sliding (tag 1; one
 *   per admission and window length, so requests and tokens per minute share one entry),
 *   calendar holds (tag 2, field + window end + amount; one per admission, scored at the hold's
 *   expiry, removed on settlement) and settlement corrections (tag 3; scored like the entry they
 *   correct, so settling needs no read-and-rewrite of the original).
 *
 * An admission of one group then costs GET, ZRANGE (none before `nx`; plus ZREMRANGEBYRANK when
 * entries expired), one ZREM of the hold its riding settlement closes, ZADD and SET, whatever the
 * number of rules. Key names come in KEYS; a group's two keys share a `{group}` hash tag.
 * `now` comes from the caller, not Redis TIME, so tests drive windows with a fake clock;
 * instances therefore need synchronised clocks (NTP).
 */

/**
 * The one script. KEYS: state, zset per group (groups numbered from 1). ARGV: a `struct` format
 * and its data (script-args.ts `Packer`), the values flat: mode, now, grace, number of rules,
 * of adds and of settles, then
 * - mode: 1 reserve, 2 dry run (check only), 3 settle only, 4 peek (usage report);
 * - 6 per rule: group, kind (1 sliding, 2 calendar), field, limit, cost, win (sliding: window
 *   ms; calendar: the window's end);
 * - 3 per entry to add when admitted: group, score, member;
 * - 7 per settle entry: group, kind, field, member, reserved, actual, x: sliding: member is the
 *   correction entry, x when the admission's entry leaves the window; calendar: member is the
 *   hold entry (0 after the first entry of the same hold), x the window's end.
 * Returns (1, 2) `{ ok (1/0), failedIndex (1-based, 0 = none), retryAfterMs, remaining1, reset1, … }`;
 * (4) `{ used1, held1, reset1, … }`; (3) `{ 1 }`.
 */
export const LIMITS_LUA = `
local v = { struct.unpack(ARGV[1], ARGV[2]) }
local mode, now, grace = v[1], v[2], v[3]
-- Offsets of the rules, adds and settles in v (the last v is struct's end position).
local R0 = 7
local A0 = R0 + 6 * v[4]
local S0 = A0 + 3 * v[5]
local S1 = S0 + 7 * v[6]
local INF = 9e15
local G = {}
local ENTRY = {}
-- An entry's values: tag, count, id, then per counter field, amount (holds: field, window end, amount).
local function decode(m)
  local tag, cnt = string.byte(m, 1, 2)
  local k = tag == 2 and cnt + 1000 or cnt
  local f = ENTRY[k]
  if not f then f = '<BBBc0' .. string.rep(tag == 2 and 'Bdd' or 'Bd', cnt) ENTRY[k] = f end
  return { struct.unpack(f, m) }
end
local function group(i)
  local g = G[i]
  if g then return g end
  local raw = redis.call('GET', KEYS[2 * i - 1])
  g = { s = KEYS[2 * i - 1], z = KEYS[2 * i], fresh = not raw, st = raw and cmsgpack.unpack(raw) or { 0, 0, 0 },
    dirty = false, zadd = false, zrem = false, need = 0, target = 0 }
  G[i] = g
  return g
end
-- The counters of calendar field f (state index b) for the window ending at W: the index of
-- 'used' (held follows it); a newer W rolls the current window to the previous one; nil for a
-- window older than both (or not started, unless create).
local function slot(g, f, W, create)
  local st, b = g.st, 8 * f + 8
  local w = st[b]
  if w == W then return b + 1 end
  if not w or W > w then
    if not create then return nil end
    if w then st[b + 3], st[b + 4], st[b + 5] = w, st[b + 1], st[b + 2] end
    st[b], st[b + 1], st[b + 2] = W, 0, 0
    g.dirty = true
    return b + 1
  end
  if st[b + 3] == W then return b + 4 end
  return nil
end
-- An entry left its window: take its amounts off the counters it added to.
-- The common entries (one or two sliding counters, one hold) are unpacked into locals with a
-- constant format: no table and no format string built per entry (this runs for every entry
-- that expires, about two per admission in the steady state).
local function expire(g, member)
  local tag, cnt = string.byte(member, 1, 2)
  local st = g.st
  if tag ~= 2 and cnt <= 2 then
    local _, _, _, f1, a1, f2, a2 = struct.unpack(cnt == 1 and '<BBBc0Bd' or '<BBBc0BdBd', member)
    local k = 8 * f1 + 8
    st[k] = (st[k] or 0) - a1
    if cnt == 2 then k = 8 * f2 + 8 st[k] = (st[k] or 0) - a2 end
    return
  end
  if tag == 2 and cnt == 1 then
    local _, _, _, f, W, a = struct.unpack('<BBBc0Bdd', member)
    local i = slot(g, f, W, false)
    if i then st[i + 1] = (st[i + 1] or 0) - a end
    return
  end
  local m = decode(member)
  if tag == 2 then
    for j = 4, 3 + 3 * m[2], 3 do
      local i = slot(g, m[j], m[j + 1], false)
      if i then st[i + 1] = (st[i + 1] or 0) - m[j + 2] end
    end
  else
    for j = 4, 3 + 2 * m[2], 2 do
      local k = 8 * m[j] + 8
      st[k] = (st[k] or 0) - m[j + 1]
    end
  end
end
-- Drop the group's expired entries (none scores below nx, so nothing to read before then).
local function sweep(g)
  local st = g.st
  if st[2] > now then return end
  local e = redis.call('ZRANGEBYSCORE', g.z, '-inf', now)
  if #e > 0 then
    -- Entries are leaving all the time (busy windows): read only those, no scores, and keep
    -- nx = now (a valid lower bound: what is left scores above now).
    for j = 1, #e do expire(g, e[j]) end
    redis.call('ZREMRANGEBYSCORE', g.z, '-inf', now)
    st[2], st[3] = now, math.max(0, st[3] - #e)
    g.dirty = true
  else
    -- Nothing left: learn when the next entry will, so quiet groups skip the sweep till then.
    local first = redis.call('ZRANGE', g.z, 0, 0, 'WITHSCORES')
    local nx = first[2] and tonumber(first[2]) or INF
    if st[2] ~= nx then st[2] = nx g.dirty = true end
  end
end
local function add(g, score, member)
  local z = g.zadd
  if not z then z = {} g.zadd = z end
  z[#z + 1] = score
  z[#z + 1] = member
  local nx = g.st[2]
  if nx ~= 0 and score < nx then g.st[2] = score end
  g.dirty = true
end
local function keep(g, need, target)
  if need > g.need then g.need = need end
  if target > g.target then g.target = target end
end
local function amountIn(member, f)
  local m = decode(member)
  if m[1] == 2 then return 0 end
  for j = 4, 3 + 2 * m[2], 2 do if m[j] == f then return m[j + 1] end end
  return 0
end

for j = R0, A0 - 1, 6 do group(v[j]) end
for j = S0, S1 - 1, 7 do group(v[j]) end
-- Sweep first (settling an expired hold then finds it gone), then settle, so the admission
-- that carries the settlements sees their effect.
-- Groups are numbered 1..#G without gaps (redis-store.ts), so G is a plain array.
if mode ~= 3 then for i = 1, #G do sweep(G[i]) end end
local removed = 0
for j = S0, S1 - 1, 7 do
  local g, f, member, reserved, actual, x = G[v[j]], v[j + 2], v[j + 3], v[j + 4], v[j + 5], v[j + 6]
  local st = g.st
  if v[j + 1] == 1 then
    -- The entry still counts (x > now) and the group's state exists: correct it where it stands.
    if x > now and not g.fresh then
      add(g, x, member)
      local k = 8 * f + 8
      st[k] = (st[k] or 0) + actual - reserved
    end
  else
    -- A reservation's holds in one group are one entry, named by its first calendar entry only
    -- (member 0: the same as the previous entry's).
    if member ~= 0 then
      local seen = g.zrem
      if not seen then seen = {} g.zrem = seen end
      removed = seen[member]
      if removed == nil then
        removed = redis.call('ZREM', g.z, member)
        seen[member] = removed
        if removed == 1 then st[3] = math.max(0, st[3] - 1) end
      end
    end
    local i = slot(g, f, x, true)
    if i then
      -- A hold that already expired was swept; the actual usage is charged either way.
      if removed == 1 then st[i + 1] = st[i + 1] - reserved end
      if actual > 0 then st[i] = st[i] + actual end
      g.dirty = true
      keep(g, x + grace, x + grace)
    end
  end
end

local out = {}
if mode == 1 or mode == 2 then
  local inUse, idx = {}, {}
  local fail = 0
  for j = R0, A0 - 1, 6 do
    local n = (j - R0) / 6 + 1
    local g, f = G[v[j]], v[j + 2]
    local st = g.st
    if v[j + 1] == 1 then
      inUse[n] = st[8 * f + 8] or 0
    else
      local i = slot(g, f, v[j + 5], true)
      idx[n] = i or false
      inUse[n] = i and st[i] + st[i + 1] or 0
    end
    if fail == 0 and inUse[n] + v[j + 4] > v[j + 3] then fail = n end
  end
  out[1], out[2], out[3] = fail == 0 and 1 or 0, fail, 0
  if fail > 0 then
    local j = R0 + (fail - 1) * 6
    local g, kind, f, limit, cost, win = G[v[j]], v[j + 1], v[j + 2], v[j + 3], v[j + 4], v[j + 5]
    local retry
    if cost > limit then
      retry = kind == 1 and win or math.max(0, win - now)
    elseif kind == 1 then
      -- When enough of the window's entries have left it (entries of one score leave together:
      -- a correction shares its entry's score).
      retry = win
      local need = inUse[fail] + cost - limit
      local e = redis.call('ZRANGE', g.z, 0, 999, 'WITHSCORES')
      for q = 1, #e, 2 do
        need = need - amountIn(e[q], f)
        if need <= 0 and e[q + 3] ~= e[q + 1] then retry = math.max(1, tonumber(e[q + 1]) - now) break end
      end
    elseif idx[fail] and g.st[idx[fail]] + cost <= limit then
      retry = 1000 -- blocked only by in-flight holds, which settle or expire soon
    else
      retry = math.max(1, win - now)
    end
    out[3] = retry
  end
  local take = fail == 0 and mode == 1
  for j = R0, A0 - 1, 6 do
    local n = (j - R0) / 6 + 1
    local g, kind, f, limit, cost, win = G[v[j]], v[j + 1], v[j + 2], v[j + 3], v[j + 4], v[j + 5]
    local st = g.st
    local taken = fail == 0 and cost or 0 -- a dry run reports what would be left after taking
    local reset
    if kind == 1 then
      local k = 8 * f + 8
      local last = st[k + 1] or 0
      if take and cost > 0 then
        st[k] = inUse[n] + cost
        if now + win > last then st[k + 1] = now + win end
        reset = win -- the entry just added is the newest: it leaves the window last
      else
        reset = math.max(0, last - now)
        if taken > 0 then reset = math.max(reset, win) end
      end
      if take then keep(g, now + win + 1000, now + 2 * win + 1000) end
    else
      local i = idx[n]
      if take and i then
        st[i + 1] = st[i + 1] + cost
        keep(g, win + grace, win + grace)
      end
      reset = math.max(0, win - now)
    end
    out[#out + 1] = math.max(0, limit - inUse[n] - taken)
    out[#out + 1] = reset
  end
  if take then
    for j = A0, S0 - 1, 3 do add(G[v[j]], v[j + 1], v[j + 2]) end
    for i = 1, #G do G[i].dirty = true end
  end
elseif mode == 4 then
  for j = R0, A0 - 1, 6 do
    local g, f, win = G[v[j]], v[j + 2], v[j + 5]
    local st = g.st
    if v[j + 1] == 1 then
      local k = 8 * f + 8
      out[#out + 1] = st[k] or 0
      out[#out + 1] = 0
      out[#out + 1] = math.max(0, (st[k + 1] or 0) - now)
    else
      local i = slot(g, f, win, false)
      out[#out + 1] = i and st[i] or 0
      out[#out + 1] = i and st[i + 1] or 0
      out[#out + 1] = math.max(0, win - now)
    end
  end
else
  out[1] = 1
end

-- Writes: one ZADD and one SET per group, TTLs only when they run short. TTLs are relative to
-- the caller's clock (PX/PEXPIRE, never Redis' own): sliding windows keep the keys 2 windows and
-- refresh once less than one window + 1 s is left; calendar windows keep them to the window's
-- end + grace. A zset with no entries (n = 0) is created by the ZADD and gets its TTL then. A
-- state nobody asked to keep (a peek or dry run of an unknown group) is not written.
for i = 1, #G do
  local g = G[i]
  local st = g.st
  local created = false
  if g.zadd then
    created = st[3] == 0
    redis.call('ZADD', g.z, unpack(g.zadd))
    st[3] = st[3] + #g.zadd / 2
  end
  local ttl = 0
  if g.need > 0 and st[1] < g.need then
    st[1] = g.target
    ttl = g.target - now
  end
  if ttl > 0 then
    redis.call('SET', g.s, cmsgpack.pack(st), 'PX', ttl)
    redis.call('PEXPIRE', g.z, ttl)
  elseif g.dirty and not g.fresh then
    redis.call('SET', g.s, cmsgpack.pack(st), 'KEEPTTL')
    if created then redis.call('PEXPIRE', g.z, math.max(1, st[1] - now)) end
  end
end
return out
`;
