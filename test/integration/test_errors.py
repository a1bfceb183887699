# Errors: the exception class and .code of each server result the single-record API can
# meet (2, 3, 4, 5, 12, 13, 20, 21, 24, 26, 27), the attributes every AerospikeError
# carries, the class hierarchy, and bad input (keys, bins, meta, policies, op dicts) that
# must raise ParamError or the documented client error, name the argument, and write
# nothing (each test checks the record is unchanged afterwards).

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import map_operations as mo
from aerospike_helpers.operations import operations as op

from .conftest import record_or_none

ORIGINAL = {"a": 1, "s": "text", "l": [1, 2]}
NEVER = 4294967295


@pytest.fixture
def stored(client, key):
    """A record holding ORIGINAL at generation 1; tests check it is left unchanged."""
    client.put(key, ORIGINAL)
    return key


def _unchanged(client, key):
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 1}, ORIGINAL)


# -- server results --------------------------------------------------------------------


SERVER_ERRORS = {
    "not-found-2": (ex.RecordNotFound, 2, lambda c, k: c.get(k[:2] + ("missing-" + k[2],))),
    "generation-3": (
        ex.RecordGenerationError,
        3,
        lambda c, k: c.put(k, {"a": 2}, meta={"gen": 9}, policy={"gen": aerospike.POLICY_GEN_EQ}),
    ),
    "exists-5": (
        ex.RecordExistsError,
        5,
        lambda c, k: c.put(k, {"a": 2}, policy={"exists": aerospike.POLICY_EXISTS_CREATE}),
    ),
    "incompatible-12": (ex.BinIncompatibleType, 12, lambda c, k: c.increment(k, "s", 1)),
    "too-big-13": (ex.RecordTooBig, 13, lambda c, k: c.put(k, {"b": b"x" * (1024 * 1024 + 16)})),
    "bin-name-21": (ex.BinNameError, 21, lambda c, k: c.put(k, {"x" * 16: 1})),
    "element-exists-24": (
        ex.ElementExistsError,
        24,
        lambda c, k: c.operate(
            k, [lo.list_append("l", 2, {"write_flags": aerospike.LIST_WRITE_ADD_UNIQUE})]
        ),
    ),
    "op-not-applicable-26": (
        ex.OpNotApplicable,
        26,
        lambda c, k: c.operate(k, [lo.list_get("l", 10)]),
    ),
    "filtered-out-27": (
        ex.FilteredOut,
        27,
        lambda c, k: c.put(k, {"a": 2}, policy={"expressions": _never_true()}),
    ),
}


def _never_true():
    from aerospike_helpers.expressions import base as exp

    return exp.Eq(exp.IntBin("a"), 99).compile()


@pytest.mark.parametrize("case", sorted(SERVER_ERRORS))
def test_server_error_class_and_code(client, stored, case):
    cls, code, call = SERVER_ERRORS[case]
    with pytest.raises(cls) as info:
        call(client, stored)
    err = info.value
    assert err.code == code
    assert isinstance(err, ex.ServerError) and isinstance(err, ex.AerospikeError)
    assert isinstance(err.msg, str) and err.msg
    assert err.in_doubt is False
    _unchanged(client, stored)


def test_namespace_not_found_20(client):
    with pytest.raises(ex.NamespaceNotFound) as info:
        client.get(("no_such_ns", "s", "k"))
    assert info.value.code == 20
    assert isinstance(info.value, ex.ServerError)


def test_map_create_only_on_an_existing_key_is_element_exists(client, key):
    client.put(key, {"m": {"a": 1}})
    policy = {"map_write_flags": aerospike.MAP_WRITE_FLAGS_CREATE_ONLY}
    with pytest.raises(ex.ElementExistsError) as info:
        client.operate(key, [mo.map_put("m", "a", 2, policy)])
    assert info.value.code == 24
    assert client.get(key)[2] == {"m": {"a": 1}}


def test_map_update_only_on_a_missing_key_is_element_not_found(client, key):
    client.put(key, {"m": {"a": 1}})
    policy = {"map_write_flags": aerospike.MAP_WRITE_FLAGS_UPDATE_ONLY}
    with pytest.raises(ex.ElementNotFoundError) as info:
        client.operate(key, [mo.map_put("m", "b", 2, policy)])
    assert info.value.code == 23
    assert client.get(key)[2] == {"m": {"a": 1}}


def test_error_attributes_and_args(client, key):
    with pytest.raises(ex.RecordNotFound) as info:
        client.get(key)
    err = info.value
    assert len(err.args) == 5
    assert err.args[0] == err.code == 2
    assert err.args[1] == err.msg
    assert err.args[4] is err.in_doubt is False
    # Record errors name the key they are about.
    assert err.key == key


def test_record_error_names_the_key_on_writes(client, stored):
    with pytest.raises(ex.RecordExistsError) as info:
        client.put(stored, {"a": 2}, policy={"exists": aerospike.POLICY_EXISTS_CREATE})
    assert info.value.key == stored


def test_exception_hierarchy():
    record_errors = [
        ex.RecordNotFound, ex.RecordGenerationError, ex.RecordExistsError, ex.RecordTooBig,
        ex.RecordBusy, ex.RecordKeyMismatch, ex.BinNameError, ex.BinIncompatibleType,
    ]
    for cls in record_errors:
        assert issubclass(cls, ex.RecordError) and issubclass(cls, ex.ServerError)
    for cls in [ex.InvalidRequest, ex.OpNotApplicable, ex.FilteredOut, ex.NamespaceNotFound,
                ex.ElementExistsError, ex.ElementNotFoundError, ex.UnsupportedFeature,
                ex.IndexError, ex.AdminError, ex.UDFError]:
        assert issubclass(cls, ex.ServerError)
    for cls in [ex.ParamError, ex.InvalidHostError, ex.ConnectionError]:
        assert issubclass(cls, ex.ClientError)
    for cls in [ex.IndexNotFound, ex.IndexFoundError]:
        assert issubclass(cls, ex.IndexError)
    assert issubclass(ex.SecurityNotSupported, ex.AdminError)
    assert issubclass(ex.ClusterChangeError, ex.ClusterError)
    for cls in [ex.TimeoutError, ex.ClientError, ex.ServerError, ex.ClusterError, ex.QueryError]:
        assert issubclass(cls, ex.AerospikeError) and issubclass(cls, Exception)


def test_exception_default_codes():
    expected = {
        ex.RecordNotFound: 2, ex.RecordGenerationError: 3, ex.InvalidRequest: 4,
        ex.RecordExistsError: 5, ex.TimeoutError: 9, ex.ClusterError: 11,
        ex.BinIncompatibleType: 12, ex.RecordTooBig: 13, ex.RecordBusy: 14,
        ex.RecordKeyMismatch: 19, ex.NamespaceNotFound: 20, ex.BinNameError: 21,
        ex.ElementNotFoundError: 23, ex.ElementExistsError: 24, ex.OpNotApplicable: 26,
        ex.FilteredOut: 27, ex.ParamError: -2, ex.ClientError: -1, ex.ServerError: 1,
        ex.IndexFoundError: 200, ex.IndexNotFound: 201, ex.SecurityNotSupported: 51,
    }
    for cls, code in expected.items():
        assert cls().code == code, cls.__name__


# -- bad input: nothing is sent, nothing is written --------------------------------------


BAD_KEYS = {
    "list": ["test", "s", "k"],
    "none": None,
    "str": "test:s:k",
    "two-items": ("test", "s"),
    "five-items": ("test", "s", "k", None, 1),
    "ns-int": (1, "s", "k"),
    "ns-none": (None, "s", "k"),
    "set-int": ("test", 1, "k"),
    "pk-float": ("test", "s", 1.5),
    "pk-list": ("test", "s", [1]),
    "pk-dict": ("test", "s", {}),
    "no-pk-no-digest": ("test", "s", None),
    "digest-short": ("test", "s", None, bytearray(b"x" * 5)),
    "digest-str": ("test", "s", None, "x" * 20),
    "digest-bytes": ("test", "s", None, b"x" * 20),
    "pk-too-big": ("test", "s", 2**64),
    "ns-too-long": ("n" * 40, "s", "k"),
    "set-too-long": ("test", "s" * 70, "k"),
}

KEY_WORDS = ("key", "namespace", "set", "digest")


@pytest.mark.parametrize("case", sorted(BAD_KEYS))
@pytest.mark.parametrize("command", ["get", "put", "operate"])
def test_bad_key_raises_param_error(client, case, command):
    bad = BAD_KEYS[case]
    calls = {
        "get": lambda: client.get(bad),
        "put": lambda: client.put(bad, {"a": 1}),
        "operate": lambda: client.operate(bad, [op.write("a", 1)]),
    }
    with pytest.raises(ex.ParamError) as info:
        calls[command]()
    assert info.value.code == -2
    assert any(w in info.value.msg.lower() for w in KEY_WORDS), info.value.msg


@pytest.mark.parametrize("bins", [[("a", 1)], None, "a=1", 5], ids=["list", "none", "str", "int"])
def test_bins_must_be_a_dict(client, stored, bins):
    with pytest.raises(ex.ParamError) as info:
        client.put(stored, bins)
    assert "bin" in info.value.msg.lower()
    _unchanged(client, stored)


@pytest.mark.parametrize("name", [1, b"bytes", None, 1.5], ids=["int", "bytes", "none", "float"])
def test_bin_name_must_be_a_string(client, stored, name):
    with pytest.raises(ex.ClientError) as info:
        client.put(stored, {"ok": 2, name: 1})
    assert "bin" in info.value.msg.lower()
    _unchanged(client, stored)


@pytest.mark.parametrize(
    "meta",
    [[1], "ttl", {"ttl": "x"}, {"gen": "x"}, {"ttl": 1.5}],
    ids=["list", "str", "ttl-str", "gen-str", "ttl-float"],
)
def test_bad_meta_raises_param_error(client, stored, meta):
    with pytest.raises(ex.ParamError) as info:
        client.put(stored, {"a": 2}, meta=meta)
    msg = info.value.msg.lower()
    assert any(w in msg for w in ("meta", "ttl", "gen")), msg
    _unchanged(client, stored)


@pytest.mark.parametrize(
    "policy",
    [
        [1],
        "policy",
        {"total_timeout": "x"},
        {"max_retries": "x"},
        {"exists": "x"},
        {"expressions": 5},
    ],
    ids=["list", "str", "timeout-str", "retries-str", "exists-str", "expressions-int"],
)
def test_bad_policy_raises_param_error(client, stored, policy):
    with pytest.raises(ex.ParamError) as info:
        client.put(stored, {"a": 2}, policy=policy)
    msg = info.value.msg.lower()
    words = ["polic"] + [str(k) for k in policy] if isinstance(policy, dict) else ["polic"]
    assert any(w in msg for w in words), msg
    _unchanged(client, stored)


@pytest.mark.parametrize(
    "command",
    ["get", "select", "exists", "remove", "touch", "increment", "remove_bin", "operate"],
)
def test_bad_policy_on_every_command(client, stored, command):
    bad = [1]
    calls = {
        "get": lambda: client.get(stored, policy=bad),
        "select": lambda: client.select(stored, ["a"], policy=bad),
        "exists": lambda: client.exists(stored, policy=bad),
        "remove": lambda: client.remove(stored, policy=bad),
        "touch": lambda: client.touch(stored, 10, policy=bad),
        "increment": lambda: client.increment(stored, "a", 1, policy=bad),
        "remove_bin": lambda: client.remove_bin(stored, ["a"], policy=bad),
        "operate": lambda: client.operate(stored, [op.write("a", 2)], policy=bad),
    }
    # ParamError, or (remove_bin on the reference client) its parent ClientError.
    with pytest.raises(ex.ClientError):
        calls[command]()
    _unchanged(client, stored)


BAD_OPS = {
    "ops-not-a-list": {"op": aerospike.OPERATOR_WRITE, "bin": "a", "val": 2},
    "ops-empty": [],
    "op-not-a-dict": [1],
    "op-without-op": [{"bin": "a", "val": 2}],
    "op-unknown-code": [{"op": 999999, "bin": "a", "val": 2}],
    "op-without-bin": [{"op": aerospike.OPERATOR_WRITE, "val": 2}],
    "op-without-val": [{"op": aerospike.OPERATOR_WRITE, "bin": "a"}],
    "op-bin-int": [{"op": aerospike.OPERATOR_WRITE, "bin": 1, "val": 2}],
    "op-unknown-entry": [{"op": aerospike.OPERATOR_WRITE, "bin": "a", "val": 2, "zz": 1}],
    "read-without-bin": [{"op": aerospike.OPERATOR_READ}],
    "increment-by-str": [op.increment("a", "x")],
    "append-int": [op.append("s", 1)],
    "good-then-bad": [op.write("a", 2), op.write("n", 3), {"op": 999999}],
    "value-unserializable": [op.write("a", 2), op.write("b", object())],
    "value-overflow": [op.write("a", 2), op.write("b", 2**64)],
}


@pytest.mark.parametrize("case", sorted(BAD_OPS))
@pytest.mark.parametrize("method", ["operate", "operate_ordered"])
def test_bad_operation_list_raises_param_error_and_writes_nothing(client, stored, case, method):
    # ParamError (-2) for malformed op dicts; an unserializable value is a ClientError (-1)
    # on the reference client, so the check accepts the parent class there.
    with pytest.raises(ex.ClientError) as info:
        getattr(client, method)(stored, BAD_OPS[case])
    if case != "value-unserializable":
        assert isinstance(info.value, ex.ParamError) and info.value.code == -2
    _unchanged(client, stored)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, k: c.select(k, "a"),
        lambda c, k: c.select(k, [1]),
        lambda c, k: c.remove_bin(k, "a"),
        lambda c, k: c.increment(k, "a", "x"),
        lambda c, k: c.increment(k, 1, 1),
        lambda c, k: c.increment(k, "a", 2**64),
        lambda c, k: c.append(k, "s", 1),
        lambda c, k: c.prepend(k, "s", 1),
        lambda c, k: c.touch(k, "x"),
    ],
    ids=[
        "select-str", "select-int-bin", "remove-bin-str", "increment-str",
        "increment-bin-int", "increment-overflow", "append-int", "prepend-int", "touch-str",
    ],
)
def test_bad_arguments_of_other_commands(client, stored, call):
    with pytest.raises(ex.ClientError):
        call(client, stored)
    _unchanged(client, stored)


def test_failed_operate_is_atomic(client, stored):
    # The server rejects the whole transaction when one op fails: no op is applied.
    with pytest.raises(ex.BinIncompatibleType):
        client.operate(stored, [op.write("a", 5), op.write("new", 1), op.increment("s", 1)])
    _unchanged(client, stored)


def test_failed_put_to_a_missing_record_creates_nothing(client, key):
    with pytest.raises(ex.ParamError):
        client.put(key, {"a": 1, "b": object()})
    assert record_or_none(client, key) is None
