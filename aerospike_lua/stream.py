# The client's side of a stream-UDF aggregation (protocol.md 10b). Each node runs the
# user's stream function up to and including its first reduce and sends the values that
# yields; the client runs the rest of the chain, from that reduce on, over the values of all
# nodes. StreamUDF loads the module from the client's Lua user_path, calls the stream
# function to learn its stages (so a missing module or function, or an error in the
# function, is known before any request is sent), then run() feeds it the nodes' values.
# aerospike/_query.py drives it; errors are StreamError with the reference client's texts.

import os

from . import codec
from .runtime import new_runtime

# The chunk that gives the client its entry points, run after the shared library. Its
# arguments: the shared internals and the directory that require() searches first.
CLIENT = r"""
local B, user_path = ...
local G = _G
local pcall, type, rawget, error, tunpack = pcall, type, rawget, error, table.unpack
local C = {}

-- require() finds the other modules of the user_path, before Lua's own path.
package.path = user_path .. "/?.lua;" .. package.path
python = nil

function C.load(text, chunkname)
  -- Compiles and runs a module's top-level code; returns nil or the error text.
  local chunk, err = load(text, "@" .. chunkname)
  if not chunk then return err end
  local ok, e = pcall(chunk)
  if not ok then return B.error_text(e) end
  return nil
end

function C.prepare(fname, packed_args)
  -- Calls the stream function; keeps its client-scope stages. Returns true and their count,
  -- or false and the error text.
  local ok, args, nargs = pcall(B.decode_args, packed_args)
  if not ok then return false, B.error_text(args) end
  local f = G[fname]
  if type(f) ~= "function" then return false, "function not found" end
  local ops
  ok, ops = pcall(function()
    local s = f(B.new_stream(), tunpack(args, 1, nargs))
    if type(s) ~= "table" or type(rawget(s, "ops")) ~= "table" then
      error("the stream function did not return the stream", 0)
    end
    return B.client_ops(s.ops)
  end)
  if not ok then return false, B.error_text(ops) end
  C.ops = ops
  return true, #ops
end

function C.run(next_value)
  -- Runs the client-scope stages over the values next_value() hands out (packed, then
  -- nil at the end); returns true and the packed values the chain yields, with their
  -- count, or false and the error text.
  local function source()
    local packed = next_value()
    if packed == nil then return nil end
    return (B.decode(packed, 1))
  end
  local ok, out = pcall(function()
    local out = {}
    for v in B.chain(C.ops, source) do out[#out + 1] = B.pack(v) end
    return out
  end)
  if not ok then return false, B.error_text(out) end
  return true, out, #out
end

return C
"""


class StreamError(Exception):
    """A stream UDF that cannot run on the client: the message is the reference client's
    text, `UDF: Execution Error 1` (the module cannot be loaded) or `UDF: Execution Error
    2` (the function failed), followed by ` : ` and the Lua error."""


def _execution_error(kind, detail):
    return StreamError(f"UDF: Execution Error {kind} : {detail}")


def _text(value):
    return bytes(value).decode("utf-8", "replace")


class StreamUDF:
    """One aggregation's client side.

    `user_path` is the directory holding `module`.lua (the client config's lua user_path),
    `function` the stream function, `args` its arguments (a list of Python values;
    `to_lua(v)` may convert values pack() does not know, see codec.pack). Raises
    StreamError when the module cannot be loaded or the function fails, LuaUnavailable
    without lupa, TypeError for an argument Lua cannot take."""

    def __init__(self, user_path, module, function, args=None, to_lua=None, from_geojson=None):
        packed_args = codec.pack(list(args or ()), to_lua)
        self._from_geojson = from_geojson or codec.GeoJSON
        self._to_lua = to_lua
        rt, internals = new_runtime()
        path = os.path.join(user_path, module + ".lua")
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError:
            raise _execution_error(
                1, f"module '{module}' not found in the Lua user_path {user_path}") from None
        self._entry = rt.execute(CLIENT.encode(), internals, user_path.encode())
        err = self._entry[b"load"](source, path.encode())
        if err is not None:
            raise _execution_error(1, _text(err))
        ok, detail = self._entry[b"prepare"](function.encode(), packed_args)
        if not ok:
            raise _execution_error(2, _text(detail))
        self.client_stages = detail

    def run(self, values):
        """The values the client-scope stages yield over `values` (the nodes' values, None
        values left out). Without client-scope stages (a chain with no reduce) they are
        the values themselves."""
        values = [v for v in values if v is not None]
        if not self.client_stages:
            return values
        try:
            packed = [codec.pack(v, self._to_lua) for v in values]
        except TypeError as e:  # a node value Lua cannot take
            raise _execution_error(2, str(e)) from None
        feed = iter(packed)

        def next_value():
            return next(feed, None)

        result = self._entry[b"run"](next_value)
        if not result[0]:
            raise _execution_error(2, _text(result[1]))
        out, count = result[1], result[2]
        try:
            return [codec.unpack(out[i], self._from_geojson) for i in range(1, count + 1)]
        except ValueError as e:
            raise _execution_error(2, str(e)) from None
