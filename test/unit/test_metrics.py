"""Client metrics without a server: the policy checks of aerospike._metrics,
the raw-tuple -> object conversion, the session's event handling (through a
fake client), and the report writer's lines, file names and rotation
(aerospike._metrics_writer)."""

import os
import re

import pytest

from aerospike import _metrics, _metrics_writer, exception
from aerospike_helpers.metrics import Cluster, MetricsListeners, MetricsPolicy, Node

HIST = [[1, 0], [2, 0], [0, 3], [0, 0], [0, 0]]
NS_TEST = ("test", 30, 87, 1, 2, 0, *HIST)
NS_NONE = ("", 71, 51, 0, 0, 0, *([[0, 0]] * 5))
NODE = ("BB9000001", "127.0.0.1", 3000, 1, 2, 3, 0, [NS_TEST, NS_NONE])
CLUSTER = (None, "not-set", 0, 12, 1, [NODE])


def _listeners(log):
    return MetricsListeners(lambda: log.append(("enable",)),
                            lambda c: log.append(("snapshot", c)),
                            lambda n: log.append(("node_close", n)),
                            lambda c: log.append(("disable", c)))


# ---- policy ----------------------------------------------------------------------------

def test_defaults():
    s = _metrics.parse_policy(None)
    assert (s.listeners, s.report_dir, s.report_size_limit, s.interval) == (None, ".", 0, 30)
    assert (s.latency_columns, s.latency_shift, s.labels) == (7, 1, {})


def test_policy_values_are_copied():
    labels = {"a": "b"}
    s = _metrics.parse_policy(MetricsPolicy(labels=labels, interval=True, latency_columns=255))
    labels["c"] = "d"
    assert s.labels == {"a": "b"} and s.interval == 1 and s.latency_columns == 255


@pytest.mark.parametrize("attr, value, message", [
    ("report_dir", b".", "MetricsPolicy.report_dir must be a str type"),
    ("report_size_limit", 2.0,
     "MetricsPolicy.report_size_limit must be a unsigned 64-bit integer type"),
    ("interval", 0, "MetricsPolicy.interval must be at least 1"),
    ("interval", None, "MetricsPolicy.interval must be a unsigned 32-bit integer type"),
    ("latency_columns", "7", "MetricsPolicy.latency_columns must be a unsigned 8-bit integer type"),
    ("latency_shift", -1, "MetricsPolicy.latency_shift must be a unsigned 8-bit integer type"),
    ("labels", [("a", "b")], "MetricsPolicy.labels must be a dict[str, str] type"),
    ("metrics_listeners", object(),
     "MetricsPolicy.metrics_listeners must be a aerospike_helpers.metrics.MetricsListeners type"),
])
def test_bad_attribute(attr, value, message):
    policy = MetricsPolicy()
    setattr(policy, attr, value)
    with pytest.raises(exception.ParamError) as e:
        _metrics.parse_policy(policy)
    assert e.value.msg == message


def test_missing_attribute_is_a_bad_type():
    policy = MetricsPolicy()
    del policy.interval
    with pytest.raises(exception.ParamError, match="interval must be a unsigned 32-bit"):
        _metrics.parse_policy(policy)


def test_listener_checked_in_order():
    listeners = MetricsListeners(print, print, "x", None)
    with pytest.raises(exception.ParamError) as e:
        _metrics.parse_policy(MetricsPolicy(listeners))
    assert e.value.msg == (
        "MetricsPolicy.metrics_listeners.node_close_listener must be a callable type")


# ---- objects -------------------------------------------------------------------------------

def test_cluster_from_raw():
    c = _metrics.cluster_from_raw(CLUSTER)
    assert type(c) is Cluster
    assert (c.cluster_name, c.app_id, c.invalid_node_count, c.command_count, c.retry_count) == (
        None, "not-set", 0, 12, 1)
    (n,) = c.nodes
    assert type(n) is Node
    assert (n.name, n.address, n.port) == ("BB9000001", "127.0.0.1", 3000)
    assert vars(n.conns) == {"in_use": 1, "in_pool": 2, "opened": 3, "closed": 0,
                             "recovered": 0, "aborted": 0}
    test, none = n.metrics
    assert vars(test) == {"ns": "test", "bytes_in": 30, "bytes_out": 87, "error_count": 1,
                          "timeout_count": 2, "key_busy_count": 0, "conn_latency": [1, 0],
                          "write_latency": [2, 0], "read_latency": [0, 3],
                          "batch_latency": [0, 0], "query_latency": [0, 0]}
    assert none.ns == ""


# ---- sessions, through a fake client ----------------------------------------------------

class FakeClient:
    """Stands in for the binding's _metrics_start/_metrics_stop."""

    def __init__(self):
        self.callback = None
        self.started = []

    def _metrics_start(self, callback, interval, columns, shift):
        self.callback = callback
        self.started.append((interval, columns, shift))

    def _metrics_stop(self, event="disable"):
        cb, self.callback = self.callback, None
        if cb is not None:
            return cb(event, None if event == "exit" else CLUSTER)
        return None


def test_session_with_listeners():
    log = []
    client = FakeClient()
    _metrics.enable(client, MetricsPolicy(_listeners(log), interval=3, latency_columns=2))
    assert client.started == [(3, 2, 1)] and log == [("enable",)]
    client.callback("snapshot", CLUSTER)
    client.callback("node_close", NODE)
    _metrics.disable(client)
    assert [e[0] for e in log] == ["enable", "snapshot", "node_close", "disable"]
    assert log[1][1].command_count == 12 and log[2][1].name == "BB9000001"
    _metrics.disable(client)  # already off
    assert len(log) == 4


def test_failing_enable_listener_stops_metrics():
    def boom():
        raise KeyError("k")

    client = FakeClient()
    with pytest.raises(exception.ClientError) as e:
        _metrics.enable(client, MetricsPolicy(MetricsListeners(boom, print, print, print)))
    assert e.value.msg == ("Python callback enable_listener threw a KeyError exception."
                           " Exception value: 'k'")
    assert client.callback is None


def test_snapshot_listener_errors_are_dropped():
    def boom(cluster):
        raise RuntimeError("x")

    log = []
    client = FakeClient()
    _metrics.enable(client, MetricsPolicy(MetricsListeners(print, boom, boom, log.append)))
    client.callback("snapshot", CLUSTER)
    client.callback("node_close", NODE)
    _metrics.disable(client)
    assert len(log) == 1


def test_exit_closes_without_listener_call(tmp_path):
    log = []
    client = FakeClient()
    _metrics.enable(client, MetricsPolicy(_listeners(log)))
    client._metrics_stop("exit")
    assert log == [("enable",)]


# ---- report lines ------------------------------------------------------------------------------

def test_header_text():
    assert _metrics_writer.header_text(5, 3).endswith(
        " namespace[name,errors,timeouts,keyBusy,bytesIn,bytesOut,latency[]]"
        " latency(5,3)[type[l1,l2,l3...]]")
    assert _metrics_writer.header_text(7, 1).startswith(
        "header(2) cluster[name,clientType,clientVersion,appId,label[],cpu,mem,")


def test_node_and_cluster_text():
    node = ("[BB9000001,127.0.0.1,3000,1,2,3,0,0,0,0,0,0,0,0,0,"
            "[test,1,2,0,30,87,[conn[1,0],write[2,0],read[0,3],batch[0,0],query[0,0]],"
            ",0,0,0,71,51,[conn[0,0],write[0,0],read[0,0],batch[0,0],query[0,0]]]]")
    assert _metrics_writer.node_text(NODE) == node
    raw = ("dc1",) + CLUSTER[1:]
    text = _metrics_writer.cluster_text(raw, {"a": "b", "c": "d"}, 12, 4096, "19.3.0")
    assert text == ("cluster[dc1,python,19.3.0,not-set,[[a,b],[c,d]],12,4096,0,12,1,0,[],[%s]]"
                    % node)
    empty = _metrics_writer.cluster_text((None, "x", 0, 0, 0, []), {}, 0, 0, "19.3.0")
    assert empty == "cluster[,python,19.3.0,x,[],0,0,0,0,0,0,[],[]]"


def test_cpu_meter_starts_at_zero():
    meter = _metrics_writer._CpuMeter()
    assert meter.read() == 0
    sum(range(200000))
    assert meter.read() >= 0


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_writer_files_and_rotation(tmp_path, monkeypatch):
    stamps = iter(["20260101000000", "20260101000001", "20260101000002"])
    real = _metrics_writer.time.strftime

    def strftime(fmt, *args):
        if fmt == "metrics-%Y%m%d%H%M%S.log":
            return "metrics-%s.log" % next(stamps)
        return real(fmt, *args)

    monkeypatch.setattr(_metrics_writer.time, "strftime", strftime)
    settings = _metrics.parse_policy(MetricsPolicy(report_dir=str(tmp_path),
                                                   report_size_limit=1000000))
    w = _metrics_writer.ReportWriter(settings)
    big = (None, "not-set", 0, 0, 0, [NODE] * 1200)  # a line of about 250 kB
    for _ in range(6):
        w.write_cluster(big)
    w.write_node(NODE)
    w.close()
    w.write_cluster(big)  # closed: ignored
    files = sorted(os.listdir(tmp_path))
    assert files == ["metrics-20260101000000.log", "metrics-20260101000001.log"]
    first, second = (_lines(tmp_path / f) for f in files)
    stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
    assert re.match(stamp + r"header\(2\) ", first[0]) and re.match(stamp + "header", second[0])
    # The first file was closed by the first line written after it reached the limit.
    size = os.path.getsize(tmp_path / files[0])
    assert size >= 1000000 and size - len(first[-1]) - 1 < 1000000
    snapshots = [re.sub(stamp, "", line)[:8] for line in first[1:] + second[1:]]
    assert snapshots == ["cluster["] * 6 + ["[BB90000"]
    assert len(second) >= 3


def test_writer_refuses_small_limit_and_missing_dir(tmp_path):
    small = _metrics.parse_policy(MetricsPolicy(report_dir=str(tmp_path), report_size_limit=999999))
    with pytest.raises(exception.ClientError, match="must be at least 1000000"):
        _metrics_writer.ReportWriter(small)
    missing = _metrics.parse_policy(MetricsPolicy(report_dir=str(tmp_path / "nope")))
    with pytest.raises(exception.ClientError) as e:
        _metrics_writer.ReportWriter(missing)
    assert e.value.msg.startswith("Failed to open file: %s/metrics-" % (tmp_path / "nope"))
    assert os.listdir(tmp_path) == []
