# Batch commands: batch_read (all bins, some bins, headers), batch_operate, batch_write with
# Read/Write/Remove records, batch_remove, filters, per-record results and the batch
# result, large batches spread over the nodes of the cluster, and the deprecated calls our
# client keeps (get_many, exists_many, select_many, batch_get_ops).

import pytest

import aerospike
from aerospike_helpers.batch import records as br
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.operations import operations as op

from .conftest import OUR_CLIENT, record_or_none


@pytest.fixture
def stored(client, keys):
    ks = [keys(f"b{i}") for i in range(5)]
    for i, k in enumerate(ks):
        client.put(k, {"i": i, "s": f"v{i}"})
    return ks


def test_batch_read_all_bins_and_missing(client, keys, stored):
    missing = keys("missing")
    res = client.batch_read(stored + [missing])
    assert res.result == 0
    assert len(res.batch_records) == 6
    for i, rec in enumerate(res.batch_records[:5]):
        assert rec.result == 0
        key, meta, bins = rec.record
        assert key[:3] == stored[i] and len(key[3]) == 20
        assert meta["gen"] == 1 and bins == {"i": i, "s": f"v{i}"}
    assert res.batch_records[5].result == 2 and res.batch_records[5].record is None


def test_batch_read_some_bins_and_headers(client, stored):
    res = client.batch_read(stored, ["s"])
    assert [r.record[2] for r in res.batch_records] == [{"s": f"v{i}"} for i in range(5)]
    res = client.batch_read(stored, [])
    assert all(len(r.record) == 2 and r.record[1]["gen"] == 1 for r in res.batch_records)


def test_batch_read_filter(client, stored):
    res = client.batch_read(stored, policy={"expressions": exp.GE(exp.IntBin("i"), 3).compile()})
    assert [r.result for r in res.batch_records] == [27, 27, 27, 0, 0]
    assert res.result == 0


def test_batch_operate(client, stored):
    res = client.batch_operate(stored, [op.increment("i", 10), op.read("i")])
    assert [r.record[2]["i"] for r in res.batch_records] == [10, 11, 12, 13, 14]
    assert all(r.record[1]["gen"] == 2 for r in res.batch_records)
    assert client.get(stored[0])[2]["i"] == 10


def test_batch_operate_ttl(client, stored):
    res = client.batch_operate(stored, [op.write("t", 1)], ttl=500)
    assert all(490 <= r.record[1]["ttl"] <= 500 for r in res.batch_records)


def test_batch_write_mixed_records(client, keys, stored):
    new = keys("new")
    records = br.BatchRecords(
        [
            br.Read(stored[0], [op.read("s")]),
            br.Read(stored[1], None, read_all_bins=True),
            br.Write(stored[2], [op.write("w", 1), op.read("i")]),
            br.Write(new, [op.write("n", 1)]),
            br.Remove(stored[3]),
        ]
    )
    out = client.batch_write(records)
    assert out is records and out.result == 0
    r = out.batch_records
    assert r[0].record[2] == {"s": "v0"}
    assert r[1].record[2] == {"i": 1, "s": "v1"}
    assert r[2].record[2] == {"w": None, "i": 2}
    assert r[3].result == 0 and client.get(new)[2] == {"n": 1}
    assert r[4].result == 0 and record_or_none(client, stored[3]) is None


def test_batch_write_failures_set_the_batch_result(client, keys, stored):
    records = br.BatchRecords(
        [
            br.Write(stored[0], [op.write("a", 0)], policy={"exists": aerospike.POLICY_EXISTS_CREATE}),
            br.Write(keys("fresh"), [op.write("a", 0)]),
        ]
    )
    out = client.batch_write(records)
    assert out.result != 0
    assert out.batch_records[0].result == 5 and out.batch_records[0].record is None
    assert out.batch_records[1].result == 0


def test_batch_remove(client, keys, stored):
    res = client.batch_remove(stored[:2] + [keys("absent")])
    assert [r.result for r in res.batch_records] == [0, 0, 2]
    assert res.batch_records[0].record[1]["gen"] == 0
    assert record_or_none(client, stored[0]) is None


def test_single_key_batches(client, stored):
    assert client.batch_read(stored[:1]).batch_records[0].record[2]["i"] == 0
    res = client.batch_write(br.BatchRecords([br.Write(stored[0], [op.write("x", 1)])]))
    assert res.batch_records[0].result == 0
    assert client.get(stored[0])[2]["x"] == 1


def test_large_batch(client, keys):
    ks = [keys(f"many{i}") for i in range(300)]
    for i, k in enumerate(ks):
        client.put(k, {"i": i})
    res = client.batch_read(ks)
    assert [r.record[2]["i"] for r in res.batch_records] == list(range(300))


def test_bad_batch_arguments(client, stored):
    with pytest.raises(aerospike.exception.ParamError):
        client.batch_read("not-a-list")
    with pytest.raises(aerospike.exception.ParamError):
        client.batch_read([("test", "s")])
    with pytest.raises(aerospike.exception.ParamError):
        client.batch_operate(stored, "not-ops")


@pytest.mark.skipif(not OUR_CLIENT, reason="the reference client dropped these calls in 19")
def test_deprecated_batch_calls(client, keys, stored):
    missing = keys("gone")
    with pytest.deprecated_call():
        got = client.get_many(stored[:2] + [missing])
    assert got[0][2] == {"i": 0, "s": "v0"} and got[2][1:] == (None, None)
    with pytest.deprecated_call():
        got = client.exists_many([stored[0], missing])
    assert got[0][1]["gen"] == 1 and got[1][1] is None
    with pytest.deprecated_call():
        got = client.select_many(stored[:2], ["s"])
    assert [g[2] for g in got] == [{"s": "v0"}, {"s": "v1"}]
    with pytest.deprecated_call():
        got = client.batch_get_ops(stored[:2], [op.read("i")])
    assert [g[2] for g in got] == [{"i": 0}, {"i": 1}]


def test_without_respond_all_keys_the_batch_stops_at_a_failed_row(client, keys, stored):
    # The server answers the failed row, skips the rest, and the batch result carries the
    # row's code; the rows never run report "no response" (-15).
    records = br.BatchRecords(
        [
            br.Write(stored[0], [op.write("a", 1)], policy={"exists": aerospike.POLICY_EXISTS_CREATE}),
            br.Write(stored[1], [op.write("a", 1)]),
        ]
    )
    out = client.batch_write(records, policy_batch={"respond_all_keys": False})
    assert out.result == 5
    assert [r.result for r in out.batch_records] == [5, -15]
