# The stream runner of aggregations (stream UDFs), as Lua source. The user's function gets
# a stream and builds a chain of stages on it: filter(f), map(f), aggregate(init, f),
# reduce(f) (there is no groupby). Every stage has a scope: the server runs the chain up to
# and including the first reduce on each node's records, and the client runs the rest, from
# that reduce on, over the values the nodes sent (protocol.md 10b); a chain without a
# reduce runs whole on the server. As in the server's stream library, a stage that yields
# nil ends the stream. runtime.py runs this chunk after lua_codec.py; it adds new_stream,
# server_ops, client_ops, chain and error_text to the table of shared internals.

STREAM = r"""
local B = ...
local setmetatable, type, tostring, ipairs = setmetatable, type, tostring, ipairs
local tpack, tunpack = table.pack, table.unpack

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
  self.ops[#self.ops + 1] = {scope = scope, func = fn, args = tpack(...)}
  return self
end
function StreamOps:filter(...) return add_op(self, SCOPE_EITHER, s_filter, ...) end
function StreamOps:map(...) return add_op(self, SCOPE_EITHER, s_map, ...) end
function StreamOps:aggregate(...) return add_op(self, SCOPE_SERVER, s_aggregate, ...) end
function StreamOps:reduce(...) return add_op(self, SCOPE_BOTH, s_reduce, ...) end

local function new_stream()
  return setmetatable({ops = {}}, StreamOps)
end

local function server_ops(ops)
  -- Every stage up to and including the first reduce.
  local out = {}
  for _, op in ipairs(ops) do
    out[#out + 1] = op
    if op.scope == SCOPE_BOTH then break end
  end
  return out
end

local function client_ops(ops)
  -- The first reduce and every stage after it; none when there is no reduce.
  local out, seen = {}, false
  for _, op in ipairs(ops) do
    seen = seen or op.scope == SCOPE_BOTH
    if seen then out[#out + 1] = op end
  end
  return out
end

local function chain(ops, s)
  -- The iterator that runs the stages `ops` over the values of the iterator `s`.
  for _, op in ipairs(ops) do
    s = op.func(s, tunpack(op.args, 1, op.args.n)) or s
  end
  return s
end

local function error_text(e)
  if type(e) == "string" then return e end
  return tostring(e)
end

B.new_stream, B.server_ops, B.client_ops, B.chain = new_stream, server_ops, client_ops, chain
B.error_text = error_text
"""
