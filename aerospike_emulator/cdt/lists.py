# List ops (protocol.md 7d, operations.md 3e): run one list op on a Python list value and
# return (new list or None when unchanged, result). Called by cdt/__init__.py for bin ops,
# context paths and CALL expressions.

import bisect

from ..errors import ELEMENT_EXISTS, INCOMPATIBLE_TYPE, OP_NOT_APPLICABLE, PARAMETER, AsError
from ..msgpack import CList
from ..values import compare, has_special, sort_key, wrap_int64
from ..opargs import int_arg
from .select import (
    NO_RESULT,
    Selection,
    build_result,
    check_rt,
    count_less,
    invert,
    norm_index,
    rank_order,
    split_rt,
    value_in_interval,
    window,
)

ADD_UNIQUE = 1
INSERT_BOUNDED = 2
NO_FAIL = 4
PARTIAL = 8

READ_CODES = frozenset(range(16, 28))
CREATE_CODES = frozenset((0, 1, 2, 3, 4, 9, 12))


def is_ordered(lst):
    return bool(getattr(lst, "flags", 0) & 1)


def new_list(items, flags):
    flags &= 0x01  # the persist-index flag (0x10) is not visible in answers
    if flags:
        lst = CList(items, flags)
        if flags & 1:
            lst.sort(key=sort_key)
        return lst
    return list(items)


def _same_kind(lst, items):
    return new_list(items, getattr(lst, "flags", 0))


def _check_value(v):
    if has_special(v):
        raise AsError(PARAMETER)


def _insert_sorted(items, v):
    keys = [sort_key(x) for x in items]
    pos = bisect.bisect_right(keys, sort_key(v))
    items.insert(pos, v)


def _contains(items, v):
    return any(compare(x, v) == 0 for x in items)


def _add_items(lst, values, flags, ordered):
    # Appends `values` honouring ADD_UNIQUE / NO_FAIL / PARTIAL; returns the new items or
    # None when the whole op is refused quietly.
    items = list(lst)
    if flags & ADD_UNIQUE:
        seen = []
        for v in values:
            if _contains(items, v):
                if flags & PARTIAL:
                    continue
                if flags & NO_FAIL:
                    return None
                raise AsError(ELEMENT_EXISTS)
            if _contains(seen, v):
                if flags & NO_FAIL and flags & PARTIAL:
                    continue
                if flags & NO_FAIL:
                    return None
                raise AsError(OP_NOT_APPLICABLE)
            seen.append(v)
        values = seen
    for v in values:
        if ordered:
            _insert_sorted(items, v)
        else:
            items.append(v)
    return items


def _select(lst, base, args, ordered):
    n = len(lst)
    if base == 19:
        i = norm_index(int_arg(args, 1), n)
        if not 0 <= i < n:
            raise AsError(OP_NOT_APPLICABLE)
        return Selection([i], True)
    if base in (20, 22):
        if len(args) != 2:
            raise AsError(PARAMETER)
        return Selection([i for i, x in enumerate(lst) if compare(x, args[1]) == 0])
    if base == 21:
        r = norm_index(int_arg(args, 1), n)
        if not 0 <= r < n:
            raise AsError(OP_NOT_APPLICABLE)
        return Selection([rank_order(lst)[r]], True)
    if base == 23:
        if len(args) != 2 or not isinstance(args[1], list):
            raise AsError(PARAMETER)
        want = args[1]
        return Selection([i for i, x in enumerate(lst) if _contains(want, x)])
    if base == 24:
        start, count = window(int_arg(args, 1), _opt_count(args, 2), n)
        return Selection(list(range(start, start + count)), False, start, count)
    if base == 25:
        if len(args) not in (2, 3):
            raise AsError(PARAMETER)
        has_end = len(args) == 3
        end = args[2] if has_end else None
        return Selection(
            [i for i, x in enumerate(lst) if value_in_interval(x, args[1], end, has_end)]
        )
    if base in (26, 27):
        if base == 26:
            start = int_arg(args, 1)
            count = _opt_count(args, 2)
        else:
            if len(args) < 3:
                raise AsError(PARAMETER)
            start = count_less(lst, args[1]) + int_arg(args, 2)
            count = _opt_count(args, 3)
        start, count = window(start, count, n)
        order = rank_order(lst)
        chosen = order[start : start + count]
        if not ordered and base == 26 and start <= n - start - count:
            chosen = list(reversed(chosen))
        return Selection(chosen, False, start, count, "rank")
    raise AsError(PARAMETER)


def _opt_count(args, i):
    if i >= len(args):
        return None
    if type(args[i]) is not int:
        raise AsError(PARAMETER)
    return args[i]


def _by_selector(lst, code, args, modify):
    base = code if code < 32 else code - 13
    if not args:
        raise AsError(PARAMETER)
    rt, inverted = split_rt(args[0])
    ordered = is_ordered(lst)
    sel = _select(lst, base, args, ordered)
    ranged = base in (24, 26, 27)
    check_rt(rt, inverted, sel.single, False, ranged)
    n = len(lst)
    if inverted:
        sel = invert(sel, n)
    order = rank_order(lst)
    rank_of = [0] * n
    for r, i in enumerate(order):
        rank_of[i] = r
    result = build_result(rt, sel, n, None, lst, list(range(n)), rank_of, False)
    new = None
    if modify:
        drop = set(sel.positions)
        new = _same_kind(lst, [x for i, x in enumerate(lst) if i not in drop])
    return new, result


def list_op(lst, code, args, exists=True):
    """Runs list op `code`; returns (new list or None, result or NO_RESULT)."""
    n = len(lst)
    ordered = is_ordered(lst)
    if code == 16:
        return None, n
    if code == 17:
        i = norm_index(int_arg(args, 0), n)
        if not 0 <= i < n:
            raise AsError(OP_NOT_APPLICABLE)
        return None, lst[i]
    if code == 18:
        start, count = window(int_arg(args, 0), _opt_count(args, 1), n)
        return None, list(lst[start : start + count])
    if 19 <= code <= 27:
        return _by_selector(lst, code, args, False)
    if 32 <= code <= 40:
        return _by_selector(lst, code, args, True)
    if code == 0:
        flags = int_arg(args, 0)
        if flags & ~0x11:
            raise AsError(PARAMETER)
        return new_list(lst, flags), NO_RESULT
    if code in (1, 2):
        if not args:
            raise AsError(PARAMETER)
        values = [args[0]] if code == 1 else args[0]
        if code == 2 and not isinstance(values, list):
            raise AsError(PARAMETER)
        flags = int_arg(args, 2, 0)
        for v in values:
            _check_value(v)
        items = _add_items(lst, values, flags, ordered)
        if items is None:
            return None, n
        return _same_kind(lst, items), len(items)
    if code in (3, 4):
        if len(args) < 2:
            raise AsError(PARAMETER)
        if ordered:
            raise AsError(OP_NOT_APPLICABLE)
        idx = int_arg(args, 0)
        values = [args[1]] if code == 3 else args[1]
        if code == 4 and not isinstance(values, list):
            raise AsError(PARAMETER)
        flags = int_arg(args, 2, 0)
        for v in values:
            _check_value(v)
        if idx < 0:
            idx += n
            if idx < 0:
                raise AsError(OP_NOT_APPLICABLE)
        if idx > n and flags & INSERT_BOUNDED:
            if flags & NO_FAIL:
                return None, n
            raise AsError(OP_NOT_APPLICABLE)
        added = _add_items([], values, flags, False) if flags & ADD_UNIQUE else list(values)
        if flags & ADD_UNIQUE:
            kept = []
            for v in added:
                if _contains(lst, v):
                    if flags & PARTIAL:
                        continue
                    if flags & NO_FAIL:
                        return None, n
                    raise AsError(ELEMENT_EXISTS)
                kept.append(v)
            added = kept
        items = list(lst)
        if idx > n:
            items.extend([None] * (idx - n))
        items[idx:idx] = added
        return _same_kind(lst, items), len(items)
    if code in (5, 7):
        i = norm_index(int_arg(args, 0), n)
        if not 0 <= i < n:
            raise AsError(OP_NOT_APPLICABLE)
        items = list(lst)
        v = items.pop(i)
        return _same_kind(lst, items), (v if code == 5 else 1)
    if code in (6, 8):
        start, count = window(int_arg(args, 0), _opt_count(args, 1), n)
        items = list(lst)
        removed = items[start : start + count]
        del items[start : start + count]
        return _same_kind(lst, items), (removed if code == 6 else len(removed))
    if code == 9:
        if len(args) < 2:
            raise AsError(PARAMETER)
        if ordered:
            raise AsError(OP_NOT_APPLICABLE)
        idx = int_arg(args, 0)
        _check_value(args[1])
        flags = int_arg(args, 2, 0)
        if idx < 0:
            idx += n
            if idx < 0:
                raise AsError(OP_NOT_APPLICABLE)
        if flags & ADD_UNIQUE and _contains(lst, args[1]):
            if flags & NO_FAIL:
                return None, NO_RESULT
            raise AsError(ELEMENT_EXISTS)
        if idx >= n and flags & INSERT_BOUNDED:
            if flags & NO_FAIL:
                return None, NO_RESULT
            raise AsError(OP_NOT_APPLICABLE)
        items = list(lst)
        if idx >= n:
            items.extend([None] * (idx - n + 1))
        items[idx] = args[1]
        return _same_kind(lst, items), NO_RESULT
    if code == 10:
        if len(args) != 2:
            raise AsError(PARAMETER)
        start, count = window(int_arg(args, 0), int_arg(args, 1), n)
        kept = lst[start : start + count]
        return _same_kind(lst, kept), n - len(kept)
    if code == 11:
        return _same_kind(lst, []), NO_RESULT
    if code == 12:
        idx = int_arg(args, 0)
        delta = args[1] if len(args) > 1 else 1
        if type(delta) not in (int, float):
            raise AsError(PARAMETER)
        i = norm_index(idx, n)
        if i < 0:
            raise AsError(OP_NOT_APPLICABLE)
        items = list(lst)
        if i >= n:
            items.extend([None] * (i - n + 1))
            cur = None
        else:
            cur = items[i]
        if cur is None:
            new_v = delta
        elif type(cur) is int:
            new_v = wrap_int64(cur + int(delta))
        elif type(cur) is float:
            new_v = cur + delta
        else:
            raise AsError(PARAMETER)
        items[i] = new_v
        if ordered:
            items.pop(i)
            _insert_sorted(items, new_v)
        return _same_kind(lst, items), new_v
    if code == 13:
        flags = int_arg(args, 0, 0)
        items = sorted(lst, key=sort_key, reverse=bool(flags & 1))
        if flags & 2:
            dedup = []
            for v in items:
                if not dedup or compare(dedup[-1], v) != 0:
                    dedup.append(v)
            items = dedup
        return _same_kind(lst, items), NO_RESULT
    raise AsError(PARAMETER)


def create_list_for(code, args):
    """The empty list a create-type op makes on a missing bin (or None if it may not)."""
    if code not in CREATE_CODES:
        return None
    if code == 0:
        return new_list([], int_arg(args, 0))
    if code in (1, 2):
        order = int_arg(args, 1, 0) if len(args) > 1 else 0
        return new_list([], order & 1)
    if code == 12:
        order = int_arg(args, 2, 0) if len(args) > 2 else 0
        return new_list([], order & 1)
    return []


def list_type_error():
    return AsError(INCOMPATIBLE_TYPE)
