"""Map expressions: read or locally modify a map bin inside an expression.

Each class compiles to a CALL on the map (op id ``aerospike.OP_MAP_*``, see
`_cdt`). Modify classes return the modified map without writing it; use
them inside ``expression_write`` to store the result. `ctx` selects a
nested map; `bin` is a map expression or a bin name. Indexes are in key
order and ranks in value order; the ``*ToEnd`` classes select to the end.
"""

from typing import Any, Optional, Union

import aerospike
from aerospike import _constants, _types
from aerospike_helpers import cdt_ctx
from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import MapBin
from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _Keys

TypeKey = Union[_BaseExpr, Any]
TypeKeyList = Union[_BaseExpr, list[Any]]
TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list[Any]]
TypeIndex = Union[_BaseExpr, int, _types.CDTInfinite]
TypeCTX = Optional[list[cdt_ctx._cdt_ctx]]
TypeRank = Union[_BaseExpr, int, _types.CDTInfinite]
TypeCount = Union[_BaseExpr, int, _types.CDTInfinite]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Optional[dict[str, Any]]

_NONE = aerospike.MAP_RETURN_NONE
_CRMOD = _ExprOp._AS_EXP_CODE_CDT_MAP_CRMOD
_POLICY = _Keys.MAP_POLICY_KEY


# Operations that return a modified copy of the map.


class MapPut(_BaseExpr):
    """Put `key`: `value`; `policy` is a map policy dict (``map_order``, ``map_write_flags``)."""

    _op = aerospike.OP_MAP_PUT

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        key: "TypeKey",
        value: "TypeValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, MapBin, (key, value), ctx, policy, _POLICY, _CRMOD)


class MapPutItems(_BaseExpr):
    """Put every item of the dict (or map expression) `map`."""

    _op = aerospike.OP_MAP_PUT_ITEMS

    def __init__(self, ctx: "TypeCTX", policy: "TypePolicy", map: map, bin: "TypeBinName"):
        _cdt.setup_write(self, bin, MapBin, (map,), ctx, policy, _POLICY, _CRMOD)


class MapIncrement(_BaseExpr):
    """Add `value` to the number under `key`."""

    _op = aerospike.OP_MAP_INCREMENT

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        key: "TypeKey",
        value: "TypeValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, MapBin, (key, value), ctx, policy, _POLICY, _CRMOD)


class MapClear(_BaseExpr):
    """Remove every item."""

    _op = aerospike.OP_MAP_CLEAR

    def __init__(self, ctx: "TypeCTX", bin: "TypeBinName"):
        _cdt.setup(self, bin, MapBin, (), ctx)


class MapRemoveByKey(_BaseExpr):
    """Remove `key`."""

    _op = aerospike.OP_MAP_REMOVE_BY_KEY

    def __init__(self, ctx: "TypeCTX", key: "TypeKey", bin: "TypeBinName"):
        _cdt.setup(self, bin, MapBin, (key,), ctx)


class MapRemoveByKeyList(_BaseExpr):
    """Remove the keys of `keys`."""

    _op = aerospike.OP_MAP_REMOVE_BY_KEY_LIST

    def __init__(
        self,
        ctx: "TypeCTX",
        keys: list[Union[_BaseExpr, Any]],
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (keys,), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByKeyRange(_BaseExpr):
    """Remove the keys in ``[begin, end)``; a None `end` is sent as ``CDTInfinite()``."""

    _op = aerospike.OP_MAP_REMOVE_BY_KEY_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        begin: "TypeValue",
        end: "TypeValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(
            self,
            bin,
            MapBin,
            (begin, _cdt.infinite_if_none(end)),
            ctx,
            _cdt.returning(_NONE, inverted),
        )


class MapRemoveByKeyRelIndexRangeToEnd(_BaseExpr):
    """Remove the items from key index ``index_of(key) + index`` to the end."""

    _op = aerospike.OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        key: "TypeKey",
        index: "TypeIndex",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (key, index), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByKeyRelIndexRange(_BaseExpr):
    """Remove `count` items from key index ``index_of(key) + index``."""

    _op = aerospike.OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        key: "TypeKey",
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (key, index, count), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByValue(_BaseExpr):
    """Remove the items whose value equals `value`."""

    _op = aerospike.OP_MAP_REMOVE_BY_VALUE

    def __init__(
        self, ctx: "TypeCTX", value: "TypeValue", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, MapBin, (value,), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByValueList(_BaseExpr):
    """Remove the items whose value is in `values`."""

    _op = aerospike.OP_MAP_REMOVE_BY_VALUE_LIST

    def __init__(
        self, ctx: "TypeCTX", values: "TypeListValue", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, MapBin, (values,), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByValueRange(_BaseExpr):
    """Remove the items whose value is in ``[begin, end)``."""

    _op = aerospike.OP_MAP_REMOVE_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        begin: "TypeValue",
        end: "TypeValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (begin, end), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByValueRelRankRangeToEnd(_BaseExpr):
    """Remove the items from value rank ``rank_of(value) + rank`` to the end."""

    _op = aerospike.OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        value: "TypeValue",
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (value, rank), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByValueRelRankRange(_BaseExpr):
    """Remove `count` items from value rank ``rank_of(value) + rank``."""

    _op = aerospike.OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        value: "TypeValue",
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (value, rank, count), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByIndex(_BaseExpr):
    """Remove the item at key index `index`."""

    _op = aerospike.OP_MAP_REMOVE_BY_INDEX

    def __init__(self, ctx: "TypeCTX", index: "TypeIndex", bin: "TypeBinName"):
        _cdt.setup(self, bin, MapBin, (index,), ctx)


class MapRemoveByIndexRangeToEnd(_BaseExpr):
    """Remove the items from key index `index` to the end."""

    _op = aerospike.OP_MAP_REMOVE_BY_INDEX_RANGE_TO_END

    def __init__(
        self, ctx: "TypeCTX", index: "TypeIndex", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, MapBin, (index,), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByIndexRange(_BaseExpr):
    """Remove `count` items from key index `index`."""

    _op = aerospike.OP_MAP_REMOVE_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (index, count), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByRank(_BaseExpr):
    """Remove the item of value rank `rank`."""

    _op = aerospike.OP_MAP_REMOVE_BY_RANK

    def __init__(self, ctx: "TypeCTX", rank: "TypeRank", bin: "TypeBinName"):
        _cdt.setup(self, bin, MapBin, (rank,), ctx)


class MapRemoveByRankRangeToEnd(_BaseExpr):
    """Remove the items from value rank `rank` to the end."""

    _op = aerospike.OP_MAP_REMOVE_BY_RANK_RANGE_TO_END

    def __init__(
        self, ctx: "TypeCTX", rank: "TypeRank", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, MapBin, (rank,), ctx, _cdt.returning(_NONE, inverted))


class MapRemoveByRankRange(_BaseExpr):
    """Remove `count` items from value rank `rank`."""

    _op = aerospike.OP_MAP_REMOVE_BY_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (rank, count), ctx, _cdt.returning(_NONE, inverted))


# Operations that read the map.


class MapSize(_BaseExpr):
    """The number of items."""

    _op = aerospike.OP_MAP_SIZE

    def __init__(self, ctx: "TypeCTX", bin: "TypeBinName"):
        _cdt.setup(self, bin, MapBin, (), ctx)


class MapGetByKey(_BaseExpr):
    """The item of `key`, shaped by `return_type` (``aerospike.MAP_RETURN_*``).

    `value_type` (a `ResultType`) is the type of the result.
    """

    _op = aerospike.OP_MAP_GET_BY_KEY

    def __init__(
        self, ctx: "TypeCTX", return_type: int, value_type: int, key: "TypeKey", bin: "TypeBinName"
    ):
        _cdt.setup(self, bin, MapBin, (key,), ctx, _cdt.returning_typed(return_type, value_type))


class MapGetByKeyRange(_BaseExpr):
    """The items whose key is in ``[begin, end)``."""

    _op = aerospike.OP_MAP_GET_BY_KEY_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        begin: "TypeKey",
        end: "TypeKey",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (begin, end), ctx, _cdt.returning(return_type, inverted))


class MapGetByKeyList(_BaseExpr):
    """The items of the keys in `keys`."""

    _op = aerospike.OP_MAP_GET_BY_KEY_LIST

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        keys: "TypeKeyList",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (keys,), ctx, _cdt.returning(return_type, inverted))


class MapGetByKeyRelIndexRangeToEnd(_BaseExpr):
    """The items from key index ``index_of(key) + index`` to the end."""

    _op = aerospike.OP_MAP_GET_BY_KEY_REL_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        key: "TypeKey",
        index: "TypeIndex",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (key, index), ctx, _cdt.returning(return_type, inverted))


class MapGetByKeyRelIndexRange(_BaseExpr):
    """`count` items from key index ``index_of(key) + index``."""

    _op = aerospike.OP_MAP_GET_BY_KEY_REL_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        key: "TypeKey",
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(
            self, bin, MapBin, (key, index, count), ctx, _cdt.returning(return_type, inverted)
        )


class MapGetByValue(_BaseExpr):
    """The items whose value equals `value`."""

    _op = aerospike.OP_MAP_GET_BY_VALUE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (value,), ctx, _cdt.returning(return_type, inverted))


class MapGetByValueRange(_BaseExpr):
    """The items whose value is in ``[value_begin, value_end)``.

    A None `value_end` is sent as ``CDTInfinite()`` (no upper bound).
    """

    _op = aerospike.OP_MAP_GET_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value_begin: "TypeValue",
        value_end: "TypeValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(
            self,
            bin,
            MapBin,
            (value_begin, _cdt.infinite_if_none(value_end)),
            ctx,
            _cdt.returning(return_type, inverted),
        )


class MapGetByValueList(_BaseExpr):
    """The items whose value is in the list `value`."""

    _op = aerospike.OP_MAP_GET_BY_VALUE_LIST

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeListValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (value,), ctx, _cdt.returning(return_type, inverted))


class MapGetByValueRelRankRangeToEnd(_BaseExpr):
    """The items from value rank ``rank_of(value) + rank`` to the end."""

    _op = aerospike.OP_MAP_GET_BY_VALUE_RANK_RANGE_REL_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeValue",
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (value, rank), ctx, _cdt.returning(return_type, inverted))


class MapGetByValueRelRankRange(_BaseExpr):
    """`count` items from value rank ``rank_of(value) + rank``."""

    _op = aerospike.OP_MAP_GET_BY_VALUE_RANK_RANGE_REL

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeValue",
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(
            self, bin, MapBin, (value, rank, count), ctx, _cdt.returning(return_type, inverted)
        )


class MapGetByIndex(_BaseExpr):
    """The item at key index `index`; `value_type` is the result type."""

    _op = aerospike.OP_MAP_GET_BY_INDEX

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value_type: int,
        index: "TypeIndex",
        bin: "TypeBinName",
    ):
        _cdt.setup(self, bin, MapBin, (index,), ctx, _cdt.returning_typed(return_type, value_type))


class MapGetByIndexRangeToEnd(_BaseExpr):
    """The items from key index `index` to the end."""

    _op = aerospike.OP_MAP_GET_BY_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        index: "TypeIndex",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (index,), ctx, _cdt.returning(return_type, inverted))


class MapGetByIndexRange(_BaseExpr):
    """`count` items from key index `index`."""

    _op = aerospike.OP_MAP_GET_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (index, count), ctx, _cdt.returning(return_type, inverted))


class MapGetByRank(_BaseExpr):
    """The item of value rank `rank`; `value_type` is the result type."""

    _op = aerospike.OP_MAP_GET_BY_RANK

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value_type: int,
        rank: "TypeRank",
        bin: "TypeBinName",
    ):
        _cdt.setup(self, bin, MapBin, (rank,), ctx, _cdt.returning_typed(return_type, value_type))


class MapGetByRankRangeToEnd(_BaseExpr):
    """The items from value rank `rank` to the end."""

    _op = aerospike.OP_MAP_GET_BY_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (rank,), ctx, _cdt.returning(return_type, inverted))


class MapGetByRankRange(_BaseExpr):
    """`count` items from value rank `rank`."""

    _op = aerospike.OP_MAP_GET_BY_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, MapBin, (rank, count), ctx, _cdt.returning(return_type, inverted))


class MapGetKeys(_BaseExpr):
    """The list of the keys of the map `map_value` (server 8.1 or later)."""

    _op = _constants._AS_EXP_CODE_MAP_KEYS_IN

    def __init__(self, map_value):
        self._children = (_cdt.as_bin(map_value, MapBin),)


class MapGetValues(_BaseExpr):
    """The list of the values of the map `map_value` (server 8.1 or later)."""

    _op = _constants._AS_EXP_CODE_MAP_VALUES_IN

    def __init__(self, map_value):
        self._children = (_cdt.as_bin(map_value, MapBin),)
