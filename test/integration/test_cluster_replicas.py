# Replica policies on a 3-node emulator with replication factor 2 (its own, for this
# module): SEQUENCE reads move to the replica when the master does not answer, MASTER
# reads and all writes stay on the master, ANY spreads reads over both copies and never
# over a node without one. Skipped on a real cluster (it needs node controls).


import pytest

import aerospike
from aerospike import exception as ex

from .conftest import NS, RUN_TAG, client_of, own_emulator

NODES = 3


@pytest.fixture(scope="module")
def rf2(server):
    yield from own_emulator(server, nodes=NODES, replication_factor=2)


@pytest.fixture
def rc(rf2):
    c = client_of(rf2, NODES)
    yield c
    c.close()
    for i in range(NODES):
        rf2.node(i).clear_faults()


_n = iter(range(1, 1 << 30))


@pytest.fixture
def rkey(rc):
    k = (NS, "it%s_r%d" % (RUN_TAG, next(_n)), "k")
    rc.put(k, {"a": 1})
    return k


def _reset(emu):
    for i in range(NODES):
        emu.node(i).reset_counters()


def _reads(emu):
    return [emu.node(i).counters["reads"] for i in range(NODES)]


def test_sequence_read_moves_to_the_replica_when_the_master_is_silent(rf2, rc, rkey):
    master = rf2.owner(aerospike.calc_digest(*rkey))
    _reset(rf2)
    rf2.node(master).drop(-1)
    policy = {
        "replica": aerospike.POLICY_REPLICA_SEQUENCE,
        "socket_timeout": 200,
        "total_timeout": 3000,
        "max_retries": 2,
    }
    assert rc.get(rkey, policy=policy)[2] == {"a": 1}
    reads = _reads(rf2)
    assert reads[master] == 1 and sum(reads) == 2, reads
    assert rf2.proxy_counts == [0] * NODES


def test_master_read_does_not_move_to_the_replica(rf2, rc, rkey):
    master = rf2.owner(aerospike.calc_digest(*rkey))
    _reset(rf2)
    rf2.node(master).drop(-1)
    policy = {
        "replica": aerospike.POLICY_REPLICA_MASTER,
        "socket_timeout": 150,
        "total_timeout": 1000,
        "max_retries": 2,
    }
    with pytest.raises(ex.TimeoutError) as info:
        rc.get(rkey, policy=policy)
    assert info.value.code == 9
    reads = _reads(rf2)
    assert reads[master] == sum(reads) == 3, reads


def test_writes_go_to_the_master_only(rf2, rc, rkey):
    master = rf2.owner(aerospike.calc_digest(*rkey))
    _reset(rf2)
    for _ in range(10):
        rc.increment(rkey, "a", 1, policy={"replica": aerospike.POLICY_REPLICA_ANY})
    writes = [rf2.node(i).counters["writes"] for i in range(NODES)]
    assert writes[master] == sum(writes) == 10, writes
    assert rc.get(rkey)[2] == {"a": 11}


def test_any_spreads_reads_over_both_copies(rf2, rc, rkey):
    master = rf2.owner(aerospike.calc_digest(*rkey))
    _reset(rf2)
    for _ in range(30):
        assert rc.get(rkey, policy={"replica": aerospike.POLICY_REPLICA_ANY})[2] == {"a": 1}
    reads = _reads(rf2)
    holders = [i for i in range(NODES) if reads[i]]
    assert len(holders) == 2 and master in holders, reads
    assert rf2.proxy_counts == [0] * NODES
