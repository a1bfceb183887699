# Select and modify by path (CDT op 0xFE, operations.md 3j): walks a context whose items may
# be expressions over every child, gathering the matched leaves or rewriting them with an
# expression. cdt/__init__.py calls select_path() and modify_path().

from ..errors import OP_NOT_APPLICABLE, PARAMETER, AsError
from ..values import P_LIST, P_MAP, to_particle, to_value
from . import CTX_EXP, _locate
from .lists import new_list
from .maps import new_map

MODE_TREE = 0
MODE_VALUES = 1
MODE_KEYS = 2
MODE_KEY_VALUES = 3
MODE_APPLY = 4
NO_FAIL = 0x10


def _children(container):
    if isinstance(container, list):
        return [(i, i, v) for i, v in enumerate(container)]
    return [(k, k, v) for k, v in container.items()]


def _matches(ctx, item, container, env_ctx):
    ctype, cval = item
    if ctype & 0x0F == CTX_EXP:
        from ..expressions import compile_expression, evaluate
        from ..msgpack import pack

        node = cval if hasattr(cval, "fn") else compile_expression(pack(cval) if not
                                                                     isinstance(cval, bytes)
                                                                     else cval)
        out = []
        for idx, (pos, key, v) in enumerate(_children(container)):
            loop = {0: key if isinstance(container, dict) else None, 1: v, 2: idx}
            if evaluate(node, env_ctx, loop) is True:
                out.append((pos, key))
        return out
    pos = _locate(container, ctype, cval)
    return [] if pos is None else [(pos, pos)]


def _walk(ctx, container, items, visit):
    # Calls visit(container, pos, key) for every leaf the path reaches.
    if not items:
        return
    for pos, key in _matches(ctx, items[0], container, ctx):
        child = container[pos]
        if len(items) == 1:
            visit(container, pos, key)
        elif isinstance(child, (list, dict)):
            _walk(ctx, child, items[1:], visit)


def select_path(ctx, particle, args, items):
    if particle[0] not in (P_LIST, P_MAP):
        raise AsError(12)
    flags = args[0]
    if type(flags) is not int:
        raise AsError(PARAMETER)
    mode = flags & 0x0F
    root = to_value(particle)
    out = []

    def visit(container, pos, key):
        v = container[pos]
        if mode == MODE_KEYS:
            out.append(key)
        elif mode == MODE_KEY_VALUES:
            out.extend([key, v])
        else:
            out.append(v)

    _walk(ctx, root, items, visit)
    return to_particle(out)


def modify_path(ctx, name, particle, args, items):
    if particle[0] not in (P_LIST, P_MAP):
        raise AsError(12)
    flags, exp = args
    if type(flags) is not int or exp is None:
        raise AsError(PARAMETER)
    from ..expressions import REMOVE, UNK, compile_expression, evaluate

    node = compile_expression(exp)
    root = to_value(particle)

    def rebuild(container, path_items):
        if not path_items:
            return container
        matched = _matches(ctx, path_items[0], container, ctx)
        if isinstance(container, list):
            items_ = list(container)
            drop = set()
            for idx, (pos, key) in enumerate(matched):
                child = items_[pos]
                if len(path_items) == 1:
                    r = evaluate(node, ctx, {0: None, 1: child, 2: pos})
                    if r is REMOVE:
                        drop.add(pos)
                    elif r is UNK:
                        if not flags & NO_FAIL:
                            raise AsError(OP_NOT_APPLICABLE)
                    else:
                        items_[pos] = r
                elif isinstance(child, (list, dict)):
                    items_[pos] = rebuild(child, path_items[1:])
            items_ = [x for i, x in enumerate(items_) if i not in drop]
            return new_list(items_, getattr(container, "flags", 0))
        pairs = list(container.items())
        keys = [k for k, _ in pairs]
        out = dict(pairs)
        for pos, key in matched:
            child = out[pos]
            if len(path_items) == 1:
                r = evaluate(node, ctx, {0: key, 1: child, 2: keys.index(pos)})
                if r is REMOVE:
                    del out[pos]
                elif r is UNK:
                    if not flags & NO_FAIL:
                        raise AsError(OP_NOT_APPLICABLE)
                else:
                    out[pos] = r
            elif isinstance(child, (list, dict)):
                out[pos] = rebuild(child, path_items[1:])
        return new_map(list(out.items()), getattr(container, "flags", 0))

    ctx.bins[name] = to_particle(rebuild(root, items))
    return None
