# Multi-node behaviour: partition bitmaps, peers discovery, proxy counting for requests that
# reach a node that does not own the partition, and partition moves bumping generations.

import base64

from aerospike_emulator import Emulator

from .rawclient import Conn, digest_for, get_all, put_int


def _bitmap(value, ns="test", column=0):
    for part in value.split(";"):
        name, _, rest = part.partition(":")
        if name == ns:
            return base64.b64decode(rest.split(",")[2 + column])
    raise AssertionError(value)


def _owned(bitmap):
    return {p for p in range(4096) if bitmap[p >> 3] & (0x80 >> (p & 7))}


def test_partitions_split_among_nodes(emu3):
    owned = []
    for host, port in emu3.seeds:
        with Conn((host, port)) as c:
            owned.append(_owned(_bitmap(c.info("replicas"))))
    assert sum(len(o) for o in owned) == 4096
    assert set().union(*owned) == set(range(4096))


def test_peers_list_the_other_nodes(emu3):
    with Conn(emu3.seeds[0]) as c:
        peers = c.info("peers-clear-std")
    for _, port in emu3.seeds[1:]:
        assert ":%d]" % port in peers
    assert emu3.node(0).name not in peers


def test_requests_to_the_wrong_node_are_proxied_and_counted(emu3):
    d = digest_for(5)
    owner = emu3.owner(d)
    other = (owner + 1) % 3
    with Conn(emu3.seeds[owner]) as c:
        assert c.call(put_int(d, b"a", 1)).result == 0
    assert emu3.proxy_counts == [0, 0, 0]
    with Conn(emu3.seeds[other]) as c:
        assert c.call(put_int(d, b"a", 2)).result == 0
        assert c.call(get_all(d)).bins == {b"a": 2}
    counts = emu3.proxy_counts
    assert counts[other] == 2 and sum(counts) == 2


def test_replication_factor_two_serves_reads_on_replicas():
    with Emulator(port=0, nodes=3, replication_factor=2) as e:
        with Conn(e.seeds[0]) as c:
            assert ",2," in c.info("replicas")
            replica = _owned(_bitmap(c.info("replicas"), column=1))
        pid = min(replica)
        d = digest_for(pid)
        with Conn(e.seeds[0]) as c:
            c.call(get_all(d))
        assert e.node(0).proxy_count == 0


def test_move_partitions_bumps_generation(emu3):
    with Conn(emu3.seeds[2]) as c:
        gen = int(c.info("partition-generation"))
        moved = emu3.move_partitions([0, 1, 2], 2)
        assert moved == [0, 1, 2]
        assert int(c.info("partition-generation")) > gen
        assert {0, 1, 2} <= _owned(_bitmap(c.info("replicas")))
    assert emu3.owner(0) == 2


def test_stopped_node_partitions_go_to_the_others(emu3):
    emu3.node(1).stop()
    owned = set()
    for i in (0, 2):
        with Conn(emu3.seeds[i]) as c:
            owned |= _owned(_bitmap(c.info("replicas")))
            assert emu3.node(1).name not in c.info("peers-clear-std")
    assert owned == set(range(4096))
    emu3.node(1).restart()
    with Conn(emu3.seeds[1]) as c:
        assert c.info("build") == "8.1.2.0"
