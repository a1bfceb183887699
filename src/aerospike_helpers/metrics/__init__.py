"""Metrics: the policy for ``client.enable_metrics`` and the snapshot classes.

`MetricsPolicy` and `MetricsListeners` are built by the application.
`aerospike._metrics` creates `Cluster`, `Node`, `ConnectionStats` and
`NamespaceMetrics` objects (setting the attributes documented below) when
it calls the listeners, and `aerospike._client` builds `ClusterStats` /
`NodeStats` for ``client.get_stats()``. None of these has a constructor
of its own.
"""

from typing import Callable, Optional

_ERROR_COUNT_DOCSTRING = (
    "Command error count since node was initialized. If the error is retryable, multiple errors"
    "     per command may occur."
)
_TIMEOUT_COUNT_DOCSTRING = (
    "Command timeout count since node was initialized. If the timeout is retryable"
    "     (i.e socket_timeout), multiple timeouts per command may occur."
)
_KEY_BUSY_COUNT_DOCSTRING = "Command key busy error count since node was initialized."


class ConnectionStats:
    """Connection counts of one node.

    Attributes: ``in_use`` (connections in use), ``in_pool`` (idle in the
    pool), ``opened`` and ``closed`` (totals since the node was added),
    ``recovered`` and ``aborted`` (connections drained after a timeout, or
    closed when the drain failed: always 0, this client closes them).
    """


class NamespaceMetrics:
    """Per-namespace metrics of one node.

    Attributes: ``ns`` (namespace; ``""`` for batches and cluster tending),
    ``bytes_in``, ``bytes_out``, ``error_count``, ``timeout_count``,
    ``key_busy_count`` (counted while metrics are on, never reset) and the
    latency histograms ``conn_latency``, ``write_latency``,
    ``read_latency``, ``batch_latency``, ``query_latency``: lists of
    ``latency_columns`` counts, cleared when metrics are enabled.
    """


class Node:
    """One cluster node in a metrics snapshot.

    Attributes: ``name``, ``address``, ``port``, ``conns``
    (`ConnectionStats`) and ``metrics`` (a list of `NamespaceMetrics`).
    """


class Cluster:
    """A metrics snapshot of the whole cluster.

    Attributes: ``cluster_name`` (None when not configured), ``app_id``
    (the config's ``app_id``, else the user name, else ``"not-set"``),
    ``invalid_node_count``, ``command_count`` and ``retry_count``
    (cumulative) and ``nodes`` (a list of `Node`).
    """


class NodeStats:
    """One node in ``client.get_stats()``."""

    name: str
    address: str
    port: int
    conns: ConnectionStats
    error_count: int
    timeout_count: int
    key_busy_count: int


class ClusterStats:
    """The result of ``client.get_stats()``."""

    nodes: "list[NodeStats]"
    retry_count: int
    thread_pool_queued_tasks: int
    recover_queue_size: int


class MetricsListeners:
    """Callbacks that receive metrics instead of the default file writer.

    `enable_listener()` runs when metrics are enabled,
    `snapshot_listener(cluster)` at every interval,
    `node_close_listener(node)` when a node leaves and
    `disable_listener(cluster)` when metrics are disabled.
    """

    def __init__(
        self,
        enable_listener: Callable[[], None],
        snapshot_listener: Callable[[Cluster], None],
        node_close_listener: Callable[[Node], None],
        disable_listener: Callable[[Cluster], None],
    ):
        self.enable_listener = enable_listener
        self.snapshot_listener = snapshot_listener
        self.node_close_listener = node_close_listener
        self.disable_listener = disable_listener


# The default of MetricsPolicy's labels (shows as {} in its signature).
_NO_LABELS: "dict[str, str]" = {}


class MetricsPolicy:
    """Settings of ``client.enable_metrics(policy)``.

    `report_dir` and `report_size_limit` (bytes, 0 = no limit, else at
    least 1,000,000) control the default file writer, `interval` is the
    snapshot period in cluster tends (``tend_interval`` in the client
    config), `latency_columns` / `latency_shift` shape the latency buckets
    (``<=1ms``, ``>1ms``, then limits multiplied by ``2**latency_shift``)
    and `labels` are name/value pairs added to every report.
    """

    def __init__(
        self,
        metrics_listeners: Optional[MetricsListeners] = None,
        report_dir: str = ".",
        report_size_limit: int = 0,
        interval: int = 30,
        latency_columns: int = 7,
        latency_shift: int = 1,
        labels: "dict[str, str]" = _NO_LABELS,
    ):
        self.metrics_listeners = metrics_listeners
        self.report_dir = report_dir
        self.report_size_limit = report_size_limit
        self.interval = interval
        self.latency_columns = latency_columns
        self.latency_shift = latency_shift
        # A fresh dict when none is given, so policies never share labels;
        # anything given is kept as it is (None is refused by enable_metrics).
        self.labels = {} if labels is _NO_LABELS else labels
