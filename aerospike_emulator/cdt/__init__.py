# CDT ops on list and map bins (wire ops 3 and 4): decodes the op payload, walks the optional
# context (with create-on-miss), runs the list or map op and writes the bin back.
# ops.py calls read_op/modify_op; expressions.py calls expr_call for CALL system 0.

from ..errors import (
    ELEMENT_NOT_FOUND,
    INCOMPATIBLE_TYPE,
    OP_NOT_APPLICABLE,
    PARAMETER,
    AsError,
)
from ..msgpack import MsgpackError, Unpacker
from ..values import P_LIST, P_MAP, compare, sort_key, to_particle, to_value
from .lists import create_list_for, list_op, new_list
from .maps import create_map_for, map_op, new_map
from .select import NO_RESULT, norm_index, rank_order

CTX_LIST = 0x10
CTX_MAP = 0x20
CTX_EXP = 0x04


def parse_payload(value):
    """Returns (code, args, ctx items or None, path) from a CDT op payload."""
    u = Unpacker(bytes(value))
    try:
        n = u.read_array_header()
        if n == 0:
            raise AsError(PARAMETER)
        code = u.unpack()
        if code == 0xFE:
            ctx = u.unpack()
            flags = u.unpack()
            exp = u.skip() if n > 3 else None
            return code, [flags, exp], _ctx_pairs(ctx), True
        if code == 0xFF:
            if n != 3:
                raise AsError(PARAMETER)
            ctx = u.unpack()
            inner = u.unpack()
            if not isinstance(inner, list) or not inner:
                raise AsError(PARAMETER)
            return inner[0], inner[1:], _ctx_pairs(ctx), False
        args = [u.unpack() for _ in range(n - 1)]
    except MsgpackError:
        raise AsError(PARAMETER) from None
    if type(code) is not int or not u.at_end():
        raise AsError(PARAMETER)
    return code, args, None, False


def _ctx_pairs(ctx):
    if not isinstance(ctx, list) or not ctx or len(ctx) % 2:
        raise AsError(PARAMETER)
    out = []
    for i in range(0, len(ctx), 2):
        if type(ctx[i]) is not int:
            raise AsError(PARAMETER)
        out.append((ctx[i], ctx[i + 1]))
    return out


def is_list_code(code):
    return 0 <= code < 64


def run_op(container, code, args):
    if is_list_code(code):
        if not isinstance(container, list):
            raise AsError(INCOMPATIBLE_TYPE)
        return list_op(container, code, args)
    if not isinstance(container, dict):
        raise AsError(INCOMPATIBLE_TYPE)
    return map_op(container, code, args)


def _is_read(code):
    return 16 <= code <= 27 or 96 <= code <= 110


def _create_child(kind_flags, child_is_list):
    create = kind_flags & 0xC0
    if child_is_list:
        return new_list([], 1 if create == 0xC0 else 0)
    order = {0x40: 0, 0x80: 1, 0xC0: 3}.get(create, 0)
    return new_map([], order)


def _locate(container, ctype, cval):
    # Returns the position of the ctx element in the container, or None when missing.
    base = ctype & 0x0F
    kind = ctype & 0x30
    if base > 3 or kind not in (CTX_LIST, CTX_MAP):
        raise AsError(OP_NOT_APPLICABLE)
    if kind == CTX_LIST:
        if not isinstance(container, list):
            raise AsError(OP_NOT_APPLICABLE)
        n = len(container)
        if base == 0:
            if type(cval) is not int:
                raise AsError(PARAMETER)
            i = norm_index(cval, n)
            return i if 0 <= i < n else None
        if base == 1:
            i = norm_index(cval, n)
            return rank_order(container)[i] if 0 <= i < n else None
        if base == 3:
            for i, x in enumerate(container):
                if compare(x, cval) == 0:
                    return i
            return None
        raise AsError(OP_NOT_APPLICABLE)
    if not isinstance(container, dict):
        raise AsError(OP_NOT_APPLICABLE)
    keys = list(container.keys())
    n = len(keys)
    if base == 2:
        for k in keys:
            if compare(k, cval) == 0 and type(k) is type(cval):
                return k
        return None
    if base == 0:
        i = norm_index(cval, n)
        if not 0 <= i < n:
            return None
        return sorted(keys, key=sort_key)[i]
    if base == 1:
        i = norm_index(cval, n)
        if not 0 <= i < n:
            return None
        vals = list(container.values())
        return keys[rank_order(vals)[i]]
    for k, v in container.items():
        if compare(v, cval) == 0:
            return k
    return None


def _read_at(container, ctx_items):
    for ctype, cval in ctx_items:
        pos = _locate(container, ctype, cval)
        if pos is None:
            raise AsError(OP_NOT_APPLICABLE)
        container = container[pos]
    return container


def _modify_at(container, ctx_items, apply, op_is_list, leaf=None):
    # Returns (new container or None, result) after applying `apply` at the ctx path.
    if not ctx_items:
        return apply(container)
    ctype, cval = ctx_items[0]
    pos = _locate(container, ctype, cval)
    child_is_list = (
        (ctx_items[1][0] & 0x30) == CTX_LIST if len(ctx_items) > 1 else op_is_list
    )
    if pos is None:
        if not ctype & 0xC0:
            raise AsError(OP_NOT_APPLICABLE)
        if len(ctx_items) == 1 and leaf is not None:
            child = leaf()
        elif ctype & 0x30 == CTX_MAP:
            # A map key's create flag orders the map the key goes into; the new child takes
            # the flag of the context item that will look into it.
            child = _create_child(ctx_items[1][0], child_is_list)
        else:
            child = _create_child(ctype, child_is_list)
        if ctype & 0x30 == CTX_LIST:
            n = len(container)
            idx = cval if type(cval) is int else n
            if idx == -1 and n == 0:
                idx = 0
            ordered_parent = bool(getattr(container, "flags", 0) & 1)
            if not (idx == n or ordered_parent or (idx > n and ctype & 0xC0 == 0x80)):
                raise AsError(OP_NOT_APPLICABLE)
            new_child, result = _modify_at(child, ctx_items[1:], apply, op_is_list, leaf)
            items = list(container)
            if idx > n and not ordered_parent:
                items.extend([None] * (idx - n))
            items.append(new_child if new_child is not None else child)
            return new_list(items, getattr(container, "flags", 0)), result
        new_child, result = _modify_at(child, ctx_items[1:], apply, op_is_list, leaf)
        items = list(container.items())
        at = len(items)
        if ctype & 0x80:  # created as a key-ordered map: the key goes to its sorted place
            at = next((i for i, (k, _) in enumerate(items) if compare(k, cval) > 0), at)
        items.insert(at, (cval, new_child if new_child is not None else child))
        return new_map(items, getattr(container, "flags", 0)), result
    child = container[pos]
    new_child, result = _modify_at(child, ctx_items[1:], apply, op_is_list, leaf)
    if new_child is None:
        return None, result
    if isinstance(container, list):
        items = list(container)
        items[pos] = new_child
        return new_list(items, getattr(container, "flags", 0)), result
    items = [(k, new_child if k is pos else v) for k, v in container.items()]
    return new_map(items, getattr(container, "flags", 0)), result


def _result_particle(result):
    if result is NO_RESULT:
        return None
    return to_particle(result)


def read_op(ctx, name, value):
    code, args, ctx_items, path = parse_payload(value)
    p = ctx.bins.get(name)
    if p is None:
        return None
    if path:
        from .path import select_path

        return select_path(ctx, p, args, ctx_items)
    if not _is_read(code):
        raise AsError(PARAMETER)
    if p[0] not in (P_LIST, P_MAP):
        raise AsError(PARAMETER if ctx_items else INCOMPATIBLE_TYPE)
    root = to_value(p)
    target = _read_at(root, ctx_items) if ctx_items else root
    if ctx_items and isinstance(target, list) != is_list_code(code):
        raise AsError(PARAMETER if isinstance(target, (list, dict)) else OP_NOT_APPLICABLE)
    _, result = run_op(target, code, args)
    return _result_particle(result)


def modify_op(ctx, name, value):
    code, args, ctx_items, path = parse_payload(value)
    bins = ctx.bins
    p = bins.get(name)
    if path:
        from .path import modify_path

        if p is None:
            return None
        return modify_path(ctx, name, p, args, ctx_items)
    if _is_read(code):
        raise AsError(PARAMETER)
    op_is_list = is_list_code(code)
    if p is None:
        if ctx_items:
            first = ctx_items[0][0]
            if not first & 0xC0:
                raise AsError(OP_NOT_APPLICABLE)
            root = _create_child(first, (first & 0x30) == CTX_LIST)
            root = new_list([], 0) if isinstance(root, list) else new_map([], 0)
            root_created = True
        else:
            root = create_list_for(code, args) if op_is_list else create_map_for(code, args)
            if root is None:
                if code == 13:
                    raise AsError(INCOMPATIBLE_TYPE)
                if code in (69, 70):
                    raise AsError(ELEMENT_NOT_FOUND)
                return None
            root_created = True
    else:
        if p[0] not in (P_LIST, P_MAP):
            raise AsError(PARAMETER if ctx_items else INCOMPATIBLE_TYPE)
        root = to_value(p)
        root_created = False

    def apply(target):
        return run_op(target, code, args)

    def leaf():
        made = create_list_for(code, args) if op_is_list else create_map_for(code, args)
        return made if made is not None else (new_list([], 0) if op_is_list else new_map([], 0))

    if ctx_items:
        new_root, result = _modify_at(root, ctx_items, apply, op_is_list, leaf)
    else:
        if isinstance(root, list) != op_is_list:
            raise AsError(INCOMPATIBLE_TYPE)
        new_root, result = apply(root)
    if new_root is None and root_created:
        new_root = root
    if new_root is not None:
        bins[name] = to_particle(new_root)
    return _result_particle(result)


def expr_call(value, code, args, ctx_items, modify):
    """Runs a CDT op inside an expression; modify ops return the changed container."""
    if not isinstance(value, (list, dict)):
        raise AsError(INCOMPATIBLE_TYPE)
    items = ctx_items or []
    if modify:
        new, _ = _modify_at(value, items, lambda t: run_op(t, code, args), is_list_code(code))
        return value if new is None else new
    target = _read_at(value, items) if items else value
    _, result = run_op(target, code, args)
    return None if result is NO_RESULT else result
