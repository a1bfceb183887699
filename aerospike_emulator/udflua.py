# The Lua half of the emulator's UDF runtime, as Lua source: the server's record API
# (rec['bin'], record.*, aerospike:*), the record-UDF entry point, the server scope of
# aggregations, module loading with require() of the other registered modules, and the
# sandbox. udf.py runs PRELUDE in every LuaRuntime that aerospike_lua.new_runtime() made
# (which already holds the value types, the msgpack codec and the stream runner, shared
# with the client), before the user's module; the chunk gets the table of the runtime's
# shared internals as its argument and returns the table of entry points udf.py calls.

PRELUDE = r"""
local B = ...
local M = {}
local G = _G
local sethook = B.sethook
local clock = os.clock
local spack = string.pack
local tconcat, tunpack = table.concat, table.unpack
local tointeger = math.tointeger
local setmetatable, rawget, type, next, pcall, error =
      setmetatable, rawget, type, next, pcall, error
local ITEMS = B.ITEMS
local decode, encode, pack, decode_args = B.decode, B.encode, B.pack, B.decode_args
local new_stream, server_ops, chain, error_text = B.new_stream, B.server_ops, B.chain, B.error_text

-- The private key of a record's state.
local STATE = {}

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

print = function(...) end

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
    local ops = f(new_stream(), tunpack(args, 1, nargs))
    local i = 0
    local s = function()
      i = i + 1
      if i > count then return nil end
      return make_record(records[i])
    end
    s = chain(server_ops(ops.ops), s)
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
