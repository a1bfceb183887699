# The Lua value types a UDF sees, as Lua source: list, map, bytes and geojson with their
# library functions (list.append, map.pairs, bytes.get_int32_be, ...), the logging functions
# (trace, debug, info, warn) and the `unpack` alias. runtime.py runs this chunk first in
# every LuaRuntime, with the table of shared internals as its argument; it adds the private
# keys and constructors that the codec, the stream runner and the emulator's record API use.

VALUES = r"""
local B = ...
local spack, sunpack, schar, sbyte = string.pack, string.unpack, string.char, string.byte
local tconcat, tunpack = table.concat, table.unpack
local tointeger = math.tointeger
local setmetatable, getmetatable, type, pairs, next, error, tostring =
      setmetatable, getmetatable, type, pairs, next, error, tostring

-- Private keys of the value objects: nobody outside the runtime's own chunks holds them.
-- NIL stands for a nil map value that came from stored data (the server's maps keep such
-- entries).
local ITEMS, SIZE, FLAGS, NIL = {}, {}, {}, {}
B.ITEMS, B.SIZE, B.FLAGS, B.NIL = ITEMS, SIZE, FLAGS, NIL

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


B.List, B.Map, B.Bytes, B.Geo = List, Map, Bytes, Geo
B.new_list, B.new_map, B.new_bytes, B.new_geo = new_list, new_map, new_bytes, new_geo
B.unnil = unnil

------------------------------------------------------------------------------ logging
-- The server's logging functions format their message and drop it; as there, debug()
-- hides Lua's debug library, whose sethook the runtime keeps for its time guard.
B.sethook = debug.sethook
function trace(m, ...) string.format(m, ...) end
function debug(m, ...) string.format(m, ...) end
function info(m, ...) string.format(m, ...) end
function warn(m, ...) string.format(m, ...) end
unpack = unpack or tunpack
"""
