# Faults injected by the emulator under a client of the test's own: delayed replies and
# total/socket timeouts (TimeoutError, code 9, in_doubt for writes), dropped replies and
# retries, a connection closed in the middle of a reply (ConnectionError, a ClientError),
# closed idle connections; after every fault the same client keeps working.

import time

import pytest

from aerospike import exception as ex
from aerospike_helpers.operations import operations as op


@pytest.fixture
def c(fresh_client):
    return fresh_client()


def _still_works(c, key, value):
    assert c.get(key)[2] == value
    c.put(key, {"after": 1})
    assert c.get(key)[2]["after"] == 1


def test_read_times_out_on_a_delayed_node(c, node0, key):
    c.put(key, {"a": 1})
    node0.delay(0.6)
    t0 = time.monotonic()
    with pytest.raises(ex.TimeoutError) as info:
        c.get(key, policy={"total_timeout": 100})
    elapsed = time.monotonic() - t0
    node0.clear_faults()
    err = info.value
    assert err.code == 9
    assert isinstance(err, ex.AerospikeError) and not isinstance(err, ex.ServerError)
    assert err.in_doubt is False
    assert elapsed < 0.5
    _still_works(c, key, {"a": 1})


def test_write_timeout_is_in_doubt(c, node0, key):
    c.put(key, {"a": 1})
    node0.delay(0.6)
    with pytest.raises(ex.TimeoutError) as info:
        c.put(key, {"a": 2}, policy={"total_timeout": 100})
    node0.clear_faults()
    assert info.value.code == 9
    assert info.value.in_doubt is True
    # The server did apply the write; only its reply was late.
    time.sleep(0.6)
    assert c.get(key)[2]["a"] == 2


@pytest.mark.parametrize("command", ["exists", "select", "operate", "touch", "remove"])
def test_every_command_honours_total_timeout(c, node0, key, command):
    c.put(key, {"a": 1})
    policy = {"total_timeout": 100}
    calls = {
        "exists": lambda: c.exists(key, policy=policy),
        "select": lambda: c.select(key, ["a"], policy=policy),
        "operate": lambda: c.operate(key, [op.read("a")], policy=policy),
        "touch": lambda: c.touch(key, 0, policy=policy),
        "remove": lambda: c.remove(key, policy=policy),
    }
    node0.delay(0.5)
    with pytest.raises(ex.TimeoutError) as info:
        calls[command]()
    node0.clear_faults()
    assert info.value.code == 9


def test_socket_timeout_with_retries(c, node0, key):
    c.put(key, {"a": 1})
    node0.delay(0.5)
    t0 = time.monotonic()
    with pytest.raises(ex.TimeoutError):
        c.get(key, policy={"socket_timeout": 100, "total_timeout": 2000, "max_retries": 2})
    elapsed = time.monotonic() - t0
    node0.clear_faults()
    # Three tries of about 100 ms each, well before the total timeout.
    assert 0.25 < elapsed < 1.5
    _still_works(c, key, {"a": 1})


def test_a_generous_timeout_outlasts_the_delay(c, node0, key):
    c.put(key, {"a": 1})
    node0.delay(0.3)
    try:
        assert c.get(key, policy={"total_timeout": 3000})[2] == {"a": 1}
    finally:
        node0.clear_faults()


def test_dropped_reply_times_out_without_retries(c, node0, key):
    c.put(key, {"a": 1})
    node0.drop(1)
    with pytest.raises(ex.TimeoutError) as info:
        c.get(key, policy={"total_timeout": 300, "max_retries": 0})
    assert info.value.code == 9
    node0.clear_faults()
    _still_works(c, key, {"a": 1})


def test_dropped_reply_is_retried_for_a_read(c, node0, key):
    c.put(key, {"a": 1})
    node0.drop(1)
    policy = {"socket_timeout": 200, "total_timeout": 3000, "max_retries": 2}
    assert c.get(key, policy=policy)[2] == {"a": 1}


def test_connection_closed_mid_reply_on_a_read(c, node0, key):
    c.put(key, {"a": 1})
    node0.close_mid_reply(1)
    with pytest.raises(ex.ConnectionError) as info:
        c.get(key, policy={"max_retries": 0})
    err = info.value
    assert isinstance(err, ex.ClientError)
    assert err.code == -10
    assert err.in_doubt is False
    _still_works(c, key, {"a": 1})


def test_connection_closed_mid_reply_on_a_write_is_in_doubt(c, node0, key):
    c.put(key, {"a": 1})
    node0.close_mid_reply(1)
    with pytest.raises(ex.ConnectionError) as info:
        c.put(key, {"a": 2})
    assert info.value.in_doubt is True
    assert c.get(key)[2] == {"a": 2}


def test_connection_closed_mid_reply_is_retried_for_a_read(c, node0, key):
    c.put(key, {"a": 1})
    node0.close_mid_reply(1)
    assert c.get(key)[2] == {"a": 1}


def test_server_closing_idle_connections_is_transparent(c, node0, key):
    c.put(key, {"a": 1})
    c.get(key)
    node0.close_connections()
    time.sleep(0.05)
    assert c.get(key)[2] == {"a": 1}
    c.put(key, {"a": 2})
    assert c.get(key)[2] == {"a": 2}


def test_server_error_keeps_the_connection_usable(c, key):
    # A server-side error (here 2) is an ordinary answer: the next command works at once.
    for _ in range(3):
        with pytest.raises(ex.RecordNotFound):
            c.get(key)
    c.put(key, {"a": 1})
    assert c.get(key)[2] == {"a": 1}


def test_config_read_policy_timeout_applies_to_reads(fresh_client, node0, key):
    c = fresh_client(policies={"read": {"total_timeout": 100, "max_retries": 0}})
    c.put(key, {"a": 1})
    node0.delay(0.5)
    with pytest.raises(ex.TimeoutError) as info:
        c.get(key)
    node0.clear_faults()
    assert info.value.code == 9
    # A per-call policy overrides the configured default.
    node0.delay(0.3)
    try:
        assert c.get(key, policy={"total_timeout": 3000})[2] == {"a": 1}
    finally:
        node0.clear_faults()
