"""Blob (bit) expressions: read or locally modify a bytes bin inside an expression.

Each class compiles to a CALL on the blob (op id ``aerospike.OP_BIT_*``).
The bit-policy write flags (``policy["bit_write_flags"]``, 0 without a
policy), the resize flags and the overflow action are children of op
``_ExprOp._AS_EXP_BIT_FLAGS`` (153) holding ``{"val": int}``; the binding
sends them as plain int arguments. `bin` is a blob expression or a bin
name. Offsets and sizes are in bits except the ``byte_*`` arguments.
"""

from typing import Any, Optional, Union

import aerospike
from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import BlobBin
from aerospike_helpers.expressions.resources import _BaseExpr

TypeBitValue = Union[bytes, bytearray]
TypeBinName = Union[_BaseExpr, str]
TypePolicy = Optional[dict[str, Any]]


def _policy(policy):
    """Return the node carrying the bit policy's write flags."""
    return _cdt.flags_node(_cdt.policy_flags(policy, "bit_write_flags"))


def _blob(bin):
    return _cdt.as_bin(bin, BlobBin)


class BitResize(_BaseExpr):
    """Resize the blob to `byte_size` bytes; `flags` is ``aerospike.BIT_RESIZE_*``."""

    _op = aerospike.OP_BIT_RESIZE

    def __init__(self, policy: "TypePolicy", byte_size: int, flags: int, bin: "TypeBinName"):
        self._children = (byte_size, _policy(policy), _cdt.flags_node(flags), _blob(bin))


class BitInsert(_BaseExpr):
    """Insert the bytes `value` at `byte_offset`."""

    _op = aerospike.OP_BIT_INSERT

    def __init__(
        self, policy: "TypePolicy", byte_offset: int, value: "TypeBitValue", bin: "TypeBinName"
    ):
        self._children = (byte_offset, value, _policy(policy), _blob(bin))


class BitRemove(_BaseExpr):
    """Remove `byte_size` bytes at `byte_offset`."""

    _op = aerospike.OP_BIT_REMOVE

    def __init__(self, policy: "TypePolicy", byte_offset: int, byte_size: int, bin: "TypeBinName"):
        self._children = (byte_offset, byte_size, _policy(policy), _blob(bin))


class BitSet(_BaseExpr):
    """Overwrite the bit range with the bits of `value`."""

    _op = aerospike.OP_BIT_SET

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: "TypeBitValue",
        bin: "TypeBinName",
    ):
        self._children = (bit_offset, bit_size, value, _policy(policy), _blob(bin))


class BitOr(_BaseExpr):
    """OR the bits of `value` into the bit range."""

    _op = aerospike.OP_BIT_OR

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: "TypeBitValue",
        bin: "TypeBinName",
    ):
        self._children = (bit_offset, bit_size, value, _policy(policy), _blob(bin))


class BitXor(_BaseExpr):
    """XOR the bits of `value` into the bit range."""

    _op = aerospike.OP_BIT_XOR

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: "TypeBitValue",
        bin: "TypeBinName",
    ):
        self._children = (bit_offset, bit_size, value, _policy(policy), _blob(bin))


class BitAnd(_BaseExpr):
    """AND the bits of `value` into the bit range."""

    _op = aerospike.OP_BIT_AND

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: "TypeBitValue",
        bin: "TypeBinName",
    ):
        self._children = (bit_offset, bit_size, value, _policy(policy), _blob(bin))


class BitNot(_BaseExpr):
    """Invert the bit range."""

    _op = aerospike.OP_BIT_NOT

    def __init__(self, policy: "TypePolicy", bit_offset: int, bit_size: int, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, _policy(policy), _blob(bin))


class BitLeftShift(_BaseExpr):
    """Shift the bit range left by `shift` bits."""

    _op = aerospike.OP_BIT_LSHIFT

    def __init__(
        self, policy: "TypePolicy", bit_offset: int, bit_size: int, shift: int, bin: "TypeBinName"
    ):
        self._children = (bit_offset, bit_size, shift, _policy(policy), _blob(bin))


class BitRightShift(_BaseExpr):
    """Shift the bit range right by `shift` bits."""

    _op = aerospike.OP_BIT_RSHIFT

    def __init__(
        self, policy: "TypePolicy", bit_offset: int, bit_size: int, shift: int, bin: "TypeBinName"
    ):
        self._children = (bit_offset, bit_size, shift, _policy(policy), _blob(bin))


class BitAdd(_BaseExpr):
    """Add `value` to the range read as an unsigned int.

    `action` is ``aerospike.BIT_OVERFLOW_*``.
    """

    _op = aerospike.OP_BIT_ADD

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: int,
        action: int,
        bin: "TypeBinName",
    ):
        self._children = (
            bit_offset,
            bit_size,
            value,
            _policy(policy),
            _cdt.flags_node(action),
            _blob(bin),
        )


class BitSubtract(_BaseExpr):
    """Subtract `value` from the range read as an unsigned int.

    `action` is ``aerospike.BIT_OVERFLOW_*``.
    """

    _op = aerospike.OP_BIT_SUBTRACT

    def __init__(
        self,
        policy: "TypePolicy",
        bit_offset: int,
        bit_size: int,
        value: int,
        action: int,
        bin: "TypeBinName",
    ):
        self._children = (
            bit_offset,
            bit_size,
            value,
            _policy(policy),
            _cdt.flags_node(action),
            _blob(bin),
        )


class BitSetInt(_BaseExpr):
    """Store the low `bit_size` bits of the int `value` in the range."""

    _op = aerospike.OP_BIT_SET_INT

    def __init__(
        self, policy: "TypePolicy", bit_offset: int, bit_size: int, value: int, bin: "TypeBinName"
    ):
        self._children = (bit_offset, bit_size, value, _policy(policy), _blob(bin))


class BitGet(_BaseExpr):
    """The bit range as bytes."""

    _op = aerospike.OP_BIT_GET

    def __init__(self, bit_offset: int, bit_size: int, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, _blob(bin))


class BitCount(_BaseExpr):
    """The number of set bits in the range."""

    _op = aerospike.OP_BIT_COUNT

    def __init__(self, bit_offset: int, bit_size: int, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, _blob(bin))


class BitLeftScan(_BaseExpr):
    """The position of the first bit equal to `value` in the range, or -1."""

    _op = aerospike.OP_BIT_LSCAN

    def __init__(self, bit_offset: int, bit_size: int, value: bool, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, value, _blob(bin))


class BitRightScan(_BaseExpr):
    """The position of the last bit equal to `value` in the range, or -1."""

    _op = aerospike.OP_BIT_RSCAN

    def __init__(self, bit_offset: int, bit_size: int, value: bool, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, value, _blob(bin))


class BitGetInt(_BaseExpr):
    """The range as an int, sign-extended if `sign` is true."""

    _op = aerospike.OP_BIT_GET_INT

    def __init__(self, bit_offset: int, bit_size: int, sign: bool, bin: "TypeBinName"):
        self._children = (bit_offset, bit_size, 1 if sign else 0, _blob(bin))
