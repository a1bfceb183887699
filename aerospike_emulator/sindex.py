# Secondary indexes: their definitions, the sindex-* info commands (protocol.md 2d) and
# the choice of index for a query. Indexes live in Emulator.sindexes ((ns, name) -> SIndex),
# each with an IndexData (sindexdata.py) holding its entries; scan.py calls find_index().

import base64

from .errors import SINDEX_NOT_FOUND, AsError
from .info import InfoError, register
from .sindexdata import IndexData

TYPES = {"NUMERIC": "numeric", "STRING": "string", "BLOB": "blob", "GEO2DSPHERE": "geo2dsphere"}
INDEX_TYPES = {"DEFAULT": "default", "LIST": "list", "MAPKEYS": "mapkeys", "MAPVALUES": "mapvalues"}


class SIndex:
    """One secondary index definition."""

    def __init__(self, ns, set_name, name, bin_name, ktype, itype, context, exp):
        self.ns = ns
        self.set = set_name
        self.name = name
        self.bin = bin_name
        self.type = ktype
        self.itype = itype
        self.context = context
        self.exp = exp
        self.data = None

    def definition(self):
        return (self.ns, self.set, self.bin, self.type, self.itype, self.context, self.exp)

    def context_bytes(self):
        return base64.b64decode(self.context) if self.context else None

    def exp_bytes(self):
        return base64.b64decode(self.exp) if self.exp else None

    def list_entry(self):
        return "ns=%s:indexname=%s:set=%s:bin=%s:type=%s:indextype=%s:context=%s:exp=%s:state=RW" % (
            self.ns,
            self.name,
            self.set or "null",
            self.bin or "null",
            self.type,
            self.itype,
            self.context or "null",
            self.exp or "null",
        )


def _ns_param(node, params):
    ns = params.get("namespace", params.get("ns"))
    if not ns:
        raise InfoError(4, "missing namespace")
    if ns not in node.cluster.store.namespaces:
        raise InfoError(20, "namespace not found")
    return ns


@register("sindex-create")
def _create(node, name, args, params):
    ns = _ns_param(node, params)
    iname = params.get("indexname")
    if not iname or len(iname) >= 64:
        raise InfoError(4, "bad 'indexname'")
    bin_name = params.get("bin")
    ktype = params.get("type")
    if "indexdata" in params:
        bin_name, _, ktype = params["indexdata"].partition(",")
    itype = (params.get("indextype") or "DEFAULT").upper()
    exp = params.get("exp")
    if itype == "SET":
        ktype_l = None
    else:
        if not ktype or ktype.upper() not in TYPES:
            raise InfoError(4, "bad 'type'")
        if itype not in INDEX_TYPES:
            raise InfoError(4, "bad 'indextype'")
        if exp and bin_name:
            raise InfoError(4, "'exp' and 'bin' are exclusive")
        if not exp and not bin_name:
            raise InfoError(4, "missing 'bin'")
        ktype_l = TYPES[ktype.upper()]
    idx = SIndex(
        ns,
        params.get("set") or None,
        iname,
        bin_name,
        ktype_l,
        INDEX_TYPES.get(itype, "set"),
        params.get("context") or None,
        exp or None,
    )
    existing = node.cluster.sindexes.get((ns, iname))
    if existing is not None:
        if existing.definition() == idx.definition():
            return "ok"
        raise InfoError(200, "'indexname' already exists with different definition")
    for other in node.cluster.sindexes.values():
        if other.definition() == idx.definition():
            raise InfoError(200, "identical index already exists")
    if idx.itype != "set":
        store = node.cluster.store
        idx.data = IndexData(idx, store.namespaces[ns])
        idx.data.attach(store)
    node.cluster.sindexes[(ns, iname)] = idx
    return "ok"


def drop(idx):
    """Stops maintaining an index that is being removed."""
    if idx.data is not None:
        idx.data.detach()
        idx.data = None


def drop_all(cluster):
    """Removes every index (Emulator.reset)."""
    for idx in cluster.sindexes.values():
        drop(idx)
    cluster.sindexes.clear()


@register("sindex-delete")
def _delete(node, name, args, params):
    ns = params.get("namespace", params.get("ns"))
    idx = node.cluster.sindexes.pop((ns, params.get("indexname")), None)
    if idx is not None:
        drop(idx)
    return "ok"


@register("sindex-exists")
def _exists(node, name, args, params):
    ns = params.get("namespace", params.get("ns"))
    return "true" if (ns, params.get("indexname")) in node.cluster.sindexes else "false"


@register("sindex-list")
def _list(node, name, args, params):
    ns = params.get("namespace", params.get("ns"))
    out = [
        s.list_entry() for s in node.cluster.sindexes.values() if ns is None or s.ns == ns
    ]
    return ";".join(out)


def entry_count(node, idx):
    """Number of index entries in the partitions this node masters, as each server node
    reports its own part of an index (expired records are dropped first)."""
    if idx.data is None:
        return 0
    node.cluster.store.expire_all(idx.data.ns)
    owners = node.cluster.pmap.owners
    me = (node.index,)
    return sum(1 for _b, d in idx.data.keys if owners[(d[0] | (d[1] << 8)) & 0xFFF][:1] == me)


def find_index(cluster, req):
    """The index a query runs on: by name (field 21), by expression (24), or by bin,
    collection type, context and key type; raises AsError(201) when there is none.
    An index on the query's set is preferred to one on the whole namespace."""
    rng = req.range
    ns = req.ns.name
    if req.index_name is not None:
        idx = cluster.sindexes.get((ns, req.index_name))
        if idx is None or idx.data is None or idx.type != rng.kind:
            raise AsError(SINDEX_NOT_FOUND)
        return idx
    set_name = req.set_name.decode("utf-8", "replace") if req.set_name else None
    best = None
    for idx in cluster.sindexes.values():
        if idx.ns != ns or idx.data is None or idx.type != rng.kind:
            continue
        if idx.itype != req.itype:
            continue
        if req.index_exp is not None:
            if idx.exp_bytes() != req.index_exp:
                continue
        elif idx.exp or (idx.bin or "").encode() != rng.bin:
            continue
        if (idx.context_bytes() or None) != (req.context or None):
            continue
        if idx.set == set_name:
            return idx
        if idx.set is None and best is None:
            best = idx
    if best is None:
        raise AsError(SINDEX_NOT_FOUND)
    return best


@register("sindex-stat", "sindex")
def _stat(node, name, args, params):
    if name == "sindex" and len(args) >= 2:
        ns, iname = args[0], args[1]
    else:
        ns, iname = params.get("namespace", params.get("ns")), params.get("indexname")
    idx = node.cluster.sindexes.get((ns, iname))
    if idx is None:
        raise InfoError(201, "no index")
    entries = entry_count(node, idx)
    return (
        "entries=%d;used_bytes=16777216;entries_per_bval=0;entries_per_rec=0;load_pct=100;"
        "load_time=0;stat_gc_recs=0" % entries
    )
