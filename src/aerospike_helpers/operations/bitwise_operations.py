"""Bitwise (blob) operations for ``client.operate``.

Each function returns an op dict with ``"op": aerospike.OP_BIT_*``. Offsets
and sizes are in bits (bit 0 is the high bit of byte 0), except the
``byte_*`` arguments. Every modify helper includes ``policy`` (a bit policy
dict with ``bit_write_flags``, or None); the read helpers have none.

`value_byte_size` is deprecated, as in the reference client: the binding
sends that many bytes of `value`, so keep it equal to ``len(value)``.
"""

import warnings

import aerospike
from aerospike_helpers.operations._opdict import op_dict

BIN_KEY = "bin"
BYTE_SIZE_KEY = "byte_size"
BYTE_OFFSET_KEY = "byte_offset"
BIT_OFFSET_KEY = "bit_offset"
BIT_SIZE_KEY = "bit_size"
VALUE_BYTE_SIZE_KEY = "value_byte_size"
VALUE_KEY = "value"
COUNT_KEY = "count"
INDEX_KEY = "index"
KEY_KEY = "key"
OFFSET_KEY = "offset"
OP_KEY = "op"
POLICY_KEY = "policy"
RESIZE_FLAGS_KEY = "resize_flags"
SIGN_KEY = "sign"
ACTION_KEY = "action"


_VALUE_BYTE_SIZE_DEPRECATED = (
    "value_byte_size is deprecated and will be removed in the next major client release"
)


def _warn_value_byte_size(stacklevel, message=_VALUE_BYTE_SIZE_DEPRECATED):
    """Warn about `value_byte_size`; `stacklevel` must point at the user's call."""
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)


def _bytes_op(op, bin_name, bit_offset, bit_size, value_byte_size, value, policy):
    """Build set / or / xor / and, which apply `value`'s bits to a range."""
    if op == aerospike.OP_BIT_XOR:
        # The reference client's bit_xor message ends with a period.
        _warn_value_byte_size(4, _VALUE_BYTE_SIZE_DEPRECATED + ".")
    else:
        _warn_value_byte_size(4)
    return op_dict(
        op,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value_byte_size=value_byte_size,
        value=value,
    )


def bit_resize(bin_name, byte_size, policy=None, resize_flags=0):
    """Resize the blob to `byte_size` bytes (``aerospike.BIT_RESIZE_*`` flags)."""
    return op_dict(
        aerospike.OP_BIT_RESIZE,
        bin_name,
        policy=policy,
        resize_flags=resize_flags,
        byte_size=byte_size,
    )


def bit_insert(bin_name, byte_offset, value_byte_size, value, policy=None):
    """Insert the bytes of `value` at `byte_offset`."""
    _warn_value_byte_size(3)
    return op_dict(
        aerospike.OP_BIT_INSERT,
        bin_name,
        byte_offset=byte_offset,
        value_byte_size=value_byte_size,
        value=value,
        policy=policy,
    )


def bit_remove(bin_name, byte_offset, byte_size, policy=None):
    """Remove `byte_size` bytes starting at `byte_offset`."""
    return op_dict(
        aerospike.OP_BIT_REMOVE,
        bin_name,
        policy=policy,
        byte_offset=byte_offset,
        byte_size=byte_size,
    )


def bit_set(bin_name, bit_offset, bit_size, value_byte_size, value, policy=None):
    """Overwrite `bit_size` bits at `bit_offset` with the bits of `value`."""
    return _bytes_op(
        aerospike.OP_BIT_SET, bin_name, bit_offset, bit_size, value_byte_size, value, policy
    )


def bit_or(bin_name, bit_offset, bit_size, value_byte_size, value, policy=None):
    """OR the bits of `value` into `bit_size` bits at `bit_offset`."""
    return _bytes_op(
        aerospike.OP_BIT_OR, bin_name, bit_offset, bit_size, value_byte_size, value, policy
    )


def bit_xor(bin_name, bit_offset, bit_size, value_byte_size, value, policy=None):
    """XOR the bits of `value` into `bit_size` bits at `bit_offset`."""
    return _bytes_op(
        aerospike.OP_BIT_XOR, bin_name, bit_offset, bit_size, value_byte_size, value, policy
    )


def bit_and(bin_name, bit_offset, bit_size, value_byte_size, value, policy=None):
    """AND the bits of `value` into `bit_size` bits at `bit_offset`."""
    return _bytes_op(
        aerospike.OP_BIT_AND, bin_name, bit_offset, bit_size, value_byte_size, value, policy
    )


def bit_not(bin_name, bit_offset, bit_size, policy=None):
    """Invert `bit_size` bits at `bit_offset`."""
    return op_dict(
        aerospike.OP_BIT_NOT, bin_name, bit_offset=bit_offset, bit_size=bit_size, policy=policy
    )


def bit_lshift(bin_name, bit_offset, bit_size, shift, policy=None):
    """Shift the bit range left by `shift` bits, filling with zeros."""
    return op_dict(
        aerospike.OP_BIT_LSHIFT,
        bin_name,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=shift,
        policy=policy,
    )


def bit_rshift(bin_name, bit_offset, bit_size, shift, policy=None):
    """Shift the bit range right by `shift` bits, filling with zeros."""
    return op_dict(
        aerospike.OP_BIT_RSHIFT,
        bin_name,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=shift,
        policy=policy,
    )


def _int_op(op, bin_name, bit_offset, bit_size, value, sign, action, policy):
    """Build add / subtract on the bit range read as an integer."""
    return op_dict(
        op,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=value,
        sign=sign,
        action=action,
    )


def bit_add(bin_name, bit_offset, bit_size, value, sign, action, policy=None):
    """Add `value` to the range; `action` is ``aerospike.BIT_OVERFLOW_*``."""
    return _int_op(
        aerospike.OP_BIT_ADD, bin_name, bit_offset, bit_size, value, sign, action, policy
    )


def bit_subtract(bin_name, bit_offset, bit_size, value, sign, action, policy=None):
    """Subtract `value` from the range; `action` is ``aerospike.BIT_OVERFLOW_*``."""
    return _int_op(
        aerospike.OP_BIT_SUBTRACT, bin_name, bit_offset, bit_size, value, sign, action, policy
    )


def bit_set_int(bin_name, bit_offset, bit_size, value, policy=None):
    """Store the low `bit_size` bits of the int `value` in the range."""
    return op_dict(
        aerospike.OP_BIT_SET_INT,
        bin_name,
        policy=policy,
        bit_offset=bit_offset,
        bit_size=bit_size,
        value=value,
    )


def bit_get(bin_name, bit_offset, bit_size):
    """Return the bit range as bytes (left-aligned)."""
    return op_dict(aerospike.OP_BIT_GET, bin_name, bit_offset=bit_offset, bit_size=bit_size)


def bit_count(bin_name, bit_offset, bit_size):
    """Return the number of set bits in the range."""
    return op_dict(aerospike.OP_BIT_COUNT, bin_name, bit_offset=bit_offset, bit_size=bit_size)


def bit_lscan(bin_name, bit_offset, bit_size, value):
    """Return the position of the first bit equal to the bool `value`, or -1."""
    return op_dict(
        aerospike.OP_BIT_LSCAN, bin_name, bit_offset=bit_offset, bit_size=bit_size, value=value
    )


def bit_rscan(bin_name, bit_offset, bit_size, value):
    """Return the position of the last bit equal to the bool `value`, or -1."""
    return op_dict(
        aerospike.OP_BIT_RSCAN, bin_name, bit_offset=bit_offset, bit_size=bit_size, value=value
    )


def bit_get_int(bin_name, bit_offset, bit_size, sign):
    """Return the range as an int, sign-extended if `sign` is True."""
    return op_dict(
        aerospike.OP_BIT_GET_INT, bin_name, bit_offset=bit_offset, bit_size=bit_size, sign=sign
    )
