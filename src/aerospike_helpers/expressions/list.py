"""List expressions: read or locally modify a list bin inside an expression.

Each class compiles to a CALL on the list (op id ``aerospike.OP_LIST_*``,
see `_cdt`). Modify classes return the modified list without writing it;
use them inside ``expression_write`` to store the result. `ctx` selects a
nested list; `bin` is a list expression or a bin name. The ``*ToEnd``
classes select from the index/rank to the end of the list.
"""

from typing import Any, Optional, Union

import aerospike
from aerospike import _constants, _types
from aerospike_helpers import cdt_ctx
from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import ListBin
from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _Keys

TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list[Any]]
TypeIndex = Union[_BaseExpr, int, _types.CDTInfinite]
TypeCTX = Optional[list[cdt_ctx._cdt_ctx]]
TypeRank = Union[_BaseExpr, int, _types.CDTInfinite]
TypeCount = Union[_BaseExpr, int, _types.CDTInfinite]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Optional[dict[str, Any]]

_NONE = aerospike.LIST_RETURN_NONE
_CRMOD = _ExprOp._AS_EXP_CODE_CDT_LIST_CRMOD
_MOD = _ExprOp._AS_EXP_CODE_CDT_LIST_MOD
_POLICY = _Keys.LIST_POLICY_KEY


# Operations that return a modified copy of the list.


class ListAppend(_BaseExpr):
    """Append `value`; `policy` is a list policy dict (``list_order``, ``write_flags``)."""

    _op = aerospike.OP_LIST_APPEND

    def __init__(
        self, ctx: "TypeCTX", policy: "TypePolicy", value: "TypeValue", bin: "TypeBinName"
    ):
        _cdt.setup_write(self, bin, ListBin, (value,), ctx, policy, _POLICY, _CRMOD)


class ListAppendItems(_BaseExpr):
    """Append the items of the list `value`."""

    _op = aerospike.OP_LIST_APPEND_ITEMS

    def __init__(
        self, ctx: "TypeCTX", policy: "TypePolicy", value: "TypeValue", bin: "TypeBinName"
    ):
        _cdt.setup_write(self, bin, ListBin, (value,), ctx, policy, _POLICY, _CRMOD)


class ListInsert(_BaseExpr):
    """Insert `value` at `index`."""

    _op = aerospike.OP_LIST_INSERT

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        index: "TypeIndex",
        value: "TypeValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, ListBin, (index, value), ctx, policy, _POLICY, _MOD)


class ListInsertItems(_BaseExpr):
    """Insert the items of `values` at `index`."""

    _op = aerospike.OP_LIST_INSERT_ITEMS

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        index: "TypeIndex",
        values: "TypeListValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, ListBin, (index, values), ctx, policy, _POLICY, _MOD)


class ListIncrement(_BaseExpr):
    """Add `value` to the number at `index`."""

    _op = aerospike.OP_LIST_INCREMENT

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        index: "TypeIndex",
        value: "TypeValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, ListBin, (index, value), ctx, policy, _POLICY, _CRMOD)


class ListSet(_BaseExpr):
    """Set the item at `index` to `value`."""

    _op = aerospike.OP_LIST_SET

    def __init__(
        self,
        ctx: "TypeCTX",
        policy: "TypePolicy",
        index: "TypeIndex",
        value: "TypeValue",
        bin: "TypeBinName",
    ):
        _cdt.setup_write(self, bin, ListBin, (index, value), ctx, policy, _POLICY, _MOD)


class ListClear(_BaseExpr):
    """Remove every item."""

    _op = aerospike.OP_LIST_CLEAR

    def __init__(self, ctx: "TypeCTX", bin: "TypeBinName"):
        _cdt.setup(self, bin, ListBin, (), ctx)


class ListSort(_BaseExpr):
    """Sort the list; `order` is ``aerospike.LIST_SORT_*``."""

    _op = aerospike.OP_LIST_SORT

    def __init__(self, ctx: "TypeCTX", order: int, bin: "TypeBinName"):
        _cdt.setup(self, bin, ListBin, (), ctx, {_Keys.LIST_ORDER_KEY: order})


class ListRemoveByValue(_BaseExpr):
    """Remove the items equal to `value`."""

    _op = aerospike.OP_LIST_REMOVE_BY_VALUE

    def __init__(
        self, ctx: "TypeCTX", value: "TypeValue", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, ListBin, (value,), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByValueList(_BaseExpr):
    """Remove the items equal to any of `values`."""

    _op = aerospike.OP_LIST_REMOVE_BY_VALUE_LIST

    def __init__(
        self, ctx: "TypeCTX", values: "TypeListValue", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, ListBin, (values,), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByValueRange(_BaseExpr):
    """Remove the items in ``[begin, end)``; a None `end` is sent as ``CDTInfinite()``."""

    _op = aerospike.OP_LIST_REMOVE_BY_VALUE_RANGE

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
            ListBin,
            (begin, _cdt.infinite_if_none(end)),
            ctx,
            _cdt.returning(_NONE, inverted),
        )


class ListRemoveByValueRelRankToEnd(_BaseExpr):
    """Remove the items from rank ``rank_of(value) + rank`` to the end."""

    _op = aerospike.OP_LIST_REMOVE_BY_REL_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        value: "TypeValue",
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (value, rank), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByValueRelRankRange(_BaseExpr):
    """Remove `count` items from rank ``rank_of(value) + rank``."""

    _op = aerospike.OP_LIST_REMOVE_BY_REL_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        value: "TypeValue",
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (value, rank, count), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByIndex(_BaseExpr):
    """Remove the item at `index`."""

    _op = aerospike.OP_LIST_REMOVE_BY_INDEX

    def __init__(self, ctx: "TypeCTX", index: "TypeIndex", bin: "TypeBinName"):
        _cdt.setup(self, bin, ListBin, (index,), ctx)


class ListRemoveByIndexRangeToEnd(_BaseExpr):
    """Remove the items from `index` to the end."""

    _op = aerospike.OP_LIST_REMOVE_BY_INDEX_RANGE_TO_END

    def __init__(
        self, ctx: "TypeCTX", index: "TypeIndex", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, ListBin, (index,), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByIndexRange(_BaseExpr):
    """Remove `count` items from `index`."""

    _op = aerospike.OP_LIST_REMOVE_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (index, count), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByRank(_BaseExpr):
    """Remove the item of rank `rank`."""

    _op = aerospike.OP_LIST_REMOVE_BY_RANK

    def __init__(self, ctx: "TypeCTX", rank: "TypeRank", bin: "TypeBinName"):
        _cdt.setup(self, bin, ListBin, (rank,), ctx)


class ListRemoveByRankRangeToEnd(_BaseExpr):
    """Remove the items from rank `rank` to the end."""

    _op = aerospike.OP_LIST_REMOVE_BY_RANK_RANGE_TO_END

    def __init__(
        self, ctx: "TypeCTX", rank: "TypeRank", bin: "TypeBinName", inverted: bool = False
    ):
        _cdt.setup(self, bin, ListBin, (rank,), ctx, _cdt.returning(_NONE, inverted))


class ListRemoveByRankRange(_BaseExpr):
    """Remove `count` items from rank `rank`."""

    _op = aerospike.OP_LIST_REMOVE_BY_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (rank, count), ctx, _cdt.returning(_NONE, inverted))


# Operations that read the list.


class ListSize(_BaseExpr):
    """The number of items."""

    _op = aerospike.OP_LIST_SIZE

    def __init__(self, ctx: "TypeCTX", bin: "TypeBinName"):
        _cdt.setup(self, bin, ListBin, (), ctx)


class ListGetByValue(_BaseExpr):
    """The items equal to `value`, shaped by `return_type` (``aerospike.LIST_RETURN_*``)."""

    _op = aerospike.OP_LIST_GET_BY_VALUE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (value,), ctx, _cdt.returning(return_type, inverted))


class ListGetByValueRange(_BaseExpr):
    """The items in ``[value_begin, value_end)``.

    For no upper bound, pass ``aerospike.CDTInfinite()`` as `value_end`.
    """

    _op = aerospike.OP_LIST_GET_BY_VALUE_RANGE

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
            self, bin, ListBin, (value_begin, value_end), ctx, _cdt.returning(return_type, inverted)
        )


class ListGetByValueList(_BaseExpr):
    """The items equal to any value of the list `value`."""

    _op = aerospike.OP_LIST_GET_BY_VALUE_LIST

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeListValue",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (value,), ctx, _cdt.returning(return_type, inverted))


class ListGetByValueRelRankRangeToEnd(_BaseExpr):
    """The items from rank ``rank_of(value) + rank`` to the end."""

    _op = aerospike.OP_LIST_GET_BY_VALUE_RANK_RANGE_REL_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value: "TypeValue",
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (value, rank), ctx, _cdt.returning(return_type, inverted))


class ListGetByValueRelRankRange(_BaseExpr):
    """`count` items from rank ``rank_of(value) + rank``."""

    _op = aerospike.OP_LIST_GET_BY_VALUE_RANK_RANGE_REL

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
            self, bin, ListBin, (value, rank, count), ctx, _cdt.returning(return_type, inverted)
        )


class ListGetByIndex(_BaseExpr):
    """The item at `index`; `value_type` (a `ResultType`) is its type."""

    _op = aerospike.OP_LIST_GET_BY_INDEX

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value_type: int,
        index: "TypeIndex",
        bin: "TypeBinName",
    ):
        _cdt.setup(self, bin, ListBin, (index,), ctx, _cdt.returning_typed(return_type, value_type))


class ListGetByIndexRangeToEnd(_BaseExpr):
    """The items from `index` to the end."""

    _op = aerospike.OP_LIST_GET_BY_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        index: "TypeIndex",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (index,), ctx, _cdt.returning(return_type, inverted))


class ListGetByIndexRange(_BaseExpr):
    """`count` items from `index`."""

    _op = aerospike.OP_LIST_GET_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        index: "TypeIndex",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (index, count), ctx, _cdt.returning(return_type, inverted))


class ListGetByRank(_BaseExpr):
    """The item of rank `rank`; `value_type` (a `ResultType`) is its type."""

    _op = aerospike.OP_LIST_GET_BY_RANK

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        value_type: int,
        rank: "TypeRank",
        bin: "TypeBinName",
    ):
        _cdt.setup(self, bin, ListBin, (rank,), ctx, _cdt.returning_typed(return_type, value_type))


class ListGetByRankRangeToEnd(_BaseExpr):
    """The items from rank `rank` to the end."""

    _op = aerospike.OP_LIST_GET_BY_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        rank: "TypeRank",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (rank,), ctx, _cdt.returning(return_type, inverted))


class ListGetByRankRange(_BaseExpr):
    """`count` items from rank `rank`."""

    _op = aerospike.OP_LIST_GET_BY_RANK_RANGE

    def __init__(
        self,
        ctx: "TypeCTX",
        return_type: int,
        rank: "TypeRank",
        count: "TypeCount",
        bin: "TypeBinName",
        inverted: bool = False,
    ):
        _cdt.setup(self, bin, ListBin, (rank, count), ctx, _cdt.returning(return_type, inverted))


class InList(_BaseExpr):
    """True if `value` is an element of the list `bin` (server 8.1 or later)."""

    _op = _constants._AS_EXP_CODE_IN_LIST

    def __init__(self, value: "TypeValue", bin: "TypeBinName"):
        self._children = (value, _cdt.as_bin(bin, ListBin))
