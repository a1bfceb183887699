"""The default metrics listener: snapshots written to report files in the
reference client's format, so that tools reading its files read ours.

A file ``metrics-YYYYMMDDHHMMSS.log`` in ``report_dir`` starts with a
header line naming the fields; every snapshot adds one ``cluster[...]``
line, a node leaving the cluster adds one ``[node...]`` line, and
disabling metrics adds a last cluster line and closes the file. With a
``report_size_limit``, a file that has reached it is closed and the next
line starts a new file. Each line starts with the local time. Used by
`aerospike._metrics.Session`; the format functions take the raw tuples of
the binding (see src/ext/metrics.c).
"""

import os
import time

from aerospike import exception

_LATENCY_NAMES = ("conn", "write", "read", "batch", "query")
_MIN_SIZE_LIMIT = 1000000

_HEADER = (
    "header(2)"
    " cluster[name,clientType,clientVersion,appId,label[],cpu,mem,invalidNodeCount,"
    "commandCount,retryCount,delayQueueTimeoutCount,eventloop[],node[]]"
    " label[name,value]"
    " eventloop[processSize,queueSize]"
    " node[name,address,port,syncConn,asyncConn,namespace[]]"
    " conn[inUse,inPool,opened,closed,recovered,aborted]"
    " namespace[name,errors,timeouts,keyBusy,bytesIn,bytesOut,latency[]]"
    " latency({columns},{shift})[type[l1,l2,l3...]]"
)


def header_text(columns, shift):
    """The header line's text (after the time)."""
    return _HEADER.format(columns=columns, shift=shift)


def _join(values):
    return ",".join(str(v) for v in values)


def namespace_text(raw):
    """name,errors,timeouts,keyBusy,bytesIn,bytesOut,[conn[..],write[..],...]"""
    ns, bytes_in, bytes_out, errors, timeouts, key_busy = raw[:6]
    latency = ",".join(f"{name}[{_join(h)}]" for name, h in zip(_LATENCY_NAMES, raw[6:]))
    return f"{ns},{errors},{timeouts},{key_busy},{bytes_in},{bytes_out},[{latency}]"


def node_text(raw):
    """[name,address,port,syncConn(6),asyncConn(6),[namespaces]]"""
    name, address, port, in_use, in_pool, opened, closed, namespaces = raw
    sync = _join((in_use, in_pool, opened, closed, 0, 0))  # nothing recovered or aborted
    spaces = ",".join(namespace_text(ns) for ns in namespaces)
    return f"[{name},{address},{port},{sync},0,0,0,0,0,0,[{spaces}]]"


def cluster_text(raw, labels, cpu, mem, version):
    """cluster[name,python,version,appId,[labels],cpu,mem,invalid,commands,retries,0,[],[nodes]]"""
    name, app_id, invalid, commands, retries, nodes = raw
    label_text = ",".join(f"[{k},{v}]" for k, v in labels.items())
    node_list = ",".join(node_text(n) for n in nodes)
    return (f"cluster[{name or ''},python,{version},{app_id},[{label_text}],{cpu},{mem},"
            f"{invalid},{commands},{retries},0,[],[{node_list}]]")


def _memory_kb():
    """The process's virtual memory size in KiB (what the reference reports)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


class _CpuMeter:
    """CPU use of the process in percent since the previous reading (0 at first)."""

    def __init__(self):
        self.last = None

    def read(self):
        now = (time.monotonic(), time.process_time())
        last, self.last = self.last, now
        if last is None or now[0] <= last[0]:
            return 0
        return round(100 * (now[1] - last[1]) / (now[0] - last[0]))


def _version():
    import aerospike

    return aerospike.__version__


class ReportWriter:
    """Writes one session's snapshots (opens the first file at once)."""

    def __init__(self, settings):
        limit = settings.report_size_limit
        if 0 < limit < _MIN_SIZE_LIMIT:
            raise exception.ClientError(
                -1, f"Metrics policy report_size_limit {limit} must be at least {_MIN_SIZE_LIMIT}",
                None, None, False)
        self.dir = settings.report_dir
        self.limit = limit
        self.columns = settings.latency_columns
        self.shift = settings.latency_shift
        self.labels = settings.labels
        self.version = _version()
        self.cpu = _CpuMeter()
        self.file = None
        self._open()

    def _open(self):
        path = os.path.join(self.dir, time.strftime("metrics-%Y%m%d%H%M%S.log"))
        try:
            # Appending: a file started in the same second is continued, not lost.
            self.file = open(path, "a", encoding="utf-8")
        except OSError as e:
            raise exception.ClientError(-1, f"Failed to open file: {path}", None, None,
                                        False) from e
        self._line(header_text(self.columns, self.shift))

    def _line(self, text):
        self.file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
        self.file.flush()

    def _write(self, text):
        if self.file is None:
            return
        if self.limit and self.file.tell() >= self.limit:
            self.file.close()
            self.file = None
            self._open()
        self._line(text)

    def write_cluster(self, raw):
        self._write(cluster_text(raw, self.labels, self.cpu.read(), _memory_kb(), self.version))

    def write_node(self, raw):
        self._write(node_text(raw))

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None
