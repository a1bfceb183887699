# End to end with a real client library: the reference wheel under .venv-ref, or our own
# client once it can connect. Uses the plugin's fixtures (the emulator runs in a child
# process) and a 3-node cluster; skipped when no usable `aerospike` module is importable.

import pytest

from aerospike_emulator import Emulator

aerospike = pytest.importorskip("aerospike")


def _connect(seeds):
    if not hasattr(aerospike, "client"):
        pytest.skip("this aerospike module has no client() yet")
    try:
        return aerospike.client({"hosts": list(seeds)[:1]}).connect()
    except Exception as e:  # noqa: BLE001 - any client that cannot connect yet is skipped
        pytest.skip("client cannot connect: %s" % e)


@pytest.fixture(scope="module")
def cluster3():
    with Emulator(port=0, nodes=3, process=True) as e:
        yield e


def _roundtrip(c, ns):
    from aerospike_helpers.operations import operations as op

    k = (ns, "demo", "k1")
    c.put(k, {"a": 1, "s": "x", "l": [1, 2], "m": {"z": 1}})
    _, meta, bins = c.get(k)
    assert meta["gen"] == 1 and bins == {"a": 1, "s": "x", "l": [1, 2], "m": {"z": 1}}
    _, meta, bins = c.operate(k, [op.increment("a", 5), op.read("a")])
    assert bins == {"a": 6} and meta["gen"] == 2
    c.remove(k)
    with pytest.raises(aerospike.exception.RecordNotFound):
        c.get(k)
    for i in range(50):
        c.put((ns, "demo", i), {"i": i})
    c.truncate(ns, None, 0)
    assert list(c.info_all("build").values())[0][1] == "8.1.2.0\n"


def test_one_node(aerospike_emulator, aerospike_namespace):
    c = _connect(aerospike_emulator.seeds)
    try:
        _roundtrip(c, aerospike_namespace)
    finally:
        c.close()


def test_three_nodes_route_without_proxies(cluster3):
    c = _connect(cluster3.seeds)
    try:
        assert len(c.get_nodes()) == 3
        _roundtrip(c, "test")
        assert cluster3.proxy_counts == [0, 0, 0]
    finally:
        c.close()


def test_ttl_with_the_clock(aerospike_emulator, aerospike_namespace):
    if getattr(aerospike_emulator, "external", False):
        pytest.skip("a real cluster has no controllable clock")
    c = _connect(aerospike_emulator.seeds)
    try:
        k = (aerospike_namespace, "demo", "ttl")
        c.put(k, {"a": 1}, meta={"ttl": 100})
        assert 90 <= c.get(k)[1]["ttl"] <= 100
        aerospike_emulator.clock.advance(101)
        with pytest.raises(aerospike.exception.RecordNotFound):
            c.get(k)
    finally:
        c.close()
