"""Shared test support: the evaluation namespace and `plain()`.

Golden tables pair a Python source string with the expected result in a
"plain" form, where client objects are replaced by tuples that compare by
value: a CDT context becomes ``("ctx", id, value, extra_args)``, a GeoJSON
``("geojson", data)``, a HyperLogLog ``("hll", bytes)``, the CDT markers
``("inf",)`` / ``("wildcard",)``, ``aerospike.null()`` ``("null",)`` and an
uncompiled expression ``("expr", compiled)``.
"""

import math
import warnings

import aerospike
from aerospike import predicates as p
from aerospike._types import CDTInfinite, CDTWildcard, GeoJSON, KeyOrderedDict, null
from aerospike_helpers import HyperLogLog
from aerospike_helpers import cdt_ctx as ctx
from aerospike_helpers import expressions as exp
from aerospike_helpers.batch import records as br
from aerospike_helpers.expressions.resources import _BaseExpr
from aerospike_helpers.operations import bitwise_operations as bo
from aerospike_helpers.operations import expression_operations as eo
from aerospike_helpers.operations import hll_operations as ho
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import map_operations as mo
from aerospike_helpers.operations import operations as op

# The names the golden source strings use, as in the wire vectors' setups.
NAMESPACE = {
    "math": math,
    "aerospike": aerospike,
    "p": p,
    "exp": exp,
    "ctx": ctx,
    "HyperLogLog": HyperLogLog,
    "op": op,
    "lo": lo,
    "mo": mo,
    "bo": bo,
    "ho": ho,
    "eo": eo,
    "br": br,
}


def plain(value):
    """Return `value` with client objects replaced by comparable tuples."""
    if isinstance(value, ctx._cdt_ctx):
        return ("ctx", value.id, plain(value.value), plain(value.extra_args))
    if isinstance(value, GeoJSON):
        return ("geojson", plain(value.geo_data))
    if isinstance(value, HyperLogLog):
        return ("hll", bytes(value))
    if isinstance(value, CDTInfinite):
        return ("inf",)
    if isinstance(value, CDTWildcard):
        return ("wildcard",)
    if isinstance(value, null):
        return ("null",)
    if isinstance(value, KeyOrderedDict):
        return ("kod", {plain(k): plain(v) for k, v in value.items()})
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, _BaseExpr):
        return ("expr", plain(value.compile()))
    return value


def evaluate(source):
    """Evaluate a golden source string; an expression is compiled."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = eval(source, dict(NAMESPACE))
    if isinstance(value, _BaseExpr):
        value = value.compile()
    return plain(value)


def case_ids(cases):
    """Return the pytest ids of a golden table: the source strings."""
    return [source for source, _ in cases]
