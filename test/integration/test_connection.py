# Connecting and disconnecting: aerospike.client(config) connects at once, connect() is
# chainable and idempotent, close() may be repeated and connect() works again after it,
# commands on a closed client raise ClusterError, and unreachable seeds raise ClientError.

import socket

import pytest

import aerospike
from aerospike import exception as ex


def _free_port():
    # A port nobody listens on: bind, read the number, close.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_client_factory_connects_immediately(config, keys):
    c = aerospike.client(config)
    try:
        assert c.is_connected() is True
        assert c.exists(keys("probe"))[1] is None
    finally:
        c.close()


def test_connect_returns_the_client_and_is_idempotent(config):
    c = aerospike.client(config)
    try:
        assert c.connect() is c
        assert c.connect() is c
        assert c.is_connected() is True
    finally:
        c.close()


def test_close_then_is_connected_false_and_repeated_close_is_harmless(config):
    c = aerospike.client(config)
    assert c.close() is None
    assert c.is_connected() is False
    c.close()
    assert c.is_connected() is False


def test_commands_after_close_raise_cluster_error(config, keys):
    c = aerospike.client(config)
    c.close()
    with pytest.raises(ex.ClusterError) as info:
        c.get(keys("after-close"))
    assert info.value.code == 11
    with pytest.raises(ex.ClusterError):
        c.put(keys("after-close"), {"a": 1})


def test_reconnect_after_close(config, keys):
    k = keys("reconnect")
    c = aerospike.client(config)
    c.put(k, {"a": 1})
    c.close()
    assert c.connect() is c
    try:
        assert c.is_connected() is True
        assert c.get(k)[2] == {"a": 1}
    finally:
        c.close()


def test_two_clients_see_each_others_writes(config, keys):
    k = keys("two-clients")
    a = aerospike.client(config)
    b = aerospike.client(config)
    try:
        a.put(k, {"v": "from-a"})
        assert b.get(k)[2] == {"v": "from-a"}
        b.increment(k, "n", 2)
        assert a.get(k)[2] == {"v": "from-a", "n": 2}
    finally:
        a.close()
        b.close()


def test_refused_connection_raises_connection_error():
    with pytest.raises(ex.ConnectionError) as info:
        aerospike.client({"hosts": [("127.0.0.1", _free_port())]})
    err = info.value
    assert isinstance(err, ex.ClientError)
    assert isinstance(err, ex.AerospikeError)
    assert err.code == -10


def test_unresolvable_host_raises_client_error():
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": [("no-such-host.invalid", 3000)]})


def test_dead_seed_is_tolerated_when_fail_if_not_connected_is_false(seeds, keys):
    # The first seed refuses; with fail_if_not_connected off the client uses the next one.
    hosts = [("127.0.0.1", _free_port())] + list(seeds)
    c = aerospike.client({"hosts": hosts, "fail_if_not_connected": False})
    try:
        assert c.is_connected()
        k = keys("dead-seed")
        c.put(k, {"a": 1})
        assert c.get(k)[2] == {"a": 1}
    finally:
        c.close()


def test_dead_seed_fails_connect_by_default(seeds):
    # With the default fail_if_not_connected=True, a seed that cannot be reached makes the
    # first tend fail, and client() raises a ClientError.
    hosts = list(seeds) + [("127.0.0.1", _free_port())]
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": hosts})


def test_cluster_name_mismatch_refuses_to_connect(seeds):
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": list(seeds), "cluster_name": "no-such-cluster-name"})


def test_user_and_password_on_community_edition_raise_security_not_supported(emulator, seeds):
    # The emulator, like Community Edition, has no security: a login is refused with 51.
    with pytest.raises(ex.SecurityNotSupported) as info:
        aerospike.client({"hosts": list(seeds), "user": "u", "password": "p"})
    assert info.value.code == 51
    assert isinstance(info.value, ex.AdminError)


def test_client_class_instance_supports_connect(config, keys):
    c = aerospike.Client(config)
    try:
        assert c.connect() is c
        assert c.is_connected()
        assert c.exists(keys("class"))[1] is None
    finally:
        c.close()


def test_hosts_may_carry_a_tls_name_slot(seeds):
    host, port = seeds[0]
    c = aerospike.client({"hosts": [(host, port, None)]})
    try:
        assert c.is_connected()
    finally:
        c.close()


def test_client_class_connects_on_construction(config):
    # As in the reference client, aerospike.Client(config) connects at once.
    c = aerospike.Client(config)
    try:
        assert c.is_connected()
    finally:
        c.close()
    assert not c.is_connected()


def test_client_class_on_a_dead_seed_raises_at_construction():
    with pytest.raises(ex.ConnectionError):
        aerospike.Client({"hosts": [("127.0.0.1", _free_port())]})
