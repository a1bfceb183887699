# Replies whose contents are corrupted (the emulator changes 1 to 3 bytes in each proto
# body, keeping the framing): every command either returns or raises an AerospikeError,
# never another exception, a crash or a hang, and the client keeps working afterwards.
# Only for our client: the reference wheel dies with a segmentation fault on such replies.

import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import map_operations as mo
from aerospike_helpers.operations import operations as op

from .conftest import NS, OUR_CLIENT, own_emulator

pytestmark = pytest.mark.skipif(
    not OUR_CLIENT, reason="the reference client crashes (SIGSEGV) on corrupted replies")

SEEDS = 150


@pytest.fixture
def records(client, keys):
    ks = [keys(f"c{i}") for i in range(12)]
    for i, k in enumerate(ks):
        client.put(k, {"n": i, "s": "x" * i, "l": list(range(i)), "f": 1.5,
                       "m": {str(j): [j, {"k": b"v"}] for j in range(i % 4)}, "b": b"ab"})
    return ks


def _calls(c, ks, set_name):
    no_retry = {"max_retries": 0}
    return [
        lambda: c.get(ks[3], policy=no_retry),
        lambda: c.put(ks[4], {"z": 1}),
        lambda: c.operate(ks[5], [op.increment("n", 1), op.read("l"), lo.list_size("l"),
                                  mo.map_size("m")]),
        lambda: c.operate_ordered(ks[7], [op.read("m"), op.read("s")]),
        lambda: c.exists(ks[6], policy=no_retry),
        lambda: c.batch_read(ks, policy=no_retry),
        lambda: c.scan(NS, set_name).results(policy=no_retry),
        lambda: c.query(NS, set_name).results(policy=no_retry),
    ]


def test_corrupted_replies_raise_aerospike_errors(fresh_client, node0, keys, records):
    c = fresh_client()
    outcomes = {}
    for seed in range(SEEDS):
        for i, call in enumerate(_calls(c, records, keys.set)):
            node0.corrupt(-1, seed=seed * 100 + i)
            try:
                call()
                outcome = "ok"
            except ex.AerospikeError as e:
                outcome = type(e).__name__
            finally:
                node0.clear_faults()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # Most corruptions are caught (the rest change a value, which no client can notice).
    assert outcomes.get("ClientError", 0) > outcomes.get("ok", 0)
    assert c.get(records[0])[2]["n"] == 0


@pytest.fixture(scope="module")
def pair(server):
    yield from own_emulator(server, nodes=2)


def test_corrupted_info_replies_and_recovery(pair):
    # Info replies (the tend thread's too) are corrupted for a while: calls fail cleanly,
    # nodes may be dropped, and once the replies are sound again the client finds every
    # node and a full partition map again.
    c = aerospike.client({"hosts": [pair.seeds[0]], "tend_interval": 250})
    try:
        key = (NS, "it_corrupt_info", 1)
        c.put(key, {"a": 1})
        calls = [lambda: c.info_all("statistics"), c.udf_list, c.get_nodes,
                 lambda: c.job_info(5, aerospike.JOB_SCAN), lambda: c.get(key),
                 lambda: c.info_random_node("build")]
        for seed in range(40):
            for i in range(2):
                pair.node(i).corrupt(-1, seed=seed * 10 + i, include_info=True)
            for call in calls:
                try:
                    call()
                except ex.AerospikeError:
                    pass
            time.sleep(0.05)
            for i in range(2):
                pair.node(i).clear_faults()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if len(c.get_nodes()) == 2 and c.get(key)[2] == {"a": 1}:
                    break
            except ex.AerospikeError:
                pass
            time.sleep(0.1)
        assert len(c.get_nodes()) == 2
        assert c.get(key)[2] == {"a": 1}
    finally:
        c.close()
