"""Shared setup of the CDT, bit and HLL expression classes (`list`, `map`,
`bitwise`, `hll`).

All of them compile to a CALL on a bin: ``_fixed`` carries the return type,
value type, context and policy the binding needs to build the op payload,
and ``_children`` are the op's arguments followed by the bin expression. A
bin given as a plain value (normally a str) is wrapped as the matching
``*Bin`` expression.
"""

from aerospike._types import CDTInfinite
from aerospike_helpers.expressions.resources import (
    ReturnType,
    _BaseExpr,
    _ExprOp,
    _GenericExpr,
    _Keys,
)


def as_bin(bin, bin_class):
    """Return `bin` as an expression: itself, or ``bin_class(bin)``."""
    return bin if isinstance(bin, _BaseExpr) else bin_class(bin)


def inverted_return_type(return_type, inverted):
    """Return `return_type`, with the INVERTED flag if `inverted` is true."""
    if inverted:
        return_type |= ReturnType.LIST_RETURN_INVERTED
    return return_type


def setup(expr, bin, bin_class, args, ctx, fixed=None):
    """Set up a CDT read or remove node.

    `fixed` holds the node's other fixed entries (return type, value type,
    list order); ``ctx`` is added when not None.
    """
    fixed = {} if fixed is None else fixed
    if ctx is not None:
        fixed[_Keys.CTX_KEY] = ctx
    expr._fixed = fixed
    expr._children = tuple(args) + (as_bin(bin, bin_class),)


def setup_write(expr, bin, bin_class, args, ctx, policy, policy_key, policy_op):
    """Set up a CDT write node (append, insert, put, increment, ...).

    The policy goes both into ``_fixed`` and into a pseudo-child of op
    `policy_op` (one of ``_ExprOp._AS_EXP_CODE_CDT_*``), placed before the
    bin; the binding turns that child into the op's order/flags arguments.
    """
    fixed = {}
    if ctx is not None:
        fixed[_Keys.CTX_KEY] = ctx
    policy_fixed = {}
    if policy is not None:
        fixed[policy_key] = policy
        policy_fixed[policy_key] = policy
    policy_node = _GenericExpr(policy_op, 0, policy_fixed)
    expr._fixed = fixed
    expr._children = tuple(args) + (policy_node, as_bin(bin, bin_class))


def flags_node(flags):
    """Return the int-argument node of bit flags (policy, resize, overflow); None is 0."""
    return _GenericExpr(
        _ExprOp._AS_EXP_BIT_FLAGS, 0, {_Keys.VALUE_KEY: 0 if flags is None else flags}
    )


def policy_flags(policy, key):
    """Return ``policy[key]``, or 0 when there is no policy or no such key."""
    if policy is not None and key in policy:
        return policy[key]
    return 0


def infinite_if_none(end):
    """Return `end`, or ``CDTInfinite()`` (an open range end) when it is None."""
    return CDTInfinite() if end is None else end


def returning(return_type, inverted=False):
    """Return the fixed entries of a node selecting by `return_type`."""
    return {_Keys.RETURN_TYPE_KEY: inverted_return_type(return_type, inverted)}


def returning_typed(return_type, value_type):
    """Return the fixed entries of a single-item read that declares `value_type`."""
    return {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
