# opargs.py: reading the `[code, args...]` msgpack payload of a bit, HLL or CDT op and
# its integer arguments, the same way for every op family. Called by bits.py, hll.py and
# cdt/select.py (whose helpers the list and map ops use).

from .errors import PARAMETER, AsError
from .msgpack import MsgpackError, Unpacker


def op_args(value, whole=True):
    """(code, [args]) of an op payload; result 4 when malformed. With `whole`, bytes after
    the array are refused as well."""
    u = Unpacker(bytes(value))
    try:
        n = u.read_array_header()
        code = u.unpack()
        args = [u.unpack() for _ in range(n - 1)]
    except MsgpackError:
        raise AsError(PARAMETER) from None
    if type(code) is not int or (whole and not u.at_end()):
        raise AsError(PARAMETER)
    return code, args


def int_arg(args, i, default=None):
    """The int argument at `i` (a bool is not one); `default` when absent, or result 4
    when there is no default."""
    if i >= len(args):
        if default is None:
            raise AsError(PARAMETER)
        return default
    v = args[i]
    if type(v) is not int:
        raise AsError(PARAMETER)
    return v
