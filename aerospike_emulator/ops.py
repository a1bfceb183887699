# Per-op execution for single-record commands: the basic ops (read, write, incr, append,
# prepend, touch, delete-all) and a registry that sends CDT, bit, HLL and expression ops to
# their own modules. record.py and batch.py call apply_op() once per op, in request order.

import importlib
import struct

from .errors import BIN_NAME, INCOMPATIBLE_TYPE, PARAMETER, AsError
from .values import P_BLOB, P_FLOAT, P_GEOJSON, P_INTEGER, P_NULL, P_STRING, wrap_int64
from .wire import (
    OP_APPEND,
    OP_BITS_MODIFY,
    OP_BITS_READ,
    OP_CDT_MODIFY,
    OP_CDT_READ,
    OP_DELETE_ALL,
    OP_EXP_MODIFY,
    OP_EXP_READ,
    OP_HLL_MODIFY,
    OP_HLL_READ,
    OP_INCR,
    OP_PREPEND,
    OP_READ,
    OP_TOUCH,
    OP_WRITE,
)

_Q = struct.Struct(">q")
_D = struct.Struct(">d")

READ_OPS = frozenset((OP_READ, OP_CDT_READ, OP_EXP_READ, OP_BITS_READ, OP_HLL_READ))
WRITE_OPS = frozenset(
    (
        OP_WRITE,
        OP_CDT_MODIFY,
        OP_INCR,
        OP_EXP_MODIFY,
        OP_APPEND,
        OP_PREPEND,
        OP_TOUCH,
        OP_BITS_MODIFY,
        OP_DELETE_ALL,
        OP_HLL_MODIFY,
    )
)

# Op type -> (module, function). Each handler is called as fn(ctx, name, value) and returns
# a result particle (type, bytes) or None; it reads and changes ctx.bins.
_MODULE_OPS = {
    OP_CDT_READ: ("cdt", "read_op"),
    OP_CDT_MODIFY: ("cdt", "modify_op"),
    OP_EXP_READ: ("expressions", "read_op"),
    OP_EXP_MODIFY: ("expressions", "modify_op"),
    OP_BITS_READ: ("bits", "read_op"),
    OP_BITS_MODIFY: ("bits", "modify_op"),
    OP_HLL_READ: ("hll", "read_op"),
    OP_HLL_MODIFY: ("hll", "modify_op"),
}
_resolved = {}


def module_handler(op):
    fn = _resolved.get(op)
    if fn is None:
        modname, fname = _MODULE_OPS[op]
        mod = importlib.import_module("aerospike_emulator." + modname)
        fn = getattr(mod, fname)
        _resolved[op] = fn
    return fn


class OpContext:
    """What an op sees: the working bins plus the record's metadata for expressions."""

    __slots__ = ("bins", "rec", "digest", "set_name", "key", "clock", "touched", "deleted", "msg")

    def __init__(self, bins, rec, digest, set_name, key, clock, msg):
        self.bins = bins
        self.rec = rec
        self.digest = digest
        self.set_name = set_name
        self.key = key
        self.clock = clock
        self.msg = msg
        self.touched = False
        self.deleted = False


def check_bin_name(name):
    if len(name) > 15:
        raise AsError(BIN_NAME)


def apply_op(ctx, op, ptype, name, value):
    """Runs one op against ctx.bins and returns its result particle or None."""
    bins = ctx.bins
    if op == OP_READ:
        return bins.get(name)
    if op == OP_WRITE:
        check_bin_name(name)
        if ptype == P_NULL:
            bins.pop(name, None)
        elif ptype == P_GEOJSON:
            from .geo import particle_for

            bins[name] = (ptype, particle_for(bytes(value)))
        else:
            bins[name] = (ptype, bytes(value))
        return None
    if op in _MODULE_OPS:
        return module_handler(op)(ctx, name, value)
    if op == OP_INCR:
        check_bin_name(name)
        _incr(bins, name, ptype, value)
        return None
    if op == OP_APPEND or op == OP_PREPEND:
        check_bin_name(name)
        if ptype not in (P_STRING, P_BLOB):
            raise AsError(PARAMETER)
        cur = bins.get(name)
        if cur is None:
            bins[name] = (ptype, bytes(value))
        elif cur[0] != ptype:
            raise AsError(INCOMPATIBLE_TYPE)
        elif op == OP_APPEND:
            bins[name] = (ptype, cur[1] + value)
        else:
            bins[name] = (ptype, bytes(value) + cur[1])
        return None
    if op == OP_TOUCH:
        ctx.touched = True
        return None
    if op == OP_DELETE_ALL:
        bins.clear()
        ctx.deleted = True
        return None
    raise AsError(PARAMETER)


def _incr(bins, name, ptype, value):
    if ptype == P_INTEGER:
        if len(value) != 8:
            raise AsError(PARAMETER)
        cur = bins.get(name)
        if cur is None:
            bins[name] = (P_INTEGER, bytes(value))
        elif cur[0] != P_INTEGER:
            raise AsError(INCOMPATIBLE_TYPE)
        else:
            total = _Q.unpack(cur[1])[0] + _Q.unpack(value)[0]
            bins[name] = (P_INTEGER, _Q.pack(wrap_int64(total)))
    elif ptype == P_FLOAT:
        if len(value) != 8:
            raise AsError(PARAMETER)
        cur = bins.get(name)
        if cur is None:
            bins[name] = (P_FLOAT, bytes(value))
        elif cur[0] != P_FLOAT:
            raise AsError(INCOMPATIBLE_TYPE)
        else:
            bins[name] = (P_FLOAT, _D.pack(_D.unpack(cur[1])[0] + _D.unpack(value)[0]))
    else:
        cur = bins.get(name)
        if cur is not None and cur[0] not in (P_INTEGER, P_FLOAT):
            raise AsError(INCOMPATIBLE_TYPE)
        raise AsError(PARAMETER)
