# Lua UDFs: registering modules (udf_put, udf_list, udf_get, udf_remove and their errors),
# record UDFs through apply() (return types, writes, record creation and removal, TTL,
# errors, secondary indexes kept in sync), batch_apply and Apply rows of batch_write,
# background UDF jobs (scan_apply, query_apply, Query.apply + execute_background, job_info)
# and stream aggregations (Query.apply + results/foreach: the stages each node runs, the
# client-side stages from the first reduce on, arguments, errors on either side, a module
# missing from the client's Lua user_path). The Lua module is written by the test to a temp
# dir.

import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike import predicates as p
from aerospike_helpers.batch import records as br
from aerospike_helpers.operations import operations as op

from .conftest import NS, OUR_CLIENT, RUN_TAG

MODULE = "it%s_udf" % RUN_TAG

LUA = """\
function echo(rec, v)
  return v
end

function add(rec, bin, v)
  rec[bin] = (rec[bin] or 0) + v
  aerospike:update(rec)
  return rec[bin]
end

function set_bin(rec, bin, v)
  rec[bin] = v
  if aerospike:exists(rec) then
    aerospike:update(rec)
  else
    aerospike:create(rec)
  end
  return 0
end

function remove_rec(rec)
  aerospike:remove(rec)
  return 1
end

function get_bin(rec, bin)
  return rec[bin]
end

function fail(rec)
  error('it failed on purpose')
end

function set_ttl(rec, ttl)
  record.set_ttl(rec, ttl)
  aerospike:update(rec)
  return record.gen(rec)
end

function as_map(rec, a, b)
  local m = map()
  m['a'] = a
  m['b'] = b
  return m
end

function as_list(rec, a, b)
  local l = list()
  list.append(l, a)
  list.append(l, b)
  return l
end

local function get_n(rec)
  return rec['n']
end

local function add2(a, b)
  return a + b
end

function sum_n(stream)
  return stream : map(get_n) : reduce(add2)
end

function sum_n_over(stream, limit)
  local function over(rec) return rec['n'] > limit end
  return stream : filter(over) : map(get_n) : reduce(add2)
end

function count_by_s(stream)
  local function count(m, rec)
    m[rec['s']] = (m[rec['s']] or 0) + 1
    return m
  end
  local function merge(a, b)
    return map.merge(a, b, function(x, y) return x + y end)
  end
  return stream : aggregate(map(), count) : reduce(merge)
end

function n_values(stream)
  return stream : map(get_n)
end

function n_over(stream, limit)
  local function over(rec) return rec['n'] > limit end
  return stream : filter(over) : map(get_n)
end

function sum_by_aggregate(stream)
  local function acc(total, rec) return total + rec['n'] end
  return stream : aggregate(0, acc)
end

function sum_then_scale(stream, factor, limit)
  local function scale(x) return x * factor end
  local function big(x) return x > limit end
  return stream : map(get_n) : reduce(add2) : map(scale) : filter(big)
end

function sum_as_map(stream)
  local function describe(total)
    local m = map()
    m['total'] = total
    m['half'] = total / 2
    m['parts'] = list{total, 'n'}
    m[1] = 'one'
    return m
  end
  return stream : map(get_n) : reduce(add2) : map(describe)
end

function sum_then_fail(stream)
  local function boom(x) error('client side failure') end
  return stream : map(get_n) : reduce(add2) : map(boom)
end

function fail_on_server(stream)
  local function boom(rec) error('server side failure') end
  return stream : map(boom) : reduce(add2)
end

function no_stream(stream)
  return nil
end
"""

N = 6


@pytest.fixture(scope="module")
def lua_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("lua")
    (d / (MODULE + ".lua")).write_text(LUA)
    return d


@pytest.fixture(scope="module")
def udf_client(seeds, lua_dir):
    """A client whose lua user_path is the test's temp dir: udf_put copies each module
    there (the reference client's default user_path is the working directory), and the
    client-side stage of an aggregation loads the module from there."""
    c = aerospike.client({"hosts": list(seeds), "lua": {"user_path": str(lua_dir)}})
    if not c.is_connected():
        c.connect()
    yield c
    c.close()


@pytest.fixture(scope="module")
def module(udf_client, lua_dir):
    """The test module, registered for this file's tests and removed afterwards."""
    assert udf_client.udf_put(str(lua_dir / (MODULE + ".lua"))) == 0
    yield MODULE
    try:
        udf_client.udf_remove(MODULE + ".lua")
    except ex.AerospikeError:
        pass


@pytest.fixture
def stored(client, keys):
    """N records in the test's own set: n = i, s = 'a'/'b'/'c' by i % 3."""
    ks = [keys("r%d" % i) for i in range(N)]
    for i, k in enumerate(ks):
        client.put(k, {"n": i, "s": "abc"[i % 3]})
    return ks


@pytest.fixture(scope="module")
def indexed_set(client):
    """A set with an integer index on bin n, shared by this file's index tests (each
    removes its records at teardown); index creation is slow with the reference client."""
    set_name = "it%s_udfidx" % RUN_TAG
    name = set_name + "_n"
    client.index_integer_create(NS, set_name, "n", name)
    yield set_name
    try:
        client.index_remove(NS, name)
    except ex.AerospikeError:
        pass


@pytest.fixture
def indexed(client, keys, indexed_set):
    """The same N records as `stored`, in the indexed set."""
    ks = [keys("r%d" % i, set_name=indexed_set) for i in range(N)]
    for i, k in enumerate(ks):
        client.put(k, {"n": i, "s": "abc"[i % 3]})
    return ks


def wait_job(client, job_id, kind):
    deadline = time.monotonic() + 10
    while True:
        info = client.job_info(job_id, kind)
        if info["status"] == aerospike.JOB_STATUS_COMPLETED:
            return info
        assert time.monotonic() < deadline, info
        time.sleep(0.05)


def bins_of(client, ks, name):
    return [client.get(k)[2].get(name) for k in ks]


# -- module management ----------------------------------------------------------------


def test_udf_list_shows_the_registered_module(client, module):
    entries = [m for m in client.udf_list() if m["name"] == module + ".lua"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["type"] == aerospike.UDF_TYPE_LUA
    assert isinstance(entry["hash"], bytearray) and len(entry["hash"]) == 40


def test_udf_list_entries_have_the_reference_keys(client, module):
    entry = [m for m in client.udf_list() if m["name"] == module + ".lua"][0]
    assert sorted(entry) == ["content", "hash", "name", "type"]


def test_udf_get_returns_the_source(client, module):
    assert client.udf_get(module + ".lua") == LUA


def test_udf_put_again_and_remove(udf_client, tmp_path):
    name = "it%s_other" % RUN_TAG
    path = tmp_path / (name + ".lua")
    path.write_text("function one(rec) return 1 end\n")
    assert udf_client.udf_put(str(path)) == 0
    path.write_text("function one(rec) return 2 end\n")
    assert udf_client.udf_put(str(path)) == 0
    assert udf_client.udf_get(name + ".lua") == "function one(rec) return 2 end\n"
    assert udf_client.udf_remove(name + ".lua") == 0
    assert name + ".lua" not in [m["name"] for m in udf_client.udf_list()]
    with pytest.raises(ex.UDFError):
        udf_client.udf_get(name + ".lua")
    with pytest.raises(ex.UDFError):
        udf_client.udf_remove(name + ".lua")


def test_udf_put_of_a_missing_file(udf_client, tmp_path):
    with pytest.raises(ex.LuaFileNotFound):
        udf_client.udf_put(str(tmp_path / "nowhere.lua"))


def test_udf_put_of_a_module_that_does_not_compile(udf_client, tmp_path):
    path = tmp_path / ("it%s_bad.lua" % RUN_TAG)
    path.write_text("function broken(\n")
    with pytest.raises(ex.UDFError) as info:
        udf_client.udf_put(str(path))
    assert info.value.code == 100
    assert path.name not in [m["name"] for m in udf_client.udf_list()]


def test_udf_put_compile_error_message_is_decoded(udf_client, tmp_path):
    path = tmp_path / ("it%s_bad2.lua" % RUN_TAG)
    path.write_text("function broken(\n")
    with pytest.raises(ex.UDFError) as info:
        udf_client.udf_put(str(path))
    # The server sends the compiler's message in base64; the client shows it decoded.
    assert "expected near" in info.value.msg


# -- record UDFs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [7, -2, 2.5, "text", b"\x01\x02", True, None, [1, "two", 3.5, None], {"k": [1, {"x": 2}]}],
    ids=["int", "negative", "float", "str", "bytes", "bool", "none", "list", "map"],
)
def test_apply_returns_the_value(client, key, module, value):
    client.put(key, {"a": 1})
    assert client.apply(key, module, "echo", [value]) == value


def test_apply_builds_maps_and_lists(client, key, module):
    client.put(key, {"a": 1})
    assert client.apply(key, module, "as_map", [1, "two"]) == {"a": 1, "b": "two"}
    assert client.apply(key, module, "as_list", [1.5, [2]]) == [1.5, [2]]


def test_apply_updates_the_record(client, key, module):
    client.put(key, {"n": 10})
    assert client.apply(key, module, "add", ["n", 5]) == 15
    _, meta, bins = client.get(key)
    assert bins == {"n": 15} and meta["gen"] == 2


def test_apply_reads_a_missing_bin_as_none(client, key, module):
    client.put(key, {"n": 10})
    assert client.apply(key, module, "get_bin", ["nothing"]) is None


def test_apply_creates_and_removes_records(client, key, module):
    assert client.apply(key, module, "set_bin", ["a", "created"]) == 0
    _, meta, bins = client.get(key)
    assert bins == {"a": "created"} and meta["gen"] == 1
    assert client.apply(key, module, "remove_rec", []) == 1
    with pytest.raises(ex.RecordNotFound):
        client.get(key)


def test_apply_sets_the_ttl(client, key, module):
    client.put(key, {"n": 1})
    assert client.apply(key, module, "set_ttl", [1000]) == 1
    _, meta, _ = client.get(key)
    assert 990 <= meta["ttl"] <= 1000 and meta["gen"] == 2


def test_apply_stores_a_sent_key(client, keys, module):
    k = keys("sent")
    client.put(k, {"n": 1})
    client.apply(k, module, "add", ["n", 1], policy={"key": aerospike.POLICY_KEY_SEND})
    (found,) = client.scan(NS, keys.set).results()
    assert found[0][2] == "sent" and found[2] == {"n": 2}


def test_apply_runtime_error(client, key, module):
    client.put(key, {"n": 1})
    with pytest.raises(ex.UDFError) as info:
        client.apply(key, module, "fail", [])
    assert info.value.code == 100
    assert "it failed on purpose" in info.value.msg


def test_apply_function_not_found(client, key, module):
    client.put(key, {"n": 1})
    with pytest.raises(ex.UDFError) as info:
        client.apply(key, module, "no_such_function", [])
    assert "function not found" in info.value.msg


def test_apply_module_not_registered(client, key):
    client.put(key, {"n": 1})
    with pytest.raises(ex.UDFError) as info:
        client.apply(key, "it%s_no_such_module" % RUN_TAG, "f", [])
    assert info.value.code == 100


def test_apply_keeps_secondary_indexes_in_sync(client, indexed_set, module, indexed):
    for k in indexed[:3]:
        client.apply(k, module, "set_bin", ["n", 100])
    q = client.query(NS, indexed_set)
    q.where(p.equals("n", 100))
    assert sorted(r[2]["s"] for r in q.results()) == ["a", "b", "c"]
    client.apply(indexed[0], module, "remove_rec", [])
    q = client.query(NS, indexed_set)
    q.where(p.equals("n", 100))
    assert len(q.results()) == 2


# -- batch ----------------------------------------------------------------------------


def test_batch_apply(client, keys, module, stored):
    missing = keys("missing")
    res = client.batch_apply(stored[:3] + [missing], module, "get_bin", ["n"])
    assert res.result == 0
    assert [r.result for r in res.batch_records] == [0, 0, 0, 0]
    assert [r.record[2] for r in res.batch_records] == [
        {"SUCCESS": 0},
        {"SUCCESS": 1},
        {"SUCCESS": 2},
        {"SUCCESS": None},
    ]


def test_batch_apply_writes(client, module, stored):
    res = client.batch_apply(stored[:2], module, "add", ["n", 10])
    assert [r.record[2]["SUCCESS"] for r in res.batch_records] == [10, 11]
    assert [r.record[1]["gen"] for r in res.batch_records] == [2, 2]
    assert bins_of(client, stored[:3], "n") == [10, 11, 2]


def test_batch_apply_failures_are_row_errors(client, module, stored):
    res = client.batch_apply(stored[:2], module, "fail", [])
    assert [r.result for r in res.batch_records] == [100, 100]


def test_batch_write_with_apply_rows(client, module, stored):
    records = br.BatchRecords(
        [
            br.Apply(stored[0], module, "add", ["n", 100]),
            br.Write(stored[1], [op.write("z", 26)]),
            br.Apply(stored[2], module, "echo", ["hi"]),
        ]
    )
    res = client.batch_write(records)
    assert res.result == 0
    assert [r.result for r in res.batch_records] == [0, 0, 0]
    assert res.batch_records[0].record[2] == {"SUCCESS": 100}
    assert res.batch_records[2].record[2] == {"SUCCESS": "hi"}
    assert client.get(stored[0])[2]["n"] == 100


# -- background jobs ----------------------------------------------------------------------


def test_scan_apply(client, keys, module, stored):
    job_id = client.scan_apply(NS, keys.set, module, "add", ["n", 100])
    assert isinstance(job_id, int)
    info = wait_job(client, job_id, aerospike.JOB_SCAN)
    assert info["records_read"] == N
    assert bins_of(client, stored, "n") == [100 + i for i in range(N)]


def test_query_apply(client, indexed_set, module, indexed):
    job_id = client.query_apply(
        NS, indexed_set, p.between("n", 2, 4), module, "set_bin", ["tag", "x"]
    )
    wait_job(client, job_id, aerospike.JOB_QUERY)
    assert bins_of(client, indexed, "tag") == [None, None, "x", "x", "x", None]


def test_query_execute_background_with_a_udf(client, keys, module, stored):
    q = client.query(NS, keys.set)
    q.apply(module, "set_bin", ["bg", 3])
    job_id = q.execute_background()
    wait_job(client, job_id, aerospike.JOB_QUERY)
    assert bins_of(client, stored, "bg") == [3] * N


def test_query_execute_background_with_a_where(client, indexed_set, module, indexed):
    q = client.query(NS, indexed_set)
    q.where(p.equals("n", 1))
    q.apply(module, "add", ["n", 1000])
    wait_job(client, q.execute_background(), aerospike.JOB_QUERY)
    assert bins_of(client, indexed, "n") == [0, 1001, 2, 3, 4, 5]


# -- aggregation (each node runs the stages up to its first reduce, the client the rest) ----


def _have_lupa():
    try:
        import lupa  # noqa: F401
    except ImportError:
        return False
    return True


# Our client runs the client-side stages with lupa, and so does the emulator the server's.
needs_lua = pytest.mark.skipif(not _have_lupa(), reason="the lupa package is not installed")


@pytest.fixture
def lua_client(udf_client, module, lua_dir, monkeypatch):
    """A client that finds the module for the client-side reduce. The reference client's
    Lua settings are global, taken from the first client of the process (often one with
    the default user_path, the working directory), so the test also runs in lua_dir."""
    monkeypatch.chdir(lua_dir)
    return udf_client


def aggregate(client, set_name, function, args=None, where=None):
    q = client.query(NS, set_name)
    if where is not None:
        q.where(where)
    if args is None:
        q.apply(MODULE, function)
    else:
        q.apply(MODULE, function, args)
    return q


@needs_lua
def test_aggregate_with_map_and_reduce(lua_client, keys, stored):
    assert aggregate(lua_client, keys.set, "sum_n").results() == [sum(range(N))]


@needs_lua
def test_aggregate_with_arguments_and_filter(lua_client, keys, stored):
    assert aggregate(lua_client, keys.set, "sum_n_over", [2]).results() == [3 + 4 + 5]


@needs_lua
def test_aggregate_with_a_where(lua_client, indexed_set, indexed):
    q = aggregate(lua_client, indexed_set, "sum_n", where=p.between("n", 1, 3))
    assert q.results() == [6]


@needs_lua
def test_aggregate_into_a_map(lua_client, keys, stored):
    assert aggregate(lua_client, keys.set, "count_by_s").results() == [{"a": 2, "b": 2, "c": 2}]


@needs_lua
def test_aggregate_without_reduce_returns_every_value(lua_client, keys, stored):
    # Without a reduce the whole chain runs on the nodes: one value per record.
    assert sorted(aggregate(lua_client, keys.set, "n_values").results()) == list(range(N))


@needs_lua
def test_aggregate_filter_without_reduce(lua_client, keys, stored):
    assert sorted(aggregate(lua_client, keys.set, "n_over", [2]).results()) == [3, 4, 5]


@needs_lua
def test_aggregate_stage_runs_on_the_nodes_only(lua_client, keys, stored):
    # aggregate() is a server stage: each node sends its own total, the client does not
    # combine them (one value per node that holds records).
    values = aggregate(lua_client, keys.set, "sum_by_aggregate").results()
    assert sum(values) == sum(range(N)) and 1 <= len(values)


@needs_lua
def test_aggregate_stages_after_the_reduce_run_on_the_client(lua_client, keys, stored):
    assert aggregate(lua_client, keys.set, "sum_then_scale", [10, 100]).results() == [150]
    # The filter after the reduce drops the only value.
    assert aggregate(lua_client, keys.set, "sum_then_scale", [10, 1000]).results() == []


@needs_lua
def test_aggregate_values_built_on_the_client(lua_client, keys, stored):
    (value,) = aggregate(lua_client, keys.set, "sum_as_map").results()
    assert value == {1: "one", "half": 7.5, "parts": [15, "n"], "total": 15}
    # Lua maps come back with their keys in Aerospike's order (integers first).
    assert list(value) == [1, "half", "parts", "total"]


@needs_lua
def test_aggregate_with_foreach(lua_client, keys, stored):
    seen = []
    aggregate(lua_client, keys.set, "sum_n").foreach(seen.append)
    assert seen == [sum(range(N))]
    seen = []
    aggregate(lua_client, keys.set, "n_values").foreach(lambda v: seen.append(v) and False)
    assert sorted(seen) == list(range(N))


@needs_lua
def test_aggregate_foreach_stops_when_the_callback_returns_false(lua_client, keys, stored):
    seen = []

    def first_only(value):
        seen.append(value)
        return False

    aggregate(lua_client, keys.set, "n_values").foreach(first_only)
    assert len(seen) == 1 and seen[0] in range(N)


@needs_lua
def test_aggregate_error_in_the_client_stage(lua_client, keys, stored):
    with pytest.raises(ex.UDFError) as info:
        aggregate(lua_client, keys.set, "sum_then_fail").results()
    assert info.value.code == 100
    assert "client side failure" in info.value.msg
    assert info.value.msg.startswith("UDF: Execution Error 2")


@needs_lua
def test_aggregate_error_on_the_server(lua_client, keys, stored):
    with pytest.raises(ex.UDFError) as info:
        aggregate(lua_client, keys.set, "fail_on_server").results()
    assert info.value.code == 100
    if OUR_CLIENT:  # the reference reports "<node address> AEROSPIKE_ERR_UDF"
        assert "server side failure" in info.value.msg


@needs_lua
def test_aggregate_function_not_found(lua_client, keys, stored):
    with pytest.raises(ex.UDFError) as info:
        aggregate(lua_client, keys.set, "no_such_function").results()
    assert info.value.code == 100 and "function not found" in info.value.msg


@needs_lua
def test_aggregate_function_that_returns_no_stream(lua_client, keys, stored):
    with pytest.raises(ex.UDFError) as info:
        aggregate(lua_client, keys.set, "no_stream").results()
    assert info.value.code == 100


@needs_lua
def test_aggregate_of_a_module_missing_from_the_user_path(lua_client, keys, stored, lua_dir,
                                                          tmp_path):
    # Registered on the server, but not in the client's user_path: the client cannot run
    # its stages, even for a chain without a reduce.
    name = "it%s_elsewhere" % RUN_TAG
    path = tmp_path / (name + ".lua")
    path.write_text("function values(stream) return stream end\n")
    assert lua_client.udf_put(str(path)) == 0
    try:
        (lua_dir / path.name).unlink(missing_ok=True)  # udf_put copied it to the user_path
        q = lua_client.query(NS, keys.set)
        q.apply(name, "values")
        with pytest.raises(ex.UDFError) as info:
            q.results()
        assert info.value.code == 100
        assert info.value.msg.startswith("UDF: Execution Error 1")
    finally:
        lua_client.udf_remove(path.name)


@needs_lua
def test_aggregate_with_the_default_user_path(config, keys, stored, tmp_path, monkeypatch):
    # Without a lua user_path, udf_put copies the module to the working directory and the
    # client-side stages load it from there.
    name = "it%s_cwd" % RUN_TAG
    source = tmp_path / "src"
    source.mkdir()
    path = source / (name + ".lua")
    path.write_text("local function add(a, b) return a + b end\n"
                    "function total(stream)\n"
                    "  return stream : map(function(rec) return rec['n'] end) : reduce(add)\n"
                    "end\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    c = aerospike.client(config)
    if not c.is_connected():
        c.connect()
    try:
        assert c.udf_put(str(path)) == 0
        if OUR_CLIENT:  # the reference copies to its process-wide user_path
            assert (work / path.name).read_text() == path.read_text()
        q = c.query(NS, keys.set)
        q.apply(name, "total")
        assert q.results() == [sum(range(N))]
    finally:
        c.udf_remove(path.name)
        c.close()


@needs_lua
def test_aggregate_by_partition_is_refused(lua_client, keys, stored):
    q = aggregate(lua_client, keys.set, "sum_n")
    with pytest.raises(ex.ParamError):
        q.results(policy={"partition_filter": {"begin": 0, "count": 10}})


def test_our_client_without_lupa_names_the_package(client, keys, module, stored, lua_dir,
                                                   monkeypatch):
    if not OUR_CLIENT:
        pytest.skip("the reference client runs Lua without lupa")
    import aerospike_lua.runtime

    monkeypatch.setattr(aerospike_lua.runtime, "_lupa", None)
    monkeypatch.chdir(lua_dir)
    q = client.query(NS, keys.set)
    q.apply(module, "sum_n")
    with pytest.raises(ex.ClientError) as info:
        q.results()
    assert "lupa" in info.value.msg and "aerospike[lua]" in info.value.msg
