"""Client metrics: ``Client.enable_metrics(policy)`` and ``disable_metrics()``.

The C core counts, per node and namespace, bytes, errors and latency
histograms while metrics are on; its tend thread calls back every
``policy.interval`` tends (metrics.c in the binding). This module checks the
policy as the reference client does, turns the raw tuples of the callback
into `aerospike_helpers.metrics` objects for the application's listeners,
or, without listeners, writes them to the report file in the reference's
format (`_metrics_writer`). Called by `aerospike._client.Client`.
"""

import atexit
import weakref

from aerospike import exception
from aerospike._metrics_writer import ReportWriter
from aerospike_helpers import metrics as _m

_LISTENERS = ("enable_listener", "snapshot_listener", "node_close_listener", "disable_listener")

# Clients with metrics on; at interpreter exit their metrics stop without
# listener calls (the tend thread must not call into a finalising interpreter).
_live = weakref.WeakSet()


def _param(msg):
    return exception.ParamError(-2, msg, None, None, False)


def _client_error(msg):
    return exception.ClientError(-1, msg, None, None, False)


class Settings:
    """A checked MetricsPolicy."""

    def __init__(self, listeners, report_dir, report_size_limit, interval, columns, shift, labels):
        self.listeners = listeners
        self.report_dir = report_dir
        self.report_size_limit = report_size_limit
        self.interval = interval
        self.latency_columns = columns
        self.latency_shift = shift
        self.labels = labels


def _unsigned(policy, name, bits):
    value = getattr(policy, name, None)
    if not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise _param(f"MetricsPolicy.{name} must be a unsigned {bits}-bit integer type")
    return int(value)


def parse_policy(policy):
    """The Settings of a MetricsPolicy (None: the defaults); ParamError with the
    reference's messages when an attribute has the wrong type."""
    if policy is None:
        policy = _m.MetricsPolicy()
    elif type(policy) is not _m.MetricsPolicy:
        raise _param("policy parameter must be an aerospike_helpers.MetricsPolicy type")
    listeners = getattr(policy, "metrics_listeners", None)
    if listeners is not None:
        if type(listeners) is not _m.MetricsListeners:
            raise _param("MetricsPolicy.metrics_listeners must be a"
                         " aerospike_helpers.metrics.MetricsListeners type")
        for name in _LISTENERS:
            if not callable(getattr(listeners, name, None)):
                raise _param(f"MetricsPolicy.metrics_listeners.{name} must be a callable type")
    report_dir = getattr(policy, "report_dir", None)
    if not isinstance(report_dir, str):
        raise _param("MetricsPolicy.report_dir must be a str type")
    size_limit = _unsigned(policy, "report_size_limit", 64)
    interval = _unsigned(policy, "interval", 32)
    if interval == 0:
        # The reference accepts 0 and then divides by it on the tend thread.
        raise _param("MetricsPolicy.interval must be at least 1")
    columns = _unsigned(policy, "latency_columns", 8)
    shift = _unsigned(policy, "latency_shift", 8)
    labels = getattr(policy, "labels", None)
    if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        raise _param("MetricsPolicy.labels must be a dict[str, str] type")
    return Settings(listeners, report_dir, size_limit, interval, columns, shift, dict(labels))


# ---- raw tuples -> aerospike_helpers.metrics objects ---------------------------

def _namespace(raw):
    ns = _m.NamespaceMetrics()
    # Assigned in the reference's attribute order (vars() shows them so).
    (ns.ns, ns.bytes_in, ns.bytes_out, ns.error_count, ns.timeout_count, ns.key_busy_count,
     ns.conn_latency, ns.write_latency, ns.read_latency, ns.batch_latency,
     ns.query_latency) = raw
    return ns


def node_from_raw(raw):
    """A metrics Node from the binding's node tuple."""
    name, address, port, in_use, in_pool, opened, closed, namespaces = raw
    conns = _m.ConnectionStats()
    conns.in_use, conns.in_pool, conns.opened, conns.closed = in_use, in_pool, opened, closed
    conns.recovered = conns.aborted = 0  # no timed-out connections are drained for reuse
    node = _m.Node()
    node.name, node.address, node.port, node.conns = name, address, port, conns
    node.metrics = [_namespace(ns) for ns in namespaces]
    return node


def cluster_from_raw(raw):
    """A metrics Cluster from the binding's cluster tuple."""
    name, app_id, invalid, commands, retries, nodes = raw
    cluster = _m.Cluster()
    cluster.cluster_name, cluster.app_id = name, app_id
    cluster.invalid_node_count, cluster.command_count, cluster.retry_count = (
        invalid, commands, retries)
    cluster.nodes = [node_from_raw(n) for n in nodes]
    return cluster


# ---- one enable .. disable -------------------------------------------------------

def _call(listeners, name, *args):
    """Calls a listener; its exception becomes the reference's ClientError."""
    try:
        getattr(listeners, name)(*args)
    except Exception as e:
        raise _client_error(f"Python callback {name} threw a {type(e).__name__} exception."
                            f" Exception value: {e}") from e


class Session:
    """The receiver of one client's metrics callbacks between enable and disable:
    the application's listeners, or the report writer."""

    def __init__(self, settings):
        self.settings = settings
        self.listeners = settings.listeners
        self.writer = None
        self.armed = False  # callbacks before start() finished are dropped

    def start(self):
        """Opens the report file, or calls enable_listener (ClientError on failure)."""
        if self.listeners is None:
            self.writer = ReportWriter(self.settings)
        else:
            _call(self.listeners, "enable_listener")
        self.armed = True

    def event(self, kind, raw):
        """The binding's callback (see src/ext/metrics.c)."""
        if kind == "exit":
            self._close()
            return
        if not self.armed:
            return
        if kind == "disable":
            self.armed = False
            try:
                if self.writer is None:
                    _call(self.listeners, "disable_listener", cluster_from_raw(raw))
                else:
                    self.writer.write_cluster(raw)
            finally:
                self._close()
            return
        # Periodic events run on the tend thread, which has no caller to
        # raise to: listener failures there are dropped, as by the reference.
        try:
            if kind == "snapshot":
                if self.writer is None:
                    self.listeners.snapshot_listener(cluster_from_raw(raw))
                else:
                    self.writer.write_cluster(raw)
            elif kind == "node_close":
                if self.writer is None:
                    self.listeners.node_close_listener(node_from_raw(raw))
                else:
                    self.writer.write_node(raw)
        except Exception:
            pass

    def _close(self):
        self.armed = False
        if self.writer is not None:
            self.writer.close()


def enable(client, policy):
    """Client.enable_metrics: ends a running session (its final snapshot goes out
    as on disable), then starts counting with the new policy."""
    settings = parse_policy(policy)
    disable(client)
    session = Session(settings)
    client._metrics_start(session.event, settings.interval, settings.latency_columns,
                          settings.latency_shift)
    try:
        session.start()
    except BaseException:
        client._metrics_stop("exit")
        raise
    _live.add(client)


def disable(client):
    """Client.disable_metrics: the final snapshot goes to disable_listener or to
    the report file, which is closed. Nothing happens when metrics are off."""
    _live.discard(client)
    client._metrics_stop()


@atexit.register
def _stop_at_exit():
    for client in list(_live):
        try:
            client._metrics_stop("exit")
        except Exception:
            pass
    _live.clear()
