# Scans and queries: scanning a set (all bins, selected bins, a filter expression, a
# partition filter), queries through secondary indexes (integer equality and range,
# strings, list elements, map keys, GeoJSON, nested CDT contexts), foreach and stopping
# early, max_records, pagination and resuming from a partition status, background jobs
# (execute_background with operations, job_info), and the same over a 3-node cluster.

import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike import predicates as p
from aerospike_helpers import cdt_ctx
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.operations import operations as op

from .conftest import NS, RUN_TAG, client_of, own_emulator

N = 30


@pytest.fixture
def stored(client, keys):
    """N records in the test's own set: n, s (n % 3 as text), l [n, n+100], m {kn: n},
    g a point at (n, n)."""
    ks = [keys(f"q{i}") for i in range(N)]
    for i, k in enumerate(ks):
        client.put(k, {"n": i, "s": f"s{i % 3}", "l": [i, i + 100], "m": {f"k{i}": i},
                       "g": aerospike.GeoJSON({"type": "Point", "coordinates": [i, i]})})
    return ks


@pytest.fixture
def index(client, keys):
    """Creates secondary indexes on the test's set; removes them at teardown."""
    made = []

    def create(method, bin_name, *args, after_name=()):
        name = f"it{RUN_TAG}_{keys.set[-6:]}_{bin_name}_{len(made)}"
        getattr(client, method)(NS, keys.set, bin_name, *args, name, *after_name)
        made.append(name)
        return name

    yield create
    for name in made:
        try:
            client.index_remove(NS, name)
        except ex.AerospikeError:
            pass


def _ns(records):
    return sorted(bins["n"] for _key, _meta, bins in records)


def test_scan_returns_every_record_of_the_set(client, keys, stored):
    records = client.scan(NS, keys.set).results()
    assert _ns(records) == list(range(N))
    key, meta, bins = records[0]
    assert key[0] == NS and key[1] == keys.set and key[2] is None
    assert isinstance(key[3], bytearray) and len(key[3]) == 20
    assert meta["gen"] == 1 and set(bins) == {"n", "s", "l", "m", "g"}


def test_scan_select_and_filter(client, keys, stored):
    scan = client.scan(NS, keys.set)
    scan.select("n")
    records = scan.results(policy={"expressions": exp.LT(exp.IntBin("n"), 5).compile()})
    assert sorted(r[2]["n"] for r in records) == [0, 1, 2, 3, 4]
    assert all(set(r[2]) == {"n"} for r in records)


def test_scan_partition_filter(client, keys, stored):
    pid = client.get_key_partition_id(NS, keys.set, stored[7][2])
    records = client.scan(NS, keys.set).results(
        policy={"partition_filter": {"begin": pid, "count": 1}})
    assert 7 in _ns(records)
    assert all(client.get_key_partition_id(NS, keys.set, stored[n][2]) == pid
               for n in _ns(records))


def test_query_without_where_reads_the_set(client, keys, stored):
    assert _ns(client.query(NS, keys.set).results()) == list(range(N))


@pytest.mark.parametrize("policy", [{"expected_duration": aerospike.QUERY_DURATION_SHORT},
                                    {"expected_duration": aerospike.QUERY_DURATION_LONG_RELAX_AP},
                                    {"short_query": True}])
def test_query_durations(client, keys, stored, policy):
    assert _ns(client.query(NS, keys.set).results(policy=policy)) == list(range(N))


def test_query_nobins(client, keys, stored):
    records = client.query(NS, keys.set).results(options={"nobins": True})
    assert len(records) == N
    assert all(bins == {} for _k, _m, bins in records)


def test_query_integer_index(client, keys, stored, index):
    index("index_integer_create", "n")
    q = client.query(NS, keys.set)
    q.where(p.equals("n", 7))
    assert _ns(q.results()) == [7]
    q = client.query(NS, keys.set)
    q.where(p.between("n", 10, 14))
    q.select("n", "s")
    records = q.results()
    assert _ns(records) == [10, 11, 12, 13, 14]
    assert all(set(bins) == {"n", "s"} for _k, _m, bins in records)


def test_query_string_index_with_filter(client, keys, stored, index):
    index("index_string_create", "s")
    q = client.query(NS, keys.set)
    q.where(p.equals("s", "s1"))
    assert _ns(q.results()) == list(range(1, N, 3))
    expr = exp.GT(exp.IntBin("n"), 20).compile()
    assert _ns(q.results(policy={"expressions": expr})) == [22, 25, 28]


def test_query_collection_indexes(client, keys, stored, index):
    index("index_list_create", "l", aerospike.INDEX_NUMERIC)
    index("index_map_keys_create", "m", aerospike.INDEX_STRING)
    q = client.query(NS, keys.set)
    q.where(p.contains("l", aerospike.INDEX_TYPE_LIST, 105))
    assert _ns(q.results()) == [5]
    q = client.query(NS, keys.set)
    q.where(p.range("l", aerospike.INDEX_TYPE_LIST, 98, 101))
    assert _ns(q.results()) == [0, 1]
    q = client.query(NS, keys.set)
    q.where(p.contains("m", aerospike.INDEX_TYPE_MAPKEYS, "k3"))
    assert _ns(q.results()) == [3]


def test_query_with_cdt_context(client, keys, stored, index):
    ctx = [cdt_ctx.cdt_ctx_list_index(1)]
    index("index_cdt_create", "l", aerospike.INDEX_TYPE_DEFAULT, aerospike.INDEX_NUMERIC,
          after_name=(ctx,))
    q = client.query(NS, keys.set)
    q.where(p.between("l", 110, 112), ctx)
    assert _ns(q.results()) == [10, 11, 12]


def test_query_geo_index(client, keys, stored, index):
    index("index_geo2dsphere_create", "g")
    region = aerospike.GeoJSON({"type": "Polygon", "coordinates": [
        [[-0.5, -0.5], [2.5, -0.5], [2.5, 2.5], [-0.5, 2.5], [-0.5, -0.5]]]})
    q = client.query(NS, keys.set)
    q.where(p.geo_within_geojson_region("g", region.dumps()))
    assert _ns(q.results()) == [0, 1, 2]


def test_foreach_and_stopping_early(client, keys, stored):
    seen = []
    client.query(NS, keys.set).foreach(lambda rec: seen.append(rec[2]["n"]))
    assert sorted(seen) == list(range(N))
    first = []

    def take_three(rec):
        first.append(rec)
        return len(first) < 3

    client.scan(NS, keys.set).foreach(take_three)
    assert len(first) == 3


def test_foreach_callback_errors_are_client_errors(client, keys, stored):
    for job in (client.query(NS, keys.set), client.scan(NS, keys.set)):
        with pytest.raises(ex.ClientError) as info:
            job.foreach(lambda rec: 1 / 0)
        assert isinstance(info.value.__context__, ZeroDivisionError)
    assert len(client.query(NS, keys.set).results()) == N


def test_max_records(client, keys, stored):
    q = client.query(NS, keys.set)
    q.max_records = 7
    records = q.results()
    assert 0 < len(records) <= 7


def test_pagination_returns_every_record_once(client, keys, stored):
    q = client.query(NS, keys.set)
    q.paginate()
    q.max_records = 8
    seen = []
    for _ in range(20):
        page = q.results()
        assert len(page) <= 8
        seen += _ns(page)
        if q.is_done():
            break
    assert q.is_done()
    assert sorted(seen) == list(range(N))


def test_resume_from_partition_status(client, keys, stored):
    q = client.query(NS, keys.set)
    q.paginate()
    q.max_records = 10
    first = _ns(q.results())
    status = q.get_partitions_status()
    assert set(status) >= {"done", "retry"} and status["done"] is False
    resumed = client.query(NS, keys.set)
    rest = _ns(resumed.results(policy={"partition_filter": {"partition_status": status}}))
    assert sorted(first + rest) == list(range(N))


def _wait_job(client, job_id, module):
    deadline = time.time() + 10
    while time.time() < deadline:
        if client.job_info(job_id, module)["status"] == aerospike.JOB_STATUS_COMPLETED:
            return
        time.sleep(0.05)
    raise AssertionError("the background job did not finish")


def test_background_query_with_operations(client, keys, stored, index):
    index("index_integer_create", "n")
    q = client.query(NS, keys.set)
    q.where(p.between("n", 0, 4))
    q.add_ops([op.increment("n", 1000)])
    job_id = q.execute_background()
    assert isinstance(job_id, int)
    _wait_job(client, job_id, aerospike.JOB_QUERY)
    info = client.job_info(job_id, aerospike.JOB_QUERY)
    assert set(info) == {"status", "records_read", "progress_pct"}
    values = sorted(client.get(k)[2]["n"] for k in stored)
    assert values == list(range(5, N)) + [1000, 1001, 1002, 1003, 1004]


def test_background_scan_with_filter(client, keys, stored):
    q = client.query(NS, keys.set)
    q.add_ops([op.write("flag", 1)])
    job_id = q.execute_background(policy={"expressions": exp.LT(exp.IntBin("n"), 3).compile()})
    _wait_job(client, job_id, aerospike.JOB_QUERY)
    flagged = sorted(n for n, k in enumerate(stored) if "flag" in client.get(k)[2])
    assert flagged == [0, 1, 2]


def test_job_info_of_an_unknown_job_is_complete(client):
    info = client.job_info(12345678901, aerospike.JOB_SCAN)
    assert info == {"status": aerospike.JOB_STATUS_COMPLETED, "records_read": 0,
                    "progress_pct": 0}


def test_bad_query_arguments(client, keys, stored):
    with pytest.raises(ex.ParamError):
        client.job_info(1, "neither scan nor query")
    q = client.query(NS, keys.set)
    for bad in (lambda: q.select(1), lambda: q.where("not a predicate"),
                lambda: q.results(policy="not a dict"), lambda: client.query(NS, 1)):
        with pytest.raises(ex.ParamError):
            bad()
    # The reference raises ClientError once it calls the callback; ours, ParamError
    # (a ClientError) before the query is sent.
    with pytest.raises(ex.ClientError):
        q.foreach("not callable")
    with pytest.raises(ex.ClientError):
        q.add_ops("not a list")


# ---- a 3-node cluster ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(server):
    yield from own_emulator(server, nodes=3)


@pytest.fixture
def cc(cluster):
    c = client_of(cluster, 3)
    yield c
    c.close()


def test_cluster_scan_query_and_pages(cc):
    set_name = f"it{RUN_TAG}_qc"
    ks = [(NS, set_name, i) for i in range(150)]
    for i, k in enumerate(ks):
        cc.put(k, {"n": i})
    assert len(cc.get_nodes()) == 3
    assert _ns(cc.scan(NS, set_name).results()) == list(range(150))
    q = cc.query(NS, set_name)
    q.max_records = 10
    assert 0 < len(q.results()) <= 10
    q = cc.query(NS, set_name)
    q.paginate()
    q.max_records = 40
    seen = []
    for _ in range(50):
        seen += _ns(q.results())
        if q.is_done():
            break
    assert sorted(seen) == list(range(150))
    for k in ks:
        cc.remove(k)
