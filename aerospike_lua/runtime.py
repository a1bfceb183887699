# Lua runtimes with the Aerospike UDF library loaded. lupa (the optional dependency that
# embeds Lua in Python) is imported on first use, not when aerospike_lua is imported, so the
# client and the emulator load without it and only fail when Lua is needed. new_runtime()
# makes a LuaRuntime and runs the library's chunks in it (lua_values, lua_codec,
# lua_stream); the client (stream.py) and the emulator (aerospike_emulator/udf.py) then add
# their own chunk: the client-scope entry points, or the server's record API.

from .lua_codec import CODEC
from .lua_stream import STREAM
from .lua_values import VALUES

_UNSET = object()
_lupa = _UNSET


class LuaUnavailable(ImportError):
    """Raised when Lua is needed and the lupa package is not installed."""


def lupa_module():
    """The lupa module that embeds Lua 5.4 (5.3 when that is all the installed lupa has,
    as the server's Lua is 5.4), or None when lupa is not installed."""
    global _lupa
    if _lupa is _UNSET:
        try:
            import lupa.lua54 as found
        except ImportError:
            try:
                import lupa.lua53 as found
            except ImportError:
                found = None
        _lupa = found
    return _lupa


def available():
    """True when lupa is installed, so UDFs can run."""
    return lupa_module() is not None


def _deny(obj, attr, is_setting):
    # Lua code never reaches the attributes of the few Python objects it can call.
    raise AttributeError("not accessible from Lua")


def new_runtime():
    """(LuaRuntime, internals): a fresh Lua state with the list, map, bytes and geojson
    types, the logging functions, the msgpack codec and the stream runner; `internals` is
    the Lua table of what those chunks share with the chunks run after them (private keys,
    constructors, decode/encode/pack, the stream stages). Raises LuaUnavailable without
    lupa. Python objects handed to Lua can be called but their attributes are hidden, and
    Python functions that return tuples return several Lua values."""
    lupa = lupa_module()
    if lupa is None:
        raise LuaUnavailable("the lupa package is not installed")
    rt = lupa.LuaRuntime(
        encoding=None,
        register_eval=False,
        register_builtins=False,
        attribute_filter=_deny,
        unpack_returned_tuples=True,
    )
    internals = rt.table()
    for chunk in (VALUES, CODEC, STREAM):
        rt.execute(chunk.encode(), internals)
    return rt, internals


def compile_error(source, chunkname):
    """The Lua compiler's message for `source` (bytes) that does not compile, else None.
    `chunkname` (bytes) names the source in the message, as Lua's load() takes it."""
    lupa = lupa_module()
    if lupa is None:
        raise LuaUnavailable("the lupa package is not installed")
    rt = lupa.LuaRuntime(encoding=None, register_eval=False, register_builtins=False)
    loader = rt.eval("function(s, n) local f, e = load(s, n); return e end")
    err = loader(source, chunkname)
    return bytes(err).decode("utf-8", "replace") if err is not None else None
