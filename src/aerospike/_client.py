"""The Python half of `aerospike.Client`.

The C type `aerospike._core.Client` implements connection handling and the
single-record commands (the hot paths). This subclass adds the commands
built from info requests (info_*, truncate, node lists, secondary indexes,
UDF modules) on top of two C primitives: `_info_node(node, command,
timeout)` and `_nodes()`.
"""

import base64
import os
import time
import warnings

from aerospike import _core, _metrics, _query, exception

# aerospike.INDEX_* data types and INDEX_TYPE_* collection types -> the
# words of the sindex-create info command (protocol.md 2d).
_INDEX_DATATYPES = {0: "STRING", 1: "INTEGER", 2: "GEO2DSPHERE", 3: "BLOB", 4: "NUMERIC"}
_INDEX_TYPES = {0: None, 1: "LIST", 2: "MAPKEYS", 3: "MAPVALUES"}


def _param(msg):
    return exception.ParamError(-2, msg, None, None, False)


def _timeout(policy):
    if policy is None:
        return 1000
    if not isinstance(policy, dict):
        raise exception.ParamError(-2, "policy must be a dict", None, None, False)
    value = policy.get("timeout", 1000)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise exception.ParamError(-2, "policy: 'timeout' must be a non-negative integer", None,
                                   None, False)
    return value


def _check_str(value, what):
    if not isinstance(value, str):
        raise exception.ParamError(-2, f"{what} must be a string", None, None, False)


def _strip_name(reply):
    """'name\\tvalue\\n' -> 'value\\n' (what info_all reports per node)."""
    tab = reply.find("\t")
    return reply[tab + 1:] if tab >= 0 else reply


def _deprecated(name, instead):
    warnings.warn(f"{name}() is deprecated; use {instead}()", DeprecationWarning, stacklevel=3)


def _tuple(batch_record, size):
    """A batch record as the old calls returned it: its record, or the key
    with None for the meta (and bins) when the record is missing."""
    if batch_record.record is not None:
        return batch_record.record
    return (batch_record.key,) + (None,) * (size - 1)


class Client(_core.Client):
    """A client for an Aerospike cluster. Create it with aerospike.client(config)."""

    __module__ = "aerospike"

    def __init__(self, config):
        """Validate `config` and connect, as the reference client does."""
        super().__init__(config)
        lua = config.get("lua") if isinstance(config, dict) else None
        self._lua_user_path = lua.get("user_path") if isinstance(lua, dict) else None
        policies = config.get("policies") if isinstance(config, dict) else None
        self._policies = policies if isinstance(policies, dict) else {}
        self.connect()

    # ---- info --------------------------------------------------------------

    def info_random_node(self, command, policy=None):
        """Send an info command to one node; return its raw reply text."""
        _check_str(command, "command")
        return self._info_node(None, command, _timeout(policy))

    def info_single_node(self, command, host, policy=None):
        """Send an info command to the node named `host` (a node name, or
        "address:port", or an (address, port) tuple)."""
        _check_str(command, "command")
        if isinstance(host, tuple) and len(host) >= 2:
            host = f"{host[0]}:{host[1]}"
        _check_str(host, "host")
        return self._info_node(host, command, _timeout(policy))

    def info_all(self, command, policy=None):
        """Send an info command to every node: {node_name: (error, reply)}."""
        _check_str(command, "command")
        timeout = _timeout(policy)
        out = {}
        for name, _host, _port in self._nodes():
            out[name] = (None, _strip_name(self._info_node(name, command, timeout)))
        return out

    def get_nodes(self):
        """[(address, port)] of the cluster's active nodes."""
        return [(host, port) for _name, host, port in self._nodes()]

    def get_stats(self):
        """Connection and error counts of each node (aerospike_helpers.metrics.ClusterStats)."""
        from aerospike_helpers import metrics

        retries, nodes = self._stats()
        stats = metrics.ClusterStats()
        stats.nodes = []
        for name, host, port, in_use, in_pool, opened, closed, errors, timeouts, busy in nodes:
            conns = metrics.ConnectionStats()
            conns.in_use, conns.in_pool, conns.opened, conns.closed = in_use, in_pool, opened, closed
            conns.recovered = conns.aborted = 0  # no async connections to recover or abort
            node = metrics.NodeStats()
            node.name, node.address, node.port, node.conns = name, host, port, conns
            node.error_count, node.timeout_count, node.key_busy_count = errors, timeouts, busy
            stats.nodes.append(node)
        stats.retry_count = retries
        stats.thread_pool_queued_tasks = 0  # commands run on the caller's thread
        stats.recover_queue_size = 0
        return stats

    def enable_metrics(self, policy=None):
        """Start periodic metrics (policy: aerospike_helpers.metrics.MetricsPolicy or None).
        Without listeners in the policy, snapshots go to report files in policy.report_dir."""
        _metrics.enable(self, policy)

    def disable_metrics(self):
        """Stop metrics; the final snapshot goes to the disable listener or the report file."""
        _metrics.disable(self)

    def shm_key(self):
        """The shared-memory key of the cluster map: None (this client shares no memory)."""
        return None

    def set_xdr_filter(self, data_center, namespace, expression_filter, policy=None):
        """Set (or, with None, remove) the XDR filter of a namespace for a data center."""
        _check_str(data_center, "data_center")
        _check_str(namespace, "namespace")
        exp = "null" if expression_filter is None else self.get_expression_base64(expression_filter)
        command = f"xdr-set-filter:dc={data_center};namespace={namespace};exp={exp}"
        return self._info_node(None, command, _timeout(policy))

    def get_node_names(self):
        """[{'address', 'port', 'node_name'}] of the active nodes."""
        return [
            {"address": host, "port": port, "node_name": name}
            for name, host, port in self._nodes()
        ]

    # ---- deprecated batch calls (dropped by the reference in 19; kept) --------

    def get_many(self, keys, policy=None):
        """Deprecated: use batch_read. [(key, meta, bins)], None for missing ones."""
        _deprecated("get_many", "batch_read")
        return [_tuple(r, 3) for r in self.batch_read(keys, policy=policy).batch_records]

    def exists_many(self, keys, policy=None):
        """Deprecated: use batch_read(keys, []). [(key, meta)], meta None when missing."""
        _deprecated("exists_many", "batch_read")
        return [_tuple(r, 2) for r in self.batch_read(keys, [], policy=policy).batch_records]

    def select_many(self, keys, bins, policy=None):
        """Deprecated: use batch_read(keys, bins). [(key, meta, bins)]."""
        _deprecated("select_many", "batch_read")
        return [_tuple(r, 3) for r in self.batch_read(keys, bins, policy=policy).batch_records]

    def batch_get_ops(self, keys, ops, policy=None):
        """Deprecated: use batch_operate. [(key, meta, bins)] of read operations."""
        _deprecated("batch_get_ops", "batch_operate")
        return [_tuple(r, 3) for r in self.batch_operate(keys, ops, policy).batch_records]

    # ---- scans, queries and background jobs ------------------------------------

    def _policy_default(self, kind, key, fallback):
        """A policy value from the config: policies[kind][key], else the
        top-level policies[key], else fallback (what the C half applies too)."""
        per_kind = self._policies.get(kind)
        if isinstance(per_kind, dict) and key in per_kind:
            return per_kind[key]
        return self._policies.get(key, fallback)

    def query(self, namespace, set=None):  # noqa: A002
        """A Query over `set` of `namespace` (records in no set when None)."""
        return _query.Query(self, namespace, set)

    def scan(self, namespace, set=None):  # noqa: A002
        """Deprecated: use query(). A Scan of `set` (the whole namespace when None)."""
        return _query.Scan(self, namespace, set)

    def scan_apply(self, ns, set, module, function, args=None, policy=None,  # noqa: A002
                   options=None):
        """Apply a record UDF to every record of a set; wait for the job and
        return its id."""
        scan = _query.Scan(self, ns, set)
        scan.apply(module, function, args)
        job_id = scan.execute_background(policy)
        self._wait_job(job_id, "scan", policy)
        return job_id

    def query_apply(self, ns, set, predicate, module, function, args=None,  # noqa: A002
                    policy=None):
        """Apply a record UDF to every record a predicate selects; wait for the
        job and return its id."""
        query = _query.Query(self, ns, set)
        query.where(predicate)
        query.apply(module, function, args)
        job_id = query.execute_background(policy)
        self._wait_job(job_id, "query", policy)
        return job_id

    def job_info(self, job_id, module, policy=None):
        """{'status', 'records_read', 'progress_pct'} of a background job."""
        return _query.job_info(self, job_id, module, _timeout(policy))

    def _wait_job(self, job_id, module, policy):
        timeout = _timeout(policy)
        while _query.job_info(self, job_id, module, timeout)["status"] != _query.JOB_COMPLETED:
            time.sleep(0.1)

    # ---- truncate ----------------------------------------------------------

    def truncate(self, namespace, set, nanos, policy=None):  # noqa: A002
        """Remove the records of a set (or namespace) last updated before
        `nanos` (0: all of them). Returns 0."""
        _check_str(namespace, "namespace")
        if set is not None:
            _check_str(set, "set")
        if not isinstance(nanos, int) or isinstance(nanos, bool) or nanos < 0:
            raise exception.ParamError(-2, "nanos must be a non-negative integer", None, None,
                                       False)
        if set:
            command = f"truncate:namespace={namespace};set={set}"
        else:
            command = f"truncate-namespace:namespace={namespace}"
        if nanos:
            command += f";lut={nanos}"
        self._info_node(None, command, _timeout(policy))
        return 0

    # ---- secondary indexes ---------------------------------------------------

    def index_string_create(self, ns, set, bin, name, policy=None):  # noqa: A002
        """Create a string index on `bin`. Returns 0 once the index is ready."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=0)

    def index_integer_create(self, ns, set, bin, name, policy=None):  # noqa: A002
        """Create a numeric index on `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=4)

    def index_blob_create(self, ns, set, bin, name, policy=None):  # noqa: A002
        """Create a blob (bytes) index on `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=3)

    def index_geo2dsphere_create(self, ns, set, bin, name, policy=None):  # noqa: A002
        """Create a geospatial index on `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=2)

    def index_list_create(self, ns, set, bin, index_datatype, name, policy=None):  # noqa: A002
        """Create an index on the elements of the list in `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=index_datatype,
                                  index_type=1)

    def index_map_keys_create(self, ns, set, bin, index_datatype, name,  # noqa: A002
                              policy=None):
        """Create an index on the keys of the map in `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=index_datatype,
                                  index_type=2)

    def index_map_values_create(self, ns, set, bin, index_datatype, name,  # noqa: A002
                                policy=None):
        """Create an index on the values of the map in `bin`."""
        return self._index_create(ns, set, name, policy, bin=bin, datatype=index_datatype,
                                  index_type=3)

    def index_cdt_create(self, ns, set, bin, index_type, index_datatype, name, ctx,  # noqa: A002
                         policy=None):
        """Create an index on the elements a CDT context selects in `bin`."""
        if not isinstance(ctx, list) or not ctx:
            raise _param("ctx must be a non-empty list of cdt_ctx objects")
        return self._index_create(ns, set, name, policy, bin=bin, datatype=index_datatype,
                                  index_type=index_type, ctx=ctx)

    def index_expr_create(self, ns, set, index_type, index_datatype, expressions, name,  # noqa: A002
                          policy=None):
        """Create an index on the value of a compiled expression."""
        return self._index_create(ns, set, name, policy, datatype=index_datatype,
                                  index_type=index_type, expression=expressions)

    def index_remove(self, ns, name, policy=None):
        """Remove a secondary index (also fine when it does not exist)."""
        _check_str(ns, "ns")
        _check_str(name, "name")
        self._info_node(None, f"sindex-delete:namespace={ns};indexname={name}",
                        _timeout(policy))
        return 0

    def _index_create(self, ns, set, name, policy, bin=None, datatype=0,  # noqa: A002
                      index_type=0, ctx=None, expression=None):
        _check_str(ns, "ns")
        _check_str(name, "name")
        if set is not None:
            _check_str(set, "set")
        if bin is not None:
            _check_str(bin, "bin")
        if datatype not in _INDEX_DATATYPES:
            raise _param(f"index_datatype is invalid: {datatype!r}")
        if index_type not in _INDEX_TYPES:
            raise _param(f"index_type is invalid: {index_type!r}")
        timeout = _timeout(policy)
        parts = [f"sindex-create:namespace={ns}"]
        if set:
            parts.append(f"set={set}")
        parts.append(f"indexname={name}")
        if ctx is not None:
            parts.append("context=" + self.get_cdtctx_base64(ctx))
        if expression is not None:
            parts.append("exp=" + self.get_expression_base64(expression))
        if _INDEX_TYPES[index_type]:
            parts.append("indextype=" + _INDEX_TYPES[index_type])
        if bin is not None:
            parts.append(f"bin={bin}")
        parts.append("type=" + _INDEX_DATATYPES[datatype])
        self._info_node(None, ";".join(parts), timeout)
        self._wait_index(ns, name, timeout)
        return 0

    def _wait_index(self, ns, name, timeout):
        """Poll sindex-stat on every node until each reports load_pct=100."""
        command = f"sindex-stat:namespace={ns};indexname={name}"
        deadline = time.monotonic() + max(timeout, 1000) / 1000 * 30
        pending = [n for n, _h, _p in self._nodes()]
        while pending:
            still = []
            for node in pending:
                try:
                    reply = self._info_node(node, command, timeout)
                except exception.AerospikeError:
                    still.append(node)
                    continue
                if "load_pct=100" not in reply:
                    still.append(node)
            pending = still
            if pending:
                if time.monotonic() > deadline:
                    raise exception.TimeoutError(9, f"Index {name} is still loading", None,
                                                 None, False)
                time.sleep(0.05)

    # ---- UDF modules ----------------------------------------------------------

    def udf_put(self, filename, udf_type=0, policy=None):
        """Register the Lua module in `filename` on every node; returns 0 once all list it.

        A copy goes to the config's lua user_path (where the client-side stages of an
        aggregation look for it), the working directory by default, as in the reference.
        """
        _check_str(filename, "filename")
        if udf_type != 0:
            raise _param("udf_type must be aerospike.UDF_TYPE_LUA")
        timeout = _timeout(policy)
        try:
            with open(filename, "rb") as f:
                content = f.read()
        except OSError as e:
            raise exception.LuaFileNotFound(1302, f"cannot read {filename}: {e}", None, None,
                                            False) from None
        name = os.path.basename(filename)
        text = base64.b64encode(content).decode()
        self._info_node(None, f"udf-put:filename={name};content={text};"
                              f"content-len={len(text)};udf-type=LUA;", timeout)
        self._copy_to_user_path(filename, name)
        self._wait_udf(name, timeout)
        return 0

    def udf_remove(self, module, policy=None):
        """Remove a registered UDF module (`module` with its .lua extension)."""
        _check_str(module, "module")
        self._info_node(None, f"udf-remove:filename={module};", _timeout(policy))
        return 0

    def udf_get(self, module, language=0, policy=None):
        """The source text of a registered UDF module."""
        _check_str(module, "module")
        if language != 0:
            raise _param("language must be aerospike.UDF_TYPE_LUA")
        reply = self._info_node(None, f"udf-get:filename={module};", _timeout(policy))
        for part in _strip_name(reply).strip().split(";"):
            if part.startswith("content="):
                return base64.b64decode(part[len("content="):]).decode("utf-8", "replace")
        raise exception.UDFNotFound(1301, f"UDF module {module} not found", None, None, False)

    def udf_list(self, policy=None):
        """[{'name', 'hash', 'type', 'content'}] of the registered UDF modules
        (content is empty: udf_get() reads a module's source)."""
        reply = _strip_name(self._info_node(None, "udf-list", _timeout(policy))).strip()
        modules = []
        for entry in filter(None, reply.split(";")):
            fields = dict(item.split("=", 1) for item in entry.split(",") if "=" in item)
            if "filename" in fields:
                modules.append({"name": fields["filename"],
                                "hash": bytearray(fields.get("hash", "").encode()),
                                "type": 0, "content": bytearray()})
        return modules

    def _wait_udf(self, name, timeout):
        """Poll udf-list on every node until each lists the module."""
        deadline = time.monotonic() + max(timeout, 1000) / 1000 * 30
        pending = [n for n, _h, _p in self._nodes()]
        while pending:
            pending = [n for n in pending
                       if f"filename={name}," not in self._info_node(n, "udf-list", timeout)]
            if pending:
                if time.monotonic() > deadline:
                    raise exception.TimeoutError(9, f"UDF module {name} is not registered yet",
                                                 None, None, False)
                time.sleep(0.05)

    def _copy_to_user_path(self, filename, name):
        user_path = self._lua_user_path or "."
        if os.path.isdir(user_path):
            target = os.path.join(user_path, name)
            if os.path.abspath(target) != os.path.abspath(filename):
                import shutil  # rarely needed: kept out of the import of aerospike

                shutil.copyfile(filename, target)

    # ---- contexts and expressions as base64 ---------------------------------

    def get_cdtctx_base64(self, ctx):
        """The base64 text of a CDT context list (for index definitions)."""
        return base64.b64encode(_core.pack_ctx(ctx)).decode()

    def get_expression_base64(self, expression):
        """The base64 text of a compiled expression."""
        return base64.b64encode(_core.pack_expression(expression)).decode()
