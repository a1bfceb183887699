"""The value types of aerospike._types and aerospike_helpers.HyperLogLog."""

import json
import pickle

import pytest

from aerospike import _types, exception
from aerospike_helpers import HyperLogLog

POINT = {"type": "Point", "coordinates": [1.5, 2]}
POINT_JSON = '{"type": "Point", "coordinates": [1.5, 2]}'


def test_geojson_from_dict_keeps_the_dict():
    data = dict(POINT)
    geo = _types.GeoJSON(data)
    assert geo.geo_data is data
    assert geo.unwrap() is data


def test_geojson_str_and_repr():
    geo = _types.GeoJSON(POINT)
    assert str(geo) == POINT_JSON
    assert geo.dumps() == POINT_JSON
    assert repr(geo) == "'" + POINT_JSON + "'"
    # The reference quotes the text as is, without escaping it.
    assert repr(_types.GeoJSON({"a": "é"})) == '\'{"a": "\\u00e9"}\''


def test_geojson_from_text():
    geo = _types.GeoJSON(POINT_JSON)
    assert geo.geo_data == POINT
    assert _types.geojson(POINT_JSON).geo_data == POINT


@pytest.mark.parametrize("text", ["not json", "{", "{}{"])
def test_geojson_from_bad_text_is_a_client_error(text):
    with pytest.raises(exception.ClientError) as info:
        _types.GeoJSON(text)
    assert type(info.value) is exception.ClientError
    assert info.value.code == -1
    assert info.value.msg == "String is not GeoJSON serializable -> Unable to load GeoJSON"


@pytest.mark.parametrize("data", [None, 5, [1], b"{}", "5", "[1, 2]"])
def test_geojson_needs_a_dict_or_object_text(data):
    with pytest.raises(exception.ParamError) as info:
        _types.GeoJSON(data)
    assert info.value.code == -2
    assert info.value.msg == "Geospatial data should be a dictionary or raw GeoJSON string"


def test_geojson_needs_an_argument():
    with pytest.raises(exception.ParamError, match="expects exactly 1 parameter"):
        _types.GeoJSON()


def test_geojson_wrap_loads_and_attributes():
    geo = _types.GeoJSON({"a": 1})
    assert geo.wrap({"b": 2}) == 0 and geo.geo_data == {"b": 2}
    assert geo.loads('{"c": 3}') == 0 and geo.geo_data == {"c": 3}
    with pytest.raises(exception.ParamError, match="dictionary or raw GeoJSON"):
        geo.wrap('{"d": 4}')
    with pytest.raises(exception.ParamError, match="Argument should be a GeoJSON string"):
        geo.loads(5)
    with pytest.raises(exception.ClientError, match="not GeoJSON serializable"):
        geo.loads("nope")
    geo.geo_data = {"e": 5}
    assert str(geo) == '{"e": 5}'
    with pytest.raises(AttributeError):
        geo.other = 1


def test_geojson_unserializable_data():
    geo = _types.GeoJSON({"a": object()})
    with pytest.raises(exception.ClientError, match="Unable to call dumps function"):
        geo.dumps()
    with pytest.raises(exception.ClientError, match="Unable to call get data in str format"):
        str(geo)


def test_geojson_compares_by_identity():
    assert _types.GeoJSON({"a": 1}) != _types.GeoJSON({"a": 1})


def test_geodata_and_geojson_check_their_argument():
    assert _types.geodata(POINT).geo_data is POINT
    with pytest.raises(exception.ParamError, match="should be a dictionary"):
        _types.geodata(POINT_JSON)
    with pytest.raises(exception.ParamError, match="should be a GeoJSON string"):
        _types.geojson(POINT)


def test_key_ordered_dict_is_a_plain_dict_subclass():
    value = _types.KeyOrderedDict({"b": 1, "a": 2})
    assert isinstance(value, dict)
    assert value == {"b": 1, "a": 2}
    assert list(value) == ["b", "a"]
    assert repr(value) == "{'b': 1, 'a': 2}"
    assert _types.KeyOrderedDict(b=1) == {"b": 1}
    assert type(value.copy()) is dict


@pytest.mark.parametrize("marker", [_types.null, _types.CDTWildcard, _types.CDTInfinite])
def test_markers_accept_and_ignore_arguments(marker):
    value = marker(1, key=2)
    assert type(value) is marker
    assert value != marker()
    assert bool(value)
    assert type(value).__module__ == "aerospike"
    with pytest.raises(AttributeError):
        value.anything = 1


def test_hyperloglog_is_bytes_with_its_own_repr():
    value = HyperLogLog(b"\x00\x01")
    assert isinstance(value, bytes)
    assert value == b"\x00\x01"
    assert repr(value) == "HyperLogLog(b'\\x00\\x01')"
    assert str(value) == repr(value)
    assert HyperLogLog(bytearray(b"ab")) == b"ab"
    assert type(value + b"x") is bytes
    assert hash(value) == hash(b"\x00\x01")
    with pytest.raises(TypeError):
        HyperLogLog("text")


def test_hyperloglog_pickles():
    value = pickle.loads(pickle.dumps(HyperLogLog(b"ab")))
    assert type(value) is HyperLogLog and value == b"ab"


def test_transaction_defaults():
    txn = _types.Transaction()
    assert (txn.in_doubt, txn.state, txn.timeout) == (False, 0, 0)
    assert 0 < txn.id < 2**64
    assert len({_types.Transaction().id for _ in range(20)}) == 20


def test_transaction_capacities_are_uint32():
    _types.Transaction(reads_capacity=1, writes_capacity=2)
    with pytest.raises(TypeError, match="must be an integer"):
        _types.Transaction(1.5)
    with pytest.raises(OverflowError):
        _types.Transaction(-1)
    with pytest.raises(ValueError, match="exceeds 4294967295"):
        _types.Transaction(1, 2**32)


def test_transaction_attributes():
    txn = _types.Transaction()
    txn.timeout = 10
    assert txn.timeout == 10
    with pytest.raises(TypeError):
        txn.timeout = "x"
    for name in ("id", "in_doubt", "state"):
        with pytest.raises(AttributeError):
            setattr(txn, name, 1)


def test_config_provider():
    provider = _types.ConfigProvider("/etc/aerospike.yml")
    assert (provider.path, provider.interval) == ("/etc/aerospike.yml", 5000)
    assert _types.ConfigProvider(path="/x", interval=7).interval == 7
    with pytest.raises(TypeError, match="must be str"):
        _types.ConfigProvider(b"/x")
    with pytest.raises(OverflowError):
        _types.ConfigProvider("/x", -1)
    with pytest.raises(AttributeError):
        provider.path = "/y"


def test_public_types_report_the_aerospike_module():
    for cls in (_types.GeoJSON, _types.KeyOrderedDict, _types.Transaction, _types.ConfigProvider):
        assert cls.__module__ == "aerospike"
    assert _types.Geospatial is _types.GeoJSON


def test_geojson_text_is_standard_json():
    geo = _types.GeoJSON({"a": [1, 2.0, None, True]})
    assert json.loads(str(geo)) == {"a": [1, 2.0, None, True]}
    assert str(geo) == '{"a": [1, 2.0, null, true]}'
