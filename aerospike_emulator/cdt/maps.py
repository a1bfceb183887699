# Map ops (protocol.md 7e, operations.md 3f): run one map op on a Python dict value and
# return (new map or None when unchanged, result). Called by cdt/__init__.py for bin ops,
# context paths and CALL expressions.

from ..errors import ELEMENT_EXISTS, ELEMENT_NOT_FOUND, OP_NOT_APPLICABLE, PARAMETER, AsError
from ..msgpack import Blob, CMap
from ..values import compare, has_special, sort_key, wrap_int64
from ..opargs import int_arg
from .select import (
    NO_RESULT,
    RT_COUNT,
    RT_EXISTS,
    RT_INDEX,
    RT_KEY_VALUE,
    RT_ORDERED_MAP,
    RT_RANK,
    RT_REVERSE_INDEX,
    RT_REVERSE_RANK,
    RT_UNORDERED_MAP,
    Selection,
    build_result,
    check_rt,
    count_less,
    invert,
    norm_index,
    split_rt,
    value_in_interval,
    window,
)

CREATE_ONLY = 1
UPDATE_ONLY = 2
NO_FAIL = 4
PARTIAL = 8

READ_CODES = frozenset(range(96, 111))
CREATE_CODES = frozenset((64, 65, 66, 67, 68, 73, 74))


def map_flags(m):
    return getattr(m, "flags", 0)


def new_map(items, flags):
    """A map with the given order flags; ordered maps keep their keys sorted. The
    persist-index flag (0x10) only changes how a server stores the map, never what it
    answers, so it is not kept."""
    flags &= 0x03
    if flags & 3 == 2:
        flags &= ~3
    if flags & 1:
        return CMap(sorted(items, key=lambda kv: sort_key(kv[0])), flags)
    if flags:
        return CMap(items, flags)
    return dict(items)


def _check_key(k):
    if type(k) is int or type(k) is str:
        return
    if isinstance(k, Blob) and len(k) > 0:
        return
    raise AsError(PARAMETER)


def _put_unordered(items, k, v):
    # Unordered maps: a new key goes to its sorted place while the keys before are ascending.
    for i, (key, _) in enumerate(items):
        if compare(key, k) == 0:
            items[i] = (k, v)
            return
    prev = None
    for i, (key, _) in enumerate(items):
        if prev is not None and compare(key, prev) < 0:
            break
        if compare(key, k) > 0:
            items.insert(i, (k, v))
            return
        prev = key
    items.append((k, v))


def _find(items, k):
    for i, (key, _) in enumerate(items):
        if compare(key, k) == 0 and type(key) is type(k):
            return i
    return -1


def _orders(items):
    n = len(items)
    key_order = sorted(range(n), key=lambda i: sort_key(items[i][0]))
    index_of = [0] * n
    for idx, p in enumerate(key_order):
        index_of[p] = idx
    rank_order = sorted(range(n), key=lambda i: (sort_key(items[i][1]), index_of[i]))
    rank_of = [0] * n
    for r, p in enumerate(rank_order):
        rank_of[p] = r
    return key_order, index_of, rank_order, rank_of


_GET_BASE = {
    76: 97,
    77: 98,
    78: 99,
    79: 100,
    81: 107,
    82: 102,
    83: 108,
    84: 103,
    85: 104,
    86: 105,
    87: 106,
    88: 109,
    89: 110,
}


def _opt_count(args, i):
    if i >= len(args):
        return None
    if type(args[i]) is not int:
        raise AsError(PARAMETER)
    return args[i]


def _select(items, base, args, orders):
    key_order, index_of, rank_order, rank_of = orders
    n = len(items)
    keys = [k for k, _ in items]
    values = [v for _, v in items]
    if base == 97:
        if len(args) != 2:
            raise AsError(PARAMETER)
        i = _find(items, args[1])
        return Selection([i] if i >= 0 else [], True)
    if base == 98:
        i = norm_index(int_arg(args, 1), n)
        if not 0 <= i < n:
            raise AsError(OP_NOT_APPLICABLE)
        return Selection([key_order[i]], True)
    if base in (99, 102):
        if len(args) != 2:
            raise AsError(PARAMETER)
        return Selection([i for i, v in enumerate(values) if compare(v, args[1]) == 0])
    if base == 100:
        r = norm_index(int_arg(args, 1), n)
        if not 0 <= r < n:
            raise AsError(OP_NOT_APPLICABLE)
        return Selection([rank_order[r]], True)
    if base in (103, 105):
        if len(args) not in (2, 3):
            raise AsError(PARAMETER)
        has_end = len(args) == 3
        src = keys if base == 103 else values
        end = args[2] if has_end else None
        return Selection(
            [i for i, x in enumerate(src) if value_in_interval(x, args[1], end, has_end)]
        )
    if base in (104, 109):
        if base == 104:
            start, count = int_arg(args, 1), _opt_count(args, 2)
        else:
            if len(args) < 3:
                raise AsError(PARAMETER)
            start = count_less(keys, args[1]) + int_arg(args, 2)
            count = _opt_count(args, 3)
        start, count = window(start, count, n)
        return Selection(key_order[start : start + count], False, start, count, "key")
    if base in (106, 110):
        if base == 106:
            start, count = int_arg(args, 1), _opt_count(args, 2)
        else:
            if len(args) < 3:
                raise AsError(PARAMETER)
            start = count_less(values, args[1]) + int_arg(args, 2)
            count = _opt_count(args, 3)
        start, count = window(start, count, n)
        return Selection(rank_order[start : start + count], False, start, count, "rank")
    if base in (107, 108):
        if len(args) != 2 or not isinstance(args[1], list):
            raise AsError(PARAMETER)
        src = keys if base == 107 else values
        want = args[1]
        return Selection(
            [i for i, x in enumerate(src) if any(compare(x, w) == 0 for w in want)]
        )
    raise AsError(PARAMETER)


def _by_selector(m, code, args, modify):
    base = _GET_BASE.get(code, code)
    if not args:
        raise AsError(PARAMETER)
    rt, inverted = split_rt(args[0])
    items = list(m.items())
    orders = _orders(items)
    sel = _select(items, base, args, orders)
    ranged = base in (104, 106, 109, 110)
    if rt in (11, 12) and base in (104, 109):
        raise AsError(OP_NOT_APPLICABLE)
    if rt in (9, 10) and base in (106, 110):
        raise AsError(OP_NOT_APPLICABLE)
    check_rt(rt, inverted, sel.single, True, ranged)
    n = len(items)
    if inverted:
        sel = invert(sel, n)
    keys = [k for k, _ in items]
    values = [v for _, v in items]
    _, index_of, _, rank_of = orders
    if sel.single and not sel.positions:
        result = _single_miss(rt)
    else:
        result = build_result(rt, sel, n, keys, values, index_of, rank_of, True)
    new = None
    if modify:
        drop = set(sel.positions)
        new = new_map([kv for i, kv in enumerate(items) if i not in drop], map_flags(m))
    return new, result


def _single_miss(rt):
    if rt in (RT_INDEX, RT_REVERSE_INDEX, RT_RANK, RT_REVERSE_RANK):
        return -1
    if rt == RT_COUNT:
        return 0
    if rt == RT_EXISTS:
        return False
    if rt == RT_KEY_VALUE:
        return CMap([], 8)
    if rt == RT_ORDERED_MAP:
        return CMap([], 1)
    if rt == RT_UNORDERED_MAP:
        return {}
    if rt == 0:
        return NO_RESULT
    return None


def _put_all(m, pairs, flags):
    # Applies puts with write flags; returns the new item list or None for a quiet no-op.
    items = list(m.items())
    ordered = bool(map_flags(m) & 1)
    for k, v in pairs:
        _check_key(k)
        if has_special(v):
            raise AsError(PARAMETER)
        exists = _find(items, k) >= 0
        refused = None
        if flags & CREATE_ONLY and exists:
            refused = ELEMENT_EXISTS
        elif flags & UPDATE_ONLY and not exists:
            refused = ELEMENT_NOT_FOUND
        if refused is not None:
            if flags & NO_FAIL:
                if flags & PARTIAL:
                    continue
                return None
            raise AsError(refused)
        if ordered:
            i = _find(items, k)
            if i >= 0:
                items[i] = (k, v)
            else:
                items.append((k, v))
        else:
            _put_unordered(items, k, v)
    return items


def map_op(m, code, args, exists=True):
    """Runs map op `code`; returns (new map or None, result or NO_RESULT)."""
    n = len(m)
    flags_now = map_flags(m)
    if code == 96:
        return None, n
    if 97 <= code <= 110:
        return _by_selector(m, code, args, False)
    if 76 <= code <= 89:
        return _by_selector(m, code, args, True)
    if code == 64:
        attr = int_arg(args, 0)
        return new_map(list(m.items()), attr), NO_RESULT
    if code in (65, 67, 69):
        if len(args) < 2:
            raise AsError(PARAMETER)
        wflags = {65: CREATE_ONLY, 69: UPDATE_ONLY}.get(code, 0)
        if code == 67:
            wflags = int_arg(args, 3, 0)
        items = _put_all(m, [(args[0], args[1])], wflags)
        if items is None:
            return None, n
        return new_map(items, flags_now), len(items)
    if code in (66, 68, 70):
        if not args or not isinstance(args[0], dict):
            raise AsError(PARAMETER)
        wflags = {66: CREATE_ONLY, 70: UPDATE_ONLY}.get(code, 0)
        if code == 68:
            wflags = int_arg(args, 2, 0)
        items = _put_all(m, list(args[0].items()), wflags)
        if items is None:
            return None, n
        return new_map(items, flags_now), len(items)
    if code in (73, 74):
        if not args:
            raise AsError(PARAMETER)
        k = args[0]
        _check_key(k)
        delta = args[1] if len(args) > 1 else 1
        if type(delta) not in (int, float):
            raise AsError(PARAMETER)
        if code == 74:
            delta = -delta
        items = list(m.items())
        i = _find(items, k)
        cur = items[i][1] if i >= 0 else None
        if cur is None:
            new_v = delta
        elif type(cur) is int:
            new_v = wrap_int64(cur + int(delta))
        elif type(cur) is float:
            new_v = cur + delta
        else:
            raise AsError(PARAMETER)
        if i >= 0:
            items[i] = (items[i][0], new_v)
        elif flags_now & 1:
            items.append((k, new_v))
        else:
            _put_unordered(items, k, new_v)
        return new_map(items, flags_now), new_v
    if code == 75:
        return new_map([], flags_now), NO_RESULT
    raise AsError(PARAMETER)


def create_map_for(code, args):
    """The empty map a create-type op makes on a missing bin (or None if it may not)."""
    if code not in CREATE_CODES:
        return None
    attr = 0
    if code == 64:
        attr = int_arg(args, 0)
    elif code in (65, 67) and len(args) > 2:
        attr = int_arg(args, 2)
    elif code in (66, 68) and len(args) > 1:
        attr = int_arg(args, 1)
    elif code in (73, 74) and len(args) > 2:
        attr = int_arg(args, 2)
    return new_map([], attr)
