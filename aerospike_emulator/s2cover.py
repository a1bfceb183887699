# S2 cell coverings of GeoJSON regions: the cells the server stores in a region's GEOJSON
# particle and indexes for geo2dsphere queries. The region coverer follows the S2 library's
# algorithm with the server's particle settings (initial candidates around the bounding
# cap, a priority queue of partly covered cells ordered as libstdc++'s heap orders them,
# at most 12 cells, levels 1..30, cell-union normalisation). Its predicates decide sides of
# great circles exactly and count a shared boundary as an intersection, which reproduces
# what the library's symbolic perturbation decides for edges lying on cell boundaries (the
# recorded covering of a polygon with a corner at a face centre comes out cell for cell).
# geo.py calls cover_region().

import math
from fractions import Fraction

from . import geo

MAX_LEVEL = 30
MIN_LEVEL = 1
MAX_CELLS = 12
_MAX_SIZE = 1 << MAX_LEVEL
_MIN_WIDTH_DERIV = 2 * math.sqrt(2) / 3
_LOOKUP_IJ = [0] * len(geo._LOOKUP_POS)
for _idx, _val in enumerate(geo._LOOKUP_POS):
    _LOOKUP_IJ[((_val >> 2) << 2) | (_idx & 3)] = ((_idx >> 2) << 2) | (_val & 3)


# -- cell ids ------------------------------------------------------------------------------


def _lsb(cid):
    return cid & -cid


def level_of(cid):
    return MAX_LEVEL - ((_lsb(cid).bit_length() - 1) >> 1)


def parent(cid, level):
    new_lsb = 1 << (2 * (MAX_LEVEL - level))
    return (cid & -new_lsb) | new_lsb


def children(cid):
    lsb = _lsb(cid) >> 2
    first = cid - (_lsb(cid)) + lsb
    return [first + k * 2 * lsb for k in range(4)]


def contains_id(a, b):
    lsb = _lsb(a)
    return a - (lsb - 1) <= b <= a + (lsb - 1)


def _face_ij(cid):
    face = cid >> 61
    bits = face & 1
    i = j = 0
    for k in range(7, -1, -1):
        nbits = 4 if k == 7 else 8
        bits += ((cid >> (k * 8 + 1)) & ((1 << nbits) - 1)) << 2
        bits = _LOOKUP_IJ[bits]
        i += (bits >> 6) << (k * 4)
        j += ((bits >> 2) & 15) << (k * 4)
        bits &= 3
    return face, i, j


def _from_face_ij(face, i, j):
    n = face << 60
    bits = face & 1
    for k in range(7, -1, -1):
        bits += ((i >> (k * 4)) & 15) << 6
        bits += ((j >> (k * 4)) & 15) << 2
        bits = geo._LOOKUP_POS[bits]
        n |= (bits >> 2) << (k * 8)
        bits &= 3
    return n * 2 + 1


def _st_to_uv(s):
    if s >= 0.5:
        return (1.0 / 3.0) * (4 * s * s - 1)
    return (1.0 / 3.0) * (1 - 4 * (1 - s) * (1 - s))


def _face_uv_to_xyz(face, u, v):
    return (
        (1.0, u, v),
        (-u, 1.0, v),
        (-u, -v, 1.0),
        (-1.0, -v, -u),
        (v, -1.0, -u),
        (v, u, -1.0),
    )[face]


def _normalize(p):
    n = math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
    return (p[0] / n, p[1] / n, p[2] / n)


def cell_vertices(cid):
    """The four corners of a cell (unit vectors), counter-clockwise."""
    face, i, j = _face_ij(cid)
    size = 1 << (MAX_LEVEL - level_of(cid))
    i0, j0 = i & -size, j & -size
    u0, u1 = _st_to_uv(i0 / _MAX_SIZE), _st_to_uv((i0 + size) / _MAX_SIZE)
    v0, v1 = _st_to_uv(j0 / _MAX_SIZE), _st_to_uv((j0 + size) / _MAX_SIZE)
    return [
        _normalize(_face_uv_to_xyz(face, u, v)) for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))
    ]


def _point(lng, lat):
    la, ln = math.radians(lat), math.radians(lng)
    return (math.cos(la) * math.cos(ln), math.cos(la) * math.sin(ln), math.sin(la))


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


# -- regions -------------------------------------------------------------------------------


class _Polygon:
    """A polygon's outer ring. Sides of great circles are decided from the sign of a 3x3
    determinant, exactly (with fractions) when the floating-point value is too small to
    trust; the interior test runs in the gnomonic projection around the ring's centre,
    where great-circle edges are straight lines. Boundaries count as intersecting."""

    def __init__(self, ring):
        pts = [_point(float(p[0]), float(p[1])) for p in ring]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) < 3:
            raise ValueError("a ring needs three vertices")
        self.points = pts
        c = _normalize(tuple(sum(p[k] for p in pts) for k in range(3)))
        self.center = c
        ref = (0.0, 0.0, 1.0) if abs(c[2]) < 0.9 else (1.0, 0.0, 0.0)
        e1 = _normalize(_cross(ref, c))
        self.frame = (e1, _cross(c, e1))
        self.poly = [self._project(p) for p in pts]
        self.edges = [(pts[k], pts[(k + 1) % len(pts)]) for k in range(len(pts))]
        self.cap_axis = c
        self.cap_angle = max(math.acos(max(-1.0, min(1.0, _dot(c, p)))) for p in pts)

    def _project(self, p):
        d = _dot(p, self.center)
        if d <= 1e-6:
            return None
        e1, e2 = self.frame
        return (_dot(p, e1) / d, _dot(p, e2) / d)

    def inside(self, p):
        """1 inside, 0 on the boundary, -1 outside."""
        for a, b in self.edges:
            if _on_arc(p, a, b):
                return 0
        q = self._project(p)
        if q is None:
            return -1
        inside = False
        x, y = q
        poly = self.poly
        n = len(poly)
        for k in range(n):
            (x1, y1), (x2, y2) = poly[k], poly[(k + 1) % n]
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return 1 if inside else -1

    def may_intersect(self, cid):
        vs = cell_vertices(cid)
        if any(_dot(v, self.center) <= 1e-6 for v in vs):
            return True
        if any(_in_cell(p, vs) >= 0 for p in self.points):
            return True
        if any(self.inside(v) >= 0 for v in vs):
            return True
        cell_edges = [(vs[k], vs[(k + 1) % 4]) for k in range(4)]
        return any(_arcs_touch(a, b, c, d) for a, b in self.edges for c, d in cell_edges)

    def contains(self, cid):
        vs = cell_vertices(cid)
        if any(_dot(v, self.center) <= 1e-6 for v in vs):
            return False
        if any(self.inside(v) < 0 for v in vs):
            return False
        if any(_in_cell(p, vs) > 0 for p in self.points):
            return False
        cell_edges = [(vs[k], vs[(k + 1) % 4]) for k in range(4)]
        return not any(_arcs_cross(a, b, c, d) for a, b in self.edges for c, d in cell_edges)


def _sign(a, b, c):
    # The side of the great circle a->b that c lies on: 1 left, -1 right, 0 on it.
    d = _dot(_cross(a, b), c)
    if d > 1e-14:
        return 1
    if d < -1e-14:
        return -1
    fa, fb, fc = ([Fraction(x) for x in v] for v in (a, b, c))
    e = (
        fa[0] * (fb[1] * fc[2] - fb[2] * fc[1])
        - fa[1] * (fb[0] * fc[2] - fb[2] * fc[0])
        + fa[2] * (fb[0] * fc[1] - fb[1] * fc[0])
    )
    return (e > 0) - (e < 0)


def _between(p, a, b):
    # For p on the great circle through a and b: whether it lies on the minor arc a-b.
    n = _cross(a, b)
    return _dot(_cross(a, p), n) >= 0 and _dot(_cross(p, b), n) >= 0


def _on_arc(p, a, b):
    return p == a or p == b or (_sign(a, b, p) == 0 and _between(p, a, b))


def _in_cell(p, vs):
    """1 inside the cell, 0 on its boundary, -1 outside."""
    if _dot(p, vs[0]) <= 0:
        return -1
    signs = [_sign(vs[k], vs[(k + 1) % 4], p) for k in range(4)]
    if min(signs) < 0:
        return -1
    return 1 if min(signs) > 0 else 0


def _arcs_cross(a, b, c, d):
    # A proper crossing of two arcs (not at an end point).
    return (
        _sign(a, b, c) * _sign(a, b, d) < 0
        and _sign(c, d, a) * _sign(c, d, b) < 0
        and _dot(a, c) > 0
    )


def _arcs_touch(a, b, c, d):
    if _arcs_cross(a, b, c, d):
        return True
    return _on_arc(c, a, b) or _on_arc(d, a, b) or _on_arc(a, c, d) or _on_arc(b, c, d)


class _Cap:
    """An AeroCircle: the points within an angle of a centre."""

    def __init__(self, center, radius_m):
        self.cap_axis = _point(float(center[0]), float(center[1]))
        self.cap_angle = float(radius_m) / geo.EARTH_RADIUS_M
        self.cos = math.cos(self.cap_angle)

    def _inside(self, p):
        return _dot(p, self.cap_axis) >= self.cos

    def may_intersect(self, cid):
        vs = cell_vertices(cid)
        if any(self._inside(p) for p in vs):
            return True
        if contains_id(cid, geo.cell_id(*_lnglat(self.cap_axis))):
            return True
        for k in range(4):
            if _arc_distance(self.cap_axis, vs[k], vs[(k + 1) % 4]) <= self.cap_angle:
                return True
        return False

    def contains(self, cid):
        return self.cap_angle < math.pi / 2 and all(self._inside(p) for p in cell_vertices(cid))


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _lnglat(p):
    return math.degrees(math.atan2(p[1], p[0])), math.degrees(
        math.atan2(p[2], math.hypot(p[0], p[1]))
    )


def _arc_distance(x, a, b):
    # The angle from x to the great-circle arc a-b.
    n = _normalize(_cross(a, b))
    if _dot(_cross(a, x), n) >= 0 and _dot(_cross(x, b), n) >= 0:
        return abs(math.asin(max(-1.0, min(1.0, _dot(x, n)))))
    return min(
        math.acos(max(-1.0, min(1.0, _dot(x, a)))), math.acos(max(-1.0, min(1.0, _dot(x, b))))
    )


# -- the region coverer ----------------------------------------------------------------------


class _Candidate:
    __slots__ = ("cell", "terminal", "children")

    def __init__(self, cell, terminal):
        self.cell = cell
        self.terminal = terminal
        self.children = []


class _Heap:
    """std::priority_queue ordered by priority only, with libstdc++'s sift steps, so that
    candidates of equal priority come out in the same order as in the server."""

    def __init__(self):
        self.a = []

    def push(self, entry):
        a = self.a
        a.append(entry)
        hole = len(a) - 1
        parent_ = (hole - 1) // 2
        while hole > 0 and a[parent_][0] < entry[0]:
            a[hole] = a[parent_]
            hole = parent_
            parent_ = (hole - 1) // 2
        a[hole] = entry

    def pop(self):
        a = self.a
        top = a[0]
        value = a.pop()
        n = len(a)
        if n == 0:
            return top
        hole = 0
        child = 0
        while child < (n - 1) // 2:
            child = 2 * (child + 1)
            if a[child][0] < a[child - 1][0]:
                child -= 1
            a[hole] = a[child]
            hole = child
        if n % 2 == 0 and child == (n - 2) // 2:
            child = 2 * (child + 1)
            a[hole] = a[child - 1]
            hole = child - 1
        parent_ = (hole - 1) // 2
        while hole > 0 and a[parent_][0] < value[0]:
            a[hole] = a[parent_]
            hole = parent_
            parent_ = (hole - 1) // 2
        a[hole] = value
        return top

    def __len__(self):
        return len(self.a)


class _Coverer:
    def __init__(self, region):
        self.region = region
        self.result = []
        self.pq = _Heap()

    def new_candidate(self, cell):
        if not self.region.may_intersect(cell):
            return None
        level = level_of(cell)
        terminal = level >= MIN_LEVEL and (level + 1 > MAX_LEVEL or self.region.contains(cell))
        return _Candidate(cell, terminal)

    def add(self, cand):
        if cand is None:
            return
        if cand.terminal:
            self.result.append(cand.cell)
            return
        n_terminal = 0
        for child in children(cand.cell):
            c = self.new_candidate(child)
            if c is not None:
                cand.children.append(c)
                n_terminal += c.terminal
        level = level_of(cand.cell)
        if not cand.children:
            return
        if n_terminal == 4 and level >= MIN_LEVEL:
            cand.terminal = True
            self.add(cand)
            return
        priority = -((((level << 2) + len(cand.children)) << 2) + n_terminal)
        self.pq.push((priority, cand))

    def initial(self):
        angle = self.region.cap_angle
        value = 2 * angle
        level = MAX_LEVEL
        if value > 0:
            _m, e = math.frexp(value / _MIN_WIDTH_DERIV)
            level = max(0, min(MAX_LEVEL, -(e - 1)))
        level = min(level, MAX_LEVEL - 1)
        if level > 0:
            leaf = geo.cell_id(*_lnglat(self.region.cap_axis))
            for cell in _vertex_neighbors(leaf, level):
                self.add(self.new_candidate(cell))
            return
        for face in range(6):
            self.add(self.new_candidate((face << 61) | (1 << 60)))

    def run(self):
        self.initial()
        pq = self.pq
        while len(pq):
            cand = pq.pop()[1]
            level = level_of(cand.cell)
            if (
                level < MIN_LEVEL
                or len(cand.children) == 1
                or len(self.result) + len(pq) + len(cand.children) <= MAX_CELLS
            ):
                for child in cand.children:
                    self.add(child)
            else:
                cand.terminal = True
                self.add(cand)
        return _normalize_union(self.result)


def _vertex_neighbors(leaf, level):
    face, i, j = _face_ij(leaf)
    half = 1 << (MAX_LEVEL - level - 1)
    size = half << 1
    if i & half:
        ioff, isame = size, i + size < _MAX_SIZE
    else:
        ioff, isame = -size, i - size >= 0
    if j & half:
        joff, jsame = size, j + size < _MAX_SIZE
    else:
        joff, jsame = -size, j - size >= 0
    out = [parent(leaf, level)]
    if isame:
        out.append(parent(_from_face_ij(face, i + ioff, j), level))
    if jsame:
        out.append(parent(_from_face_ij(face, i, j + joff), level))
    if isame and jsame:
        out.append(parent(_from_face_ij(face, i + ioff, j + joff), level))
    return out


def _normalize_union(ids):
    out = []
    for cid in sorted(ids):
        if out and contains_id(out[-1], cid):
            continue
        while out and contains_id(cid, out[-1]):
            out.pop()
        while len(out) >= 3:
            if out[-3] ^ out[-2] ^ out[-1] != cid:
                break
            mask = _lsb(cid) << 1
            mask = ~(mask + (mask << 1)) & ((1 << 64) - 1)
            masked = cid & mask
            if any(x & mask != masked for x in out[-3:]) or level_of(cid) == 0:
                break
            del out[-3:]
            cid = parent(cid, level_of(cid) - 1)
        out.append(cid)
    final = []
    for cid in out:
        if level_of(cid) < MIN_LEVEL:
            final.extend(children(cid))
        else:
            final.append(cid)
    return final


def cover_region(obj):
    """The sorted cell ids covering a Polygon, MultiPolygon or AeroCircle (at most about
    12 cells per polygon), or [] for a shape that cannot be read."""
    kind = obj.get("type")
    try:
        if kind == "AeroCircle":
            center, radius = obj["coordinates"]
            return _Coverer(_Cap(center, radius)).run()
        if kind == "Polygon":
            return _Coverer(_Polygon(obj["coordinates"][0])).run()
        if kind == "MultiPolygon":
            cells = []
            for poly in obj["coordinates"]:
                cells.extend(_Coverer(_Polygon(poly[0])).run())
            return _normalize_union(cells)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return []
    return []
