# test_config.py: client config and argument validation that needs no server. Bad
# input raises ParamError naming the argument, before anything is sent.

import pytest

import aerospike
from aerospike import _core, exception

# aerospike.Client(config) connects, as the reference does; its C half validates the
# config without connecting, which is what these tests need.


def client(**extra):
    config = {"hosts": [("127.0.0.1", 1)]}
    config.update(extra)
    return _core.Client(config)


@pytest.mark.parametrize(
    "config,needle",
    [
        ({}, "hosts"),
        ({"hosts": []}, "hosts"),
        ({"hosts": "127.0.0.1"}, "hosts"),
        ({"hosts": [("127.0.0.1", "3000")]}, "port"),
        ({"hosts": [("127.0.0.1", 70000)]}, "port"),
        ({"hosts": [(3000, 3000)]}, "address"),
        ({"hosts": [("127.0.0.1", 3000)], "policies": {"read": {"total_timeout": "x"}}},
         "total_timeout"),
        ({"hosts": [("127.0.0.1", 3000)], "max_conns_per_node": -1}, "max_conns_per_node"),
        ({"hosts": [("127.0.0.1", 3000)], "tend_interval": 1.5}, "tend_interval"),
        ({"hosts": [("127.0.0.1", 3000)], "serialization": (1, 2)}, "serialization"),
        ({"hosts": [("127.0.0.1", 3000)], "cluster_name": 5}, "cluster_name"),
    ],
)
def test_bad_config_raises_param_error_naming_it(config, needle):
    with pytest.raises(exception.ParamError) as info:
        aerospike.Client(config)
    assert needle in info.value.msg


@pytest.mark.parametrize(
    "config,needle",
    [
        ({"hosts": [("127.0.0.1", 3000)], "bogus": 1}, "bogus"),
        ({"hosts": [("127.0.0.1", 3000)], "policies": {"nonsense": {}}}, "nonsense"),
    ],
)
def test_unknown_config_keys_are_ignored_with_a_warning(config, needle):
    # The reference ignores keys it does not know; we also warn, to catch typos.
    with pytest.warns(UserWarning, match=needle):
        _core.Client(config)


def test_config_must_be_a_dict():
    with pytest.raises(exception.ParamError):
        aerospike.Client([("127.0.0.1", 3000)])


def test_good_config_is_accepted_without_connecting():
    c = client(policies={"read": {"total_timeout": 500}, "total_timeout": 2000},
               max_conns_per_node=10, min_conns_per_node=1, tend_interval=500,
               use_services_alternate=False, cluster_name="x", app_id="demo",
               lua={"user_path": "."}, serialization=(str, str))
    assert c.is_connected() is False


def test_refused_connection_raises_connection_error():
    with pytest.raises(exception.ConnectionError) as info:
        aerospike.client({"hosts": [("127.0.0.1", 1)], "connect_timeout": 200})
    assert info.value.code == -10


def test_commands_before_connect_raise_cluster_error():
    with pytest.raises(exception.ClusterError):
        client().get(("test", "s", "k"))


@pytest.mark.parametrize(
    "key",
    [
        "not-a-tuple",
        ("test", "s"),
        ("test", "s", "k", b"d", 1),
        (1, "s", "k"),
        ("test", 5, "k"),
        ("test", "s", 1.5),
        ("test", "s", None),
        ("test", "s", None, b"short"),
        ("test", "s", None, bytes(20)),
        ("x" * 40, "s", "k"),
        ("test", "y" * 70, "k"),
    ],
)
def test_bad_keys_raise_before_any_io(key):
    with pytest.raises(exception.ParamError):
        client().put(key, {"a": 1})


@pytest.mark.parametrize(
    "call",
    [
        lambda c, k: c.put(k, "not-a-dict"),
        lambda c, k: c.put(k, {"a": 1}, meta={"ttl": "x"}),
        lambda c, k: c.put(k, {"a": 1}, meta="x"),
        lambda c, k: c.put(k, {"a": 1}, policy={"exists": 99}),
        lambda c, k: c.put(k, {"a": 1}, policy="x"),
        lambda c, k: c.put(k, {"a": 2**64}),
        lambda c, k: c.put(k, {1: 1}),
        lambda c, k: c.put(k, {"a": object()}),
        lambda c, k: c.get(k, policy={"replica": 99}),
        lambda c, k: c.select(k, "a"),
        lambda c, k: c.increment(k, "a", "x"),
        lambda c, k: c.append(k, "a", 5),
        lambda c, k: c.operate(k, [{"op": aerospike.OPERATOR_WRITE, "bin": "a"}]),
        lambda c, k: c.operate(k, [{"op": aerospike.OPERATOR_WRITE, "val": 1}]),
        lambda c, k: c.operate(k, [{"op": 9999, "bin": "a"}]),
        lambda c, k: c.operate(k, [{"op": aerospike.OPERATOR_READ, "bin": "a", "junk": 1}]),
        lambda c, k: c.operate(k, []),
        lambda c, k: c.operate(k, "x"),
        lambda c, k: c.operate_ordered(k, ["not-a-dict"]),
        lambda c, k: c.operate(k, [{"op": aerospike.OP_LIST_GET_BY_INDEX, "bin": "l",
                                    "index": 0}]),
        lambda c, k: c.remove_bin(k, "a"),
    ],
)
def test_bad_arguments_raise_param_error(call):
    with pytest.raises(exception.ParamError):
        call(client(), ("test", "s", "k"))


def test_long_bin_name_raises_bin_name_error():
    with pytest.raises(exception.BinNameError):
        client().put(("test", "s", "k"), {"a" * 16: 1})
