# test_module_surface.py: the public surface of the aerospike module against
# spec/api-surface.md: every constant with its value, the exception hierarchy with
# its codes, and the module functions. The reference 19.3 values win where the spec
# disagrees (INDEX_NUMERIC is 4 in the reference, 1 in the spec).

import os
import re

import pytest

import aerospike
from aerospike import exception

SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "spec", "api-surface.md")
REFERENCE_OVERRIDES = {"INDEX_NUMERIC": 4}


def spec_constants():
    if not os.path.exists(SPEC):
        pytest.skip("spec/api-surface.md is not available")
    text = open(SPEC, encoding="utf-8").read()
    line = next(ln for ln in text.splitlines() if ln.startswith("Constants: `AS_BOOL"))
    return {name: eval(value) for name, value in re.findall(r"`([A-Z0-9_]+)=([^`]+)`", line)}


def test_every_spec_constant_has_its_value():
    wrong = {}
    for name, value in spec_constants().items():
        expected = REFERENCE_OVERRIDES.get(name, value)
        if getattr(aerospike, name, object()) != expected:
            wrong[name] = (getattr(aerospike, name, "missing"), expected)
    assert wrong == {}


def test_module_functions_exist():
    for name in ["calc_digest", "client", "geodata", "geojson", "get_partition_id",
                 "set_deserializer", "set_log_handler", "set_log_level", "set_serializer",
                 "unset_serializers"]:
        assert callable(getattr(aerospike, name)), name
    for name in ["Client", "GeoJSON", "KeyOrderedDict", "null", "CDTWildcard", "CDTInfinite",
                 "Query", "Scan", "Transaction", "ConfigProvider"]:
        assert isinstance(getattr(aerospike, name), type), name


# (class, parent, code) as the reference 19.3 defines them.
HIERARCHY = [
    ("TimeoutError", "AerospikeError", 9), ("ClientError", "AerospikeError", -1),
    ("ParamError", "ClientError", -2), ("InvalidHostError", "ClientError", -4),
    ("ConnectionError", "ClientError", -10), ("ServerError", "AerospikeError", 1),
    ("InvalidRequest", "ServerError", 4), ("RecordError", "ServerError", None),
    ("RecordNotFound", "RecordError", 2), ("RecordGenerationError", "RecordError", 3),
    ("RecordExistsError", "RecordError", 5), ("BinIncompatibleType", "RecordError", 12),
    ("RecordTooBig", "RecordError", 13), ("RecordBusy", "RecordError", 14),
    ("BinNameError", "RecordError", 21), ("FilteredOut", "ServerError", 27),
    ("NamespaceNotFound", "ServerError", 20), ("IndexError", "ServerError", 204),
    ("IndexFoundError", "IndexError", 200), ("IndexNotFound", "IndexError", 201),
    ("QueryError", "ServerError", 213), ("ClusterError", "ServerError", 11),
    ("ClusterChangeError", "ClusterError", 7), ("UDFError", "ServerError", 100),
    ("AdminError", "ServerError", None), ("SecurityNotSupported", "AdminError", 51),
    ("NotAuthenticated", "AdminError", 80),
]


@pytest.mark.parametrize("name,parent,code", HIERARCHY)
def test_exception_hierarchy(name, parent, code):
    cls = getattr(exception, name)
    assert cls.__bases__[0] is getattr(exception, parent)
    assert cls.code == code


def test_result_codes_map_to_classes():
    assert exception.class_for_code(2) is exception.RecordNotFound
    assert exception.class_for_code(-2) is exception.ParamError
    # A code without a class of its own raises the base class, as the reference does.
    assert exception.class_for_code(25) is exception.AerospikeError


def test_exception_attributes():
    err = exception.RecordNotFound(2, "msg", "file.c", 7, False)
    assert (err.code, err.msg, err.file, err.line, err.in_doubt) == (2, "msg", "file.c", 7, False)
    assert err.args == (2, "msg", "file.c", 7, False)
    assert err.key is None and err.bin is None
    assert exception.IndexError().name is None
    assert exception.UDFError().module is None
