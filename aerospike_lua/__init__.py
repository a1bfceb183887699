"""aerospike_lua: the Lua runtime of Aerospike UDFs, shared by the client and the emulator.

What both sides of a UDF need lives here: the Lua value types a UDF sees (list, map, bytes,
geojson and their library functions), the msgpack codec that carries values between Python
and Lua, and the stream runner of aggregations with its server scope (the stages each node
runs) and client scope (the stages the client runs over the nodes' values). The client
(aerospike/_query.py) runs the client scope through StreamUDF; the emulator
(aerospike_emulator/udf.py) adds the server's record API and runs the server scope.

This package imports neither `aerospike` nor `aerospike_emulator`, so the emulator runs
under any client. Lua comes from the optional `lupa` package, imported on first use:
``available()`` tells whether it is installed, and anything that needs Lua raises
LuaUnavailable without it.
"""

from .codec import GeoJSON, pack, unpack
from .runtime import LuaUnavailable, available, compile_error, lupa_module, new_runtime
from .stream import StreamError, StreamUDF

__all__ = [
    "GeoJSON",
    "LuaUnavailable",
    "StreamError",
    "StreamUDF",
    "available",
    "compile_error",
    "lupa_module",
    "new_runtime",
    "pack",
    "unpack",
]
