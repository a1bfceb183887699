"""Secondary-index query predicates: ``query.where(predicates.equals(...))``.

Each function returns the tuple the reference client returns; the C binding
(`Query.where`) turns it into the query's index filter (field 22). The
layout is ``(kind, datatype, bin, value1[, value2[, index_type]])`` where

* ``kind`` is 0 for an equality match and 1 for a range;
* ``datatype`` is the binding's index data type: 0 string, 2 GeoJSON,
  3 blob, 4 integer (not the ``aerospike.INDEX_*`` numbering);
* ``index_type`` is one of ``aerospike.INDEX_TYPE_*`` (collection indexes).

Like the reference client, a value of an unsupported type makes the
function return None instead of raising (the geo radius/point builders,
which must format numbers, raise `ParamError`).
"""

import json

from aerospike import exception

__all__ = [
    "between",
    "contains",
    "equals",
    "geo_contains_geojson_point",
    "geo_contains_point",
    "geo_within_geojson_region",
    "geo_within_radius",
    "range",
]

_EQUAL = 0
_RANGE = 1

_TYPE_STRING = 0
_TYPE_GEOJSON = 2
_TYPE_BLOB = 3
_TYPE_INTEGER = 4


def _datatype(value):
    """Return the index data type code for an equality value, or None."""
    if isinstance(value, int):
        return _TYPE_INTEGER
    if isinstance(value, str):
        return _TYPE_STRING
    if isinstance(value, (bytes, bytearray)):
        return _TYPE_BLOB
    return None


def _c_int(value):
    """Return `value` as the C ``int`` the reference binding stores it in."""
    value = int(value) & 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _is_number(value):
    return isinstance(value, (int, float))


def _is_bin_name(value):
    # The reference binding parses the bin of the two geo point builders with
    # the "z" format, which accepts a str or None.
    return value is None or isinstance(value, str)


def between(bin, min, max):
    """Match records whose integer `bin` lies in ``[min, max]``."""
    if isinstance(min, int) and isinstance(max, int):
        return (_RANGE, _TYPE_INTEGER, bin, min, max)
    return None


def equals(bin, val):
    """Match records whose `bin` equals `val` (an int, str or bytes)."""
    datatype = _datatype(val)
    if datatype is None:
        return None
    return (_EQUAL, datatype, bin, val)


def contains(bin, index_type, val):
    """Match records whose list/map `bin` contains `val`.

    `index_type` is ``aerospike.INDEX_TYPE_LIST``, ``_MAPKEYS`` or
    ``_MAPVALUES``.
    """
    datatype = _datatype(val)
    if datatype is None or not isinstance(index_type, int):
        return None
    return (_EQUAL, datatype, bin, val, None, _c_int(index_type))


def range(bin, index_type, min, max):
    """Match records whose list/map `bin` holds an integer in ``[min, max]``."""
    if not (isinstance(index_type, int) and isinstance(min, int) and isinstance(max, int)):
        return None
    return (_RANGE, _TYPE_INTEGER, bin, min, max, _c_int(index_type))


def geo_within_geojson_region(bin, shape, index_type=0):
    """Match records whose GeoJSON `bin` lies within the region `shape`.

    `shape` is GeoJSON text (a ``str``); anything else gives None, as in the
    reference client.
    """
    if not isinstance(shape, str):
        return None
    return (_RANGE, _TYPE_GEOJSON, bin, shape, None, index_type)


def geo_within_radius(bin, long, lat, radius_meters, index_type=0):
    """Match records whose GeoJSON `bin` lies within a circle.

    The circle is centred on (`long`, `lat`) with a radius in meters and is
    sent as an ``AeroCircle`` GeoJSON region.
    """
    if not (_is_bin_name(bin) and all(map(_is_number, (long, lat, radius_meters)))):
        raise exception.ParamError(
            -2,
            "Latitude, longitude and radius should be integer or double type, bin of string type",
            __file__,
            0,
            False,
        )
    region = {"type": "AeroCircle", "coordinates": [[long, lat], radius_meters]}
    return (_RANGE, _TYPE_GEOJSON, bin, json.dumps(region), None, index_type)


def geo_contains_geojson_point(bin, point, index_type=0):
    """Match records whose GeoJSON region `bin` contains `point` (GeoJSON text)."""
    if not isinstance(point, str):
        return None
    return (_RANGE, _TYPE_GEOJSON, bin, point, None, index_type)


def geo_contains_point(bin, long, lat, index_type=0):
    """Match records whose GeoJSON region `bin` contains the point (`long`, `lat`)."""
    if not (_is_bin_name(bin) and _is_number(long) and _is_number(lat)):
        raise exception.ParamError(
            -2,
            "Latitude and longitude should be integer or double type, bin of string type",
            __file__,
            0,
            False,
        )
    point = {"type": "Point", "coordinates": [long, lat]}
    return (_RANGE, _TYPE_GEOJSON, bin, json.dumps(point), None, index_type)
