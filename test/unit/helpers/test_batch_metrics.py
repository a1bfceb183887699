"""Batch record objects and metrics classes: attributes and defaults."""

from aerospike_helpers import metrics
from aerospike_helpers.batch import records as br

KEY = ("test", "demo", 1)
BASE = {"key": KEY, "record": None, "result": 0, "message": None, "subcode": 0, "in_doubt": False}


def test_batch_record_defaults():
    assert vars(br.BatchRecord(KEY)) == BASE


def test_write_record():
    ops = [{"op": 1, "bin": "a", "val": 1}]
    record = br.Write(KEY, ops)
    assert vars(record) == {
        **BASE,
        "ops": ops,
        "_type": br._Types.WRITE,
        "_has_write": True,
        "meta": None,
        "policy": None,
    }
    record = br.Write(KEY, ops, meta={"ttl": 5}, policy={"key": 1})
    assert (record.meta, record.policy) == ({"ttl": 5}, {"key": 1})


def test_read_record():
    assert vars(br.Read(KEY, None)) == {
        **BASE,
        "ops": None,
        "read_all_bins": False,
        "_type": br._Types.READ,
        "_has_write": False,
        "meta": None,
        "policy": None,
    }
    record = br.Read(KEY, [], True, {"gen": 1}, {"p": 1})
    assert (record.ops, record.read_all_bins, record.meta, record.policy) == (
        [],
        True,
        {"gen": 1},
        {"p": 1},
    )


def test_apply_record():
    assert vars(br.Apply(KEY, "mod", "fn", [1, "a"])) == {
        **BASE,
        "_type": br._Types.APPLY,
        "_has_write": True,
        "module": "mod",
        "function": "fn",
        "args": [1, "a"],
        "policy": None,
    }


def test_remove_record():
    assert vars(br.Remove(KEY, {"durable_delete": True})) == {
        **BASE,
        "_type": br._Types.REMOVE,
        "_has_write": True,
        "policy": {"durable_delete": True},
    }


def test_record_types_codes():
    assert (br._Types.READ, br._Types.WRITE, br._Types.APPLY, br._Types.REMOVE) == (0, 1, 2, 3)
    for cls in (br.Write, br.Read, br.Apply, br.Remove):
        assert issubclass(cls, br.BatchRecord)


def test_batch_records_defaults_are_not_shared():
    first, second = br.BatchRecords(), br.BatchRecords()
    assert vars(first) == {"batch_records": [], "result": 0}
    assert first.batch_records is not second.batch_records
    records = [br.Remove(KEY)]
    assert br.BatchRecords(records).batch_records is records


def test_metrics_policy_defaults():
    assert vars(metrics.MetricsPolicy()) == {
        "metrics_listeners": None,
        "report_dir": ".",
        "report_size_limit": 0,
        "interval": 30,
        "latency_columns": 7,
        "latency_shift": 1,
        "labels": {},
    }


def test_metrics_policy_labels_are_not_shared():
    first = metrics.MetricsPolicy()
    first.labels["zone"] = "a"
    assert metrics.MetricsPolicy().labels == {}
    labels = {"zone": "b"}
    assert metrics.MetricsPolicy(labels=labels).labels is labels


def test_metrics_listeners():
    listeners = metrics.MetricsListeners(print, len, repr, str)
    assert vars(listeners) == {
        "enable_listener": print,
        "snapshot_listener": len,
        "node_close_listener": repr,
        "disable_listener": str,
    }
    policy = metrics.MetricsPolicy(listeners, "/tmp", 10, 5, 3, 2, {"a": "b"})
    assert policy.metrics_listeners is listeners
    assert (policy.report_dir, policy.interval, policy.labels) == ("/tmp", 5, {"a": "b"})


def test_snapshot_classes_take_no_arguments():
    for cls in (
        metrics.ConnectionStats,
        metrics.NamespaceMetrics,
        metrics.Node,
        metrics.Cluster,
        metrics.NodeStats,
        metrics.ClusterStats,
    ):
        assert vars(cls()) == {}


def test_docstring_constants():
    assert metrics._KEY_BUSY_COUNT_DOCSTRING == (
        "Command key busy error count since node was initialized."
    )
    assert metrics._ERROR_COUNT_DOCSTRING.startswith("Command error count since node")
