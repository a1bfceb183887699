# The msgpack codec of the Lua runtime, as Lua source: values cross between Python and
# Lua as Aerospike msgpack (protocol.md section 7): strings and blobs carry their particle
# type as the first byte of a str, ordered lists and maps an ext header with their flags.
# runtime.py runs this chunk after lua_values.py; it adds decode, encode, pack and
# decode_args to the table of shared internals. The Python half is codec.py.

CODEC = r"""
local B = ...
local spack, sunpack, schar, sbyte = string.pack, string.unpack, string.char, string.byte
local tconcat = table.concat
local mtype = math.type
local getmetatable, type, next, error = getmetatable, type, next, error
local ITEMS, SIZE, FLAGS, NIL = B.ITEMS, B.SIZE, B.FLAGS, B.NIL
local List, Map, Bytes, Geo = B.List, B.Map, B.Bytes, B.Geo
local new_list, new_map, new_bytes, new_geo = B.new_list, B.new_map, B.new_bytes, B.new_geo
local unnil = B.unnil

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

B.decode, B.encode, B.pack, B.decode_args = decode, encode, pack, decode_args
"""
