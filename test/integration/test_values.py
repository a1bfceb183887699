# Every bin value type through put/get and operate: integers (64-bit bounds; overflow
# raises ParamError and writes nothing), floats, str (unicode), bytes, bytearray, bool,
# None and aerospike.null() (remove a bin), lists, dicts, nesting, KeyOrderedDict,
# GeoJSON and HyperLogLog.

import math

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers import HyperLogLog
from aerospike_helpers.operations import hll_operations as hll
from aerospike_helpers.operations import operations as op

from .conftest import record_or_none

ROUND_TRIPS = {
    "int-zero": 0,
    "int-small": 7,
    "int-negative": -7,
    "int-max": 2**63 - 1,
    "int-min": -(2**63),
    "int-32bit-edge": 2**31,
    "float": 3.25,
    "float-negative": -0.5,
    "float-big": 1.7976931348623157e308,
    "float-inf": math.inf,
    "str": "hello",
    "str-empty": "",
    "str-unicode": "héllo wörld ✓ 日本 \U0001f600",
    "bytes": b"\x00\x01\xffabc",
    "bool-true": True,
    "bool-false": False,
    "list": [1, "a", 2.5, b"x", [3, 4], {"k": "v"}, None, True],
    "list-empty": [],
    "dict": {"a": 1, "b": 2},
    "dict-empty": {},
    "dict-mixed-keys": {"a": 1, 3: "int-key", b"k": 2.5},
    "nested": {"a": {"b": {"c": [1, [2, [3, {"d": "deep"}]]]}}},
    "list-of-maps": [{"x": 1}, {"y": [2, 3]}],
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_value_round_trip(client, key, name):
    value = ROUND_TRIPS[name]
    client.put(key, {"v": value})
    got = client.get(key)[2]["v"]
    assert got == value
    assert type(got) is type(value)


def test_bool_is_not_confused_with_int(client, key):
    client.put(key, {"t": True, "one": 1, "l": [True, 1, False, 0]})
    bins = client.get(key)[2]
    assert bins["t"] is True
    assert type(bins["one"]) is int
    assert [type(x) for x in bins["l"]] == [bool, int, bool, int]


def test_nan_is_stored_as_a_float(client, key):
    client.put(key, {"f": float("nan")})
    got = client.get(key)[2]["f"]
    assert isinstance(got, float) and math.isnan(got)


def test_bytearray_comes_back_as_bytes(client, key):
    client.put(key, {"b": bytearray(b"\x10\x20\x30")})
    got = client.get(key)[2]["b"]
    assert got == b"\x10\x20\x30"
    assert isinstance(got, (bytes, bytearray))


def test_long_string_and_blob(client, key):
    s = "x" * 100_000
    b = bytes(range(256)) * 400
    client.put(key, {"s": s, "b": b})
    bins = client.get(key)[2]
    assert bins["s"] == s and bins["b"] == b


def test_many_bins(client, key):
    bins = {"b%d" % i: i for i in range(200)}
    client.put(key, bins)
    assert client.get(key)[2] == bins


def test_bin_name_of_15_bytes_is_accepted(client, key):
    client.put(key, {"abcdefghijklmno": 1})
    assert client.get(key)[2] == {"abcdefghijklmno": 1}


def test_unicode_bin_name(client, key):
    client.put(key, {"é✓": 1})
    assert client.get(key)[2] == {"é✓": 1}


def test_none_value_removes_a_bin(client, key):
    client.put(key, {"a": 1, "b": 2})
    client.put(key, {"a": None})
    assert client.get(key)[2] == {"b": 2}


def test_null_removes_a_bin_and_the_last_bin_removes_the_record(client, key):
    client.put(key, {"a": 1, "b": 2})
    client.put(key, {"a": aerospike.null()})
    assert client.get(key)[2] == {"b": 2}
    client.put(key, {"b": aerospike.null()})
    assert record_or_none(client, key) is None


def test_none_inside_a_list_or_map_is_kept(client, key):
    client.put(key, {"l": [None, 1], "m": {"k": None}})
    assert client.get(key)[2] == {"l": [None, 1], "m": {"k": None}}


def test_key_ordered_dict_comes_back_sorted(client, key):
    client.put(key, {"m": aerospike.KeyOrderedDict({"z": 1, "a": 2, "m": 3})})
    got = client.get(key)[2]["m"]
    assert got == {"a": 2, "m": 3, "z": 1}
    assert list(got) == ["a", "m", "z"]


def test_plain_dict_keeps_its_wire_order(client, key):
    value = {"z": 1, "a": 2, "m": 3}
    client.put(key, {"m": value})
    assert client.get(key)[2]["m"] == value


def test_geojson_point(client, key):
    point = aerospike.GeoJSON({"type": "Point", "coordinates": [-122.0, 37.5]})
    client.put(key, {"g": point})
    got = client.get(key)[2]["g"]
    assert isinstance(got, aerospike.GeoJSON)
    assert got.unwrap() == {"type": "Point", "coordinates": [-122.0, 37.5]}
    assert str(got) == '{"type": "Point", "coordinates": [-122.0, 37.5]}'


def test_geojson_polygon_and_helpers(client, key):
    poly = {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
    }
    point = aerospike.geojson('{"type": "Point", "coordinates": [1.0, 2.0]}')
    client.put(key, {"g": aerospike.geodata(poly), "h": point})
    bins = client.get(key)[2]
    assert bins["g"].unwrap() == poly
    assert bins["h"].unwrap() == {"type": "Point", "coordinates": [1.0, 2.0]}


def test_hyperloglog_from_hll_ops_round_trips_through_put(client, keys):
    source, copy = keys("hll-src"), keys("hll-copy")
    client.operate(source, [hll.hll_add("h", ["a", "b", "c"], 8)])
    h = client.get(source)[2]["h"]
    assert isinstance(h, HyperLogLog)
    assert isinstance(h, bytes)
    client.put(copy, {"h": h})
    got = client.get(copy)[2]["h"]
    assert isinstance(got, HyperLogLog) and got == h
    assert client.operate(copy, [hll.hll_get_count("h")])[2] == {"h": 3}


def test_values_written_through_operate(client, key):
    values = {
        "i": -1,
        "f": 0.5,
        "s": "str",
        "b": b"\x01",
        "l": [1, [2]],
        "m": {"x": {"y": 1}},
        "t": True,
    }
    _, meta, bins = client.operate(key, [op.write(name, v) for name, v in values.items()])
    assert meta["gen"] == 1 and bins == {}
    assert client.get(key)[2] == values


@pytest.mark.parametrize(
    "value",
    [2**63, -(2**63) - 1, 2**64, [1, 2**64], {"k": -(2**70)}],
    ids=["max+1", "min-1", "2**64", "in-list", "in-map"],
)
def test_integer_overflow_raises_param_error_and_writes_nothing(client, key, value):
    client.put(key, {"keep": 1})
    with pytest.raises(ex.ParamError) as info:
        client.put(key, {"keep": 2, "v": value})
    assert info.value.code == -2
    assert client.get(key)[1:] == ({"ttl": 4294967295, "gen": 1}, {"keep": 1})


def test_integer_overflow_in_increment_raises_param_error(client, key):
    client.put(key, {"i": 1})
    with pytest.raises(ex.ParamError):
        client.increment(key, "i", 2**64)
    assert client.get(key)[2] == {"i": 1}


@pytest.mark.parametrize(
    "value",
    [(1, 2), {1, 2}, object(), 1j, {"k": (1,)}],
    ids=["tuple", "set", "object", "complex", "tuple-in-map"],
)
def test_unserializable_value_raises_param_error_and_writes_nothing(client, key, value):
    with pytest.raises(ex.ParamError):
        client.put(key, {"ok": 1, "v": value})
    assert record_or_none(client, key) is None


@pytest.mark.parametrize(
    "value", [aerospike.CDTWildcard(), aerospike.CDTInfinite()], ids=["wildcard", "infinite"]
)
def test_comparison_only_values_cannot_be_stored(client, key, value):
    with pytest.raises(ex.ClientError):
        client.put(key, {"v": value})
    assert record_or_none(client, key) is None
