"""aerospike.predicates: the tuples the reference client returns."""

import pytest

import aerospike
from aerospike import exception, predicates

GEO = aerospike._types.GeoJSON({"type": "Point", "coordinates": [1, 2]})

CASES = [
    (lambda: predicates.between("b", 1, 5), (1, 4, "b", 1, 5)),
    (lambda: predicates.between("b", -1, 2**63 - 1), (1, 4, "b", -1, 2**63 - 1)),
    (lambda: predicates.between("b", True, 2), (1, 4, "b", True, 2)),
    (lambda: predicates.between("b", "a", "z"), None),
    (lambda: predicates.between("b", 1, 2.0), None),
    (lambda: predicates.equals("b", 1), (0, 4, "b", 1)),
    (lambda: predicates.equals("b", True), (0, 4, "b", True)),
    (lambda: predicates.equals("b", "s"), (0, 0, "b", "s")),
    (lambda: predicates.equals("b", b"s"), (0, 3, "b", b"s")),
    (lambda: predicates.equals("b", bytearray(b"s")), (0, 3, "b", bytearray(b"s"))),
    (lambda: predicates.equals("b", 1.5), None),
    (lambda: predicates.equals("b", None), None),
    (lambda: predicates.equals(5, 1), (0, 4, 5, 1)),
    (lambda: predicates.contains("b", aerospike.INDEX_TYPE_LIST, 1), (0, 4, "b", 1, None, 1)),
    (
        lambda: predicates.contains("b", aerospike.INDEX_TYPE_MAPKEYS, "s"),
        (0, 0, "b", "s", None, 2),
    ),
    (
        lambda: predicates.contains("b", aerospike.INDEX_TYPE_MAPVALUES, b"s"),
        (0, 3, "b", b"s", None, 3),
    ),
    (lambda: predicates.contains("b", True, 1), (0, 4, "b", 1, None, 1)),
    (lambda: predicates.contains("b", 2**40, 1), (0, 4, "b", 1, None, 0)),
    (lambda: predicates.contains("b", 1.0, 1), None),
    (lambda: predicates.contains("b", 1, 1.5), None),
    (lambda: predicates.range("b", aerospike.INDEX_TYPE_LIST, 1, 5), (1, 4, "b", 1, 5, 1)),
    (lambda: predicates.range("b", 1, "a", "b"), None),
    (lambda: predicates.range("b", "x", 1, 2), None),
    (
        lambda: predicates.geo_within_geojson_region("g", '{"type":"Polygon"}'),
        (1, 2, "g", '{"type":"Polygon"}', None, 0),
    ),
    (lambda: predicates.geo_within_geojson_region("g", "{}", "x"), (1, 2, "g", "{}", None, "x")),
    (lambda: predicates.geo_within_geojson_region("g", GEO), None),
    (
        lambda: predicates.geo_within_radius("g", 1.5, 2.5, 100),
        (1, 2, "g", '{"type": "AeroCircle", "coordinates": [[1.5, 2.5], 100]}', None, 0),
    ),
    (
        lambda: predicates.geo_within_radius("g", 1, 2, 1e20, aerospike.INDEX_TYPE_LIST),
        (1, 2, "g", '{"type": "AeroCircle", "coordinates": [[1, 2], 1e+20]}', None, 1),
    ),
    (
        lambda: predicates.geo_within_radius(None, True, float("nan"), 3),
        (1, 2, None, '{"type": "AeroCircle", "coordinates": [[true, NaN], 3]}', None, 0),
    ),
    (lambda: predicates.geo_contains_geojson_point("g", "{}", 2), (1, 2, "g", "{}", None, 2)),
    (lambda: predicates.geo_contains_geojson_point("g", GEO), None),
    (
        lambda: predicates.geo_contains_point("g", 1.5, 2.5),
        (1, 2, "g", '{"type": "Point", "coordinates": [1.5, 2.5]}', None, 0),
    ),
    (
        lambda: predicates.geo_contains_point(None, -0.0, 2, 3),
        (1, 2, None, '{"type": "Point", "coordinates": [-0.0, 2]}', None, 3),
    ),
]


@pytest.mark.parametrize("make, expected", CASES)
def test_predicate_tuple(make, expected):
    assert make() == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda: predicates.geo_within_radius("g", "a", 2.5, 100.0),
        lambda: predicates.geo_within_radius("g", 1, 2, None),
        lambda: predicates.geo_within_radius(5, 1, 2, 3),
        lambda: predicates.geo_within_radius(b"g", 1, 2, 3),
    ],
)
def test_geo_within_radius_checks_its_numbers_and_bin(make):
    with pytest.raises(exception.ParamError, match="Latitude, longitude and radius"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: predicates.geo_contains_point("g", "a", 1),
        lambda: predicates.geo_contains_point("g", [1], 1),
        lambda: predicates.geo_contains_point(5, 1, 2),
    ],
)
def test_geo_contains_point_checks_its_numbers_and_bin(make):
    with pytest.raises(exception.ParamError, match="Latitude and longitude"):
        make()
