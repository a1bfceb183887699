"""Integer bit operators: IntAnd, IntOr, IntXOr, IntNot, shifts, popcount, scans.

They act on 64-bit integer expressions (not on blob bins; see `bitwise`).
"""

from typing import Union

from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _va_args

TypeInteger = Union[_BaseExpr, int]
TypeBool = Union[_BaseExpr, bool]


class IntAnd(_BaseExpr):
    """Bitwise AND of the integer arguments."""

    _op = _ExprOp.INT_AND

    def __init__(self, *exprs: "TypeInteger"):
        self._children = _va_args(exprs)


class IntOr(_BaseExpr):
    """Bitwise OR of the integer arguments."""

    _op = _ExprOp.INT_OR

    def __init__(self, *exprs: "TypeInteger"):
        self._children = _va_args(exprs)


class IntXOr(_BaseExpr):
    """Bitwise XOR of the integer arguments."""

    _op = _ExprOp.INT_XOR

    def __init__(self, *exprs: "TypeInteger"):
        self._children = _va_args(exprs)


class IntNot(_BaseExpr):
    """Bitwise NOT of an integer."""

    _op = _ExprOp.INT_NOT

    def __init__(self, expr: "TypeInteger"):
        self._children = (expr,)


class _Shift(_BaseExpr):
    def __init__(self, value: "TypeInteger", shift: "TypeInteger"):
        self._children = (value, shift)


class IntLeftShift(_Shift):
    """`value` shifted left by `shift` bits."""

    _op = _ExprOp.INT_LSHIFT


class IntRightShift(_Shift):
    """`value` shifted right by `shift` bits (logical: fills with zeros)."""

    _op = _ExprOp.INT_RSHIFT


class IntArithmeticRightShift(_Shift):
    """`value` shifted right by `shift` bits (arithmetic: keeps the sign)."""

    _op = _ExprOp.INT_ARSHIFT


class IntCount(_BaseExpr):
    """The number of set bits of an integer."""

    _op = _ExprOp.INT_COUNT

    def __init__(self, value: "TypeInteger"):
        self._children = (value,)


class _Scan(_BaseExpr):
    def __init__(self, value: "TypeInteger", search: "TypeBool"):
        self._children = (value, search)


class IntLeftScan(_Scan):
    """The position (from the most significant bit) of the first bit equal to `search`."""

    _op = _ExprOp.INT_LSCAN


class IntRightScan(_Scan):
    """The position (from the most significant bit) of the last bit equal to `search`."""

    _op = _ExprOp.INT_RSCAN
