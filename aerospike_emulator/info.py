# The info protocol (proto type 1): parses the request text, runs each command and echoes
# `command\tvalue\n` lines (protocol.md section 2). server.py calls handle_info(); sindex.py,
# udf.py and jobs.py add their own commands to COMMANDS through register().

import base64
import importlib
import logging

log = logging.getLogger("aerospike_emulator")

BUILD = "8.1.2.0"
EDITION = "Aerospike Community Edition"
FEATURES = (
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;"
    "sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;"
    "replicas-master;replicas-max;truncate-namespace;udf"
)

COMMANDS = {}

# Commands served by other modules, imported on first use: name -> module.
_LAZY = {
    "sindex-create": "sindex",
    "sindex-delete": "sindex",
    "sindex-list": "sindex",
    "sindex-exists": "sindex",
    "sindex-stat": "sindex",
    "sindex": "sindex",
    "udf-put": "udf",
    "udf-remove": "udf",
    "udf-list": "udf",
    "udf-get": "udf",
    "query-show": "jobs",
    "query-abort": "jobs",
    "query-abort-all": "jobs",
    "scan-show": "jobs",
    "scan-abort": "jobs",
    "scan-abort-all": "jobs",
    "jobs": "jobs",
}


class InfoError(Exception):
    """Raised by a command to answer `ERROR:<code>:<message>`."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.message = message


def register(*names):
    def deco(fn):
        for n in names:
            COMMANDS[n] = fn
        return fn

    return deco


def parse_params(text):
    """Splits `k1=v1;k2=v2` into a dict (later keys win)."""
    params = {}
    for part in text.split(";"):
        if not part:
            continue
        k, sep, v = part.partition("=")
        params[k.strip()] = v if sep else ""
    return params


def split_command(cmd):
    """Returns (name, path args, params) for `name[/a/b][:k=v;...]`."""
    end = len(cmd)
    for i, ch in enumerate(cmd):
        if ch in "/:;":
            end = i
            break
    name = cmd[:end]
    rest = cmd[end:]
    args = []
    params = {}
    if rest.startswith("/"):
        path, _, ptext = rest[1:].partition(":")
        args = path.split("/")
        params = parse_params(ptext)
    elif rest.startswith(":") or rest.startswith(";"):
        params = parse_params(rest[1:])
    return name, args, params


def run_command(node, cmd):
    name, args, params = split_command(cmd)
    fn = COMMANDS.get(name)
    if fn is None and name in _LAZY:
        try:
            importlib.import_module("aerospike_emulator." + _LAZY[name])
        except ImportError:
            pass
        fn = COMMANDS.get(name)
    if fn is None:
        return "ERROR:4:unrecognized command"
    try:
        return fn(node, name, args, params)
    except InfoError as e:
        code = "" if e.code == 1 else str(e.code)
        return "ERROR:%s:%s" % (code, e.message)
    except Exception:  # noqa: BLE001 - a bad command must not take the node down
        log.exception("info command %r failed", cmd)
        return "ERROR::internal error"


def handle_info(node, body):
    """Answers one info request body with the whole response body."""
    text = bytes(body).decode("utf-8", "replace")
    out = []
    if not text.strip():
        for name in ("node", "build", "edition", "version", "statistics"):
            out.append("%s\t%s\n" % (name, run_command(node, name)))
        return "".join(out).encode()
    for cmd in text.split("\n"):
        if not cmd:
            continue
        out.append("%s\t%s\n" % (cmd, run_command(node, cmd)))
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------------------
# Node identity and tending.


@register("node")
def _node(node, name, args, params):
    return node.name


@register("build")
def _build(node, name, args, params):
    return BUILD


@register("edition")
def _edition(node, name, args, params):
    return EDITION


@register("version")
def _version(node, name, args, params):
    return "%s build %s" % (EDITION, BUILD)


@register("release")
def _release(node, name, args, params):
    return "edition=%s;version=%s;os=linux;arch=x86_64;sha=05b91c6" % (EDITION, BUILD)


@register("features")
def _features(node, name, args, params):
    return FEATURES


@register("partition-generation")
def _pgen(node, name, args, params):
    return str(node.partition_generation)


@register("rebalance-generation")
def _rgen(node, name, args, params):
    return str(node.partition_generation)


@register("partitions")
def _partitions(node, name, args, params):
    return "4096"


@register("cluster-name")
def _cluster_name(node, name, args, params):
    return node.cluster.cluster_name or "null"


@register("user-agent-set")
def _user_agent(node, name, args, params):
    # Clients of servers 8.1+ tell "1,<lang>-<version>,<app id>" once per node, in base64.
    try:
        agent = base64.b64decode(params.get("value", ""), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return "ERROR:4:invalid user agent"
    node.user_agents[agent] = node.user_agents.get(agent, 0) + 1
    return "ok"


@register("replicas")
def _replicas(node, name, args, params):
    cap = params.get("max")
    cap = int(cap) if cap and cap.isdigit() else None
    return node.cluster.pmap.replicas_value(node.index, node.cluster.namespace_names(), cap)


@register("replicas-all")
def _replicas_all(node, name, args, params):
    pmap = node.cluster.pmap
    rf = pmap.effective_rf()
    cols = ",".join(pmap.bitmap(node.index, c) for c in range(rf))
    return ";".join("%s:%d,%s" % (ns, rf, cols) for ns in node.cluster.namespace_names())


@register("replicas-master")
def _replicas_master(node, name, args, params):
    bm = node.cluster.pmap.bitmap(node.index, 0)
    return ";".join("%s:%s" % (ns, bm) for ns in node.cluster.namespace_names())


@register("peers-generation")
def _peers_gen(node, name, args, params):
    return str(node.peers_generation)


def _addr(host, port, default_port):
    h = "[%s]" % host if ":" in host else host
    return h if port == default_port else "%s:%d" % (h, port)


def _peer_list(node, tls_name):
    default = node.port
    peers = []
    for other in node.cluster.live_nodes():
        if other is node:
            continue
        addr = _addr(other.host, other.port, default)
        peers.append("[%s,%s,[%s]]" % (other.name, tls_name, addr))
    return "%d,%d,[%s]" % (node.peers_generation, default, ",".join(peers))


def _tls_only(node):
    # The cluster's TLS name when its nodes listen with TLS only, else None.
    return getattr(node.cluster, "tls_name", None)


# A node lists its peers' addresses of one kind (clear or TLS). With TLS on, the emulator's
# nodes have TLS addresses only: the clear commands list none (no default port, as the
# server prints a port of 0), the TLS ones carry the TLS name clients verify.
@register("peers-clear-std", "peers-clear-alt")
def _peers(node, name, args, params):
    if _tls_only(node):
        return "%d,,[]" % node.peers_generation
    return _peer_list(node, "")


@register("peers-tls-std", "peers-tls-alt")
def _peers_tls(node, name, args, params):
    tls_name = _tls_only(node)
    if not tls_name:
        return "%d,,[]" % node.peers_generation
    return _peer_list(node, tls_name)


@register("service-clear-std", "service", "service-clear-alt")
def _service(node, name, args, params):
    if _tls_only(node):
        return ""
    return _addr(node.host, node.port, None)


@register("service-tls-std", "service-tls-alt")
def _service_tls(node, name, args, params):
    if not _tls_only(node):
        return ""
    return _addr(node.host, node.port, None)


@register("services", "services-alternate")
def _services(node, name, args, params):
    if _tls_only(node):
        return ""
    return ";".join(
        _addr(o.host, o.port, None) for o in node.cluster.live_nodes() if o is not node
    )


@register("services-alumni")
def _alumni(node, name, args, params):
    if _tls_only(node):
        return ""
    return ";".join(_addr(o.host, o.port, None) for o in node.cluster.nodes if o is not node)


@register("racks")
def _racks(node, name, args, params):
    return ";".join(
        "ns=%s:rack_0=%s" % (ns, ",".join(o.name for o in node.cluster.live_nodes()))
        for ns in node.cluster.namespace_names()
    )


@register("rack-ids")
def _rack_ids(node, name, args, params):
    return ";".join("%s:0" % ns for ns in node.cluster.namespace_names())


# ---------------------------------------------------------------------------
# Namespaces, sets, statistics.


@register("namespaces")
def _namespaces(node, name, args, params):
    return ";".join(node.cluster.namespace_names())


@register("namespace")
def _namespace(node, name, args, params):
    store = node.cluster.store
    ns = store.namespaces.get(args[0] if args else "")
    if ns is None:
        return "type=unknown"
    store.expire_all(ns)
    master = sum(
        1
        for d in ns.records
        if node.cluster.pmap.owners[(d[0] | (d[1] << 8)) & 0xFFF][:1] == (node.index,)
    )
    stats = [
        ("ns_cluster_size", len(node.cluster.live_nodes())),
        ("effective_replication_factor", node.cluster.pmap.effective_rf()),
        ("objects", len(ns.records)),
        ("tombstones", 0),
        ("master_objects", master),
        ("prole_objects", 0),
        ("stop_writes", "false"),
        ("hwm_breached", "false"),
        ("current_time", node.cluster.clock.cl_now()),
        ("truncate_lut", ns.truncate_lut // 1000000),
        ("replication-factor", ns.replication_factor),
        ("storage-engine", "memory"),
        ("strong-consistency", "false"),
        ("default-ttl", ns.default_ttl),
        ("allow-ttl-without-nsup", "true"),
        ("nsup-period", 0),
    ]
    return ";".join("%s=%s" % kv for kv in stats)


def _set_entries(node, ns, only=None):
    store = node.cluster.store
    store.expire_all(ns)
    counts = {}
    sizes = {}
    for r in ns.records.values():
        if r.set_name:
            counts[r.set_name] = counts.get(r.set_name, 0) + 1
            sizes[r.set_name] = sizes.get(r.set_name, 0) + r.size()
    out = []
    for set_name in sorted(set(counts) | set(ns.set_truncate_lut)):
        s = set_name.decode("utf-8", "replace")
        if only is not None and s != only:
            continue
        out.append(
            "ns=%s:set=%s:objects=%d:tombstones=0:data_used_bytes=%d:truncate_lut=%d:"
            "sindexes=%d:index_populating=false:truncating=false:"
            "default-read-touch-ttl-pct=0:default-ttl=0:disable-eviction=false:"
            "enable-index=false:stop-writes-count=0:stop-writes-size=0;"
            % (
                ns.name,
                s,
                counts.get(set_name, 0),
                sizes.get(set_name, 0),
                ns.set_truncate_lut.get(set_name, 0) // 1000000,
                node.cluster.sindex_count(ns.name, s),
            )
        )
    return out


@register("sets")
def _sets(node, name, args, params):
    store = node.cluster.store
    if args and args[0]:
        ns = store.namespaces.get(args[0])
        if ns is None:
            return "ns_type=unknown"
        return "".join(_set_entries(node, ns, args[1] if len(args) > 1 else None))
    return "".join("".join(_set_entries(node, ns)) for ns in store.namespaces.values())


@register("statistics")
def _statistics(node, name, args, params):
    n = sum(len(ns.records) for ns in node.cluster.store.namespaces.values())
    return (
        "cluster_size=%d;cluster_key=%X;cluster_integrity=true;objects=%d;"
        "client_connections=%d;proxy_in_progress=0;uptime=%d"
        % (
            len(node.cluster.live_nodes()),
            node.cluster.cluster_key,
            n,
            len(node.connections),
            int(node.cluster.uptime()),
        )
    )


# ---------------------------------------------------------------------------
# Truncation.


def _truncate_lut(node, params):
    lut = params.get("lut")
    if lut is None or lut == "":
        return node.cluster.clock.time_ns()
    try:
        value = int(lut)
    except ValueError:
        raise InfoError(4, "invalid lut") from None
    if value > node.cluster.clock.time_ns() + 60 * 10**9:
        raise InfoError(4, "would truncate in the future")
    return value


@register("truncate", "truncate-namespace")
def _truncate(node, name, args, params):
    ns_name = params.get("namespace", params.get("ns"))
    if not ns_name:
        raise InfoError(4, "namespace required")
    set_name = params.get("set")
    if name == "truncate-namespace" and set_name is not None:
        raise InfoError(4, "unexpected set name")
    lut = _truncate_lut(node, params)
    ns = node.cluster.store.namespaces.get(ns_name)
    if ns is None:
        return "ok"
    ns.truncate(set_name.encode() if set_name else None, lut)
    return "ok"


@register("truncate-undo", "truncate-namespace-undo")
def _truncate_undo(node, name, args, params):
    ns = node.cluster.store.namespaces.get(params.get("namespace", params.get("ns", "")))
    if ns is not None:
        set_name = params.get("set")
        if set_name:
            ns.set_truncate_lut.pop(set_name.encode(), None)
        else:
            ns.truncate_lut = 0
    return "ok"
