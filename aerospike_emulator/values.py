# Bin particles and value ordering: converts between wire particles (type, bytes) and the
# Python values of msgpack.py, and implements the server's total order of values.
# Called by the op modules (ops.py, cdt/, bits.py, hll.py, expressions.py) and sindex/query.

import struct

from .errors import AsError, PARAMETER
from .msgpack import INF, WILDCARD, Blob, Ext, GeoJSON, MsgpackError, pack, unpack

# Particle types (protocol.md section 5).
P_NULL = 0
P_INTEGER = 1
P_FLOAT = 2
P_STRING = 3
P_BLOB = 4
P_BOOL = 17
P_HLL = 18
P_MAP = 19
P_LIST = 20
P_GEOJSON = 23

_D = struct.Struct(">d")
_Q = struct.Struct(">q")

INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1


def wrap_int64(v):
    """Wraps an integer to int64 the way C arithmetic on the server does."""
    v &= 0xFFFFFFFFFFFFFFFF
    return v - (1 << 64) if v & (1 << 63) else v


def int_particle(v):
    return (P_INTEGER, _Q.pack(wrap_int64(v)))


def float_particle(v):
    return (P_FLOAT, _D.pack(v))


def to_value(particle):
    """Turns a stored particle into a Python value (see msgpack.py for the types)."""
    ptype, data = particle
    if ptype == P_INTEGER:
        return int.from_bytes(data, "big", signed=True)
    if ptype == P_STRING:
        return data.decode("utf-8", "surrogateescape")
    if ptype == P_FLOAT:
        return _D.unpack(data)[0]
    if ptype == P_LIST or ptype == P_MAP:
        try:
            return unpack(data)
        except MsgpackError:
            raise AsError(PARAMETER) from None
    if ptype == P_BOOL:
        return bool(data and data[0])
    if ptype == P_GEOJSON:
        return GeoJSON(geo_text(data).decode("utf-8", "surrogateescape"))
    if ptype == P_NULL:
        return None
    return Blob(data, ptype)


def geo_text(data):
    """Returns the JSON text of a GeoJSON particle (flags, cell count, cells, text)."""
    if len(data) < 3:
        return b""
    ncells = int.from_bytes(data[1:3], "big")
    return data[3 + 8 * ncells :]


def to_particle(v):
    """Turns a Python value back into a particle for storage or a response op."""
    t = type(v)
    if t is int:
        return (P_INTEGER, _Q.pack(wrap_int64(v)))
    if t is str:
        return (P_STRING, v.encode("utf-8", "surrogateescape"))
    if t is float:
        return (P_FLOAT, _D.pack(v))
    if t is bool:
        return (P_BOOL, b"\x01" if v else b"\x00")
    if v is None:
        return (P_NULL, b"")
    if t is GeoJSON:
        return (P_GEOJSON, b"\x00\x00\x00" + v.encode("utf-8", "surrogateescape"))
    if isinstance(v, list):
        return (P_LIST, pack(v))
    if isinstance(v, dict):
        return (P_MAP, pack(v))
    if isinstance(v, (bytes, bytearray)):
        return (getattr(v, "subtype", P_BLOB), bytes(v))
    raise AsError(PARAMETER)


# ---------------------------------------------------------------------------
# The total order of values (operations.md section 3b).

R_NIL, R_FALSE, R_TRUE, R_INT, R_STR, R_LIST, R_MAP, R_BYTES, R_FLOAT, R_GEO, R_EXT, R_INF = range(
    12
)


def rank_of(v):
    t = type(v)
    if t is int:
        return R_INT
    if t is str:
        return R_STR
    if v is None:
        return R_NIL
    if t is bool:
        return R_TRUE if v else R_FALSE
    if t is float:
        return R_FLOAT
    if t is GeoJSON:
        return R_GEO
    if isinstance(v, list):
        return R_LIST
    if isinstance(v, dict):
        return R_MAP
    if isinstance(v, (bytes, bytearray)):
        return R_BYTES
    if t is Ext:
        return R_INF if v == INF else R_EXT
    if isinstance(v, int):
        return R_INT
    return R_EXT


def sort_key(v):
    """A key that orders stored values (no wildcard) the way the server does."""
    t = type(v)
    if t is int:
        return (R_INT, v)
    if t is str:
        return (R_STR, v.encode("utf-8", "surrogateescape"))
    r = rank_of(v)
    if r == R_LIST:
        return (R_LIST, tuple(sort_key(x) for x in v))
    if r == R_MAP:
        flat = []
        for k, x in v.items():
            flat.append(sort_key(k))
            flat.append(sort_key(x))
        return (R_MAP, len(v), tuple(flat))
    if r == R_BYTES:
        return (R_BYTES, bytes([getattr(v, "subtype", P_BLOB)]) + bytes(v))
    if r == R_FLOAT:
        return (R_FLOAT, v)
    if r == R_GEO:
        return (R_GEO, v.encode("utf-8", "surrogateescape"))
    if r == R_EXT:
        return (R_EXT, v.type, v.data) if t is Ext else (R_EXT,)
    return (r,)


def _cmp(a, b):
    # Returns -1, 0, 1, or None when a wildcard made the whole comparison equal.
    if a is WILDCARD or b is WILDCARD or (type(a) is Ext and a == WILDCARD) or (
        type(b) is Ext and b == WILDCARD
    ):
        return None
    ra, rb = rank_of(a), rank_of(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == R_LIST:
        for x, y in zip(a, b):
            r = _cmp(x, y)
            if r != 0:
                return r
        return (len(a) > len(b)) - (len(a) < len(b))
    if ra == R_MAP:
        if len(a) != len(b):
            return -1 if len(a) < len(b) else 1
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            r = _cmp(ka, kb)
            if r != 0:
                return r
            r = _cmp(va, vb)
            if r != 0:
                return r
        return 0
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def compare(a, b):
    """Compares two values in server order; a wildcard anywhere makes them equal."""
    r = _cmp(a, b)
    return 0 if r is None else r


def values_equal(a, b):
    return compare(a, b) == 0


def has_special(v):
    """True when a value holds a wildcard or infinity, which cannot be stored."""
    if type(v) is Ext:
        return v.type == 0xFF
    if isinstance(v, list):
        return any(has_special(x) for x in v)
    if isinstance(v, dict):
        return any(has_special(k) or has_special(x) for k, x in v.items())
    return False
