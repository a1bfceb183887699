"""CDT contexts: the path to a nested list or map element.

A context is a list of `_cdt_ctx` objects, passed as ``ctx=`` to list/map
operations and expressions, to ``query.where(..., ctx)`` and to
``index_cdt_create``. The C binding reads each object's three attributes:

* ``id``: the context type, ``aerospike.CDT_CTX_*`` (16-19 list, 32-36
  map). 20 (list index create) and 36 (map key create) are Python-only ids
  that the binding turns into the index/key type with the create flags.
  4 (``_constants._AS_CDT_CTX_EXP``) selects children by an expression,
  512 | 4 ANDs a filter onto the previous item, and 42 selects map keys in
  a list (server 8.1 path operations);
* ``value``: the index, rank, key or value;
* ``extra_args``: None, or a dict with ``order_key`` / ``pad_key`` (create
  contexts) or ``filter_expr`` (a compiled expression).
"""

import aerospike
from aerospike import _constants

CDT_CTX_ORDER_KEY = "order_key"
CDT_CTX_PAD_KEY = "pad_key"


class _cdt_ctx:
    """One context item; build it with the ``cdt_ctx_*`` functions."""

    def __init__(self, *, id=None, value=None, extra_args=None):
        self.id = id
        self.value = value
        self.extra_args = extra_args


_INDEX_TYPE_NAMES = {0: "default", 1: "list", 2: "mapkeys", 3: "mapvalues"}

# These are the binding's index data type codes, not the `aerospike.INDEX_*` numbering.
_INDEX_DATATYPE_NAMES = {0: "string", 2: "geo2dsphere", 4: "numeric"}


def _name(table, key):
    try:
        return table.get(key, "invalid")
    except TypeError:  # An unhashable key is simply not a valid code.
        return "invalid"


def index_type_string(index_type):
    """Return the info-protocol name of an ``aerospike.INDEX_TYPE_*`` value."""
    return _name(_INDEX_TYPE_NAMES, index_type)


def index_datatype_string(index_datatype):
    """Return the info-protocol name of a binding index data type code."""
    return _name(_INDEX_DATATYPE_NAMES, index_datatype)


def cdt_ctx_list_index(index):
    """Select the list element at `index` (negative counts from the end)."""
    return _cdt_ctx(id=aerospike.CDT_CTX_LIST_INDEX, value=index)


def cdt_ctx_list_rank(rank):
    """Select the list element of rank `rank` (0 = smallest, -1 = largest)."""
    return _cdt_ctx(id=aerospike.CDT_CTX_LIST_RANK, value=rank)


def cdt_ctx_list_value(value):
    """Select the first list element equal to `value`."""
    return _cdt_ctx(id=aerospike.CDT_CTX_LIST_VALUE, value=value)


def cdt_ctx_list_index_create(index, order=0, pad=False):
    """Select the list element at `index`, creating a list there if missing.

    `order` is the new list's ``aerospike.LIST_*ORDERED``; `pad` allows an
    index past the end (the gap is filled with nils).
    """
    return _cdt_ctx(
        id=aerospike.CDT_CTX_LIST_INDEX_CREATE,
        value=index,
        extra_args={CDT_CTX_ORDER_KEY: order, CDT_CTX_PAD_KEY: pad},
    )


def cdt_ctx_map_index(index):
    """Select the map entry at `index` (in key order)."""
    return _cdt_ctx(id=aerospike.CDT_CTX_MAP_INDEX, value=index)


def cdt_ctx_map_rank(rank):
    """Select the map entry of value rank `rank`."""
    return _cdt_ctx(id=aerospike.CDT_CTX_MAP_RANK, value=rank)


def cdt_ctx_map_key(key):
    """Select the map entry of `key`."""
    return _cdt_ctx(id=aerospike.CDT_CTX_MAP_KEY, value=key)


def cdt_ctx_map_value(value):
    """Select the first map entry whose value equals `value`."""
    return _cdt_ctx(id=aerospike.CDT_CTX_MAP_VALUE, value=value)


def cdt_ctx_map_key_create(key, order=0):
    """Select the map entry of `key`, creating a map of `order` there if missing."""
    return _cdt_ctx(
        id=aerospike.CDT_CTX_MAP_KEY_CREATE, value=key, extra_args={CDT_CTX_ORDER_KEY: order}
    )


def cdt_ctx_all_children():
    """Select every child (path operations, server 8.1 or later)."""
    return _cdt_ctx(id=_constants._AS_CDT_CTX_EXP)


def cdt_ctx_all_children_with_filter(expression):
    """Select the children for which the compiled `expression` is true.

    Inside the expression, ``LoopVar*`` expressions refer to the current
    child (path operations, server 8.1 or later).
    """
    return _cdt_ctx(
        id=_constants._AS_CDT_CTX_EXP,
        extra_args={_constants._CDT_CTX_FILTER_EXPR_KEY: expression},
    )


def cdt_ctx_and_filter(expression):
    """AND the compiled `expression` onto the previous context item's filter."""
    return _cdt_ctx(
        id=_constants._AS_CDT_CTX_AND | _constants._AS_CDT_CTX_EXP,
        extra_args={_constants._CDT_CTX_FILTER_EXPR_KEY: expression},
    )


def cdt_ctx_map_keys_in(keys):
    """Select the map entries whose key is in the list `keys`."""
    return _cdt_ctx(id=_constants._AS_CDT_CTX_MAP_KEYS_IN, value=keys)
