# aerospike_lua without a server: the Python half of the codec (golden bytes, round trips
# through Lua), the stream runner's scopes (which stages the server and the client run),
# StreamUDF (module loading from a user_path, errors with the reference client's texts) and
# the lazy import of lupa. The tests that run Lua skip when lupa is not installed.

import subprocess
import sys

import pytest

import aerospike_lua
from aerospike_lua import codec

needs_lupa = pytest.mark.skipif(not aerospike_lua.available(), reason="lupa is not installed")

MODULE = """
local function get_n(rec) return rec end
local function add(a, b) return a + b end
function total(stream) return stream : reduce(add) end
function values(stream) return stream : map(get_n) end
function scaled(stream, factor)
  return stream : reduce(add) : map(function(x) return x * factor end)
end
function twice(stream)
  return stream : reduce(add) : map(function(x) return x + 1 end) : reduce(add)
end
function then_aggregate(stream)
  return stream : reduce(add) : aggregate(100, add)
end
function then_filter(stream, limit)
  return stream : reduce(add) : filter(function(x) return x > limit end)
end
function echo(stream, arg)
  return stream : reduce(add) : map(function(x) return arg end)
end
function builds(stream)
  local function build(x)
    local m = map()
    m['z'] = list{x, 'two', 2.5}
    m[7] = true
    m['a'] = bytes(0)
    bytes.append_string(m['a'], 'hi')
    m['g'] = geojson('{"type": "Point", "coordinates": [1, 2]}')
    return m
  end
  return stream : reduce(add) : map(build)
end
function fails(stream)
  return stream : reduce(add) : map(function(x) error('it broke') end)
end
function no_stream(stream) return 42 end
function uses_other(stream)
  local other = require('helper')
  return stream : reduce(other.add)
end
"""

HELPER = "local M = {}\nfunction M.add(a, b) return a + b + 1000 end\nreturn M\n"


@pytest.fixture
def user_path(tmp_path):
    (tmp_path / "agg.lua").write_text(MODULE)
    (tmp_path / "helper.lua").write_text(HELPER)
    return str(tmp_path)


# -- the Python half of the codec ----------------------------------------------------


@pytest.mark.parametrize("value,packed", [
    (None, b"\xc0"),
    (True, b"\xc3"),
    (False, b"\xc2"),
    (1, b"\xd3" + (1).to_bytes(8, "big")),
    (-2, b"\xd3" + (-2).to_bytes(8, "big", signed=True)),
    (1.5, b"\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00"),
    ("ab", b"\xa3\x03ab"),
    (b"\x01", b"\xa2\x04\x01"),
    (bytearray(b"\x01"), b"\xa2\x04\x01"),
    (codec.GeoJSON("{}"), b"\xa3\x17{}"),
    ([1], b"\xdd\x00\x00\x00\x01\xd3" + (1).to_bytes(8, "big")),
    ({"a": None}, b"\xdf\x00\x00\x00\x01\xa2\x03a\xc0"),
])
def test_pack_golden_bytes(value, packed):
    assert codec.pack(value) == packed


def test_pack_long_strings_use_the_longer_headers():
    assert codec.pack("x" * 40)[:3] == b"\xd9\x29\x03"
    assert codec.pack("x" * 300)[:4] == b"\xda\x01\x2d\x03"
    assert codec.pack(b"x" * 70000)[:6] == b"\xdb\x00\x01\x11\x71\x04"


def test_pack_refuses_what_lua_cannot_take():
    with pytest.raises(TypeError):
        codec.pack(object())
    with pytest.raises(TypeError):
        codec.pack(1 << 64)
    assert codec.pack({1, 2} and object(), default=lambda v: "converted") == b"\xaa\x03converted"


@pytest.mark.parametrize("packed,value", [
    (b"\x05", 5),
    (b"\xff", -1),
    (b"\xcc\xff", 255),
    (b"\xd1\xff\x00", -256),
    (b"\xca\x3f\xc0\x00\x00", 1.5),
    (b"\xa3\x03ab", "ab"),
    (b"\xa0", ""),
    (b"\xc4\x02ab", b"ab"),
    (b"\xa3\x04ab", b"ab"),
    (b"\x92\x01\xc0", [1, None]),
    (b"\x93\xc7\x00\x01\x01\x02", [1, 2]),  # an ordered list: flags dropped
    (b"\x82\xc7\x00\x01\xc0\x01\x02", {1: 2}),  # a key-ordered map
])
def test_unpack_golden_bytes(packed, value):
    out = codec.unpack(packed)
    assert out == value and type(out) is type(value)


def test_unpack_geojson_and_map_key_order():
    geo = codec.unpack(b"\xa3\x17{}")
    assert isinstance(geo, codec.GeoJSON) and geo == "{}"
    assert codec.unpack(b"\xa3\x17{}", geojson=lambda text: ("geo", text)) == ("geo", "{}")
    m = codec.unpack(b"\x84\xa2\x03b\x01\x02\x02\xa2\x03a\x03\xc3\x04")
    assert list(m) == [True, 2, "a", "b"]


@pytest.mark.parametrize("bad", [b"", b"\xa5\x03a", b"\x01\x02", b"\xc1", b"\x81\x91\x01\x02"])
def test_unpack_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        codec.unpack(bad)


# -- Lua -------------------------------------------------------------------------------


@needs_lupa
@pytest.mark.parametrize("value", [
    None, True, 7, -(1 << 63), 2.25, "text", b"\x00\x01", [1, [2, "x"], None],
    {"a": 1, "b": [1.5]}, {1: "x", 2: {"y": b"z"}},
])
def test_values_round_trip_through_lua(value):
    rt, internals = aerospike_lua.new_runtime()
    echo = rt.eval("function(B, s) return B.pack(B.decode(s, 1)) end")
    assert codec.unpack(echo(internals, codec.pack(value))) == value


@needs_lupa
def test_lua_values_have_the_udf_library():
    rt, _ = aerospike_lua.new_runtime()
    assert rt.eval("list.size(list{1, 2, 3})") == 3
    assert rt.eval("map.size(map{a = 1, b = 2})") == 2
    assert rt.eval("bytes.get_int16_be(bytes(2), 1)") == 0
    assert rt.eval("type(geojson('{}'))") == b"table"


@needs_lupa
def test_stream_scopes():
    # The server runs the stages up to and including the first reduce, the client the
    # first reduce and everything after it.
    rt, internals = aerospike_lua.new_runtime()
    scopes = rt.eval("""function(B)
      local f = function() end
      local s = B.new_stream():filter(f):map(f):aggregate(0, f):reduce(f):map(f):reduce(f)
      local function names(ops)
        local out = {}
        for _, op in ipairs(ops) do out[#out + 1] = op.scope end
        return table.concat(out, ',')
      end
      return names(B.server_ops(s.ops)), names(B.client_ops(s.ops)),
             #B.client_ops(B.new_stream():map(f).ops)
    end""")
    server, client, without_reduce = scopes(internals)
    assert server == b"3,3,1,4"
    assert client == b"4,3,4"
    assert without_reduce == 0


@needs_lupa
@pytest.mark.parametrize("function,args,values,out", [
    ("total", None, [1, 2, 3], [6]),
    ("total", None, [], []),
    ("total", None, [1, None, 2], [3]),
    ("values", None, [1, 2], [1, 2]),  # no reduce: the nodes' values are the results
    ("scaled", [10], [1, 2], [30]),
    ("twice", None, [1, 2], [4]),
    ("then_aggregate", None, [1, 2], [103]),
    ("then_aggregate", None, [], [100]),
    ("then_filter", [2], [1, 2], [3]),
    ("then_filter", [3], [1, 2], []),
    ("echo", [{"k": [1, b"x"]}], [1], [{"k": [1, b"x"]}]),
    ("uses_other", None, [1, 2], [1003]),
])
def test_stream_udf_runs_the_client_stages(user_path, function, args, values, out):
    stream = aerospike_lua.StreamUDF(user_path, "agg", function, args)
    assert stream.run(values) == out


@needs_lupa
def test_stream_udf_client_stage_count(user_path):
    assert aerospike_lua.StreamUDF(user_path, "agg", "values").client_stages == 0
    assert aerospike_lua.StreamUDF(user_path, "agg", "twice").client_stages == 3


@needs_lupa
def test_stream_udf_values_built_in_lua(user_path):
    stream = aerospike_lua.StreamUDF(user_path, "agg", "builds", from_geojson=lambda t: ("g", t))
    (value,) = stream.run([1, 2])
    assert value == {7: True, "a": b"hi", "g": ("g", '{"type": "Point", "coordinates": [1, 2]}'),
                     "z": [3, "two", 2.5]}
    assert list(value) == [7, "a", "g", "z"]


@needs_lupa
def test_stream_udf_converts_unknown_values_with_to_lua(user_path):
    class Point:
        pass

    to_lua = lambda v: codec.GeoJSON("{}") if isinstance(v, Point) else None  # noqa: E731
    stream = aerospike_lua.StreamUDF(user_path, "agg", "echo", [Point()], to_lua=to_lua)
    assert stream.run([1]) == [codec.GeoJSON("{}")]
    with pytest.raises(TypeError):
        aerospike_lua.StreamUDF(user_path, "agg", "echo", [object()])


@needs_lupa
@pytest.mark.parametrize("module,function,message", [
    ("agg", "fails", "UDF: Execution Error 2 : ./agg.lua:34: it broke"),
    ("agg", "nothing", "UDF: Execution Error 2 : function not found"),
    ("agg", "no_stream", "UDF: Execution Error 2 : the stream function did not return the stream"),
    ("missing", "f", "UDF: Execution Error 1 : module 'missing' not found in the Lua user_path ."),
    ("broken", "f", "UDF: Execution Error 1 : ./broken.lua:1: unexpected symbol near '?'"),
])
def test_stream_udf_errors(user_path, monkeypatch, module, function, message):
    # The user_path "." (the reference client's default) names the modules ./<module>.lua.
    monkeypatch.chdir(user_path)
    with open("broken.lua", "w") as f:
        f.write("? = 1\n")
    with pytest.raises(aerospike_lua.StreamError) as info:
        aerospike_lua.StreamUDF(".", module, function).run([1])
    assert str(info.value) == message


@needs_lupa
def test_compile_error():
    assert aerospike_lua.compile_error(b"x = 1", b"@m.lua") is None
    assert aerospike_lua.compile_error(b"x = ", b"@m.lua") == "m.lua:1: unexpected symbol near <eof>"


def test_without_lupa(monkeypatch, user_path):
    from aerospike_lua import runtime

    monkeypatch.setattr(runtime, "_lupa", None)
    assert not aerospike_lua.available()
    with pytest.raises(aerospike_lua.LuaUnavailable):
        aerospike_lua.new_runtime()
    with pytest.raises(aerospike_lua.LuaUnavailable):
        aerospike_lua.StreamUDF(user_path, "agg", "total")


def test_lupa_is_imported_lazily():
    # Importing aerospike_lua imports neither lupa nor either client or the emulator.
    code = ("import sys, aerospike_lua; "
            "print(sorted(m for m in ('lupa', 'aerospike', 'aerospike_emulator') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"

