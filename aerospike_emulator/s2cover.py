# S2 cell coverings of GeoJSON regions, as the server stores them with a region and indexes
# them for geo2dsphere queries. geo.py calls cover_region().

from . import geo


def _face_cell(face):
    return (face << 61) | (1 << 60)


def cover_region(obj):
    """The sorted cell ids covering a region: for now the face cells of its vertices."""
    pts = []
    kind = obj.get("type")
    try:
        if kind == "AeroCircle":
            pts = [obj["coordinates"][0]]
        elif kind == "Polygon":
            pts = obj["coordinates"][0]
        elif kind == "MultiPolygon":
            pts = [p for poly in obj["coordinates"] for p in poly[0]]
        cells = {geo.cell_id(float(p[0]), float(p[1])) >> 61 for p in pts}
    except (KeyError, IndexError, TypeError, ValueError):
        return []
    return sorted(_face_cell(f) for f in cells)
