# client.get_stats(): one NodeStats per node with its connection counts (opened, in use,
# in the pool) and its error and timeout counts, the cluster's retry count; shm_key() and
# set_xdr_filter() (the info command it sends is refused by a server without XDR).

import time

import pytest

from aerospike import exception as ex
from aerospike_helpers.expressions import base as exp


def test_get_stats_shape(client, key):
    client.put(key, {"a": 1})
    stats = client.get_stats()
    assert type(stats).__name__ == "ClusterStats"
    assert type(stats).__module__ == "aerospike_helpers.metrics"
    assert sorted((n.address, n.port) for n in stats.nodes) == sorted(client.get_nodes())
    for name in ("retry_count", "thread_pool_queued_tasks", "recover_queue_size"):
        assert isinstance(getattr(stats, name), int)
    for node in stats.nodes:
        assert type(node).__name__ == "NodeStats"
        assert isinstance(node.name, str) and node.name
        for name in ("error_count", "timeout_count", "key_busy_count"):
            assert getattr(node, name) >= 0
        conns = node.conns
        assert type(conns).__name__ == "ConnectionStats"
        assert conns.opened >= 1 and conns.in_pool >= 0 and conns.in_use >= 0
        assert conns.closed >= 0 and conns.recovered == 0 and conns.aborted == 0


def test_timeouts_and_retries_are_counted(fresh_client, node0, key):
    c = fresh_client()
    c.put(key, {"a": 1})
    before = c.get_stats()
    node0.delay(0.3)
    with pytest.raises(ex.TimeoutError):
        c.get(key, policy={"socket_timeout": 50, "total_timeout": 400, "max_retries": 2})
    node0.clear_faults()
    time.sleep(0.4)  # let the delayed replies drain
    after = c.get_stats()
    assert after.retry_count >= before.retry_count + 1
    assert sum(n.timeout_count for n in after.nodes) > sum(n.timeout_count for n in before.nodes)
    assert c.get(key)[2] == {"a": 1}


def test_shm_key_without_shared_memory(client):
    assert client.shm_key() is None


def test_set_xdr_filter_is_refused_without_xdr(client, emulator):
    with pytest.raises(ex.AerospikeError):
        client.set_xdr_filter("dc1", "test", exp.Eq(exp.IntBin("a"), 1).compile())
    with pytest.raises(ex.AerospikeError):
        client.set_xdr_filter("dc1", "test", None)


def test_user_agent_is_told_once_per_node(fresh_client, emulator):
    before = emulator.node(0).user_agents
    fresh_client(app_id="it-user-agent")
    fresh_client()
    after = emulator.node(0).user_agents
    for agent in ("1,python-19.3.0,it-user-agent", "1,python-19.3.0,not-set"):
        assert after.get(agent, 0) == before.get(agent, 0) + 1
