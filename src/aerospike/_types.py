"""Value types of the `aerospike` module that need no C code.

`aerospike/__init__.py` re-exports everything here (`GeoJSON`, `geodata`,
`geojson`, `KeyOrderedDict`, `null`, `CDTWildcard`, `CDTInfinite`,
`Transaction`, `ConfigProvider`). Application code builds these values and
the C binding (`aerospike._core`) recognises them with `isinstance` when it
packs bins and CDT arguments, and creates `GeoJSON` / `KeyOrderedDict`
objects when it unpacks replies. Behaviour, error classes and messages
follow the reference client 19.3.0.
"""

import json

from aerospike import exception

__all__ = [
    "CDTInfinite",
    "CDTWildcard",
    "ConfigProvider",
    "GeoJSON",
    "Geospatial",
    "KeyOrderedDict",
    "Transaction",
    "geodata",
    "geojson",
    "null",
]


class _MissingType:
    """The default of ``GeoJSON(geo_data)``: tells "no argument" from None."""

    def __repr__(self):
        return "..."


_MISSING = _MissingType()
_UINT32_MAX = 0xFFFFFFFF

# Messages of the reference client, kept verbatim because user code and
# tests sometimes match on them.
_MSG_GEO_TYPE = "Geospatial data should be a dictionary or raw GeoJSON string"
_MSG_GEO_LOAD = "String is not GeoJSON serializable -> Unable to load GeoJSON"
_MSG_GEO_DUMPS = "Unable to call dumps function"
_MSG_GEO_STR = "Unable to call get data in str format"


def _param_error(msg):
    """Return a ParamError (code -2) shaped like the binding's errors."""
    return exception.ParamError(-2, msg, __file__, 0, False)


def _client_error(msg):
    """Return a ClientError (code -1) shaped like the binding's errors."""
    return exception.ClientError(-1, msg, __file__, 0, False)


def _load_geo_dict(raw):
    """Parse a GeoJSON string; the result must be a JSON object."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise _client_error(_MSG_GEO_LOAD) from None
    if not isinstance(data, dict):
        raise _param_error(_MSG_GEO_TYPE)
    return data


class GeoJSON:
    """A GeoJSON value: a bin value and a query/expression operand.

    Build it from a dict (``GeoJSON({"type": "Point", "coordinates": [1, 2]})``)
    or from a raw GeoJSON string. ``geo_data`` holds the dict. ``str()`` is
    the JSON text and ``repr()`` that text quoted, as in the reference
    client. On the wire the value is a GeoJSON particle (type 23) carrying
    ``dumps()``.
    """

    __slots__ = ("geo_data",)

    def __init__(self, geo_data=_MISSING):
        if geo_data is _MISSING:
            raise _param_error("GeoJSON() expects exactly 1 parameter")
        if isinstance(geo_data, str):
            self.geo_data = _load_geo_dict(geo_data)
        elif isinstance(geo_data, dict):
            self.geo_data = geo_data
        else:
            raise _param_error(_MSG_GEO_TYPE)

    def wrap(self, geo_data):
        """Replace the wrapped dict. Returns 0, like the reference client."""
        if not isinstance(geo_data, dict):
            raise _param_error(_MSG_GEO_TYPE)
        self.geo_data = geo_data
        return 0

    def unwrap(self):
        """Return the wrapped dict (the same object, not a copy)."""
        return self.geo_data

    def loads(self, raw_geo):
        """Replace the wrapped dict by the parsed GeoJSON string `raw_geo`.

        Returns 0, like the reference client.
        """
        if not isinstance(raw_geo, str):
            raise _param_error("Argument should be a GeoJSON string")
        self.geo_data = _load_geo_dict(raw_geo)
        return 0

    def _json(self, error_message):
        try:
            return json.dumps(self.geo_data)
        except (TypeError, ValueError):
            raise _client_error(error_message) from None

    def dumps(self):
        """Return the GeoJSON text of the wrapped dict."""
        return self._json(_MSG_GEO_DUMPS)

    def __str__(self):
        return self._json(_MSG_GEO_STR)

    def __repr__(self):
        # The JSON text between single quotes, without escaping (as the reference).
        return "'" + self._json(_MSG_GEO_STR) + "'"


GeoJSON.__module__ = "aerospike"

# The reference client's class is named `Geospatial`; keep the name
# importable for code that spells it that way.
Geospatial = GeoJSON


def geodata(geo_data):
    """Return a `GeoJSON` wrapping the dict `geo_data`."""
    if not isinstance(geo_data, dict):
        raise _param_error("The geospatial data should be a dictionary")
    return GeoJSON(geo_data)


def geojson(geojson_str):
    """Return a `GeoJSON` parsed from the GeoJSON text `geojson_str`."""
    if not isinstance(geojson_str, str):
        raise _param_error("The geospatial data should be a GeoJSON string")
    return GeoJSON(geojson_str)


class KeyOrderedDict(dict):
    """A dict read from a key-ordered (or key-value-ordered) server map.

    It behaves exactly like `dict`. The binding returns it for maps whose
    ordering flags say K-ordered or KV-ordered, and writes it back as a
    key-ordered map, so the ordering survives a read-modify-write cycle.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


KeyOrderedDict.__module__ = "aerospike"


class _Marker:
    """Base of the argument-less marker values below."""

    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        # Like the reference client, any arguments are accepted and ignored.
        return super().__new__(cls)


class null(_Marker):
    """Marker value: writing ``aerospike.null()`` to a bin deletes the bin.

    Deleting the last bin of a record deletes the record. The binding sends
    it as a msgpack/particle nil.
    """

    __slots__ = ()


class CDTWildcard(_Marker):
    """Wildcard for CDT value comparisons: matches any value.

    ``["a", CDTWildcard()]`` matches every list starting with ``"a"``. Sent
    as the msgpack ext value ``d4 ff 00``. It cannot be stored.
    """

    __slots__ = ()


class CDTInfinite(_Marker):
    """Infinity for CDT value ranges: greater than any value.

    Used as an open range end, e.g. ``[2, CDTInfinite()]``. Sent as the
    msgpack ext value ``d4 ff 01``. It cannot be stored.
    """

    __slots__ = ()


for _cls in (null, CDTWildcard, CDTInfinite):
    _cls.__module__ = "aerospike"


def _uint32(value):
    """Check an unsigned 32-bit argument the way the reference client does."""
    if not isinstance(value, int):
        raise TypeError(f"{value} must be an integer")
    if value < 0:
        raise OverflowError("can't convert negative int to unsigned")
    if value > _UINT32_MAX:
        raise ValueError(f"{value} exceeds {_UINT32_MAX}")
    return int(value)


# A multi-record transaction: Transaction(reads_capacity=128, writes_capacity=128),
# with the read-only attributes id, in_doubt and state and the writable timeout. The type
# lives in the C binding (src/ext/txn.c), which owns the transaction's state.
from aerospike._core import Transaction  # noqa: E402


class ConfigProvider:
    """Where the client reads its dynamic configuration (a YAML file).

    ``path`` is the file, ``interval`` how often (ms) it is re-read. Both
    are read-only. Dynamic configuration is an Enterprise feature of the
    reference client; this client keeps the object for compatibility.
    """

    __slots__ = ("_interval", "_path")

    def __init__(self, path, interval=5000):
        if not isinstance(path, str):
            raise TypeError(f"argument 1 must be str, not {type(path).__name__}")
        self._path = path
        self._interval = _uint32(interval)

    @property
    def path(self):
        """The configuration file path."""
        return self._path

    @property
    def interval(self):
        """The reload interval in milliseconds."""
        return self._interval


ConfigProvider.__module__ = "aerospike"
