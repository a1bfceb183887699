# The Lua half of the emulator's UDF runtime, as Lua source: the value types a UDF sees
# (list, map, bytes, geojson), the record API (rec['bin'], record.*, aerospike:*), the
# logging functions, a msgpack codec for values crossing to Python, the record-UDF entry
# point and the stream runner of aggregations. udf.py loads PRELUDE into every LuaRuntime
# before the user's module; the chunk returns the table of entry points udf.py calls.

PRELUDE = r"""
local M = {}
local G = _G
local sethook = debug.sethook
local clock = os.clock
local spack, sunpack, schar, sbyte = string.pack, string.unpack, string.char, string.byte
local tconcat, tunpack = table.concat, table.unpack
local tointeger, mtype = math.tointeger, math.type
local setmetatable, getmetatable, rawget, type, pairs, next, pcall, error, tostring =
      setmetatable, getmetatable, rawget, type, pairs, next, pcall, error, tostring

-- Private keys of the value objects: nobody outside this chunk holds them. NIL stands for
-- a nil map value that came from stored data (the server's maps keep such entries).
local ITEMS, SIZE, FLAGS, STATE, NIL = {}, {}, {}, {}, {}

local function show(v)
  if type(v) == "string" then return v end
  return tostring(v)
end

------------------------------------------------------------------------------ list
local List = {}
list = {}

local function new_list(items, n, flags)
  return setmetatable({[ITEMS] = items, [SIZE] = n, [FLAGS] = flags}, List)
end

local function check_list(l)
  if type(l) ~= "table" or getmetatable(l) ~= List then
    error("bad argument: list expected", 3)
  end
  return l
end

List.__index = function(l, i)
  i = tointeger(i)
  if i then return l[ITEMS][i] end
  return nil
end
List.__newindex = function(l, i, v)
  local j = tointeger(i)
  if not j or j < 1 then error("list index must be a positive integer", 2) end
  l[ITEMS][j] = v
  if j > l[SIZE] then l[SIZE] = j end
end
List.__len = function(l) return l[SIZE] end
List.__tostring = function(l)
  local parts, items = {}, l[ITEMS]
  for i = 1, l[SIZE] do parts[i] = show(items[i]) end
  return "List(" .. tconcat(parts, ", ") .. ")"
end

setmetatable(list, {__call = function(_, t)
  local items, n = {}, 0
  if t ~= nil then
    if type(t) ~= "table" then error("bad argument: table expected", 2) end
    n = #t
    for i = 1, n do items[i] = t[i] end
  end
  return new_list(items, n)
end})

function list.create(capacity) return new_list({}, 0) end
function list.size(l) return check_list(l)[SIZE] end
function list.append(l, v)
  check_list(l)
  local n = l[SIZE] + 1
  l[ITEMS][n] = v
  l[SIZE] = n
end
function list.insert(l, i, v)
  check_list(l)
  i = tointeger(i)
  if not i or i < 1 then error("list index must be a positive integer", 2) end
  local items, n = l[ITEMS], l[SIZE]
  if i > n then
    items[i] = v
    l[SIZE] = i
    return
  end
  for j = n, i, -1 do items[j + 1] = items[j] end
  items[i] = v
  l[SIZE] = n + 1
end
function list.prepend(l, v) list.insert(l, 1, v) end
function list.remove(l, i)
  check_list(l)
  i = tointeger(i)
  local items, n = l[ITEMS], l[SIZE]
  if not i or i < 1 or i > n then return end
  for j = i, n - 1 do items[j] = items[j + 1] end
  items[n] = nil
  l[SIZE] = n - 1
end
local function slice(l, from, to)
  local items, out, k = l[ITEMS], {}, 0
  for i = from, to do k = k + 1; out[k] = items[i] end
  return new_list(out, k, l[FLAGS])
end
function list.take(l, n)
  check_list(l)
  n = tointeger(n) or 0
  if n > l[SIZE] then n = l[SIZE] end
  return slice(l, 1, n)
end
function list.drop(l, n)
  check_list(l)
  n = tointeger(n) or 0
  if n < 0 then n = 0 end
  return slice(l, n + 1, l[SIZE])
end
function list.trim(l, n)
  check_list(l)
  n = tointeger(n) or 1
  local items, size = l[ITEMS], l[SIZE]
  if n < 1 then n = 1 end
  for i = n, size do items[i] = nil end
  if size >= n then l[SIZE] = n - 1 end
end
function list.clone(l)
  check_list(l)
  return slice(l, 1, l[SIZE])
end
function list.concat(l, other)
  check_list(l)
  check_list(other)
  local items, n, src = l[ITEMS], l[SIZE], other[ITEMS]
  for i = 1, other[SIZE] do items[n + i] = src[i] end
  l[SIZE] = n + other[SIZE]
end
function list.merge(l, other)
  local out = list.clone(l)
  list.concat(out, other)
  return out
end
function list.iterator(l)
  check_list(l)
  local i, items, n = 0, l[ITEMS], l[SIZE]
  return function()
    if i >= n then return nil end
    i = i + 1
    return items[i]
  end
end

------------------------------------------------------------------------------ map
local Map = {}
map = {}

local function new_map(items, n, flags)
  return setmetatable({[ITEMS] = items, [SIZE] = n, [FLAGS] = flags}, Map)
end

local function check_map(m)
  if type(m) ~= "table" or getmetatable(m) ~= Map then
    error("bad argument: map expected", 3)
  end
  return m
end

local function unnil(v)
  if v == NIL then return nil end
  return v
end

Map.__index = function(m, k)
  if k == nil then return nil end
  return unnil(m[ITEMS][k])
end
Map.__newindex = function(m, k, v)
  if k == nil then error("map key must not be nil", 2) end
  local items = m[ITEMS]
  local old = items[k]
  if old == nil and v ~= nil then
    m[SIZE] = m[SIZE] + 1
  elseif old ~= nil and v == nil then
    m[SIZE] = m[SIZE] - 1
  end
  items[k] = v
end
Map.__len = function(m) return m[SIZE] end
Map.__pairs = function(m)
  local items = m[ITEMS]
  return function(_, k)
    local v
    k, v = next(items, k)
    return k, unnil(v)
  end, m, nil
end
Map.__tostring = function(m)
  local parts = {}
  for k, v in next, m[ITEMS] do parts[#parts + 1] = show(k) .. "=" .. show(unnil(v)) end
  return "Map(" .. tconcat(parts, ", ") .. ")"
end

setmetatable(map, {__call = function(_, t)
  local m = new_map({}, 0)
  if t ~= nil then
    if type(t) ~= "table" then error("bad argument: table expected", 2) end
    for k, v in pairs(t) do m[k] = v end
  end
  return m
end})

function map.create(capacity) return new_map({}, 0) end
function map.size(m) return check_map(m)[SIZE] end
function map.remove(m, k)
  check_map(m)
  m[k] = nil
end
function map.pairs(m)
  check_map(m)
  local items, k = m[ITEMS], nil
  return function()
    local v
    k, v = next(items, k)
    return k, unnil(v)
  end
end
map.iterator = map.pairs
function map.keys(m)
  local it = map.pairs(m)
  return function() return (it()) end
end
function map.values(m)
  local it = map.pairs(m)
  return function()
    local _, v = it()
    return v
  end
end
function map.clone(m)
  check_map(m)
  local out = new_map({}, 0, m[FLAGS])
  for k, v in next, m[ITEMS] do out[k] = v end
  return out
end
function map.merge(a, b, f)
  local out = map.clone(a)
  check_map(b)
  for k, v in next, b[ITEMS] do
    local old = out[k]
    v = unnil(v)
    if old ~= nil and f ~= nil then out[k] = f(old, v) else out[k] = v end
  end
  return out
end
function map.diff(a, b)
  check_map(a)
  check_map(b)
  local out = new_map({}, 0)
  for k, v in next, a[ITEMS] do if b[ITEMS][k] == nil then out[k] = v end end
  for k, v in next, b[ITEMS] do if a[ITEMS][k] == nil then out[k] = v end end
  return out
end

------------------------------------------------------------------------------ bytes
-- A bytes value keeps its content as a Lua string and its particle type (4 = blob).
local Bytes = {}
bytes = {}

local function new_bytes(data, ptype)
  return setmetatable({[ITEMS] = data, [FLAGS] = ptype or 4}, Bytes)
end

local function check_bytes(b)
  if type(b) ~= "table" or getmetatable(b) ~= Bytes then
    error("bad argument: bytes expected", 3)
  end
  return b
end

local function splice(b, pos, s)
  -- Writes s at 1-based position pos, growing the value with zero bytes if needed.
  local data = b[ITEMS]
  if pos > #data + 1 then data = data .. string.rep("\0", pos - #data - 1) end
  b[ITEMS] = data:sub(1, pos - 1) .. s .. data:sub(pos + #s)
end

Bytes.__index = function(b, i)
  i = tointeger(i)
  if i then return sbyte(b[ITEMS], i) end
  return nil
end
Bytes.__newindex = function(b, i, v)
  i = tointeger(i)
  if not i or i < 1 then error("bytes index must be a positive integer", 2) end
  splice(b, i, schar(tointeger(v) & 0xFF))
end
Bytes.__len = function(b) return #b[ITEMS] end
Bytes.__tostring = function(b)
  local data, parts = b[ITEMS], {}
  for i = 1, #data do parts[i] = string.format("%02X", sbyte(data, i)) end
  return "Bytes(" .. tconcat(parts, " ") .. ")"
end

setmetatable(bytes, {__call = function(_, n)
  return new_bytes(string.rep("\0", tointeger(n) or 0))
end})

function bytes.size(b) return #check_bytes(b)[ITEMS] end
function bytes.set_size(b, n)
  check_bytes(b)
  local data = b[ITEMS]
  n = tointeger(n) or 0
  if n < #data then b[ITEMS] = data:sub(1, n) else b[ITEMS] = data .. string.rep("\0", n - #data) end
  return true
end
function bytes.get_type(b) return check_bytes(b)[FLAGS] end
function bytes.set_type(b, t)
  check_bytes(b)[FLAGS] = tointeger(t) or 4
  return true
end
function bytes.get_byte(b, i) return sbyte(check_bytes(b)[ITEMS], i) end
function bytes.set_byte(b, i, v)
  check_bytes(b)
  splice(b, i, schar(v & 0xFF))
  return true
end
function bytes.append_byte(b, v) return bytes.set_byte(b, #check_bytes(b)[ITEMS] + 1, v) end
function bytes.get_string(b, i, n) return check_bytes(b)[ITEMS]:sub(i, i + n - 1) end
function bytes.set_string(b, i, s)
  check_bytes(b)
  splice(b, i, s)
  return true
end
function bytes.append_string(b, s) return bytes.set_string(b, #check_bytes(b)[ITEMS] + 1, s) end
function bytes.get_bytes(b, i, n) return new_bytes(bytes.get_string(b, i, n)) end
function bytes.set_bytes(b, i, other, n)
  check_bytes(other)
  local s = other[ITEMS]
  if n then s = s:sub(1, n) end
  return bytes.set_string(b, i, s)
end
function bytes.append_bytes(b, other, n) return bytes.set_bytes(b, #check_bytes(b)[ITEMS] + 1, other, n) end
for _, width in ipairs({2, 4, 8}) do
  for suffix, order in pairs({[""] = ">", _be = ">", _le = "<"}) do
    local fmt = order .. "i" .. width
    local name = "int" .. (width * 8)
    bytes["get_" .. name .. suffix] = function(b, i)
      local data = check_bytes(b)[ITEMS]
      if i + width - 1 > #data then return nil end
      return (sunpack(fmt, data, i))
    end
    bytes["set_" .. name .. suffix] = function(b, i, v)
      check_bytes(b)
      splice(b, i, spack(order .. "I" .. width, v & ((width == 8) and -1 or ((1 << (width * 8)) - 1))))
      return true
    end
    bytes["append_" .. name .. suffix] = function(b, v)
      return bytes["set_" .. name .. suffix](b, #check_bytes(b)[ITEMS] + 1, v)
    end
  end
end

------------------------------------------------------------------------------ geojson
local Geo = {}
geojson = {}
local function new_geo(text) return setmetatable({[ITEMS] = text}, Geo) end
Geo.__tostring = function(g) return g[ITEMS] end
setmetatable(geojson, {__call = function(_, text) return new_geo(tostring(text)) end})
geojson.new = new_geo
function geojson.tostring(g) return g[ITEMS] end

------------------------------------------------------------------------------ msgpack
-- Values cross to Python as Aerospike msgpack: strings and blobs carry their particle type
-- as the first byte of a str, ordered lists and maps an ext header with their flags.

local decode

local function decode_str(s, pos, n)
  if n == 0 then return "", pos end
  local t = sbyte(s, pos)
  local data = s:sub(pos + 1, pos + n - 1)
  if t == 3 then return data, pos + n end
  if t == 23 then return new_geo(data), pos + n end
  return new_bytes(data, t), pos + n
end

local function collection_flags(s, pos)
  -- An ordered collection starts with c7 00 <flags>.
  if sbyte(s, pos) == 0xc7 and sbyte(s, pos + 1) == 0 then return sbyte(s, pos + 2) end
  return nil
end

local function decode_array(s, pos, n)
  local flags
  if n > 0 then
    flags = collection_flags(s, pos)
    if flags then pos = pos + 3; n = n - 1 end
  end
  local items = {}
  for i = 1, n do items[i], pos = decode(s, pos) end
  return new_list(items, n, flags), pos
end

local function decode_map(s, pos, n)
  local flags
  if n > 0 then
    flags = collection_flags(s, pos)
    if flags then
      local _
      _, pos = decode(s, pos + 3)
      n = n - 1
    end
  end
  local m = new_map({}, 0, flags)
  for _ = 1, n do
    local k, v
    k, pos = decode(s, pos)
    v, pos = decode(s, pos)
    if k ~= nil then
      if v == nil then v = NIL end
      m[k] = v
    end
  end
  return m, pos
end

local FIXED = {
  [0xcc] = ">I1", [0xcd] = ">I2", [0xce] = ">I4", [0xcf] = ">I8",
  [0xd0] = ">i1", [0xd1] = ">i2", [0xd2] = ">i4", [0xd3] = ">i8",
  [0xca] = ">f", [0xcb] = ">d",
}
local LENGTH = {[0xd9] = ">I1", [0xda] = ">I2", [0xdb] = ">I4",
                [0xc4] = ">I1", [0xc5] = ">I2", [0xc6] = ">I4",
                [0xdc] = ">I2", [0xdd] = ">I4", [0xde] = ">I2", [0xdf] = ">I4"}

decode = function(s, pos)
  local b = sbyte(s, pos)
  if b == nil then error("truncated msgpack", 0) end
  pos = pos + 1
  if b <= 0x7f then return b, pos end
  if b >= 0xe0 then return b - 0x100, pos end
  if b >= 0xa0 and b <= 0xbf then return decode_str(s, pos, b - 0xa0) end
  if b >= 0x90 and b <= 0x9f then return decode_array(s, pos, b - 0x90) end
  if b >= 0x80 and b <= 0x8f then return decode_map(s, pos, b - 0x80) end
  if b == 0xc0 then return nil, pos end
  if b == 0xc2 then return false, pos end
  if b == 0xc3 then return true, pos end
  local fixed = FIXED[b]
  if fixed then return sunpack(fixed, s, pos) end
  local lenfmt = LENGTH[b]
  if lenfmt then
    local n
    n, pos = sunpack(lenfmt, s, pos)
    if b >= 0xd9 and b <= 0xdb then return decode_str(s, pos, n) end
    if b >= 0xc4 and b <= 0xc6 then return new_bytes(s:sub(pos, pos + n - 1), 4), pos + n end
    if b == 0xdc or b == 0xdd then return decode_array(s, pos, n) end
    return decode_map(s, pos, n)
  end
  if b >= 0xd4 and b <= 0xd8 then return nil, pos + 1 + (1 << (b - 0xd4)) end
  if b >= 0xc7 and b <= 0xc9 then
    local n
    n, pos = sunpack(({[0xc7] = ">I1", [0xc8] = ">I2", [0xc9] = ">I4"})[b], s, pos)
    return nil, pos + 1 + n
  end
  error("bad msgpack", 0)
end

local encode

local function encode_str(ptype, data, out)
  out[#out + 1] = spack(">BI4B", 0xdb, #data + 1, ptype)
  out[#out + 1] = data
end

encode = function(v, out)
  local t = type(v)
  if t == "nil" then
    out[#out + 1] = "\xc0"
  elseif t == "boolean" then
    out[#out + 1] = v and "\xc3" or "\xc2"
  elseif t == "number" then
    if mtype(v) == "integer" then out[#out + 1] = spack(">Bi8", 0xd3, v)
    else out[#out + 1] = spack(">Bd", 0xcb, v) end
  elseif t == "string" then
    encode_str(3, v, out)
  elseif t == "table" then
    local mt = getmetatable(v)
    if mt == List then
      local n, flags, items = v[SIZE], v[FLAGS], v[ITEMS]
      if flags and flags ~= 0 then
        out[#out + 1] = spack(">BI4", 0xdd, n + 1) .. "\xc7\x00" .. schar(flags)
      else
        out[#out + 1] = spack(">BI4", 0xdd, n)
      end
      for i = 1, n do encode(items[i], out) end
    elseif mt == Map then
      local flags = v[FLAGS]
      if flags and flags ~= 0 then
        out[#out + 1] = spack(">BI4", 0xdf, v[SIZE] + 1) .. "\xc7\x00" .. schar(flags) .. "\xc0"
      else
        out[#out + 1] = spack(">BI4", 0xdf, v[SIZE])
      end
      for k, x in next, v[ITEMS] do
        encode(k, out)
        encode(unnil(x), out)
      end
    elseif mt == Bytes then
      encode_str(v[FLAGS], v[ITEMS], out)
    elseif mt == Geo then
      encode_str(23, v[ITEMS], out)
    else
      -- Plain Lua tables, records and functions are not Aerospike values.
      out[#out + 1] = "\xc0"
    end
  else
    out[#out + 1] = "\xc0"
  end
end

local function pack(v)
  local out = {}
  encode(v, out)
  return tconcat(out)
end

local function decode_args(s)
  -- The UDF argument list: a msgpack array, unpacked into Lua values.
  if s == nil or #s == 0 then return {}, 0 end
  local l = decode(s, 1)
  if getmetatable(l) ~= List then error("the argument list is not an array", 0) end
  return l[ITEMS], l[SIZE]
end

------------------------------------------------------------------------------ record
local Record = {}
record = {}

local function state(r)
  local s = type(r) == "table" and rawget(r, STATE)
  if not s then error("bad argument: record expected", 3) end
  return s
end

Record.__index = function(r, name)
  return r[STATE].bins[name]
end
Record.__newindex = function(r, name, v)
  local s = r[STATE]
  if type(name) ~= "string" then error("bin name must be a string", 2) end
  if #name > 15 then error("bin name too long: " .. name, 2) end
  s.bins[name] = v
  s.dirty[name] = true
end
Record.__tostring = function(r) return "Record()" end

local function make_record(packed)
  -- packed: [exists, gen, ttl, digest, key, set, last-update ms, size, {bin: value}]
  local f = decode(packed, 1)[ITEMS]
  local s = {exists = f[1], gen = f[2], ttl = f[3], digest = f[4], key = f[5], set = f[6],
             lut = f[7], size = f[8], bins = f[9][ITEMS], dirty = {}, applied = {}}
  return setmetatable({[STATE] = s}, Record)
end

function record.ttl(r) return state(r).ttl end
function record.gen(r) return state(r).gen end
function record.key(r) return state(r).key end
function record.setname(r) return state(r).set end
function record.digest(r) return state(r).digest end
function record.last_update_time(r) return state(r).lut end
function record.device_size(r) return state(r).size end
record.memory_size = record.device_size
function record.numbins(r)
  local n = 0
  for _ in next, state(r).bins do n = n + 1 end
  return n
end
function record.bin_names(r)
  local out = {}
  for name in next, state(r).bins do out[#out + 1] = name end
  table.sort(out)
  return out
end
function record.set_ttl(r, ttl)
  state(r).set_ttl = tointeger(ttl)
end
function record.drop_key(r)
  state(r).drop_key = true
end
function record.set_type(r, t) state(r) end
function record.set_flags(r, f) state(r) end

------------------------------------------------------------------------------ aerospike
-- create/update/remove only mark the record: the write happens once the function has
-- returned without an error (udf.py commits it), as the server commits at the end.
aerospike = {}

local function apply_dirty(s)
  for name in next, s.dirty do s.applied[name] = true end
  s.dirty = {}
end

function aerospike:create(r)
  local s = state(r)
  if s.exists then return 1 end
  s.exists = true
  s.pending = "write"
  apply_dirty(s)
  return 0
end
function aerospike:update(r)
  local s = state(r)
  if not s.exists then return 2 end
  s.pending = "write"
  apply_dirty(s)
  return 0
end
function aerospike:exists(r)
  return state(r).exists and true or false
end
function aerospike:remove(r)
  local s = state(r)
  if not s.exists then return 2 end
  s.exists = false
  s.pending = "remove"
  s.replace = true
  s.bins, s.dirty, s.applied = {}, {}, {}
  return 0
end
function aerospike:log(level, message) return 0 end
function aerospike:get_current_time() return M.now_ms end

function trace(m, ...) string.format(m, ...) end
function debug(m, ...) string.format(m, ...) end
function info(m, ...) string.format(m, ...) end
function warn(m, ...) string.format(m, ...) end
print = function(...) end
unpack = unpack or tunpack

------------------------------------------------------------------------------ streams
-- Aggregation: the user's function builds a chain of stream operations; the server runs
-- every operation up to and including the first one that must also run on the client
-- (reduce), and each value the chain yields becomes a SUCCESS record of the answer.

local SCOPE_SERVER, SCOPE_EITHER, SCOPE_BOTH = 1, 3, 4

local function s_filter(nxt, p)
  return function()
    local a = nxt()
    while a ~= nil and not p(a) do a = nxt() end
    return a
  end
end
local function s_map(nxt, f)
  return function()
    local a = nxt()
    if a ~= nil then return f(a) end
    return nil
  end
end
local function s_aggregate(nxt, agg, f)
  local done = false
  return function()
    if done then return nil end
    local a = nxt()
    while a ~= nil do
      agg = f(agg, a)
      a = nxt()
    end
    done = true
    return agg
  end
end
local function s_reduce(nxt, f)
  local done = false
  return function()
    if done then return nil end
    local a = nxt()
    if a ~= nil then
      local b = nxt()
      while b ~= nil do
        a = f(a, b)
        b = nxt()
      end
    end
    done = true
    return a
  end
end

local StreamOps = {}
StreamOps.__index = StreamOps
local function add_op(self, scope, fn, ...)
  self.ops[#self.ops + 1] = {scope = scope, func = fn, args = table.pack(...)}
  return self
end
function StreamOps:filter(...) return add_op(self, SCOPE_EITHER, s_filter, ...) end
function StreamOps:map(...) return add_op(self, SCOPE_EITHER, s_map, ...) end
function StreamOps:aggregate(...) return add_op(self, SCOPE_SERVER, s_aggregate, ...) end
function StreamOps:reduce(...) return add_op(self, SCOPE_BOTH, s_reduce, ...) end

local function server_ops(ops)
  local out = {}
  for _, op in ipairs(ops) do
    out[#out + 1] = op
    if op.scope == SCOPE_BOTH then break end
  end
  return out
end

------------------------------------------------------------------------------ entry points
local LIMIT, deadline = 10.0, 0
local function guard()
  if clock() > deadline then error("UDF execution time limit exceeded", 0) end
end
local function run(f, ...)
  deadline = clock() + LIMIT
  sethook(guard, "", 100000)
  local res = table.pack(pcall(f, ...))
  sethook()
  return tunpack(res, 1, res.n)
end

local function error_text(e)
  if type(e) == "string" then return e end
  return tostring(e)
end

function M.apply_record(fname, packed_rec, packed_args, now_ms)
  M.now_ms = now_ms
  local ok, rec = pcall(make_record, packed_rec)
  if not ok then return false, error_text(rec) end
  local args, nargs
  ok, args, nargs = pcall(decode_args, packed_args)
  if not ok then return false, error_text(args) end
  local f = G[fname]
  if f == nil then return false, "function not found" end
  local result
  ok, result = run(f, rec, tunpack(args, 1, nargs))
  if not ok then return false, error_text(result) end
  local s = rec[STATE]
  local changes, n = {}, 0
  for name in next, s.applied do
    n = n + 1
    encode(name, changes)
    encode(s.bins[name], changes)
  end
  return true, pack(result), s.pending, s.replace or false, s.set_ttl, s.drop_key or false,
         spack(">BI4", 0xdf, n) .. tconcat(changes)
end

function M.aggregate(fname, packed_args, records, count, now_ms)
  M.now_ms = now_ms
  local ok, args, nargs = pcall(decode_args, packed_args)
  if not ok then return false, error_text(args) end
  local f = G[fname]
  if f == nil then return false, "function not found" end
  local function stream()
    local ops = f(setmetatable({ops = {}}, StreamOps), tunpack(args, 1, nargs))
    local i = 0
    local s = function()
      i = i + 1
      if i > count then return nil end
      return make_record(records[i])
    end
    for _, op in ipairs(server_ops(ops.ops)) do
      s = op.func(s, tunpack(op.args, 1, op.args.n)) or s
    end
    local out = {}
    for v in s do out[#out + 1] = pack(v) end
    return out
  end
  local out
  ok, out = run(stream)
  if not ok then return false, error_text(out) end
  return true, out, #out
end

function M.load_module(text, filename)
  -- Compiles and runs a module's top-level code; returns nil or the error text.
  local chunk, err = load(text, "@" .. M.path .. filename)
  if not chunk then return err end
  local ok, e = run(chunk)
  if not ok then return error_text(e) end
  return nil
end

function M.init(source)
  -- require() finds the other registered modules through `source` (a host function).
  package.searchers = {
    package.searchers[1],
    function(name)
      local text = source(name)
      if text == nil then return "\n\tno registered UDF module '" .. name .. "'" end
      local chunk, err = load(text, "@" .. M.path .. name .. ".lua")
      if not chunk then error(err, 0) end
      return chunk
    end,
  }
end

M.path = "/opt/aerospike/usr/udf/lua/"

-- The emulator's sandbox: no access to the host's files, processes or Python.
python, io, loadfile, dofile = nil, nil, nil, nil
os.execute, os.exit, os.remove, os.rename, os.tmpname, os.getenv = nil, nil, nil, nil, nil, nil
package.loadlib, package.cpath = nil, ""

return M
"""
