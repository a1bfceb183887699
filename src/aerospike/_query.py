"""`aerospike.Query` and `aerospike.Scan`: partition scans and queries.

The C binding runs one node's share of a scan or query
(`Client._query_node`: build the request, send it with the GIL released,
decode the answer) and reports, per partition, the last record it saw.
This module does the rest of protocol.md 10: it spreads the partitions
over their master nodes (`Client._partition_owners`), splits
``max_records`` across nodes, resumes partitions from their last digest,
retries partitions a node could not serve, keeps the partition status for
pagination and `get_partitions_status()`, and starts background jobs.
Stream-UDF aggregations go to every node instead, and the stages of the
stream that run on the client run through aerospike_lua.
"""

import os
import threading
import time

from aerospike import exception

N_PARTITIONS = 4096

# Errors after which a node's partitions are tried again (protocol.md 10b):
# partition unavailable, invalid node, no more connections, timeouts,
# network errors, connection errors.
_RETRYABLE = frozenset({11, -8, -7, -6, 9, -10, 201, 203})
_NOT_FOUND = 2
JOB_UNDEF, JOB_INPROGRESS, JOB_COMPLETED = 0, 1, 2


def _param(msg):
    return exception.ParamError(-2, msg, None, None, False)


def _error(code, msg):
    return exception.class_for_code(code)(code, msg, None, None, False)


def _check_dict(value, what):
    if value is not None and not isinstance(value, dict):
        raise _param(f"{what} must be a dict")
    return value or {}


def _check_int(value, what):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _param(f"{what} must be a non-negative integer")
    return value


def _task_id():
    return (int.from_bytes(os.urandom(8), "little") >> 1) or 1


class _Partition:
    __slots__ = ("bval", "digest", "done", "pid")

    def __init__(self, pid):
        self.pid = pid
        self.digest = None  # the last record's digest once records came (resume point)
        self.bval = None
        self.done = False


class _Tracker:
    """The status of every partition of one scan or query."""

    def __init__(self, partition_filter):
        pf = _check_dict(partition_filter, "partition_filter")
        begin = pf.get("begin", 0)
        count = pf.get("count", N_PARTITIONS)
        if not isinstance(begin, int) or not 0 <= begin < N_PARTITIONS:
            raise _param("partition_filter: 'begin' must be in 0..4095")
        if not isinstance(count, int) or not 0 < count <= N_PARTITIONS - begin:
            raise _param("partition_filter: 'count' must be in 1..4096 - begin")
        self.parts = [_Partition(pid) for pid in range(begin, begin + count)]
        digest = pf.get("digest") or {}
        if not isinstance(digest, dict):
            raise _param("partition_filter: 'digest' must be a dict")
        if digest.get("init"):
            value = digest.get("value")
            if not isinstance(value, (bytes, bytearray)) or len(value) != 20:
                raise _param("partition_filter: 'digest' value must be 20 bytes")
            self.parts[0].digest = bytes(value)
        status = pf.get("partition_status") or {}
        if not isinstance(status, dict):
            raise _param("partition_filter: 'partition_status' must be a dict")
        for part in self.parts:
            saved = status.get(part.pid)
            if saved is None:
                continue
            try:
                _, init, retry, value, bval = saved
            except (TypeError, ValueError):
                raise _param(f"partition_status of partition {part.pid} must be a "
                             "(id, init, retry, digest, bval) tuple") from None
            part.done = not retry
            if init:
                part.digest = bytes(value)
                part.bval = bval

    def pending(self):
        return [p for p in self.parts if not p.done]

    def is_done(self):
        return all(p.done for p in self.parts)

    def status(self):
        out = {"done": self.is_done(), "retry": not self.is_done()}
        for p in self.parts:
            out[p.pid] = (p.pid, p.digest is not None, not p.done,
                          bytearray(p.digest or bytes(20)), p.bval or 0)
        return out


class _Job:
    """What Query and Scan share: the request spec, bins, background jobs."""

    __module__ = "aerospike"
    _kind = "query"

    def __init__(self, client, namespace, set=None):  # noqa: A002
        if not isinstance(namespace, str):
            raise _param("namespace must be a string")
        if set is not None and not isinstance(set, str):
            raise _param("set must be a string or None")
        self._client = client
        self._ns = namespace
        self._set = set
        self._bins = None
        self._ops = None
        self._udf = None
        self._paginate = False
        self._tracker = None
        self.ttl = 0

    # ---- building -----------------------------------------------------

    def select(self, *bins):
        """Return only these bins of each record."""
        for name in bins:
            if not isinstance(name, str):
                raise _param("select: bin names must be strings")
        self._bins = list(bins)

    def apply(self, module, function, arguments=None):
        """Run a UDF: a record UDF on each record by execute_background(), or (Query) a
        stream UDF whose values results()/foreach() return."""
        if not isinstance(module, str) or not isinstance(function, str):
            raise _param("apply: module and function must be strings")
        if arguments is not None and not isinstance(arguments, list):
            raise _param("apply: arguments must be a list")
        self._udf = (module, function, arguments)

    def add_ops(self, ops):
        """Operations execute_background() applies to each record."""
        if not isinstance(ops, list):
            raise _param("add_ops: ops must be a list")
        self._ops = ops

    def paginate(self):
        """Make each results()/foreach() continue where the last one stopped."""
        self._paginate = True

    def is_done(self):
        """True when a paginated scan or query has returned every record."""
        return self._tracker is not None and self._tracker.is_done()

    def get_partitions_status(self):
        """The status of each partition, to resume with partition_filter."""
        return {} if self._tracker is None else self._tracker.status()

    # ---- running ------------------------------------------------------

    def _spec(self, options):
        spec = {"ns": self._ns, "set": self._set, "bins": self._bins}
        if options.get("nobins"):
            spec["nobins"] = True
        return spec

    def _policy_int(self, policy, key, fallback):
        """An integer of the call's policy, else of the client's config."""
        if key in policy:
            value = policy[key]
        else:
            default = getattr(self._client, "_policy_default", None)
            value = default(self._kind, key, fallback) if default else fallback
        return _check_int(value, f"policy: '{key}'")

    def _max_records(self, policy):
        return _check_int(policy.get("max_records", 0), "policy: 'max_records'")

    def _rps(self, policy):
        return _check_int(policy.get("records_per_second", 0), "policy: 'records_per_second'")

    def _run(self, policy, options, on_records, nodename=None):
        """Run rounds until every partition is done, the record limit is hit
        or on_records returns False."""
        policy = _check_dict(policy, "policy")
        options = _check_dict(options, "options")
        if self._udf is not None:
            if self._kind != "query":
                raise exception.ClientError(
                    -1, "a scan runs a UDF only as a background job (execute_background)",
                    None, None, False)
            self._aggregate(policy, options, on_records)
            return
        tracker = self._tracker if self._paginate else None
        if tracker is None or tracker.is_done():
            tracker = _Tracker(policy.get("partition_filter"))
        if self._paginate:
            self._tracker = tracker
        spec = self._spec(options)
        spec["rps"] = self._rps(policy)
        spec["duration"] = _duration(policy)
        max_records = self._max_records(policy)
        max_retries = self._policy_int(policy, "max_retries", 5)
        sleep_ms = self._policy_int(policy, "sleep_between_retries", 0)
        total = self._policy_int(policy, "total_timeout", 0)
        deadline = time.monotonic() + total / 1000 if total else None
        has_bval = spec.get("predicate") is not None
        stop = threading.Event()
        for attempt in range(max_retries + 1):
            by_node = self._assign(tracker.pending(), nodename)
            if not by_node:
                break
            nodes = list(by_node)
            limits = _split(max_records, len(nodes))
            task_id = _task_id()

            def deliver(records):
                if stop.is_set() or on_records(records) is False:
                    stop.set()
                    return False
                return True

            def one(i, node):
                parts = by_node[node]
                node_spec = dict(spec, task_id=task_id, max_records=limits[i],
                                 pids=[p.pid for p in parts if p.digest is None],
                                 digests=[p.digest for p in parts if p.digest is not None])
                if has_bval:
                    node_spec["bvals"] = [p.bval for p in parts if p.digest is not None]
                try:
                    done, last, status, count = self._client._query_node(
                        node, node_spec, deliver, policy, self._kind)
                except exception.AerospikeError as e:
                    if e.code in _RETRYABLE:
                        return e
                    raise
                index = {p.pid: p for p in parts}
                for pid, (digest, bval) in last.items():
                    part = index.get(pid)
                    if part is not None:
                        part.digest = digest
                        part.bval = bval
                if stop.is_set():
                    return None
                if status and status not in _RETRYABLE:
                    raise _error(status, f"The {self._kind} failed on node {node}")
                if status:
                    return _error(status, f"The {self._kind} failed on node {node}")
                if not (limits[i] and count >= limits[i]):
                    for p in parts:
                        if done.get(p.pid, 0) == 0:
                            p.done = True
                return None

            errors = _each(one, nodes)
            if stop.is_set() or not tracker.pending() or (max_records and not errors):
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise _error(9, f"The {self._kind} timed out")
            if attempt == max_retries:
                raise errors[0] if errors else _error(11, "Partitions were unavailable")
            if sleep_ms:
                time.sleep(sleep_ms / 1000)
        if not self._paginate:
            self._tracker = tracker

    def _aggregate(self, policy, options, on_values):
        """Run a stream UDF (protocol.md 10b): every node runs the stream function up to
        and including its first reduce over its records and sends the values that yields;
        the rest of the chain runs here, in Lua, over the values of all nodes. on_values
        gets lists of the values the whole chain yields."""
        if policy.get("partition_filter"):
            raise _param("Aggregation or background queries cannot query by partition")
        module, function, args = self._udf
        stream = _stream_udf(self._client, module, function, args)
        spec = self._spec(options)
        spec.update(udf=self._udf, udf_op=1, task_id=_task_id(), rps=self._rps(policy),
                    duration=_duration(policy))
        nodes = [n[0] for n in self._client._nodes()]
        if not nodes:
            raise _error(11, "The cluster has no node to run the aggregation")
        stop = threading.Event()
        gathered = []
        lock = threading.Lock()
        if stream.client_stages:
            # A node yields at most one value after its reduce: keep them for the client's
            # stages, which run once every node has answered.
            def sink(values):
                with lock:
                    gathered.extend(values)
                return True
        else:
            # The nodes' values are the results: hand them on as they come.
            def sink(values):
                values = [v for v in values if v is not None]
                if stop.is_set() or (values and on_values(values) is False):
                    stop.set()
                    return False
                return True

        def one(i, node):
            status = self._client._query_node(node, spec, sink, policy, "query")[2]
            if status and not stop.is_set():
                raise _error(status, f"The aggregation failed on node {node}")

        _each(one, nodes)
        if stream.client_stages:
            try:
                values = stream.run(gathered)
            except _lua.StreamError as e:
                raise exception.UDFError(100, str(e), None, None, False) from None
            if values:
                on_values(values)

    def _assign(self, parts, nodename):
        """Group the pending partitions by the node that masters them."""
        if not parts:
            return {}
        owners = self._client._partition_owners(self._ns)
        by_node = {}
        for part in parts:
            node = owners[part.pid]
            if node is None:
                raise _error(11, f"Partition {part.pid} of namespace {self._ns} has no node")
            if nodename is None or node == nodename:
                by_node.setdefault(node, []).append(part)
        if nodename is not None:
            for part in parts:
                if owners[part.pid] != nodename:
                    part.done = True
            if not by_node and nodename not in {n[0] for n in self._client._nodes()}:
                raise _error(-8, f"Node {nodename} is not in the cluster")
        return by_node

    def results(self, policy=None, options=None):
        """Return the matching records as a list of (key, meta, bins) tuples."""
        out = []
        self._run(policy, options, out.extend)
        return out

    def foreach(self, callback, policy=None, options=None):
        """Call callback((key, meta, bins)) for each record; stop when it
        returns False."""
        self._foreach(callback, policy, options, None)

    def _foreach(self, callback, policy, options, nodename):
        if not callable(callback):
            raise _param("foreach: callback must be callable")
        lock = threading.Lock()  # nodes answer on several threads

        def deliver(records):
            with lock:
                for rec in records:
                    try:
                        if callback(rec) is False:
                            return False
                    except Exception as e:
                        # The reference reports a ClientError, with the callback's
                        # exception as its context.
                        raise exception.ClientError(
                            -1, "Callback function raised an exception", None, None,
                            False) from e
            return True

        self._run(policy, options, deliver, nodename=nodename)

    def execute_background(self, policy=None):
        """Apply the ops or UDF to every matching record on the server; return
        the job id."""
        return self._background(policy, self._udf, self._ops)

    def _background(self, policy, udf, ops):
        policy = _check_dict(policy, "policy")
        if udf is None and not ops:
            raise _param("execute_background needs add_ops() or apply() first")
        spec = self._spec({})
        spec.update(background=True, task_id=_task_id(), ttl=self.ttl, bins=None,
                    rps=self._rps(policy))
        if udf is not None:
            spec["udf"] = udf
            spec["udf_op"] = 2
        else:
            spec["ops"] = ops
        kind = self._background_kind
        for node in [n[0] for n in self._client._nodes()]:
            status = self._client._query_node(node, spec, _no_records, policy, kind)[2]
            if status and not (status == _NOT_FOUND and self._kind == "scan"):
                raise _error(status, f"The background {self._kind} failed on node {node}")
        return spec["task_id"]


def _stream_udf(client, module, function, args):
    """The client side of an aggregation (aerospike_lua.StreamUDF): the module loaded from
    the config's lua user_path (the working directory by default, as in the reference
    client) and its stream function called to learn its stages."""
    global _lua
    if _lua is None:
        try:
            import aerospike_lua as _lua
        except ImportError:
            raise _no_lua("the aerospike_lua package is missing") from None
    user_path = getattr(client, "_lua_user_path", None) or "."
    try:
        return _lua.StreamUDF(user_path, module, function, args, to_lua=_to_lua,
                              from_geojson=_from_geojson)
    except _lua.LuaUnavailable:
        raise _no_lua("the lupa package is not installed") from None
    except _lua.StreamError as e:
        raise exception.UDFError(100, str(e), None, None, False) from None
    except TypeError as e:
        raise _param(f"apply: {e}") from None


_lua = None  # aerospike_lua, imported with the first aggregation


def _no_lua(why):
    return exception.ClientError(
        -1, f"stream UDF aggregation runs Lua in the client and {why}: "
        "pip install 'aerospike[lua]' (or the lupa package)", None, None, False)


def _to_lua(value):
    """Values aerospike_lua.pack() does not know: aerospike.GeoJSON becomes Lua geojson."""
    from aerospike import GeoJSON

    if isinstance(value, GeoJSON):
        return _lua.GeoJSON(value.dumps())
    return None


def _from_geojson(text):
    from aerospike import GeoJSON

    return GeoJSON(text)


def _duration(policy):
    """policy "expected_duration" (aerospike.QUERY_DURATION_*), or the older
    "short_query" flag."""
    duration = policy.get("expected_duration", 0)
    if duration not in (0, 1, 2) or isinstance(duration, bool):
        raise _param("policy: 'expected_duration' must be one of aerospike.QUERY_DURATION_*")
    return 1 if policy.get("short_query") and not duration else duration


def _no_records(records):
    return True


def _split(max_records, n):
    """max_records spread over n nodes: max/n each, the remainder to the
    first nodes, at least 1 each (0 means no limit)."""
    if not max_records:
        return [0] * n
    base, extra = divmod(max_records, n)
    return [max(1, base + (1 if i < extra else 0)) for i in range(n)]


def _each(fn, nodes):
    """fn(i, node) for every node, in parallel when there are several;
    returns the retryable errors, raises the first other one."""
    results = [None] * len(nodes)
    if len(nodes) == 1:
        results[0] = fn(0, nodes[0])
    else:
        raised = [None] * len(nodes)

        def run(i, node):
            try:
                results[i] = fn(i, node)
            except BaseException as e:  # handed to the caller's thread below
                raised[i] = e

        threads = [threading.Thread(target=run, args=(i, node), daemon=True)
                   for i, node in enumerate(nodes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        first = next((e for e in raised if e is not None), None)
        if first is not None:
            raise first
    return [r for r in results if r is not None]


class Query(_Job):
    """A query over a namespace and set, optionally through a secondary
    index (`where`). Create it with `Client.query()`."""

    __module__ = "aerospike"
    _kind = "query"
    _background_kind = "write"

    def __init__(self, client, namespace, set=None):  # noqa: A002
        super().__init__(client, namespace, set)
        self._where = None
        self.max_records = 0
        self.records_per_second = 0

    def where(self, predicate, ctx=None):
        """Select records through the secondary index a predicate names."""
        self._set_where(predicate, ctx=ctx)

    def where_with_index_name(self, index_name, predicate):
        """Like where(), naming the index instead of its bin."""
        if not isinstance(index_name, str):
            raise _param("index_name must be a string")
        self._set_where(predicate, index_name=index_name)

    def where_with_expr(self, expr, predicate):
        """Like where(), through an expression index."""
        if not isinstance(expr, list):
            raise _param("expr must be a compiled expression")
        self._set_where(predicate, index_expr=expr)

    def _set_where(self, predicate, **extra):
        if not isinstance(predicate, tuple) or len(predicate) < 4:
            raise _param("predicate must be made by aerospike.predicates")
        ctx = extra.get("ctx")
        if ctx is not None and not isinstance(ctx, list):
            raise _param("ctx must be a list of cdt_ctx objects")
        self._where = dict(extra, predicate=predicate)

    def _spec(self, options):
        spec = super()._spec(options)
        if self._where:
            spec.update(self._where)
        return spec

    def _max_records(self, policy):
        return _check_int(policy.get("max_records", self.max_records), "max_records")

    def _rps(self, policy):
        return _check_int(policy.get("records_per_second", self.records_per_second),
                          "records_per_second")


class Scan(_Job):
    """A scan of a namespace or set. Create it with `Client.scan()`
    (deprecated: `Query` without `where` does the same)."""

    __module__ = "aerospike"
    _kind = "scan"
    _background_kind = "scan"

    def results(self, policy=None, nodename=None):
        """Return the records as a list of (key, meta, bins) tuples."""
        out = []
        self._run(policy, None, out.extend, nodename=_nodename(nodename))
        return out

    def foreach(self, callback, policy=None, options=None, nodename=None):
        """Call callback((key, meta, bins)) for each record; stop when it
        returns False."""
        self._foreach(callback, policy, options, _nodename(nodename))


def _nodename(value):
    if value is not None and not isinstance(value, str):
        raise _param("nodename must be a string")
    return value


def job_info(client, job_id, module, timeout):
    """The status of a background scan or query, from every node."""
    if not isinstance(job_id, int) or isinstance(job_id, bool):
        raise _param("job_id must be an integer")
    if module not in ("scan", "query"):
        raise _param("module must be aerospike.JOB_SCAN or aerospike.JOB_QUERY")
    status, read, progress = JOB_COMPLETED, 0, None
    nodes = [n[0] for n in client._nodes()]
    if not nodes:
        return {"status": JOB_UNDEF, "records_read": 0, "progress_pct": 0}
    for node in nodes:
        try:
            reply = client._info_node(node, f"query-show:id={job_id}", timeout)
        except exception.AerospikeError as e:
            if e.code == _NOT_FOUND:  # the node has no such job: finished (or never ran)
                continue
            raise
        fields = _job_fields(reply)
        word = fields.get("status", "")
        if word.startswith(("active", "in-progress")):
            status = JOB_INPROGRESS
        read += int(fields.get("recs-succeeded", fields.get("recs-read", 0)) or 0)
        pct = int(float(fields.get("job-progress", 0) or 0))
        progress = pct if progress is None else min(progress, pct)
    # A job no node knows (finished long ago, or never started) is complete at 0%.
    return {"status": status, "records_read": read, "progress_pct": progress or 0}


def _job_fields(reply):
    """'query-show:id=N\\ttrid=N:ns=...:status=done(ok):...' -> dict."""
    text = reply.split("\t", 1)[1] if "\t" in reply else reply
    out = {}
    for item in text.strip().split(":"):
        key, sep, value = item.partition("=")
        if sep:
            out[key] = value
    return out
