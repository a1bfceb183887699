"""The expression builder's machinery: op codes, node classes and `compile()`.

Every expression class of this package is a `_BaseExpr` that sets three
things: ``_op`` (a Python-side op code, see `_ExprOp`), ``_rt`` (a result
type or None) and ``_fixed`` (a dict of non-expression arguments, or None),
plus ``_children``: the argument expressions, where a plain Python value
stands for a literal. `_BaseExpr.compile` flattens the tree, pre-order,
into a list of 4-tuples ``(op, rt, fixed, n_children)``; a literal child
becomes ``(_ExprOp.VAL, None, {"val": value}, 0)``. The C binding
(``convert_expressions``) consumes exactly that list and writes the wire
form (protocol.md section 8); users only pass it on, as a policy's
``"expressions"`` or to the expression operations.
"""

from typing import Any, Optional, Union


class _ExprOp:
    """Python-side op codes of compiled expression nodes.

    Most equal the wire codes. The ones that differ, or exist only in
    Python, are rewritten by the binding: the META_* group (e.g.
    ``META_SINCE_UPDATE_TIME`` 71 is wire 67), ``BIN_EXISTS`` (wire
    ``NE(BIN_TYPE(bin), 0)``), ``DEF`` (a name/value pair of LET), the CDT
    policy pseudo-children 139-144, ``_AS_EXP_BIT_FLAGS`` (an int argument),
    ``END_OF_VA_ARGS`` (closes a variadic argument list) and ``VAL`` /
    ``_AS_EXP_CODE_AS_VAL`` (literals).
    """

    UNKNOWN = 0

    EQ = 1
    NE = 2
    GT = 3
    GE = 4
    LT = 5
    LE = 6

    CMP_REGEX = 7
    CMP_GEO = 8

    AND = 16
    OR = 17
    NOT = 18
    EXCLUSIVE = 19

    ADD = 20
    SUB = 21
    MUL = 22
    DIV = 23
    POW = 24
    LOG = 25
    MOD = 26
    ABS = 27
    FLOOR = 28
    CEIL = 29

    TO_INT = 30
    TO_FLOAT = 31

    INT_AND = 32
    INT_OR = 33
    INT_XOR = 34
    INT_NOT = 35
    INT_LSHIFT = 36
    INT_RSHIFT = 37
    INT_ARSHIFT = 38
    INT_COUNT = 39
    INT_LSCAN = 40
    INT_RSCAN = 41

    MIN = 50
    MAX = 51

    META_DIGEST_MOD = 64
    META_DEVICE_SIZE = 65
    META_LAST_UPDATE_TIME = 66
    META_VOID_TIME = 67
    META_TTL = 68
    META_SET_NAME = 69
    META_KEY_EXISTS = 70
    META_SINCE_UPDATE_TIME = 71
    META_IS_TOMBSTONE = 72
    META_MEMORY_SIZE = 73
    META_RECORD_SIZE = 74

    REC_KEY = 80
    BIN = 81
    BIN_TYPE = 82
    BIN_EXISTS = 83

    COND = 123
    VAR = 124
    LET = 125
    DEF = 126

    _AS_EXP_CODE_AS_VAL = 128
    _AS_EXP_CODE_CALL_VOP_START = 139
    _AS_EXP_CODE_CDT_LIST_CRMOD = 140
    _AS_EXP_CODE_CDT_LIST_MOD = 141
    _AS_EXP_CODE_CDT_MAP_CRMOD = 142
    _AS_EXP_CODE_CDT_MAP_CR = 143
    _AS_EXP_CODE_CDT_MAP_MOD = 144

    _AS_EXP_CODE_END_OF_VA_ARGS = 150

    _TRUE = 151
    _FALSE = 152

    _AS_EXP_BIT_FLAGS = 153

    VAL = 200


class ResultType:
    """Expression value types (the wire's expression types)."""

    NIL = 0
    BOOLEAN = 1
    INTEGER = 2
    STRING = 3
    LIST = 4
    MAP = 5
    BLOB = 6
    FLOAT = 7
    GEOJSON = 8
    HLL = 9


class ReturnType:
    """Flags OR-ed into a CDT return type."""

    LIST_RETURN_INVERTED = 0x10000
    MAP_RETURN_INVERTED = 0x10000


class _Keys:
    """Keys of the ``fixed`` dicts of compiled nodes."""

    VALUE_TYPE_KEY = "value_type"
    BIN_KEY = "bin"
    RETURN_TYPE_KEY = "return_type"
    CTX_KEY = "ctx"
    VALUE_KEY = "val"
    LIST_POLICY_KEY = "list_policy"
    MAP_POLICY_KEY = "map_policy"
    LIST_ORDER_KEY = "list_order"
    REGEX_OPTIONS_KEY = "regex_options"


TypeResultType = Optional[int]
TypeFixedEle = Union[int, float, str, bytes, dict]
TypeFixed = Optional[dict[str, TypeFixedEle]]
TypeCompiledOp = tuple[int, TypeResultType, TypeFixed, int]
TypeExpression = list[TypeCompiledOp]


class _AtomExpr:
    """The root of the expression classes."""

    _op = 0

    def compile(self) -> "TypeExpression":
        raise NotImplementedError


TypeChild = Union[int, float, str, bytes, _AtomExpr]
TypeChildren = tuple[TypeChild, ...]
TypeAny = Union[_AtomExpr, Any]


class _BaseExpr(_AtomExpr):
    """An expression node: ``_op``, ``_rt``, ``_fixed`` and ``_children``.

    Subclasses set ``_op`` / ``_rt`` as class attributes and ``_fixed`` /
    ``_children`` in ``__init__``. The arithmetic operators are overloaded
    on the left operand (``+ - * / // ** %``, ``abs``, ``math.floor``,
    ``math.ceil``); chains of the same operator are flattened into one
    node, as in the reference client.
    """

    _op = 0
    _rt = None
    _fixed = None
    _children = ()

    def _get_op(self) -> "TypeCompiledOp":
        return (self._op, self._rt, self._fixed, len(self._children))

    def _vop(self, v) -> "TypeCompiledOp":
        return (_ExprOp.VAL, None, {_Keys.VALUE_KEY: v}, 0)

    def compile(self) -> "TypeExpression":
        """Return the flat, pre-order list of ``(op, rt, fixed, n_children)`` nodes."""
        compiled = []
        pending = [self]
        while pending:
            node = pending.pop()
            if isinstance(node, _BaseExpr):
                compiled.append(node._get_op())
                pending.extend(reversed(node._children))
            else:
                compiled.append(self._vop(node))
        return compiled

    def _overload_op_unary(self, op_type):
        return _create_operator_expression(_operands(self, op_type), (), op_type)

    def _overload_op(self, right, op_type):
        return _create_operator_expression(
            _operands(self, op_type), _operands(right, op_type), op_type
        )

    def _overload_op_va_args(self, right, op_type):
        return _create_operator_expression(
            _va_operands(self, op_type),
            _va_operands(right, op_type) + (_operator_end(),),
            op_type,
        )

    def __abs__(self):
        return self._overload_op_unary(_ExprOp.ABS)

    def __floor__(self):
        return self._overload_op_unary(_ExprOp.FLOOR)

    def __ceil__(self):
        return self._overload_op_unary(_ExprOp.CEIL)

    def __add__(self, right):
        return self._overload_op_va_args(right, _ExprOp.ADD)

    def __sub__(self, right):
        return self._overload_op_va_args(right, _ExprOp.SUB)

    def __mul__(self, right):
        return self._overload_op_va_args(right, _ExprOp.MUL)

    def __truediv__(self, right):
        return self._overload_op_va_args(right, _ExprOp.DIV)

    def __floordiv__(self, right):
        return self._overload_op_va_args(right, _ExprOp.DIV)._overload_op_unary(_ExprOp.FLOOR)

    def __pow__(self, right):
        return self._overload_op(right, _ExprOp.POW)

    def __mod__(self, right):
        return self._overload_op(right, _ExprOp.MOD)


class _GenericExpr(_BaseExpr):
    """A node given directly by its op, result type and fixed dict."""

    def __init__(self, op: "_ExprOp", rt: "TypeResultType", fixed: "TypeFixed"):
        self._op = op
        self._rt = rt
        self._fixed = fixed


def _is_end(child):
    return isinstance(child, _BaseExpr) and child._op == _ExprOp._AS_EXP_CODE_END_OF_VA_ARGS


def _operands(expr, op_type):
    """Return `expr`'s children if it is an `op_type` node (to flatten), else ``(expr,)``."""
    if isinstance(expr, _BaseExpr) and expr._op == op_type:
        return tuple(expr._children)
    return (expr,)


def _va_operands(expr, op_type):
    """Like `_operands`, without the END_OF_VA_ARGS marker of a flattened node."""
    if isinstance(expr, _BaseExpr) and expr._op == op_type:
        children = tuple(expr._children)
        return children[:-1] if children and _is_end(children[-1]) else children
    return (expr,)


def _operator_end():
    """The END_OF_VA_ARGS marker of a node made by an operator overload."""
    end = _BaseExpr()
    end._op = _ExprOp._AS_EXP_CODE_END_OF_VA_ARGS
    return end


def _va_end():
    """The END_OF_VA_ARGS marker of a variadic class such as `Add` or `And`."""
    return _GenericExpr(_ExprOp._AS_EXP_CODE_END_OF_VA_ARGS, 0, {})


def _va_args(args):
    """Return the children of a variadic node: `args` then the END marker."""
    return tuple(args) + (_va_end(),)


def _create_operator_expression(
    left_children: "TypeChildren", right_children: "TypeChildren", op_type: int
):
    """Return the node an operator overload builds: `op_type` over both child lists."""
    expr = _BaseExpr()
    expr._op = op_type
    expr._children = tuple(left_children) + tuple(right_children)
    return expr
