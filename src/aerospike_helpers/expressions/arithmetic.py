"""Arithmetic expressions: Add, Sub, Mul, Div, Pow, Log, Mod, Abs, Floor,
Ceil, ToInt, ToFloat, Min, Max.

The server requires all operands of one node to be ints, or all floats.
`_BaseExpr` also maps the Python operators ``+ - * / // ** %``, ``abs()``,
``math.floor()`` and ``math.ceil()`` onto these nodes.
"""

from typing import Union

from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _va_args

TypeNumber = Union[_BaseExpr, int, float]
TypeFloat = Union[_BaseExpr, float]
TypeInteger = Union[_BaseExpr, int]


class Add(_BaseExpr):
    """The sum of the arguments."""

    _op = _ExprOp.ADD

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)


class Sub(_BaseExpr):
    """The first argument minus the others (one argument: its negation)."""

    _op = _ExprOp.SUB

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)


class Mul(_BaseExpr):
    """The product of the arguments."""

    _op = _ExprOp.MUL

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)


class Div(_BaseExpr):
    """The first argument divided by the others (one argument: its reciprocal)."""

    _op = _ExprOp.DIV

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)


class Pow(_BaseExpr):
    """`base` raised to `exponent` (floats)."""

    _op = _ExprOp.POW

    def __init__(self, base: "TypeFloat", exponent: "TypeFloat"):
        self._children = (base, exponent)


class Log(_BaseExpr):
    """The logarithm of `num` in `base` (floats)."""

    _op = _ExprOp.LOG

    def __init__(self, num: "TypeFloat", base: "TypeFloat"):
        self._children = (num, base)


class Mod(_BaseExpr):
    """`numerator` modulo `denominator` (ints)."""

    _op = _ExprOp.MOD

    def __init__(self, numerator: "TypeInteger", denominator: "TypeInteger"):
        self._children = (numerator, denominator)


class _Unary(_BaseExpr):
    def __init__(self, value: "TypeNumber"):
        self._children = (value,)


class Abs(_Unary):
    """The absolute value of a number."""

    _op = _ExprOp.ABS


class Floor(_Unary):
    """A float rounded down."""

    _op = _ExprOp.FLOOR


class Ceil(_Unary):
    """A float rounded up."""

    _op = _ExprOp.CEIL


class ToInt(_Unary):
    """A float truncated to an int."""

    _op = _ExprOp.TO_INT


class ToFloat(_Unary):
    """An int converted to a float."""

    _op = _ExprOp.TO_FLOAT


class Min(_BaseExpr):
    """The smallest argument."""

    _op = _ExprOp.MIN

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)


class Max(_BaseExpr):
    """The largest argument."""

    _op = _ExprOp.MAX

    def __init__(self, *args: "TypeNumber"):
        self._children = _va_args(args)
