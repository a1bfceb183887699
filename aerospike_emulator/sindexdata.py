# Secondary-index contents: which index values (bvals) each record contributes, kept up to
# date through the RecordTable watcher hooks of storage.py on every write, delete, expiry,
# truncation and reset, and the lookups a query runs against them. sindex.py attaches an
# IndexData to each index it creates; scan.py asks it for the (bval, digest) candidates.

import bisect

from . import geo
from .errors import AsError
from .msgpack import Blob, GeoJSON, MsgpackError, unpack
from .ops import OpContext
from .values import P_GEOJSON, to_value

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_TOP_DIGEST = b"\xff" * 21

# Kinds of query range (scanreq.IndexRange.kind) and the key type each one needs.
RANGE_INT = "numeric"
RANGE_STR = "string"
RANGE_BLOB = "blob"
RANGE_GEO = "geo2dsphere"

_MASK64 = (1 << 64) - 1


def _to_int64(u):
    u &= _MASK64
    return u - (1 << 64) if u & (1 << 63) else u


def value_hash(data):
    """The 64-bit bval of a string or blob index value (see doc/emulator.md)."""
    from .svalhash import bval_of

    return bval_of(bytes(data))


class IndexData:
    """The entries of one secondary index: the bvals of each record (with the values they
    stand for, for the post-check a query does) and every (bval, digest) pair sorted."""

    def __init__(self, idx, ns):
        self.idx = idx
        self.ns = ns
        self.set_name = idx.set.encode() if idx.set else None
        self.by_digest = {}
        self.keys = []
        self.clock = None
        self._bin = idx.bin.encode() if idx.bin else None
        self._ctx = None
        if idx.context:
            try:
                self._ctx = _ctx_items(unpack(idx.context_bytes()))
            except (MsgpackError, AsError, ValueError):
                self._ctx = []
        self._exp = None
        if idx.exp:
            from .expressions import compile_expression

            try:
                self._exp = compile_expression(idx.exp_bytes())
            except (AsError, ValueError):
                self._exp = None

    # -- maintenance (called through storage.RecordTable) ----------------------------

    def attach(self, store):
        """Indexes the records already stored (the server's index population) and starts
        watching the namespace for changes."""
        self.clock = store.clock
        store.expire_all(self.ns)
        for digest, rec in list(self.ns.records.items()):
            self._add(digest, rec)
        self.ns.records.watchers.append(self)

    def detach(self):
        if self in self.ns.records.watchers:
            self.ns.records.watchers.remove(self)
        self.cleared()

    def record_changed(self, digest, old, new):
        if old is not None:
            self._remove(digest)
        if new is not None:
            self._add(digest, new)

    def cleared(self):
        self.by_digest.clear()
        self.keys.clear()

    def entry_count(self):
        return len(self.keys)

    def _add(self, digest, rec):
        if self.set_name is not None and rec.set_name != self.set_name:
            return
        entries = self.entries_of(rec, digest)
        if not entries:
            return
        self.by_digest[digest] = entries
        keys = self.keys
        for bval in {e[0] for e in entries}:
            bisect.insort(keys, (bval, digest))

    def _remove(self, digest):
        entries = self.by_digest.pop(digest, None)
        if not entries:
            return
        keys = self.keys
        for bval in {e[0] for e in entries}:
            i = bisect.bisect_left(keys, (bval, digest))
            if i < len(keys) and keys[i] == (bval, digest):
                del keys[i]

    # -- what a record contributes ---------------------------------------------------

    def entries_of(self, rec, digest):
        """The (bval, value) entries of one record: values of the bin (or expression),
        through the context and the collection type, that have the index's key type."""
        idx = self.idx
        if self._exp is not None:
            from .expressions import evaluate

            ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, self.clock, None)
            try:
                value = evaluate(self._exp, ctx)
            except (AsError, ArithmeticError, ValueError, TypeError):
                return ()
            particle = None
        elif self._bin is not None:
            particle = rec.bins.get(self._bin)
            if particle is None:
                return ()
            try:
                value = to_value(particle)
            except AsError:
                return ()
        else:
            return ()
        if self._ctx is not None:
            particle = None
            value = _read_ctx(value, self._ctx)
            if value is _MISSING:
                return ()
        itype = idx.itype
        if itype == "list":
            if not isinstance(value, list):
                return ()
            values = value
            particle = None
        elif itype == "mapkeys":
            if not isinstance(value, dict):
                return ()
            values = list(value.keys())
            particle = None
        elif itype == "mapvalues":
            if not isinstance(value, dict):
                return ()
            values = list(value.values())
            particle = None
        else:
            values = [value]
        out = []
        seen = set()
        for v in values:
            for entry in _entries_for(idx.type, v, particle):
                if entry[0] not in seen or idx.type == "geo2dsphere":
                    seen.add(entry[0])
                    out.append(entry)
        return tuple(out)

    # -- lookups ----------------------------------------------------------------------

    def candidates(self, rng):
        """The sorted (bval, digest) pairs whose entries match a query range."""
        keys = self.keys
        kind = rng.kind
        if kind == RANGE_INT:
            lo = bisect.bisect_left(keys, (rng.begin, b""))
            hi = bisect.bisect_right(keys, (rng.end, _TOP_DIGEST))
            return keys[lo:hi]
        if kind in (RANGE_STR, RANGE_BLOB):
            bval = value_hash(rng.begin)
            lo = bisect.bisect_left(keys, (bval, b""))
            hi = bisect.bisect_right(keys, (bval, _TOP_DIGEST))
            want = rng.begin
            out = []
            for bval_, digest in keys[lo:hi]:
                for b, v in self.by_digest.get(digest, ()):
                    if b == bval_ and bytes(v) == want:
                        out.append((bval_, digest))
                        break
            return out
        if kind == RANGE_GEO:
            return self._geo_candidates(rng)
        return []

    def _geo_candidates(self, rng):
        out = []
        shape = rng.shape
        if shape.get("type") == "Point":
            try:
                lng, lat = float(shape["coordinates"][0]), float(shape["coordinates"][1])
            except (KeyError, IndexError, TypeError, ValueError):
                return out
            pcell = geo.cell_id(lng, lat)
            for digest, entries in self.by_digest.items():
                for bval, (kind, obj) in entries:
                    if kind != "region":
                        continue
                    cell = bval & _MASK64
                    lsb = cell & -cell
                    if cell - (lsb - 1) <= pcell <= cell + (lsb - 1):
                        if geo.point_in_region(shape, obj):
                            out.append((bval, digest))
                        break
        else:
            for digest, entries in self.by_digest.items():
                for bval, (kind, obj) in entries:
                    if kind == "point" and geo.point_in_region(obj, shape):
                        out.append((bval, digest))
        out.sort()
        return out


_MISSING = object()


def _ctx_items(ctx):
    if not isinstance(ctx, list) or len(ctx) % 2:
        raise AsError(4)
    return [(ctx[i], ctx[i + 1]) for i in range(0, len(ctx), 2)]


def _read_ctx(value, items):
    from .cdt import _read_at

    if not items or not isinstance(value, (list, dict)):
        return _MISSING
    try:
        return _read_at(value, items)
    except AsError:
        return _MISSING


def _entries_for(ktype, v, particle):
    # The (bval, value) entries of one value for an index of key type `ktype`.
    if ktype == "numeric":
        if type(v) is int and INT64_MIN <= v <= INT64_MAX:
            return ((v, v),)
        return ()
    if ktype == "string":
        if type(v) is str:
            data = v.encode("utf-8", "surrogateescape")
            return ((value_hash(data), data),)
        return ()
    if ktype == "blob":
        if isinstance(v, Blob) or type(v) is bytes:
            data = bytes(v)
            return ((value_hash(data), data),)
        return ()
    if ktype == "geo2dsphere":
        if not isinstance(v, GeoJSON):
            return ()
        obj = geo.parse(str(v))
        if obj is None:
            return ()
        cells = None
        if particle is not None and particle[0] == P_GEOJSON:
            cells = geo.particle_cells(particle[1])
        if obj.get("type") == "Point":
            if not cells:
                try:
                    lng, lat = float(obj["coordinates"][0]), float(obj["coordinates"][1])
                except (KeyError, IndexError, TypeError, ValueError):
                    return ()
                cells = [geo.cell_id(lng, lat)]
            return ((_to_int64(cells[0]), ("point", obj)),)
        if not cells:
            cells = geo.region_cells(obj)
        return tuple((_to_int64(c), ("region", obj)) for c in cells)
    return ()
