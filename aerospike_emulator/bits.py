# Bitwise ops on blob bins (protocol.md 7f, operations.md 3g): resize, insert, remove, the
# bit-range logic ops, shifts, integer add/subtract/set and the reads. ops.py calls
# read_op/modify_op; expressions.py calls expr_call for CALL system 1.

from .errors import (
    BIN_EXISTS,
    BIN_NOT_FOUND,
    INCOMPATIBLE_TYPE,
    OP_NOT_APPLICABLE,
    PARAMETER,
    AsError,
)
from .msgpack import Blob
from .opargs import int_arg, op_args
from .values import P_BLOB, int_particle, wrap_int64

CREATE_ONLY = 1
UPDATE_ONLY = 2
NO_FAIL = 4
PARTIAL = 8

RESIZE_FROM_FRONT = 1
GROW_ONLY = 2
SHRINK_ONLY = 4

SIGNED = 1
SATURATE = 2
WRAP = 4

_ALLOWED = {
    0: CREATE_ONLY | UPDATE_ONLY | NO_FAIL,
    1: CREATE_ONLY | UPDATE_ONLY | NO_FAIL,
    2: UPDATE_ONLY | NO_FAIL | PARTIAL,
    10: UPDATE_ONLY | NO_FAIL,
    11: UPDATE_ONLY | NO_FAIL,
    12: UPDATE_ONLY | NO_FAIL,
}
for _c in range(3, 10):
    _ALLOWED[_c] = UPDATE_ONLY | NO_FAIL | PARTIAL


class _Quiet(Exception):
    """A NO_FAIL refusal: the op does nothing."""





def _buf(args, i):
    if i >= len(args) or not isinstance(args[i], (bytes, bytearray)) or len(args[i]) == 0:
        raise AsError(PARAMETER)
    return bytes(args[i])


def _fail(flags, code):
    if flags & NO_FAIL:
        raise _Quiet()
    raise AsError(code)


def _range(blob_len, bit_off, nbits, flags, allow_partial):
    # Resolves a bit range inside a blob of blob_len bytes; returns (offset, size).
    total = blob_len * 8
    if nbits <= 0:
        raise AsError(PARAMETER)
    if bit_off < 0:
        bit_off += total
        if bit_off < 0:
            raise AsError(PARAMETER)
    if bit_off >= total:
        _fail(flags, OP_NOT_APPLICABLE)
    if bit_off + nbits > total:
        if allow_partial and flags & PARTIAL:
            nbits = total - bit_off
        else:
            _fail(flags, OP_NOT_APPLICABLE)
    return bit_off, nbits


def _get(data, off, n):
    total = len(data) * 8
    return (int.from_bytes(data, "big") >> (total - off - n)) & ((1 << n) - 1)


def _put(data, off, n, value):
    total = len(data) * 8
    big = int.from_bytes(data, "big")
    shift = total - off - n
    mask = ((1 << n) - 1) << shift
    big = (big & ~mask) | ((value & ((1 << n) - 1)) << shift)
    return big.to_bytes(len(data), "big")


def _modify(data, code, args):
    """Returns the new blob bytes (data may be None for a missing bin)."""
    pol_index = {0: 1, 1: 2, 2: 2, 7: 2, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3}.get(code, 3)
    flags = int_arg(args, pol_index, 0) if len(args) > pol_index and args[pol_index] is not None \
        else 0
    if code not in _ALLOWED:
        raise AsError(PARAMETER)
    if flags & ~_ALLOWED[code] or (flags & CREATE_ONLY and flags & UPDATE_ONLY):
        raise AsError(PARAMETER)
    if data is not None and flags & CREATE_ONLY:
        _fail(flags, BIN_EXISTS)
    if data is None:
        if flags & UPDATE_ONLY or code not in (0, 1):
            _fail(flags, BIN_NOT_FOUND)
        data = b""
    if code == 0:
        size = int_arg(args, 0)
        rflags = int_arg(args, 2, 0)
        if size < 0 or rflags & ~7 or (rflags & GROW_ONLY and rflags & SHRINK_ONLY):
            raise AsError(PARAMETER)
        cur = len(data)
        if size < cur and rflags & GROW_ONLY or size > cur and rflags & SHRINK_ONLY:
            _fail(flags, PARAMETER)
        if size >= cur:
            pad = bytes(size - cur)
            return pad + data if rflags & RESIZE_FROM_FRONT else data + pad
        return data[cur - size :] if rflags & RESIZE_FROM_FRONT else data[:size]
    if code == 1:
        off = int_arg(args, 0)
        buf = _buf(args, 1)
        if off < 0:
            raise AsError(PARAMETER)
        if off > len(data):
            data = data + bytes(off - len(data))
        return data[:off] + buf + data[off:]
    if code == 2:
        off = int_arg(args, 0)
        size = int_arg(args, 1)
        if size <= 0:
            raise AsError(PARAMETER)
        if off < 0:
            off += len(data)
            if off < 0:
                raise AsError(PARAMETER)
        if off >= len(data):
            _fail(flags, PARAMETER)
        if off + size > len(data):
            if not flags & PARTIAL:
                _fail(flags, PARAMETER)
            size = len(data) - off
        return data[:off] + data[off + size :]
    bit_off = int_arg(args, 0)
    nbits = int_arg(args, 1)
    if code in (3, 4, 5, 6):
        buf = _buf(args, 2)
        if len(buf) * 8 < nbits:
            raise AsError(PARAMETER)
        off, n = _range(len(data), bit_off, nbits, flags, True)
        operand = int.from_bytes(buf, "big") >> (len(buf) * 8 - nbits)
        operand >>= nbits - n
        cur = _get(data, off, n)
        new = {3: operand, 4: cur | operand, 5: cur ^ operand, 6: cur & operand}[code]
        return _put(data, off, n, new)
    if code == 7:
        off, n = _range(len(data), bit_off, nbits, flags, True)
        return _put(data, off, n, ~_get(data, off, n))
    if code in (8, 9):
        shift = int_arg(args, 2)
        off, n = _range(len(data), bit_off, nbits, flags, True)
        cur = _get(data, off, n)
        new = (cur << shift) if code == 8 else (cur >> shift)
        return _put(data, off, n, new)
    if nbits > 64:
        raise AsError(PARAMETER)
    value = int_arg(args, 2)
    off, n = _range(len(data), bit_off, nbits, flags, False)
    if code == 12:
        return _put(data, off, n, value)
    action = int_arg(args, 4, 0)
    if action & ~7 or (action & SATURATE and action & WRAP):
        raise AsError(PARAMETER)
    signed = action & SIGNED
    cur = _get(data, off, n)
    if signed and cur >> (n - 1):
        cur -= 1 << n
    operand = value & 0xFFFFFFFFFFFFFFFF
    result = cur + operand if code == 10 else cur - operand
    lo, hi = (-(1 << (n - 1)), (1 << (n - 1)) - 1) if signed else (0, (1 << n) - 1)
    if not lo <= result <= hi:
        if action & SATURATE:
            result = hi if result > hi else lo
        elif action & WRAP:
            result &= (1 << n) - 1
        else:
            _fail(flags, OP_NOT_APPLICABLE)
    return _put(data, off, n, result)


def _read(data, code, args):
    bit_off = int_arg(args, 0)
    nbits = int_arg(args, 1)
    off, n = _range(len(data), bit_off, nbits, 0, False)
    cur = _get(data, off, n)
    if code == 50:
        nbytes = (n + 7) // 8
        return Blob((cur << (nbytes * 8 - n)).to_bytes(nbytes, "big"))
    if code == 51:
        return bin(cur).count("1")
    if code in (52, 53):
        if len(args) < 3 or type(args[2]) is not bool:
            raise AsError(PARAMETER)
        want = 1 if args[2] else 0
        positions = range(n) if code == 52 else range(n - 1, -1, -1)
        for i in positions:
            if (cur >> (n - 1 - i)) & 1 == want:
                return i
        return -1
    if code == 54:
        if n > 64:
            raise AsError(PARAMETER)
        if int_arg(args, 2, 0) and cur >> (n - 1):
            cur -= 1 << n
        return wrap_int64(cur)
    raise AsError(PARAMETER)


def modify_op(ctx, name, value):
    code, args = op_args(value)
    bins = ctx.bins
    p = bins.get(name)
    if p is not None and p[0] != P_BLOB:
        raise AsError(INCOMPATIBLE_TYPE)
    try:
        new = _modify(p[1] if p is not None else None, code, args)
    except _Quiet:
        return None
    bins[name] = (P_BLOB, new)
    return None


def read_op(ctx, name, value):
    code, args = op_args(value)
    p = ctx.bins.get(name)
    if p is None:
        return None
    if p[0] != P_BLOB:
        raise AsError(INCOMPATIBLE_TYPE)
    r = _read(p[1], code, args)
    if isinstance(r, Blob):
        return (P_BLOB, bytes(r))
    return int_particle(r)


def expr_call(value, code, args, ctx, modify):
    """Runs a bit op inside an expression on the blob `value`."""
    if not isinstance(value, (bytes, bytearray)):
        raise AsError(INCOMPATIBLE_TYPE)
    if modify:
        try:
            return Blob(_modify(bytes(value), code, list(args)))
        except _Quiet:
            return Blob(bytes(value))
    return _read(bytes(value), code, list(args))
