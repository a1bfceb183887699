# Filter and operation expressions (protocol.md section 8, operations.md section 3i): compiles
# the msgpack expression tree into nodes and evaluates them with three-valued logic.
# record.py uses compile_filter() for field 43; ops.py sends ops 7/8 to read_op/modify_op;
# cdt/path.py evaluates loop-variable expressions through compile_expression().

import math
import re

from .errors import BIN_EXISTS, BIN_NOT_FOUND, OP_NOT_APPLICABLE, PARAMETER, AsError
from .msgpack import INF, WILDCARD, Blob, CList, Ext, GeoJSON, MsgpackError, Unpacker
from .values import (
    P_BLOB,
    P_BOOL,
    P_FLOAT,
    P_GEOJSON,
    P_HLL,
    P_INTEGER,
    P_LIST,
    P_MAP,
    P_STRING,
    compare,
    to_particle,
    to_value,
    wrap_int64,
)


class _Unknown:
    def __repr__(self):
        return "UNKNOWN"


UNK = _Unknown()


class _RemoveMarker:
    def __repr__(self):
        return "REMOVE"


REMOVE = _RemoveMarker()

# Expression value types (protocol.md section 8).
T_NIL, T_BOOL, T_INT, T_STR, T_LIST, T_MAP, T_BLOB, T_FLOAT, T_GEO, T_HLL = range(10)
T_ANY = None

_PARTICLE_OF_TYPE = {
    T_BOOL: (P_BOOL,),
    T_INT: (P_INTEGER,),
    T_STR: (P_STRING,),
    T_LIST: (P_LIST,),
    T_MAP: (P_MAP,),
    T_BLOB: (P_BLOB,),
    T_FLOAT: (P_FLOAT,),
    T_GEO: (P_GEOJSON,),
    T_HLL: (P_HLL,),
}


class Env:
    """What an expression can see: the record (through an OpContext) and LET variables."""

    __slots__ = ("ctx", "vars", "loop")

    def __init__(self, ctx, variables=None, loop=None):
        self.ctx = ctx
        self.vars = variables or {}
        self.loop = loop


class Node:
    """A compiled expression node: fn(env) gives a value or UNK; t is its static type."""

    __slots__ = ("fn", "t")

    def __init__(self, fn, t=T_ANY):
        self.fn = fn
        self.t = t


def _bad():
    raise AsError(PARAMETER)


def type_of_value(v):
    if v is None:
        return T_NIL
    t = type(v)
    if t is bool:
        return T_BOOL
    if t is int:
        return T_INT
    if t is float:
        return T_FLOAT
    if t is str:
        return T_STR
    if t is GeoJSON:
        return T_GEO
    if isinstance(v, list):
        return T_LIST
    if isinstance(v, dict):
        return T_MAP
    if isinstance(v, (bytes, bytearray)):
        return T_HLL if getattr(v, "subtype", P_BLOB) == P_HLL else T_BLOB
    return T_ANY


def _const(v):
    return Node(lambda env: v, type_of_value(v))


# ---------------------------------------------------------------------------
# Compilation.


def _read_raw_str(u):
    b = u._byte()
    if 0xA0 <= b <= 0xBF:
        n = b & 0x1F
    elif b == 0xD9:
        n = u._uint(1)
    elif b == 0xDA:
        n = u._uint(2)
    elif b == 0xDB:
        n = u._uint(4)
    else:
        raise AsError(PARAMETER)
    return bytes(u._take(n))


def _peek(u):
    if u.pos >= u.end:
        raise AsError(PARAMETER)
    return u.buf[u.pos]


def _is_array(b):
    return 0x90 <= b <= 0x9F or b in (0xDC, 0xDD)


def compile_node(u, scope):
    """Compiles one expression from the unpacker; `scope` is the set of LET names visible."""
    b = _peek(u)
    if not _is_array(b):
        v = u.unpack()
        return _const(v)
    n = u.read_array_header()
    if n == 0:
        _bad()
    code = u.unpack()
    if type(code) is not int:
        _bad()
    builder = _BUILDERS.get(code)
    if builder is None:
        _bad()
    return builder(u, n - 1, scope, code)


def _args(u, n, scope):
    return [compile_node(u, scope) for _ in range(n)]


def _unknown(u, n, scope, code):
    for _ in range(n):
        u.skip()
    return Node(lambda env: UNK, T_ANY)


def _cmp_builder(u, n, scope, code):
    if n != 2:
        _bad()
    a, b = _args(u, 2, scope)
    if a.t in (T_GEO, T_HLL) or b.t in (T_GEO, T_HLL):
        _bad()
    if a.t is not T_ANY and b.t is not T_ANY and a.t != b.t:
        if not ({a.t, b.t} <= {T_INT, T_FLOAT}):
            _bad()
    test = {
        1: lambda r: r == 0,
        2: lambda r: r != 0,
        3: lambda r: r > 0,
        4: lambda r: r >= 0,
        5: lambda r: r < 0,
        6: lambda r: r <= 0,
    }[code]
    fa, fb = a.fn, b.fn

    def fn(env):
        x = fa(env)
        if x is UNK:
            return UNK
        y = fb(env)
        if y is UNK:
            return UNK
        if type(x) in (int, float) and type(y) in (int, float) and type(x) is not bool:
            r = (x > y) - (x < y)
        else:
            r = compare(x, y)
        return test(r)

    return Node(fn, T_BOOL)


def _posix_to_python(pattern, extended):
    # Translates a POSIX regex to Python syntax; basic regexes swap the meaning of escapes.
    out = []
    i = 0
    special_bre = "+?|(){}"
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if not extended and nxt in "(){}|+?":
                out.append(nxt)
            else:
                out.append("\\" + nxt)
            i += 2
            continue
        if not extended and ch in special_bre:
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _regex_builder(u, n, scope, code):
    if n != 3:
        _bad()
    flags = u.unpack()
    pattern = _read_raw_str(u)
    target = compile_node(u, scope)
    if type(flags) is not int or target.t not in (T_STR, T_ANY):
        _bad()
    pyflags = 0
    if flags & 2:
        pyflags |= re.IGNORECASE
    if flags & 4:
        pyflags |= re.MULTILINE
    try:
        rx = re.compile(
            _posix_to_python(pattern.decode("utf-8", "surrogateescape"), flags & 1), pyflags
        )
    except re.error:
        _bad()
    fn_t = target.fn

    def fn(env):
        s = fn_t(env)
        if s is UNK or type(s) is not str:
            return UNK
        return rx.search(s) is not None

    return Node(fn, T_BOOL)


def _geo_builder(u, n, scope, code):
    if n != 2:
        _bad()
    a, b = _args(u, 2, scope)

    def fn(env):
        x, y = a.fn(env), b.fn(env)
        if x is UNK or y is UNK:
            return UNK
        from .geo import geo_compare

        return geo_compare(x, y)

    return Node(fn, T_BOOL)


def _in_list_builder(u, n, scope, code):
    if n != 2:
        _bad()
    v, lst = _args(u, 2, scope)

    def fn(env):
        x, items = v.fn(env), lst.fn(env)
        if x is UNK or items is UNK or not isinstance(items, list):
            return UNK
        return any(compare(x, it) == 0 for it in items)

    return Node(fn, T_BOOL)


def _logic_builder(u, n, scope, code):
    args = _args(u, n, scope)
    if code == 18:
        if n != 1:
            _bad()
    elif n < 2:
        _bad()
    for a in args:
        if a.t not in (T_BOOL, T_ANY):
            _bad()
    fns = [a.fn for a in args]
    if code == 16:

        def fn(env):
            unk = False
            for f in fns:
                r = f(env)
                if r is False:
                    return False
                if r is not True:
                    unk = True
            return UNK if unk else True

    elif code == 17:

        def fn(env):
            unk = False
            for f in fns:
                r = f(env)
                if r is True:
                    return True
                if r is not False:
                    unk = True
            return UNK if unk else False

    elif code == 18:
        f0 = fns[0]

        def fn(env):
            r = f0(env)
            return UNK if r is UNK else (not r)

    else:

        def fn(env):
            count = 0
            for f in fns:
                r = f(env)
                if r is UNK or type(r) is not bool:
                    return UNK
                count += r
            return count == 1

    return Node(fn, T_BOOL)


def _num_type(args, allow_float=True, allow_int=True):
    ts = {a.t for a in args if a.t is not T_ANY}
    if len(ts) > 1:
        _bad()
    t = ts.pop() if ts else T_ANY
    if t is not T_ANY and t not in ((T_INT,) if allow_int else ()) + (
        (T_FLOAT,) if allow_float else ()
    ):
        _bad()
    return t


def _values(fns, env):
    out = []
    for f in fns:
        v = f(env)
        if v is UNK or type(v) not in (int, float):
            return None
        out.append(v)
    if len({type(v) for v in out}) > 1:
        return None
    return out


def _arith_builder(u, n, scope, code):
    args = _args(u, n, scope)
    if n < 1:
        _bad()
    fns = [a.fn for a in args]
    if code in (24, 25):
        if n != 2:
            _bad()
        t = _num_type(args, allow_int=False)
    elif code == 26:
        if n != 2:
            _bad()
        t = _num_type(args, allow_float=False)
    else:
        t = _num_type(args)

    def fn(env):
        vals = _values(fns, env)
        if vals is None:
            return UNK
        is_int = type(vals[0]) is int
        if code == 20:
            r = sum(vals)
        elif code == 21:
            r = -vals[0] if len(vals) == 1 else vals[0] - sum(vals[1:])
        elif code == 22:
            r = 1
            for v in vals:
                r = r * v
        elif code == 23:
            if len(vals) == 1:
                vals = [1 if is_int else 1.0] + vals
            r = vals[0]
            for v in vals[1:]:
                if is_int:
                    if v == 0:
                        return UNK
                    q = abs(r) // abs(v)
                    r = q if (r >= 0) == (v >= 0) else -q
                else:
                    try:
                        r = r / v
                    except ZeroDivisionError:
                        r = math.copysign(math.inf, r) * math.copysign(1, v) if r else math.nan
        elif code == 24:
            try:
                r = math.pow(vals[0], vals[1])
            except (OverflowError, ValueError):
                return UNK
        elif code == 25:
            try:
                r = math.log(vals[0], vals[1])
            except (ValueError, ZeroDivisionError):
                return UNK
        elif code == 26:
            if vals[1] == 0:
                return UNK
            r = int(math.fmod(vals[0], vals[1]))
        elif code == 50:
            r = min(vals)
        else:
            r = max(vals)
        return wrap_int64(r) if is_int else float(r)

    return Node(fn, t)


def _unary_num_builder(u, n, scope, code):
    if n != 1:
        _bad()
    (a,) = _args(u, 1, scope)
    want = {27: None, 28: T_FLOAT, 29: T_FLOAT, 30: T_FLOAT, 31: T_INT}[code]
    if want is not None and a.t not in (want, T_ANY):
        _bad()
    out_t = {27: a.t, 28: T_FLOAT, 29: T_FLOAT, 30: T_INT, 31: T_FLOAT}[code]
    f = a.fn

    def fn(env):
        v = f(env)
        if v is UNK or type(v) not in (int, float):
            return UNK
        if code == 27:
            return wrap_int64(abs(v)) if type(v) is int else abs(v)
        if type(v) is not (float if code in (28, 29, 30) else int):
            return UNK
        if code == 28:
            return float(math.floor(v)) if math.isfinite(v) else v
        if code == 29:
            return float(math.ceil(v)) if math.isfinite(v) else v
        if code == 30:
            if not math.isfinite(v):
                return UNK
            return wrap_int64(int(v))
        return float(v)

    return Node(fn, out_t)


def _int_builder(u, n, scope, code):
    args = _args(u, n, scope)
    fns = [a.fn for a in args]
    if code in (32, 33, 34) and n < 1:
        _bad()
    if code in (35, 39) and n != 1:
        _bad()
    if code in (36, 37, 38, 40, 41) and n != 2:
        _bad()

    def fn(env):
        vals = [f(env) for f in fns]
        if any(v is UNK for v in vals):
            return UNK
        if code in (40, 41):
            if type(vals[0]) is not int or type(vals[1]) is not bool:
                return UNK
        elif any(type(v) is not int for v in vals):
            return UNK
        x = vals[0] & 0xFFFFFFFFFFFFFFFF
        if code == 32:
            for v in vals[1:]:
                x &= v
        elif code == 33:
            for v in vals[1:]:
                x |= v & 0xFFFFFFFFFFFFFFFF
        elif code == 34:
            for v in vals[1:]:
                x ^= v & 0xFFFFFFFFFFFFFFFF
        elif code == 35:
            x = ~x
        elif code == 36:
            x = x << (vals[1] & 63) if 0 <= vals[1] < 64 else 0
        elif code == 37:
            x = x >> vals[1] if 0 <= vals[1] < 64 else 0
        elif code == 38:
            s = vals[1] if 0 <= vals[1] < 64 else 63
            return vals[0] >> s
        elif code == 39:
            return bin(x).count("1")
        elif code == 40:
            for i in range(64):
                if bool((x >> (63 - i)) & 1) == vals[1]:
                    return i
            return -1
        elif code == 41:
            for i in range(63, -1, -1):
                if bool((x >> (63 - i)) & 1) == vals[1]:
                    return i
            return -1
        return wrap_int64(x)

    return Node(fn, T_INT)


def _meta_builder(u, n, scope, code):
    args = [u.unpack() for _ in range(n)]
    if code == 64:
        if len(args) != 1 or type(args[0]) is not int or args[0] == 0:
            _bad()
        mod = args[0]

        def fn(env):
            d = env.ctx.digest
            return int.from_bytes(d[16:20], "little") % mod

        return Node(fn, T_INT)
    fns = {
        65: (lambda env: 0, T_INT),
        66: (_last_update, T_INT),
        67: (_since_update, T_INT),
        68: (_void_time, T_INT),
        69: (_ttl, T_INT),
        70: (lambda env: (env.ctx.set_name or b"").decode("utf-8", "replace"), T_STR),
        71: (lambda env: env.ctx.key is not None, T_BOOL),
        72: (lambda env: False, T_BOOL),
        73: (lambda env: 0, T_INT),
        74: (_record_size, T_INT),
    }
    fn, t = fns[code]
    return Node(fn, t)


def _last_update(env):
    rec = env.ctx.rec
    return rec.lut if rec is not None else 0


def _since_update(env):
    rec = env.ctx.rec
    if rec is None:
        return 0
    return max(0, (env.ctx.clock.time_ns() - rec.lut) // 1000000)


def _void_time(env):
    rec = env.ctx.rec
    if rec is None or not rec.void_time:
        return -1
    return (rec.void_time + 1262304000) * 1000000000


def _ttl(env):
    rec = env.ctx.rec
    if rec is None or not rec.void_time:
        return -1
    return max(0, rec.void_time - env.ctx.clock.cl_now())


def _record_size(env):
    rec = env.ctx.rec
    return rec.size() if rec is not None else 0


def _key_builder(u, n, scope, code):
    if n != 1:
        _bad()
    t = u.unpack()
    want = {T_INT: 1, T_STR: 3, T_BLOB: 4}.get(t)
    if want is None:
        _bad()

    def fn(env):
        key = env.ctx.key
        if not key or key[0] != want:
            return UNK
        if want == 1:
            return int.from_bytes(key[1:9], "big", signed=True)
        if want == 3:
            return key[1:].decode("utf-8", "surrogateescape")
        return Blob(key[1:])

    return Node(fn, t)


def _bin_builder(u, n, scope, code):
    if n != 2:
        _bad()
    t = u.unpack()
    name = _read_raw_str(u)
    if type(t) is not int or t not in _PARTICLE_OF_TYPE:
        _bad()
    accepted = _PARTICLE_OF_TYPE[t]

    def fn(env):
        p = env.ctx.bins.get(name)
        if p is None or p[0] not in accepted:
            return UNK
        return to_value(p)

    return Node(fn, t)


def _bin_type_builder(u, n, scope, code):
    if n != 1:
        _bad()
    name = _read_raw_str(u)

    def fn(env):
        p = env.ctx.bins.get(name)
        return 0 if p is None else p[0]

    return Node(fn, T_INT)


def _remove_builder(u, n, scope, code):
    for _ in range(n):
        u.skip()
    return Node(lambda env: REMOVE, T_ANY)


def _map_keys_values_builder(u, n, scope, code):
    if n != 1:
        _bad()
    (m,) = _args(u, 1, scope)

    def fn(env):
        v = m.fn(env)
        if not isinstance(v, dict):
            return UNK
        return list(v.keys()) if code == 101 else list(v.values())

    return Node(fn, T_LIST)


def _loopvar_builder(u, n, scope, code):
    # [122, kind] or [122, value type, kind].
    if n not in (1, 2):
        _bad()
    args = [u.unpack() for _ in range(n)]
    kind = args[-1]

    def fn(env):
        if env.loop is None:
            return UNK
        return env.loop[kind] if kind in env.loop else UNK

    return Node(fn, T_ANY)


def _cond_builder(u, n, scope, code):
    if n < 3 or n % 2 == 0:
        _bad()
    args = _args(u, n, scope)
    conds = [args[i].fn for i in range(0, n - 1, 2)]
    vals = [args[i].fn for i in range(1, n - 1, 2)]
    default = args[-1].fn
    for i in range(0, n - 1, 2):
        if args[i].t not in (T_BOOL, T_ANY):
            _bad()
    types = {a.t for a in args[1::2] + [args[-1]] if a.t is not T_ANY}
    if len(types) > 1:
        _bad()
    t = types.pop() if types else T_ANY

    def fn(env):
        for c, v in zip(conds, vals):
            r = c(env)
            if r is UNK:
                return UNK
            if r is True:
                return v(env)
        return default(env)

    return Node(fn, t)


_NAME_RE = re.compile(rb"^[A-Za-z_][A-Za-z0-9_]*$")


def _var_builder(u, n, scope, code):
    if n != 1:
        _bad()
    name = _read_raw_str(u)
    if name not in scope:
        _bad()
    return Node(lambda env: env.vars.get(name, UNK), scope[name])


def _let_builder(u, n, scope, code):
    if n < 3 or n % 2 == 0:
        _bad()
    inner = dict(scope)
    defs = []
    for _ in range((n - 1) // 2):
        name = _read_raw_str(u)
        if not _NAME_RE.match(name) or name in inner:
            _bad()
        node = compile_node(u, inner)
        inner[name] = node.t
        defs.append((name, node.fn))
    body = compile_node(u, inner)
    bfn = body.fn

    def fn(env):
        saved = env.vars
        env.vars = dict(saved)
        try:
            for name, f in defs:
                env.vars[name] = f(env)
            return bfn(env)
        finally:
            env.vars = saved

    return Node(fn, body.t)


def _quote_builder(u, n, scope, code):
    if n != 1:
        _bad()
    v = u.unpack()
    if not isinstance(v, list):
        _bad()
    return _const(v)


def _call_builder(u, n, scope, code):
    if n != 4:
        _bad()
    rtype = u.unpack()
    system = u.unpack()
    if type(rtype) is not int or type(system) is not int:
        _bad()
    op = _compile_call_payload(u, scope)
    target = compile_node(u, scope)
    base = system & ~0x40
    modify = bool(system & 0x40)
    if base not in (0, 1, 2):
        _bad()

    def fn(env):
        v = target.fn(env)
        if v is UNK:
            return UNK
        code_, args, ctx = op(env)
        if code_ is UNK:
            return UNK
        try:
            if base == 0:
                from .cdt import expr_call
            elif base == 1:
                from .bits import expr_call
            else:
                from .hll import expr_call
            r = expr_call(v, code_, args, ctx, modify)
        except AsError:
            return UNK
        if r is None or (rtype is not None and type_of_value(r) not in (rtype, T_ANY)):
            if not (rtype == T_BLOB and isinstance(r, (bytes, bytearray))):
                return UNK
        return r

    return Node(fn, rtype)


def _compile_call_payload(u, scope):
    # The op array of a CALL: [code, arg exps...] or [0xff, ctx, [code, arg exps...]].
    n = u.read_array_header()
    if n == 0:
        _bad()
    code = u.unpack()
    ctx_fn = None
    if code == 0xFF:
        if n != 3:
            _bad()
        ctx_fn = _compile_ctx(u, scope)
        n = u.read_array_header()
        if n == 0:
            _bad()
        code = u.unpack()
    args = _args(u, n - 1, scope)
    arg_fns = [a.fn for a in args]

    def fn(env):
        vals = []
        for f in arg_fns:
            v = f(env)
            if v is UNK:
                return UNK, None, None
            vals.append(v)
        ctx = ctx_fn(env) if ctx_fn is not None else None
        return code, vals, ctx

    return fn


def _compile_ctx(u, scope):
    n = u.read_array_header()
    items = []
    for _ in range(n // 2):
        ctype = u.unpack()
        if type(ctype) is not int:
            _bad()
        if ctype & 0x0F == 0x04:
            items.append((ctype, compile_node(u, scope)))
        else:
            items.append((ctype, compile_node(u, scope)))
    if n % 2:
        _bad()

    def fn(env):
        out = []
        for ctype, node in items:
            if ctype & 0x0F == 0x04:
                out.append((ctype, node))
            else:
                out.append((ctype, node.fn(env)))
        return out

    return fn


_BUILDERS = {0: _unknown}
for _c in range(1, 7):
    _BUILDERS[_c] = _cmp_builder
_BUILDERS.update({7: _regex_builder, 8: _geo_builder, 9: _in_list_builder})
for _c in (16, 17, 18, 19):
    _BUILDERS[_c] = _logic_builder
for _c in (20, 21, 22, 23, 24, 25, 26, 50, 51):
    _BUILDERS[_c] = _arith_builder
for _c in (27, 28, 29, 30, 31):
    _BUILDERS[_c] = _unary_num_builder
for _c in range(32, 42):
    _BUILDERS[_c] = _int_builder
for _c in range(64, 75):
    _BUILDERS[_c] = _meta_builder
_BUILDERS.update(
    {
        80: _key_builder,
        81: _bin_builder,
        82: _bin_type_builder,
        100: _remove_builder,
        101: _map_keys_values_builder,
        102: _map_keys_values_builder,
        122: _loopvar_builder,
        123: _cond_builder,
        124: _var_builder,
        125: _let_builder,
        126: _quote_builder,
        127: _call_builder,
    }
)


def compile_expression(data, top_level=True):
    """Compiles expression bytes; raises AsError(PARAMETER) when they are malformed."""
    u = Unpacker(data)
    try:
        node = compile_node(u, {})
    except MsgpackError:
        raise AsError(PARAMETER) from None
    except (IndexError, KeyError, TypeError, ValueError):
        raise AsError(PARAMETER) from None
    if top_level and not u.at_end():
        raise AsError(PARAMETER)
    return node


class Filter:
    """A compiled filter expression (field 43)."""

    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node

    def matches(self, ctx):
        """True, False, or None when the filter evaluates to unknown."""
        r = self.node.fn(Env(ctx))
        if r is True or r is False:
            return r
        return None


_FILTER_CACHE = {}


def compile_filter(data):
    data = bytes(data)
    f = _FILTER_CACHE.get(data)
    if f is None:
        node = compile_expression(data)
        if node.t not in (T_BOOL, T_ANY):
            raise AsError(PARAMETER)
        f = Filter(node)
        if len(_FILTER_CACHE) > 1000:
            _FILTER_CACHE.clear()
        _FILTER_CACHE[data] = f
    return f


def evaluate(node, ctx, loop=None):
    return node.fn(Env(ctx, loop=loop))


# ---------------------------------------------------------------------------
# Expression operations (wire ops 7 and 8): the value is msgpack [exp, flags].

F_CREATE_ONLY = 1
F_UPDATE_ONLY = 2
F_ALLOW_DELETE = 4
F_POLICY_NO_FAIL = 8
F_EVAL_NO_FAIL = 16


def _parse_exp_op(value):
    u = Unpacker(bytes(value))
    try:
        n = u.read_array_header()
        if n != 2:
            raise AsError(PARAMETER)
        node = compile_node(u, {})
        flags = u.unpack()
    except MsgpackError:
        raise AsError(PARAMETER) from None
    if type(flags) is not int or not u.at_end():
        raise AsError(PARAMETER)
    return node, flags


def _is_bin_value(v):
    return v is not UNK and v is not REMOVE and type(v) is not Ext


def read_op(ctx, name, value):
    node, flags = _parse_exp_op(value)
    if flags & ~F_EVAL_NO_FAIL:
        raise AsError(PARAMETER)
    r = node.fn(Env(ctx))
    if not _is_bin_value(r):
        if flags & F_EVAL_NO_FAIL:
            return None
        raise AsError(OP_NOT_APPLICABLE)
    return to_particle(r)


def modify_op(ctx, name, value):
    node, flags = _parse_exp_op(value)
    if flags & ~0x1F:
        raise AsError(PARAMETER)
    bins = ctx.bins
    exists = name in bins
    if flags & F_CREATE_ONLY and exists:
        if flags & F_POLICY_NO_FAIL:
            return None
        raise AsError(BIN_EXISTS)
    if flags & F_UPDATE_ONLY and not exists:
        if flags & F_POLICY_NO_FAIL:
            return None
        raise AsError(BIN_NOT_FOUND)
    r = node.fn(Env(ctx))
    if r is None:
        if flags & F_ALLOW_DELETE:
            bins.pop(name, None)
            return None
        if flags:
            return None
        raise AsError(OP_NOT_APPLICABLE)
    if not _is_bin_value(r):
        if flags & F_EVAL_NO_FAIL:
            return None
        raise AsError(OP_NOT_APPLICABLE)
    if len(name) > 15:
        raise AsError(PARAMETER)
    bins[name] = to_particle(r)
    return None


__all__ = [
    "compile_filter",
    "compile_expression",
    "evaluate",
    "read_op",
    "modify_op",
    "UNK",
    "REMOVE",
    "WILDCARD",
    "INF",
    "CList",
]
