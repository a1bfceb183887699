"""Core expressions: values, bins, record metadata, comparisons, logic,
variables and path operations.

Users build these (``exp.Eq(exp.IntBin("a"), 7)``) and call ``compile()``;
see `resources` for the compiled node format the C binding consumes.
"""

from typing import Any, Union

from aerospike import _constants, _types
from aerospike_helpers.expressions.resources import (
    ResultType,
    _BaseExpr,
    _ExprOp,
    _Keys,
    _va_args,
)

TypeComparisonArg = Union[_BaseExpr, Any]
TypeGeo = Union[_BaseExpr, _types.GeoJSON]


# Literal values and the special results.


class Val(_BaseExpr):
    """A literal value as an expression (any value the client can pack)."""

    _op = _ExprOp._AS_EXP_CODE_AS_VAL

    def __init__(self, value: Any):
        self._fixed = {_Keys.VALUE_KEY: value}


class Unknown(_BaseExpr):
    """The "unknown" value: evaluating it fails the expression.

    Useful as the default of a `Cond` that should never be reached.
    """

    _op = _ExprOp.UNKNOWN

    def __init__(self):
        pass


class RemoveResult(_BaseExpr):
    """In a `ModifyByPath` expression: remove the current element."""

    _op = _constants._AS_EXP_CODE_REMOVE_RESULT

    def __init__(self):
        pass


# ResultRemove is the name the 19.x documentation uses for RemoveResult.
ResultRemove = RemoveResult


# The record key and the record metadata.


class _Key(_BaseExpr):
    _op = _ExprOp.REC_KEY


class KeyInt(_Key):
    """The record's stored user key, as an int (unknown if not stored)."""

    _rt = ResultType.INTEGER

    def __init__(self):
        pass


class KeyStr(_Key):
    """The record's stored user key, as a str (unknown if not stored)."""

    _rt = ResultType.STRING

    def __init__(self):
        pass


class KeyBlob(_Key):
    """The record's stored user key, as bytes (unknown if not stored)."""

    _rt = ResultType.BLOB

    def __init__(self):
        pass


class _Meta(_BaseExpr):
    """A record metadata value; subclasses set ``_op`` and ``_rt``."""

    def __init__(self):
        pass


class KeyExists(_Meta):
    """True if the record's user key is stored."""

    _op = _ExprOp.META_KEY_EXISTS
    _rt = ResultType.BOOLEAN


class SetName(_Meta):
    """The record's set name ("" when none)."""

    _op = _ExprOp.META_SET_NAME
    _rt = ResultType.STRING


class DeviceSize(_Meta):
    """The record's size on device (deprecated: use `RecordSize`)."""

    _op = _ExprOp.META_DEVICE_SIZE
    _rt = ResultType.INTEGER


class MemorySize(_Meta):
    """The record's size in memory (deprecated: use `RecordSize`)."""

    _op = _ExprOp.META_MEMORY_SIZE
    _rt = ResultType.INTEGER


class RecordSize(_Meta):
    """The record's stored size in bytes."""

    _op = _ExprOp.META_RECORD_SIZE
    _rt = ResultType.INTEGER


class LastUpdateTime(_Meta):
    """The record's last-update time, in nanoseconds since the Unix epoch."""

    _op = _ExprOp.META_LAST_UPDATE_TIME
    _rt = ResultType.INTEGER


class SinceUpdateTime(_Meta):
    """Milliseconds since the record was last updated."""

    _op = _ExprOp.META_SINCE_UPDATE_TIME
    _rt = ResultType.INTEGER


class VoidTime(_Meta):
    """The record's expiry in nanoseconds since the Unix epoch (-1: never)."""

    _op = _ExprOp.META_VOID_TIME
    _rt = ResultType.INTEGER


class TTL(_Meta):
    """The record's remaining time to live in seconds (-1: never expires)."""

    _op = _ExprOp.META_TTL
    _rt = ResultType.INTEGER


class IsTombstone(_Meta):
    """True if the record is a tombstone (false for live records)."""

    _op = _ExprOp.META_IS_TOMBSTONE
    _rt = ResultType.BOOLEAN


class DigestMod(_BaseExpr):
    """The record digest modulo `mod` (digest bytes 16..19, little-endian)."""

    _op = _ExprOp.META_DIGEST_MOD
    _rt = ResultType.INTEGER

    def __init__(self, mod: int):
        self._fixed = {_Keys.VALUE_KEY: mod}


# Bin values, each read as one expression type.


class _Bin(_BaseExpr):
    """The value of a bin, read as ``_rt`` (unknown if missing or of another type)."""

    _op = _ExprOp.BIN

    def __init__(self, bin: str):
        self._fixed = {_Keys.BIN_KEY: bin}


class BoolBin(_Bin):
    """A boolean bin."""

    _rt = ResultType.BOOLEAN


class IntBin(_Bin):
    """An integer bin."""

    _rt = ResultType.INTEGER


class StrBin(_Bin):
    """A string bin."""

    _rt = ResultType.STRING


class FloatBin(_Bin):
    """A float bin."""

    _rt = ResultType.FLOAT


class BlobBin(_Bin):
    """A bytes (blob) bin."""

    _rt = ResultType.BLOB


class GeoBin(_Bin):
    """A GeoJSON bin."""

    _rt = ResultType.GEOJSON


class ListBin(_Bin):
    """A list bin."""

    _rt = ResultType.LIST


class MapBin(_Bin):
    """A map bin."""

    _rt = ResultType.MAP


class HLLBin(_Bin):
    """A HyperLogLog bin."""

    _rt = ResultType.HLL


class BinExists(_Bin):
    """True if the bin exists (sent as ``BinType(bin) != 0``)."""

    _op = _ExprOp.BIN_EXISTS
    _rt = ResultType.BOOLEAN


class BinType(_Bin):
    """The bin's particle type (``aerospike.AS_BYTES_*``), 0 if missing."""

    _op = _ExprOp.BIN_TYPE
    _rt = ResultType.INTEGER


# Comparisons of two values of the same type.


class _Compare(_BaseExpr):
    def __init__(self, expr0: "TypeComparisonArg", expr1: "TypeComparisonArg"):
        self._children = (expr0, expr1)


class Eq(_Compare):
    """``expr0 == expr1``."""

    _op = _ExprOp.EQ


class NE(_Compare):
    """``expr0 != expr1``."""

    _op = _ExprOp.NE


class GT(_Compare):
    """``expr0 > expr1``."""

    _op = _ExprOp.GT


class GE(_Compare):
    """``expr0 >= expr1``."""

    _op = _ExprOp.GE


class LT(_Compare):
    """``expr0 < expr1``."""

    _op = _ExprOp.LT


class LE(_Compare):
    """``expr0 <= expr1``."""

    _op = _ExprOp.LE


class CmpRegex(_BaseExpr):
    """True if the string `cmp_str` matches the POSIX regex `regex_str`.

    `options` is a combination of the ``aerospike.REGEX_*`` flags.
    """

    _op = _ExprOp.CMP_REGEX

    def __init__(self, options: int, regex_str: str, cmp_str: Union[_BaseExpr, str]):
        self._fixed = {_Keys.REGEX_OPTIONS_KEY: options, _Keys.VALUE_KEY: regex_str}
        self._children = (cmp_str,)


class CmpGeo(_BaseExpr):
    """True if the GeoJSON region `expr0` and the GeoJSON `expr1` match.

    A point is tested for being within a region, a region for containing a
    point. `GeoJSON` operands are sent as GeoJSON values.
    """

    _op = _ExprOp.CMP_GEO

    def __init__(self, expr0: "TypeGeo", expr1: "TypeGeo"):
        self._children = (expr0, expr1)


# Boolean logic and conditions.


class Not(_BaseExpr):
    """Boolean NOT of the expression."""

    _op = _ExprOp.NOT

    def __init__(self, *exprs: _BaseExpr):
        self._children = exprs


class And(_BaseExpr):
    """True if every expression is true."""

    _op = _ExprOp.AND

    def __init__(self, *exprs: _BaseExpr):
        self._children = _va_args(exprs)


class Or(_BaseExpr):
    """True if any expression is true."""

    _op = _ExprOp.OR

    def __init__(self, *exprs: _BaseExpr):
        self._children = _va_args(exprs)


class Exclusive(_BaseExpr):
    """True if exactly one expression is true."""

    _op = _ExprOp.EXCLUSIVE

    def __init__(self, *exprs: _BaseExpr):
        self._children = _va_args(exprs)


class Cond(_BaseExpr):
    """``Cond(bool1, value1, bool2, value2, ..., default)``: the first true case wins."""

    _op = _ExprOp.COND

    def __init__(self, *exprs: _BaseExpr):
        self._children = _va_args(exprs)


# Variables: definitions, uses and the loop variables of path operations.


class Let(_BaseExpr):
    """``Let(Def(name, expr), ..., body)``: define variables, then evaluate `body`."""

    _op = _ExprOp.LET

    def __init__(self, *exprs: _BaseExpr):
        self._children = _va_args(exprs)


class Def(_BaseExpr):
    """A variable definition inside `Let`."""

    _op = _ExprOp.DEF

    def __init__(self, var_name: str, expr: _BaseExpr):
        self._fixed = {_Keys.VALUE_KEY: var_name}
        self._children = (expr,)


class Var(_BaseExpr):
    """The value of a variable defined by an enclosing `Let`."""

    _op = _ExprOp.VAR

    def __init__(self, var_name: str):
        self._fixed = {_Keys.VALUE_KEY: var_name}


class LoopVar(_BaseExpr):
    """The current element of a path operation (server 8.1 or later).

    `var_id` is ``aerospike.EXP_LOOPVAR_KEY``, ``_VALUE`` or ``_INDEX``; the
    subclasses give the value's type.
    """

    def __init__(self, var_id: int):
        self._fixed = {_Keys.VALUE_KEY: var_id}


class LoopVarMap(LoopVar):
    """A loop variable holding a map."""

    _op = _constants._AS_EXP_LOOPVAR_MAP


class LoopVarList(LoopVar):
    """A loop variable holding a list."""

    _op = _constants._AS_EXP_LOOPVAR_LIST


class LoopVarStr(LoopVar):
    """A loop variable holding a string."""

    _op = _constants._AS_EXP_LOOPVAR_STR


class LoopVarFloat(LoopVar):
    """A loop variable holding a float."""

    _op = _constants._AS_EXP_LOOPVAR_FLOAT


class LoopVarInt(LoopVar):
    """A loop variable holding an int."""

    _op = _constants._AS_EXP_LOOPVAR_INT


class LoopVarBlob(LoopVar):
    """A loop variable holding bytes."""

    _op = _constants._AS_EXP_LOOPVAR_BLOB


class LoopVarBool(LoopVar):
    """A loop variable holding a boolean."""

    _op = _constants._AS_EXP_LOOPVAR_BOOL


class LoopVarNil(LoopVar):
    """A loop variable holding nil."""

    _op = _constants._AS_EXP_LOOPVAR_NIL


class LoopVarGeoJson(LoopVar):
    """A loop variable holding GeoJSON."""

    _op = _constants._AS_EXP_LOOPVAR_GEOJSON


class LoopVarHLL(LoopVar):
    """A loop variable holding a HyperLogLog."""

    _op = _constants._AS_EXP_LOOPVAR_HLL


# Path operations, which need server 8.1 or later.


class SelectByPath(_BaseExpr):
    """Select the elements of the CDT `bin` matched by the context path `ctx`.

    `flags` is ``aerospike.EXP_PATH_SELECT_*``; `value_type` is the
    `ResultType` of the result. `bin` must be an expression (a plain str
    is passed as a literal, as in the reference client).
    """

    _op = _constants._AS_EXP_CODE_CALL_SELECT

    def __init__(self, ctx: list, value_type: ResultType, flags: int, bin: _BaseExpr):
        self._fixed = {
            _Keys.VALUE_TYPE_KEY: value_type,
            _Keys.CTX_KEY: ctx,
            _constants._CDT_FLAGS_KEY: flags,
        }
        self._children = (bin,)


class ModifyByPath(_BaseExpr):
    """Return the CDT `bin` with the elements matched by `ctx` replaced by `mod_exp`.

    `flags` is ``aerospike.EXP_PATH_MODIFY_*``. `mod_exp` is stored as
    given (a compiled expression is expected) under the ``mod_exp`` key.
    """

    _op = _constants._AS_EXP_CODE_CALL_APPLY

    def __init__(
        self,
        ctx: list,
        value_type: ResultType,
        mod_exp,
        flags: int,
        bin: _BaseExpr,
    ):
        self._fixed = {
            _Keys.VALUE_TYPE_KEY: value_type,
            _Keys.CTX_KEY: ctx,
            _constants._CDT_FLAGS_KEY: flags,
            _constants._CDT_APPLY_MOD_EXP_KEY: mod_exp,
        }
        self._children = (bin,)
