# Client configuration: the shapes aerospike.client() accepts (documented keys, policy
# defaults that take effect) and the ones it rejects before touching the network (not a
# dict, missing or malformed hosts, bad policy values, a tend interval under 250 ms).

import pytest

import aerospike
from aerospike import exception as ex


@pytest.mark.parametrize(
    "cfg",
    [
        "127.0.0.1:3000",
        None,
        [("127.0.0.1", 3000)],
    ],
    ids=["str", "none", "list"],
)
def test_config_must_be_a_dict(cfg):
    with pytest.raises(ex.ParamError) as info:
        aerospike.client(cfg)
    assert info.value.code == -2
    assert "config" in info.value.msg.lower()


@pytest.mark.parametrize(
    "hosts",
    [
        "missing",
        "127.0.0.1:3000",
        [],
        [123],
        [(None, 3000)],
        [("127.0.0.1", "3000")],
        [("127.0.0.1",)],
    ],
    ids=["missing", "str", "empty", "int", "address-none", "port-str", "no-port"],
)
def test_bad_hosts_raise_param_error(hosts):
    cfg = {} if hosts == "missing" else {"hosts": hosts}
    with pytest.raises(ex.ParamError) as info:
        aerospike.client(cfg)
    assert info.value.code == -2
    assert "host" in info.value.msg.lower()


def test_negative_port_is_refused_as_a_client_error():
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": [("127.0.0.1", -1)]})


def test_bad_policy_value_type_raises_param_error(seeds):
    with pytest.raises(ex.ParamError) as info:
        aerospike.client({"hosts": list(seeds), "policies": {"read": {"total_timeout": "x"}}})
    assert info.value.code == -2


def test_tend_interval_below_250_ms_is_refused(seeds):
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": list(seeds), "tend_interval": 100})


def test_unknown_top_level_key_is_ignored(seeds):
    # The reference client ignores keys it does not know, so configs written for other
    # client versions keep working.
    c = aerospike.client({"hosts": list(seeds), "no_such_option": 1})
    try:
        assert c.is_connected()
    finally:
        c.close()


def test_unknown_policy_key_is_ignored(seeds):
    c = aerospike.client({"hosts": list(seeds), "policies": {"read": {"no_such_key": 1}}})
    try:
        assert c.is_connected()
    finally:
        c.close()


def test_documented_config_keys_are_accepted(seeds, tmp_path):
    cfg = {
        "hosts": list(seeds),
        "lua": {"user_path": str(tmp_path)},
        "policies": {
            "read": {"total_timeout": 2000, "max_retries": 1},
            "write": {"total_timeout": 2000, "key": aerospike.POLICY_KEY_SEND},
            "operate": {"total_timeout": 2000},
            "remove": {"total_timeout": 2000},
            "apply": {"total_timeout": 2000},
            "batch": {"total_timeout": 2000},
            "scan": {"total_timeout": 0},
            "query": {"total_timeout": 0},
            "info": {"timeout": 2000},
        },
        "tend_interval": 500,
        "connect_timeout": 2000,
        "max_conns_per_node": 50,
        "min_conns_per_node": 0,
        "max_socket_idle": 30,
        "max_error_rate": 100,
        "error_rate_window": 1,
        "use_services_alternate": False,
        "send_bool_as": aerospike.AS_BOOL,
        "thread_pool_size": 4,
        "fail_if_not_connected": True,
        "rack_aware": False,
        "rack_id": 0,
    }
    c = aerospike.client(cfg)
    try:
        assert c.is_connected()
    finally:
        c.close()


def test_config_write_policy_default_takes_effect(seeds, keys):
    # With key=SEND as the configured write default, the record stores its user key, which
    # a KeyExists() expression then sees; a plain client's write does not store it.
    from aerospike_helpers.expressions import base as exp
    from aerospike_helpers.operations import expression_operations as eo

    sent, plain = keys("config-send-key"), keys("config-no-key")
    c = aerospike.client(
        {"hosts": list(seeds), "policies": {"write": {"key": aerospike.POLICY_KEY_SEND}}}
    )
    try:
        c.put(sent, {"a": 1})
        probe = [eo.expression_read("stored", exp.KeyExists().compile())]
        assert c.operate(sent, probe)[2] == {"stored": True}
    finally:
        c.close()
    other = aerospike.client({"hosts": list(seeds)})
    try:
        other.put(plain, {"a": 1})
        assert other.operate(plain, probe)[2] == {"stored": False}
    finally:
        other.close()


def test_config_read_policy_default_takes_effect(seeds, keys):
    # With key=SEND as the configured read default, get() echoes the user key back.
    k = keys("config-read-policy")
    c = aerospike.client(
        {"hosts": list(seeds), "policies": {"read": {"key": aerospike.POLICY_KEY_SEND}}}
    )
    try:
        c.put(k, {"a": 1})
        key, _, bins = c.get(k)
        assert bins == {"a": 1}
        assert key[:3] == k
    finally:
        c.close()


def test_config_write_policy_exists_applies_to_puts(seeds, keys):
    k = keys("config-exists")
    c = aerospike.client(
        {"hosts": list(seeds), "policies": {"write": {"exists": aerospike.POLICY_EXISTS_CREATE}}}
    )
    try:
        c.put(k, {"a": 1})
        with pytest.raises(ex.RecordExistsError):
            c.put(k, {"a": 2})
        # A per-call policy overrides the configured default.
        c.put(k, {"a": 3}, policy={"exists": aerospike.POLICY_EXISTS_IGNORE})
        assert c.get(k)[2] == {"a": 3}
    finally:
        c.close()
