# A 3-node emulator cluster (its own, for this module): the client finds every node from
# one seed, sends each key's request to its partition's master (the nodes' proxy counters
# stay at zero), and keeps working after a node stops, after it restarts, and after
# partitions move to another node. Skipped on a real cluster (it needs node controls).

import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.operations import operations as op

from .conftest import NS, RUN_TAG, own_emulator

NODES = 3
SETTLE = 10.0  # seconds allowed for the client's tending to notice a change


@pytest.fixture(scope="module")
def cluster(server):
    yield from own_emulator(server, nodes=NODES)


@pytest.fixture
def cc(cluster):
    """A client of the 3-node cluster, seeded with one node only, tending every 250 ms."""
    for i in range(NODES):
        cluster.node(i).restart()
        cluster.node(i).clear_faults()
    cluster.rebalance()
    c = aerospike.client({"hosts": [cluster.seeds[0]], "tend_interval": 250})
    _wait(lambda: len(c.get_nodes()) == NODES, "the client to see every node")
    yield c
    c.close()
    for i in range(NODES):
        cluster.node(i).restart()
    cluster.rebalance()


_set_counter = iter(range(1, 1 << 30))


@pytest.fixture
def cluster_keys():
    set_name = "it%s_c%d" % (RUN_TAG, next(_set_counter))
    return [(NS, set_name, "k%d" % i) for i in range(120)]


def _wait(condition, what, timeout=SETTLE):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail("timed out waiting for %s" % what)


def _reset(cluster):
    for i in range(NODES):
        cluster.node(i).reset_counters()


def _routes_without_proxies(cluster, c, keys):
    """True when a read and a write of every key reach the partition's master. While the
    client still holds an old map, a command may also fail (its node is gone): not yet."""
    _reset(cluster)
    try:
        for k in keys:
            c.put(k, {"k": k[2]})
            c.get(k)
    except ex.AerospikeError:
        return False
    return sum(cluster.proxy_counts) == 0


def test_client_discovers_every_node_from_one_seed(cluster, cc):
    nodes = cc.get_nodes()
    assert sorted(nodes) == sorted(cluster.seeds)
    names = {n["node_name"] for n in cc.get_node_names()}
    assert names == {cluster.node(i).name for i in range(NODES)}
    assert set(cc.info_all("node")) == names


def test_each_request_goes_to_the_partition_master(cluster, cc, cluster_keys):
    _reset(cluster)
    for k in cluster_keys:
        cc.put(k, {"v": k[2]})
        assert cc.get(k)[2] == {"v": k[2]}
        cc.operate(k, [op.increment("n", 1), op.read("n")])
        assert cc.exists(k)[1]["gen"] == 2
    assert cluster.proxy_counts == [0] * NODES
    served = [cluster.node(i).counters["requests"] for i in range(NODES)]
    assert all(n > 0 for n in served), served
    # Key by key: the request lands on the node that owns the key's partition.
    for k in cluster_keys[:15]:
        owner = cluster.owner(aerospike.calc_digest(*k))
        _reset(cluster)
        cc.get(k)
        counts = [cluster.node(i).counters["reads"] for i in range(NODES)]
        assert counts[owner] == 1 and sum(counts) == 1, (owner, counts)


def test_info_single_node_reaches_the_named_node(cluster, cc):
    for entry in cc.get_node_names():
        value = cc.info_single_node("node", entry["node_name"])
        assert value == "node\t%s\n" % entry["node_name"]


def test_operations_keep_working_after_a_node_stops_and_restarts(cluster, cc, cluster_keys):
    for k in cluster_keys:
        cc.put(k, {"v": 1})
    cluster.node(2).stop()
    _wait(lambda: len(cc.get_nodes()) == NODES - 1, "the client to drop the stopped node")
    _wait(lambda: _routes_without_proxies(cluster, cc, cluster_keys), "the new partition map")
    for k in cluster_keys:
        assert cc.get(k)[2] == {"k": k[2], "v": 1}
        cc.increment(k, "v", 1)
    cluster.node(2).restart()
    _wait(lambda: len(cc.get_nodes()) == NODES, "the client to see the restarted node")
    _wait(lambda: _routes_without_proxies(cluster, cc, cluster_keys), "the rebalanced map")
    for k in cluster_keys:
        assert cc.get(k)[2] == {"k": k[2], "v": 2}
    assert cluster.node(2).counters["requests"] > 0


def test_commands_to_a_stopped_node_fail_cleanly_then_recover(cluster, cc, cluster_keys):
    # Stop a node without moving its partitions: its keys have no live master, so the
    # client fails those commands with a client-side error instead of hanging.
    for k in cluster_keys:
        cc.put(k, {"v": 1})
    victim = 1
    cluster.node(victim).stop(rebalance=False)
    orphans = [k for k in cluster_keys if cluster.owner(aerospike.calc_digest(*k)) == victim]
    assert orphans
    t0 = time.monotonic()
    with pytest.raises(ex.AerospikeError) as info:
        cc.get(orphans[0], policy={"total_timeout": 1000, "max_retries": 1})
    assert time.monotonic() - t0 < 3
    assert not isinstance(info.value, ex.ServerError)
    cluster.rebalance()
    _wait(lambda: _routes_without_proxies(cluster, cc, cluster_keys), "the rebalanced map")
    assert cc.get(orphans[0])[2]["v"] == 1


def test_operations_keep_working_after_partitions_move(cluster, cc, cluster_keys):
    for k in cluster_keys:
        cc.put(k, {"v": 1})
    target = 0
    moving = [k for k in cluster_keys if cluster.owner(aerospike.calc_digest(*k)) != target]
    pids = sorted({cc.get_key_partition_id(*k) for k in moving})
    moved = cluster.move_partitions(pids, target)
    assert sorted(moved) == pids
    # Right after the move the client may still use the old map: the old master serves
    # the request by proxying it, so every command keeps working meanwhile.
    for k in moving:
        assert cc.get(k)[2]["v"] == 1
    _wait(lambda: _routes_without_proxies(cluster, cc, cluster_keys), "the new partition map")
    _reset(cluster)
    for k in moving:
        cc.increment(k, "v", 1)
    counts = [cluster.node(i).counters["writes"] for i in range(NODES)]
    assert counts[target] == len(moving) and sum(counts) == len(moving), counts
    assert cluster.proxy_counts == [0] * NODES


def test_three_clients_agree(cluster, cc, cluster_keys):
    others = [aerospike.client({"hosts": [s]}) for s in cluster.seeds[1:]]
    try:
        for i, k in enumerate(cluster_keys[:30]):
            writer = ([cc] + others)[i % 3]
            writer.put(k, {"i": i})
        for c in [cc] + others:
            for i, k in enumerate(cluster_keys[:30]):
                assert c.get(k)[2] == {"i": i}
    finally:
        for c in others:
            c.close()
