# GeoJSON values: the S2 cell ids the server stores with a Point or a region, and the tests
# behind geo queries and the CMP_GEO expression (point within region, region contains point).
# ops.py normalises stored GEOJSON particles here; expressions.py and scan.py test shapes.

import json
import math

_LOOKUP_BITS = 4
_SWAP = 1
_INVERT = 2
_POS_TO_IJ = ((0, 1, 3, 2), (0, 2, 3, 1), (3, 2, 0, 1), (3, 1, 0, 2))
_POS_TO_ORIENT = (_SWAP, 0, 0, _INVERT | _SWAP)
_LOOKUP_POS = [0] * (1 << (2 * _LOOKUP_BITS + 2))
MAX_LEVEL = 30
EARTH_RADIUS_M = 6371000.0


def _init_lookup(level, i, j, orig, pos, orient):
    if level == _LOOKUP_BITS:
        ij = (i << _LOOKUP_BITS) + j
        _LOOKUP_POS[(ij << 2) + orig] = (pos << 2) + orient
        return
    level += 1
    i <<= 1
    j <<= 1
    pos <<= 2
    r = _POS_TO_IJ[orient]
    for k in range(4):
        _init_lookup(
            level, i + (r[k] >> 1), j + (r[k] & 1), orig, pos + k, orient ^ _POS_TO_ORIENT[k]
        )


for _o in (0, _SWAP, _INVERT, _SWAP | _INVERT):
    _init_lookup(0, 0, 0, _o, 0, _o)


def _st_from_uv(u):
    if u >= 0:
        return 0.5 * math.sqrt(1 + 3 * u)
    return 1 - 0.5 * math.sqrt(1 - 3 * u)


def _face_uv(x, y, z):
    ax, ay, az = abs(x), abs(y), abs(z)
    if ax >= ay and ax >= az:
        face = 0 if x > 0 else 3
    elif ay >= az:
        face = 1 if y > 0 else 4
    else:
        face = 2 if z > 0 else 5
    if face == 0:
        u, v = y / x, z / x
    elif face == 1:
        u, v = -x / y, z / y
    elif face == 2:
        u, v = -x / z, -y / z
    elif face == 3:
        u, v = z / x, y / x
    elif face == 4:
        u, v = z / y, -x / y
    else:
        u, v = -y / z, -x / z
    return face, u, v


def cell_id(lng, lat):
    """The leaf (level 30) S2 cell id of a longitude/latitude in degrees."""
    la, ln = math.radians(lat), math.radians(lng)
    x = math.cos(la) * math.cos(ln)
    y = math.cos(la) * math.sin(ln)
    z = math.sin(la)
    face, u, v = _face_uv(x, y, z)
    size = 1 << MAX_LEVEL
    i = min(size - 1, max(0, int(math.floor(_st_from_uv(u) * size))))
    j = min(size - 1, max(0, int(math.floor(_st_from_uv(v) * size))))
    n = face << 60
    bits = face & _SWAP
    mask = (1 << _LOOKUP_BITS) - 1
    for k in range(7, -1, -1):
        bits += ((i >> (k * _LOOKUP_BITS)) & mask) << (_LOOKUP_BITS + 2)
        bits += ((j >> (k * _LOOKUP_BITS)) & mask) << 2
        bits = _LOOKUP_POS[bits]
        n |= (bits >> 2) << (k * 2 * _LOOKUP_BITS)
        bits &= _SWAP | _INVERT
    return (n * 2 + 1) & 0xFFFFFFFFFFFFFFFF


def parse(text):
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def particle_for(data):
    """Normalises a stored GEOJSON particle like the server: a Point gets its cell id, a
    region the cells of its covering (s2cover.py)."""
    if len(data) < 3:
        return data
    ncells = int.from_bytes(data[1:3], "big")
    text = data[3 + 8 * ncells :]
    obj = parse(text)
    if obj is not None and obj.get("type") == "Point":
        try:
            lng, lat = float(obj["coordinates"][0]), float(obj["coordinates"][1])
        except (KeyError, IndexError, TypeError, ValueError):
            return data
        return b"\x00\x00\x01" + cell_id(lng, lat).to_bytes(8, "big") + bytes(text)
    if obj is not None and obj.get("type") in ("Polygon", "MultiPolygon", "AeroCircle"):
        # A region is stored with flag 1 and the cells of its S2 covering.
        cells = region_cells(obj)
        if cells:
            head = b"\x01" + len(cells).to_bytes(2, "big")
            return head + b"".join(c.to_bytes(8, "big") for c in cells) + bytes(text)
    return data


def particle_cells(data):
    """The cell ids stored in a GEOJSON particle (flags, cell count, cells, text)."""
    if len(data) < 3:
        return []
    n = int.from_bytes(data[1:3], "big")
    if len(data) < 3 + 8 * n:
        return []
    return [int.from_bytes(data[3 + 8 * i : 11 + 8 * i], "big") for i in range(n)]


def region_cells(obj):
    """The cell ids covering a region (Polygon, MultiPolygon or AeroCircle)."""
    from .s2cover import cover_region

    return cover_region(obj)


def _distance_m(p, q):
    lng1, lat1, lng2, lat2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    d = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lng2 - lng1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(d)))


def _in_ring(pt, ring):
    x, y = pt
    inside = False
    n = len(ring)
    for k in range(n):
        x1, y1 = ring[k][0], ring[k][1]
        x2, y2 = ring[(k + 1) % n][0], ring[(k + 1) % n][1]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def point_in_region(point, region):
    """True when a Point object lies inside a Polygon, MultiPolygon or AeroCircle object."""
    try:
        pt = (float(point["coordinates"][0]), float(point["coordinates"][1]))
        kind = region.get("type")
        if kind == "AeroCircle":
            center, radius = region["coordinates"]
            return _distance_m(pt, center) <= float(radius)
        if kind == "Polygon":
            rings = region["coordinates"]
            return _in_ring(pt, rings[0]) and not any(_in_ring(pt, r) for r in rings[1:])
        if kind == "MultiPolygon":
            return any(point_in_region(point, {"type": "Polygon", "coordinates": p})
                       for p in region["coordinates"])
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return False


def geo_compare(a, b):
    """CMP_GEO: true when one side is a point inside the other side's region."""
    ga, gb = parse(str(a)), parse(str(b))
    if ga is None or gb is None:
        return False
    if ga.get("type") == "Point" and gb.get("type") != "Point":
        return point_in_region(ga, gb)
    if gb.get("type") == "Point" and ga.get("type") != "Point":
        return point_in_region(gb, ga)
    return False
