# Client metrics (enable_metrics / disable_metrics), run with both clients: the report
# files of the default listener (name, header, cluster and node lines, latency settings,
# labels), the objects the application's listeners receive and when each is called, what
# is counted per node and namespace (commands, bytes, errors, timeouts, latency groups),
# the policy checks and their exceptions, close() and a node leaving the cluster.

import glob
import os
import re
import threading
import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.metrics import MetricsListeners, MetricsPolicy

from .conftest import NS, OTHER_NS, OUR_CLIENT, RUN_TAG, own_emulator

TEND_MS = 250  # the reference's smallest tend_interval
VERSION = "19.3.0"  # the reference version both clients report
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
HEADER = (
    "header(2) cluster[name,clientType,clientVersion,appId,label[],cpu,mem,invalidNodeCount,"
    "commandCount,retryCount,delayQueueTimeoutCount,eventloop[],node[]] label[name,value] "
    "eventloop[processSize,queueSize] node[name,address,port,syncConn,asyncConn,namespace[]] "
    "conn[inUse,inPool,opened,closed,recovered,aborted] "
    "namespace[name,errors,timeouts,keyBusy,bytesIn,bytesOut,latency[]] "
    "latency({},{})[type[l1,l2,l3...]]"
)
LATENCY_TYPES = ("conn", "write", "read", "batch", "query")


# ---- helpers -----------------------------------------------------------------------

def _wait(condition, what, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail("timed out waiting for " + what)


class Recorder:
    """MetricsListeners that record each call with the calling thread."""

    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()

    def _add(self, kind, arg=None):
        with self.lock:
            self.calls.append((kind, arg, threading.current_thread()))

    def listeners(self):
        return MetricsListeners(
            lambda: self._add("enable"),
            lambda cluster: self._add("snapshot", cluster),
            lambda node: self._add("node_close", node),
            lambda cluster: self._add("disable", cluster),
        )

    def of(self, kind):
        with self.lock:
            return [arg for k, arg, _ in self.calls if k == kind]

    def kinds(self):
        with self.lock:
            return [k for k, _, _ in self.calls]


def _parse(text):
    """A report line's bracketed text -> nested lists of strings; the names before
    '[' are dropped ('cluster[a,[],[b,c]]' -> ['a', [], ['b', 'c']])."""
    text = re.sub(r"(cluster|conn|write|read|batch|query)\[", "[", text)
    pos = 0

    def value():
        nonlocal pos
        if text[pos] != "[":
            start = pos
            while pos < len(text) and text[pos] not in ",[]":
                pos += 1
            return text[start:pos]
        pos += 1
        items = []
        if text[pos] == "]":
            pos += 1
            return items
        while True:
            items.append(value())
            pos += 1
            if text[pos - 1] == "]":
                return items
            assert text[pos - 1] == ",", text[:pos]

    out = value()
    assert pos == len(text), text[pos:]
    return out


def _split_line(line):
    m = re.match(r"^(%s) (.*)$" % STAMP, line)
    assert m, line
    return m.group(2)


def _namespaces(node):
    """{ns: (errors, timeouts, key_busy, bytes_in, bytes_out, {type: [counts]})} of a
    parsed node entry."""
    flat = node[15]
    out = {}
    for i in range(0, len(flat), 7):
        name, errors, timeouts, busy, bytes_in, bytes_out, lat = flat[i:i + 7]
        hist = {t: [int(v) for v in h] for t, h in zip(LATENCY_TYPES, lat)}
        out[name] = (int(errors), int(timeouts), int(busy), int(bytes_in), int(bytes_out), hist)
    return out


def _report_files(d):
    return sorted(glob.glob(os.path.join(str(d), "metrics-*.log")))


def _ns_metrics(cluster, ns):
    return [m for n in cluster.nodes for m in n.metrics if m.ns == ns]


@pytest.fixture
def mc(fresh_client):
    """A client tending every 250 ms; its metrics are disabled at teardown."""
    c = fresh_client(tend_interval=TEND_MS)
    yield c
    try:
        c.disable_metrics()
    except ex.AerospikeError:
        pass


# ---- the parser used by these tests -------------------------------------------------

def test_line_parser():
    node = ("[N1,127.0.0.1,3000,1,0,2,0,0,0,0,0,0,0,0,0,"
            "[test,0,1,0,30,87,[conn[1,0],write[2,3]],,0,0,0,71,51,[conn[],write[]]]]")
    parsed = _parse("cluster[,python,19.3.0,not-set,[],0,1,0,5,0,0,[],[" + node + "]]")
    assert parsed[:4] == ["", "python", "19.3.0", "not-set"]
    assert parsed[4] == [] and parsed[11] == []
    nodes = parsed[12]
    assert nodes[0][:3] == ["N1", "127.0.0.1", "3000"]
    spaces = _namespaces(nodes[0])
    assert spaces["test"][:5] == (0, 1, 0, 30, 87)
    assert spaces["test"][5]["write"] == [2, 3]
    assert spaces[""][3:5] == (71, 51)


# ---- the default listener: report files ---------------------------------------------

def test_report_file_lines(mc, tmp_path, keys):
    mc.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), interval=1))
    files = _report_files(tmp_path)
    assert len(files) == 1
    assert re.match(r"^metrics-\d{14}\.log$", os.path.basename(files[0]))
    for i in range(5):
        k = keys("r%d" % i)
        mc.put(k, {"a": i})
        mc.get(k)
    with pytest.raises(ex.RecordNotFound):
        mc.get(keys("missing"))
    time.sleep(3 * TEND_MS / 1000)
    mc.disable_metrics()
    with open(files[0]) as f:
        text = f.read()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert _split_line(lines[0]) == HEADER.format(7, 1)
    assert len(lines) >= 3  # header, periodic snapshots, the final one
    parsed = [_parse(_split_line(line)) for line in lines[1:]]
    last = parsed[-1]
    assert last[0] == "" and last[1] == "python" and last[2] == VERSION
    assert last[3] == "not-set" and last[4] == []
    assert int(last[5]) >= 0 and int(last[6]) > 0  # cpu %, memory KiB
    assert last[7] == "0" and int(last[8]) == 11 and last[9] == "0" and last[10] == "0"
    assert last[11] == []
    nodes = last[12]
    assert sorted((n[1], int(n[2])) for n in nodes) == sorted(mc.get_nodes())
    node = nodes[0]
    assert int(node[5]) >= 1  # connections opened
    assert node[9:15] == ["0"] * 6  # no async connections
    spaces = _namespaces(node)
    errors, timeouts, busy, bytes_in, bytes_out, hist = spaces[NS]
    assert (errors, timeouts, busy) == (0, 0, 0)  # a missing record is no error
    assert bytes_in > 0 and bytes_out > 0
    assert sum(hist["write"]) == 5 and sum(hist["read"]) == 6
    assert sum(hist["batch"]) == 0 and sum(hist["query"]) == 0
    assert all(len(h) == 7 for h in hist.values())
    # Tend traffic counts in the namespace "".
    assert spaces[""][3] > 0 and spaces[""][4] > 0


def test_report_latency_settings_labels_and_app_id(fresh_client, tmp_path, key):
    c = fresh_client(tend_interval=TEND_MS, app_id="metrics-app")
    policy = MetricsPolicy(report_dir=str(tmp_path), interval=1, latency_columns=5,
                           latency_shift=3, labels={"zone": "z1", "team": "db"})
    c.enable_metrics(policy)
    c.put(key, {"a": 1})
    c.disable_metrics()
    (path,) = _report_files(tmp_path)
    with open(path) as f:
        lines = f.read().splitlines()
    assert _split_line(lines[0]) == HEADER.format(5, 3)
    last = _split_line(lines[-1])
    assert last.startswith("cluster[,python,%s,metrics-app,[[zone,z1],[team,db]],"
                           % VERSION)
    hist = _namespaces(_parse(last)[12][0])[NS][5]
    assert [len(h) for h in hist.values()] == [5] * 5
    assert sum(hist["write"]) == 1


def test_zero_latency_columns(mc, tmp_path, key):
    mc.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), latency_columns=0))
    mc.put(key, {"a": 1})
    mc.disable_metrics()
    (path,) = _report_files(tmp_path)
    with open(path) as f:
        lines = f.read().splitlines()
    assert _split_line(lines[0]).endswith("latency(0,1)[type[l1,l2,l3...]]")
    assert "conn[],write[],read[],batch[],query[]" in lines[-1]


def test_policy_none_writes_to_the_working_directory(mc, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mc.enable_metrics()
    mc.disable_metrics()
    assert len(_report_files(tmp_path)) == 1


def test_close_writes_the_last_snapshot(fresh_client, tmp_path, key):
    c = fresh_client(tend_interval=TEND_MS)
    c.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), interval=1000))
    c.put(key, {"a": 1})
    c.close()
    if OUR_CLIENT:  # the reference client crashes on disable_metrics after close
        c.disable_metrics()  # metrics ended with the connection: nothing to do
    (path,) = _report_files(tmp_path)
    with open(path) as f:
        lines = f.read().splitlines()
    assert len(lines) == 2  # header and the final snapshot
    assert _split_line(lines[1]).startswith("cluster[")


# ---- application listeners -------------------------------------------------------------

def test_listeners_calls_and_objects(mc, keys):
    rec = Recorder()
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=1))
    assert rec.kinds() == ["enable"]
    assert rec.calls[0][2] is threading.current_thread()
    for i in range(3):
        mc.put(keys("l%d" % i), {"a": i})
    _wait(lambda: len(rec.of("snapshot")) >= 2, "two snapshots")
    assert all(t is not threading.current_thread() for k, _, t in rec.calls if k == "snapshot")
    mc.disable_metrics()
    kinds = rec.kinds()
    assert kinds[0] == "enable" and kinds[-1] == "disable"
    assert set(kinds[1:-1]) == {"snapshot"}
    (final,) = rec.of("disable")
    assert type(final).__name__ == "Cluster"
    assert type(final).__module__ == "aerospike_helpers.metrics"
    assert list(vars(final)) == ["cluster_name", "app_id", "invalid_node_count", "command_count",
                                 "retry_count", "nodes"]
    assert final.cluster_name is None and final.app_id == "not-set"
    assert final.invalid_node_count == 0 and final.retry_count == 0
    assert final.command_count == 3
    assert sorted((n.address, n.port) for n in final.nodes) == sorted(mc.get_nodes())
    node = final.nodes[0]
    assert type(node).__name__ == "Node"
    assert list(vars(node)) == ["name", "address", "port", "conns", "metrics"]
    assert isinstance(node.name, str) and node.name
    assert list(vars(node.conns)) == ["in_use", "in_pool", "opened", "closed", "recovered",
                                      "aborted"]
    assert node.conns.opened >= 1 and node.conns.recovered == 0 and node.conns.aborted == 0
    (ns,) = [m for m in node.metrics if m.ns == NS]
    assert type(ns).__name__ == "NamespaceMetrics"
    assert list(vars(ns)) == ["ns", "bytes_in", "bytes_out", "error_count", "timeout_count",
                              "key_busy_count", "conn_latency", "write_latency", "read_latency",
                              "batch_latency", "query_latency"]
    assert ns.bytes_in > 0 and ns.bytes_out > 0
    assert sum(ns.write_latency) == 3 and sum(ns.read_latency) == 0
    assert all(len(getattr(ns, t + "_latency")) == 7 for t in LATENCY_TYPES)
    assert [m.ns for m in node.metrics].count("") == 1  # tend traffic


def test_snapshots_follow_the_tend_interval(mc):
    rec = Recorder()
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=2))
    time.sleep(2.6)
    mc.disable_metrics()
    # One snapshot every 2 tends of 250 ms: about five in 2.6 s.
    assert 3 <= len(rec.of("snapshot")) <= 6


def test_enable_twice_ends_the_first_session(mc):
    first, second = Recorder(), Recorder()
    mc.enable_metrics(MetricsPolicy(first.listeners(), interval=1))
    mc.enable_metrics(MetricsPolicy(second.listeners(), interval=1))
    assert first.kinds()[0] == "enable" and first.kinds()[-1] == "disable"
    assert second.kinds() == ["enable"]
    n = len(first.calls)
    time.sleep(0.6)
    assert len(first.calls) == n
    mc.disable_metrics()
    assert second.kinds()[-1] == "disable"


def test_disable_without_enable_and_twice(mc):
    mc.disable_metrics()
    rec = Recorder()
    mc.enable_metrics(MetricsPolicy(rec.listeners()))
    mc.disable_metrics()
    mc.disable_metrics()
    assert rec.kinds() == ["enable", "disable"]


def test_close_calls_the_disable_listener(fresh_client):
    c = fresh_client(tend_interval=TEND_MS)
    rec = Recorder()
    c.enable_metrics(MetricsPolicy(rec.listeners(), interval=1000))
    c.close()
    assert rec.kinds() == ["enable", "disable"]
    if OUR_CLIENT:  # the reference client crashes on disable_metrics after close
        c.disable_metrics()
        assert rec.kinds() == ["enable", "disable"]


def test_counts_while_enabled_and_histograms_restart(mc, keys):
    rec = Recorder()
    k = keys("c")
    mc.put(k, {"a": 1})  # not counted: metrics are off
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=1000))
    mc.put(k, {"a": 2})
    mc.disable_metrics()
    mc.put(k, {"a": 3})  # not counted
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=1000))
    mc.get(k)
    mc.disable_metrics()
    first, second = rec.of("disable")
    assert first.command_count == 1 and second.command_count == 2
    (ns1,) = _ns_metrics(first, NS)
    (ns2,) = _ns_metrics(second, NS)
    assert sum(ns1.write_latency) == 1 and sum(ns1.read_latency) == 0
    # Histograms start over at enable; byte counts keep growing.
    assert sum(ns2.write_latency) == 0 and sum(ns2.read_latency) == 1
    assert ns2.bytes_out > ns1.bytes_out and ns2.bytes_in > ns1.bytes_in


def test_latency_groups_and_namespaces(mc, keys):
    rec = Recorder()
    k = keys("g")
    other = keys("g", ns=OTHER_NS)
    mc.put(k, {"a": 1})
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=1000))
    mc.exists(k)
    with pytest.raises(ex.RecordNotFound):
        mc.get(other)
    mc.touch(k)
    mc.operate(k, [{"op": aerospike.OPERATOR_READ, "bin": "a"}])
    mc.batch_read([k, keys("g2")])
    mc.query(NS, k[1]).results()
    mc.disable_metrics()
    (final,) = rec.of("disable")
    (ns,) = _ns_metrics(final, NS)
    (bar,) = _ns_metrics(final, OTHER_NS)
    (none,) = _ns_metrics(final, "")
    assert sum(ns.read_latency) == 2 and sum(ns.write_latency) == 1
    assert sum(bar.read_latency) == 1
    assert sum(none.batch_latency) == 1 and sum(ns.batch_latency) == 0  # batches count in ""
    assert sum(ns.query_latency) == 1
    assert final.command_count == 6


def test_errors_and_timeouts_per_namespace(mc, keys, node0):
    rec = Recorder()
    k = keys("e")
    mc.put(k, {"a": 1})
    before = mc.get_stats().nodes[0]
    mc.enable_metrics(MetricsPolicy(rec.listeners(), interval=1000))
    with pytest.raises(ex.RecordNotFound):
        mc.get(keys("e-missing"))
    with pytest.raises(ex.FilteredOut):
        mc.get(k, policy={"expressions": exp.Eq(exp.IntBin("a"), 2).compile()})
    with pytest.raises(ex.RecordGenerationError):
        mc.put(k, {"a": 1}, meta={"gen": 99}, policy={"gen": aerospike.POLICY_GEN_EQ})
    node0.delay(0.3)
    with pytest.raises(ex.TimeoutError):
        mc.get(k, policy={"socket_timeout": 50, "total_timeout": 400, "max_retries": 2})
    node0.clear_faults()
    time.sleep(0.4)  # let the delayed replies drain
    mc.disable_metrics()
    (final,) = rec.of("disable")
    (ns,) = _ns_metrics(final, NS)
    assert (ns.error_count, ns.timeout_count, ns.key_busy_count) == (2, 3, 0)
    assert final.retry_count >= 2
    # Only the missing record's read completed: failed commands add no latency.
    assert sum(ns.read_latency) == 1 and sum(ns.write_latency) == 0
    after = mc.get_stats().nodes[0]
    assert after.error_count - before.error_count == 2  # not-found is no error here either
    assert after.timeout_count - before.timeout_count == 3


# ---- errors -------------------------------------------------------------------------------

def _bad(**kw):
    return MetricsPolicy(**kw)


class SubPolicy(MetricsPolicy):
    pass


_U64 = "MetricsPolicy.report_size_limit must be a unsigned 64-bit integer type"
_U8 = "MetricsPolicy.%s must be a unsigned 8-bit integer type"


@pytest.mark.parametrize("policy, message", [
    ("x", "policy parameter must be an aerospike_helpers.MetricsPolicy type"),
    ({}, "policy parameter must be an aerospike_helpers.MetricsPolicy type"),
    (SubPolicy(), "policy parameter must be an aerospike_helpers.MetricsPolicy type"),
    (_bad(metrics_listeners=5),
     "MetricsPolicy.metrics_listeners must be a aerospike_helpers.metrics.MetricsListeners type"),
    (_bad(metrics_listeners=MetricsListeners(print, print, print, 4)),
     "MetricsPolicy.metrics_listeners.disable_listener must be a callable type"),
    (_bad(metrics_listeners=MetricsListeners(None, print, print, print)),
     "MetricsPolicy.metrics_listeners.enable_listener must be a callable type"),
    (_bad(report_dir=5), "MetricsPolicy.report_dir must be a str type"),
    (_bad(report_size_limit=-1), _U64),
    (_bad(report_size_limit=1 << 64), _U64),
    (_bad(interval="x"), "MetricsPolicy.interval must be a unsigned 32-bit integer type"),
    (_bad(interval=1.5), "MetricsPolicy.interval must be a unsigned 32-bit integer type"),
    (_bad(interval=1 << 32), "MetricsPolicy.interval must be a unsigned 32-bit integer type"),
    (_bad(latency_columns=256), _U8 % "latency_columns"),
    (_bad(latency_columns=-1), _U8 % "latency_columns"),
    (_bad(latency_shift=256), _U8 % "latency_shift"),
    (_bad(labels=None), "MetricsPolicy.labels must be a dict[str, str] type"),
    (_bad(labels={"a": 1}), "MetricsPolicy.labels must be a dict[str, str] type"),
    (_bad(labels={1: "a"}), "MetricsPolicy.labels must be a dict[str, str] type"),
])
def test_bad_policies(mc, policy, message):
    with pytest.raises(ex.ParamError) as e:
        mc.enable_metrics(policy)
    assert e.value.code == -2 and e.value.msg == message


def test_report_errors(mc, tmp_path):
    with pytest.raises(ex.ClientError) as e:
        mc.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), report_size_limit=10))
    assert e.value.code == -1
    assert e.value.msg == "Metrics policy report_size_limit 10 must be at least 1000000"
    missing = str(tmp_path / "no" / "such")
    with pytest.raises(ex.ClientError) as e:
        mc.enable_metrics(MetricsPolicy(report_dir=missing))
    assert e.value.code == -1
    assert re.match(r"^Failed to open file: %s/metrics-\d{14}\.log$" % re.escape(missing),
                    e.value.msg)
    mc.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), report_size_limit=1000000))
    mc.disable_metrics()


def test_arguments(mc):
    with pytest.raises(TypeError):
        mc.enable_metrics(None, None)
    with pytest.raises(TypeError):
        mc.disable_metrics(None)
    rec = Recorder()
    mc.enable_metrics(policy=MetricsPolicy(rec.listeners()))
    mc.disable_metrics()
    assert rec.kinds() == ["enable", "disable"]


def _boom(*args):
    raise ValueError("boom")


def test_listener_exceptions(mc):
    rec = Recorder()
    failing_enable = MetricsListeners(_boom, lambda c: rec._add("snapshot"), print, print)
    with pytest.raises(ex.ClientError) as e:
        mc.enable_metrics(MetricsPolicy(failing_enable, interval=1))
    assert e.value.code == -1
    assert e.value.msg == ("Python callback enable_listener threw a ValueError exception."
                           " Exception value: boom")
    time.sleep(0.6)
    assert rec.of("snapshot") == []  # metrics did not start

    failing_snapshot = MetricsListeners(lambda: None, _boom, print, lambda c: rec._add("disable"))
    mc.enable_metrics(MetricsPolicy(failing_snapshot, interval=1))
    time.sleep(0.6)  # snapshots raise on the tend thread; nobody hears of it
    mc.disable_metrics()
    assert rec.kinds() == ["disable"]

    failing_disable = MetricsListeners(lambda: None, lambda c: rec._add("snapshot"), print, _boom)
    mc.enable_metrics(MetricsPolicy(failing_disable, interval=1))
    with pytest.raises(ex.ClientError) as e:
        mc.disable_metrics()
    assert e.value.msg == ("Python callback disable_listener threw a ValueError exception."
                           " Exception value: boom")
    n = len(rec.of("snapshot"))
    time.sleep(0.6)
    assert len(rec.of("snapshot")) == n  # metrics are off all the same


# ---- a node leaves --------------------------------------------------------------------

@pytest.fixture(scope="module")
def pair(server):
    yield from own_emulator(server, nodes=2)


def test_node_close(pair, tmp_path):
    for i in range(2):
        pair.node(i).restart()
    pair.rebalance()
    c = aerospike.client({"hosts": [pair.seeds[0]], "tend_interval": TEND_MS})
    try:
        _wait(lambda: len(c.get_nodes()) == 2, "the client to see both nodes")
        leaving = pair.node(1).name
        rec = Recorder()
        c.enable_metrics(MetricsPolicy(rec.listeners(), interval=1))
        for i in range(20):
            c.put((NS, "m" + RUN_TAG, i), {"a": i})
        pair.node(1).stop()
        _wait(lambda: rec.of("node_close"), "the node close listener")
        (node,) = rec.of("node_close")
        assert type(node).__name__ == "Node" and node.name == leaving
        (ns,) = [m for m in node.metrics if m.ns == NS]
        assert sum(ns.write_latency) > 0
        _wait(lambda: rec.of("snapshot") and [n.name for n in rec.of("snapshot")[-1].nodes]
              == [pair.node(0).name], "a snapshot without the node")
        c.disable_metrics()

        # The report file gets a line of the leaving node.
        pair.node(1).restart()
        pair.rebalance()
        _wait(lambda: len(c.get_nodes()) == 2, "the node to come back")
        c.enable_metrics(MetricsPolicy(report_dir=str(tmp_path), interval=1))
        pair.node(1).stop()
        _wait(lambda: len(c.get_nodes()) == 1, "the node to leave")
        c.disable_metrics()
        (path,) = _report_files(tmp_path)
        with open(path) as f:
            lines = [_split_line(line) for line in f.read().splitlines()]
        node_lines = [line for line in lines if line.startswith("[")]
        assert len(node_lines) == 1
        assert _parse(node_lines[0])[0] == leaving
    finally:
        c.close()
        pair.node(1).restart()
        pair.rebalance()
