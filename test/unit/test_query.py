"""The partition bookkeeping of aerospike.Query / aerospike.Scan
(aerospike/_query.py), driven through a fake client that scripts each
node's answer to `_query_node`."""

import pytest

import aerospike
from aerospike import _query, exception


class FakeClient:
    """Partitions 0..4095 alternate between nodes A and B (or all on A)."""

    def __init__(self, nodes=("A", "B"), answer=None):
        self.nodes = list(nodes)
        self.calls = []
        self.answer = answer or (lambda node, spec: ([], {}, {}, 0))
        self.info = {}

    def _partition_owners(self, ns):
        return [self.nodes[pid % len(self.nodes)] for pid in range(4096)]

    def _nodes(self):
        return [(n, "127.0.0.1", 3000) for n in self.nodes]

    def _query_node(self, node, spec, callback, policy, kind):
        self.calls.append((node, dict(spec), kind))
        records, done, last, status = self.answer(node, spec)
        for rec in records:  # one record per proto
            if callback([rec]) is False:
                break
        return done, last, status, len(records)

    def _info_node(self, node, command, timeout):
        reply = self.info[node]
        if isinstance(reply, Exception):
            raise reply
        return reply


def record(pid, n):
    digest = bytearray(pid.to_bytes(2, "little") + bytes([n]) * 18)
    return (("test", "s", None, digest), {"ttl": 1, "gen": 1}, {"n": n}), digest


def answer_records(per_node):
    """node -> list of (pid, n); LAST with status 0."""

    def answer(node, spec):
        out, last = [], {}
        for pid, n in per_node.get(node, []):
            rec, digest = record(pid, n)
            out.append(rec)
            last[pid] = (digest, None)
        return out, {}, last, 0

    return answer


def test_split_spreads_max_records():
    assert _query._split(10, 3) == [4, 3, 3]
    assert _query._split(2, 3) == [1, 1, 1]
    assert _query._split(0, 2) == [0, 0]


def test_scan_sends_each_node_its_partitions():
    client = FakeClient(answer=answer_records({"A": [(0, 1)], "B": [(1, 2)]}))
    records = _query.Scan(client, "test", "s").results()
    assert sorted(r[2]["n"] for r in records) == [1, 2]
    by_node = {node: spec for node, spec, _ in client.calls}
    assert by_node["A"]["pids"] == list(range(0, 4096, 2))
    assert by_node["B"]["pids"] == list(range(1, 4096, 2))
    assert {kind for _, _, kind in client.calls} == {"scan"}
    assert by_node["A"]["task_id"] == by_node["B"]["task_id"]


def test_query_select_where_and_nobins_reach_the_spec():
    client = FakeClient(nodes=["A"])
    q = _query.Query(client, "test", "s")
    q.select("a", "b")
    q.where(aerospike.predicates.equals("n", 1))
    q.results(options={"nobins": True})
    spec = client.calls[0][1]
    assert spec["bins"] == ["a", "b"]
    assert spec["predicate"] == (0, 4, "n", 1)
    assert spec["nobins"] is True
    assert spec["bvals"] == []


def test_partition_filter_limits_the_partitions():
    client = FakeClient(nodes=["A"])
    _query.Scan(client, "test").results(policy={"partition_filter": {"begin": 10, "count": 3}})
    assert client.calls[0][1]["pids"] == [10, 11, 12]


@pytest.mark.parametrize("pf", [{"begin": 4096}, {"begin": 0, "count": 0},
                                {"begin": 4000, "count": 100}, {"digest": {"init": True}}])
def test_bad_partition_filter_raises_param_error(pf):
    with pytest.raises(exception.ParamError):
        _query.Scan(FakeClient(), "test").results(policy={"partition_filter": pf})


def test_pagination_resumes_from_the_last_digest():
    pages = [[(4, 1), (8, 2)], [(4, 3)], []]

    def answer(node, spec):
        return answer_records({"A": pages.pop(0)})(node, spec)

    client = FakeClient(nodes=["A"], answer=answer)
    q = _query.Query(client, "test", "s")
    q.paginate()
    q.max_records = 2
    assert len(q.results()) == 2
    assert not q.is_done()
    second = client.calls[-1][1]
    assert len(q.results()) == 1  # fewer than the max: every partition is done
    assert q.is_done()
    assert second["max_records"] == 2
    third = client.calls[-1][1]
    assert [bytes(d)[:2] for d in third["digests"]] == [b"\x04\x00", b"\x08\x00"]
    assert 4 not in third["pids"] and 8 not in third["pids"] and 5 in third["pids"]
    status = q.get_partitions_status()
    assert status["done"] is True and status["retry"] is False
    assert status[4][:3] == (4, True, False)
    assert status[5] == (5, False, False, bytearray(20), 0)


def test_partition_status_resumes_a_query():
    client = FakeClient(nodes=["A"])
    digest = bytearray(b"\x07\x00" + bytes(18))
    status = {7: (7, True, True, digest, 0), 8: (8, False, False, bytearray(20), 0)}
    _query.Query(client, "test").results(policy={"partition_filter": {
        "begin": 7, "count": 3, "partition_status": status}})
    spec = client.calls[0][1]
    assert spec["pids"] == [9]  # 8 is done, 7 resumes from its digest
    assert spec["digests"] == [bytes(digest)]


def test_retryable_status_retries_only_that_node():
    tries = {"A": 0, "B": 0}

    def answer(node, spec):
        tries[node] += 1
        if node == "B" and tries[node] == 1:
            return [], {}, {}, 11
        return [], {}, {}, 0

    client = FakeClient(answer=answer)
    _query.Query(client, "test").results()
    assert tries == {"A": 1, "B": 2}


def test_partition_done_error_retries_that_partition():
    def answer(node, spec):
        if len(client.calls) == 1:
            return [], {6: 11}, {}, 0
        return [], {}, {}, 0

    client = FakeClient(nodes=["A"], answer=answer)
    _query.Query(client, "test").results()
    assert client.calls[1][1]["pids"] == [6]


def test_exhausted_retries_raise_the_error():
    client = FakeClient(nodes=["A"], answer=lambda node, spec: ([], {}, {}, 11))
    with pytest.raises(exception.AerospikeError) as info:
        _query.Query(client, "test").results(policy={"max_retries": 2})
    assert info.value.code == 11
    assert len(client.calls) == 3


def test_other_errors_raise_at_once():
    client = FakeClient(nodes=["A"], answer=lambda node, spec: ([], {}, {}, 4))
    with pytest.raises(exception.InvalidRequest):
        _query.Query(client, "test").results()
    assert len(client.calls) == 1


def test_foreach_stops_when_the_callback_returns_false():
    client = FakeClient(nodes=["A"], answer=answer_records({"A": [(1, 1), (2, 2), (3, 3)]}))
    seen = []
    _query.Query(client, "test").foreach(lambda rec: seen.append(rec[2]["n"]) or len(seen) < 2)
    assert seen == [1, 2]


def test_scan_nodename_scans_that_node_only():
    client = FakeClient()
    _query.Scan(client, "test").results(nodename="B")
    assert [node for node, _, _ in client.calls] == ["B"]
    with pytest.raises(exception.InvalidNodeError):
        _query.Scan(client, "test").results(nodename="C")


def test_execute_background_goes_to_every_node():
    client = FakeClient()
    q = _query.Query(client, "test", "s")
    with pytest.raises(exception.ParamError):
        q.execute_background()
    q.apply("mod", "fn", [1])
    q.ttl = 60
    job = q.execute_background()
    assert isinstance(job, int) and job > 0
    assert [node for node, _, _ in client.calls] == ["A", "B"]
    spec, kind = client.calls[0][1], client.calls[0][2]
    assert kind == "write"
    assert spec["background"] and spec["udf"] == ("mod", "fn", [1]) and spec["udf_op"] == 2
    assert spec["ttl"] == 60 and spec["task_id"] == job


AGG_LUA = """
local function add(a, b) return a + b end
function total(stream) return stream : reduce(add) end
function values(stream) return stream end
"""


def aggregation_client(tmp_path, per_node):
    """A FakeClient whose nodes answer an aggregation with values (per_node: node ->
    values) and whose Lua user_path holds the module `agg`."""
    (tmp_path / "agg.lua").write_text(AGG_LUA)
    client = FakeClient(answer=lambda node, spec: (per_node[node], {}, {}, 0))
    client._lua_user_path = str(tmp_path)
    return client


def test_aggregation_goes_to_every_node_and_reduces_on_the_client(tmp_path):
    pytest.importorskip("lupa")
    client = aggregation_client(tmp_path, {"A": [3], "B": [4]})
    q = _query.Query(client, "test", "s")
    q.apply("agg", "total", [1])
    assert q.results() == [7]
    assert [node for node, _, _ in client.calls] == ["A", "B"]
    spec = client.calls[0][1]
    assert spec["udf"] == ("agg", "total", [1]) and spec["udf_op"] == 1
    assert "pids" not in spec and "digests" not in spec and "max_records" not in spec
    q = _query.Query(client, "test", "s")
    q.apply("agg", "values")
    assert sorted(q.results()) == [3, 4]


def test_aggregation_without_lupa_is_a_client_error(tmp_path, monkeypatch):
    import aerospike_lua.runtime

    monkeypatch.setattr(aerospike_lua.runtime, "_lupa", None)
    q = _query.Query(aggregation_client(tmp_path, {"A": [], "B": []}), "test")
    q.apply("agg", "total")
    with pytest.raises(exception.ClientError) as info:
        q.results()
    assert "lupa" in info.value.msg and "aerospike[lua]" in info.value.msg


def test_job_info_combines_the_nodes():
    client = FakeClient()
    client.info = {
        "A": "query-show:id=5\ttrid=5:status=active(ok):job-progress=40.0:recs-succeeded=3\n",
        "B": "query-show:id=5\ttrid=5:status=done(ok):job-progress=100.0:recs-succeeded=4\n",
    }
    info = _query.job_info(client, 5, aerospike.JOB_QUERY, 1000)
    assert info == {"status": aerospike.JOB_STATUS_INPROGRESS, "records_read": 7,
                    "progress_pct": 40}
    client.info["A"] = exception.RecordNotFound(2, "job not found", None, None, False)
    info = _query.job_info(client, 5, aerospike.JOB_SCAN, 1000)
    assert info == {"status": aerospike.JOB_STATUS_COMPLETED, "records_read": 4,
                    "progress_pct": 100}
    client.info["B"] = client.info["A"]
    info = _query.job_info(client, 5, aerospike.JOB_SCAN, 1000)
    assert info == {"status": aerospike.JOB_STATUS_COMPLETED, "records_read": 0,
                    "progress_pct": 0}
    with pytest.raises(exception.ParamError):
        _query.job_info(client, 5, "nope", 1000)


@pytest.mark.parametrize("call", [
    lambda q: q.select(1),
    lambda q: q.where("not a predicate"),
    lambda q: q.where(aerospike.predicates.equals("n", 1), ctx="x"),
    lambda q: q.apply("m", 1),
    lambda q: q.add_ops("x"),
    lambda q: q.foreach(None),
    lambda q: q.results(policy="x"),
])
def test_bad_arguments_raise_param_error(call):
    with pytest.raises(exception.ParamError):
        call(_query.Query(FakeClient(), "test"))


@pytest.mark.parametrize("policy,duration", [({}, 0), ({"expected_duration": 1}, 1),
                                             ({"expected_duration": 2}, 2),
                                             ({"short_query": True}, 1)])
def test_expected_duration_reaches_the_spec(policy, duration):
    client = FakeClient(nodes=["A"])
    _query.Query(client, "test").results(policy=policy)
    assert client.calls[0][1]["duration"] == duration


def test_bad_expected_duration():
    with pytest.raises(exception.ParamError):
        _query.Query(FakeClient(), "test").results(policy={"expected_duration": 7})


def test_config_policies_set_the_retry_defaults():
    client = FakeClient(nodes=["A"], answer=lambda node, spec: ([], {}, {}, 11))
    client._policy_default = lambda kind, key, fallback: (
        1 if (kind, key) == ("query", "max_retries") else fallback)
    with pytest.raises(exception.AerospikeError):
        _query.Query(client, "test").results()
    assert len(client.calls) == 2
