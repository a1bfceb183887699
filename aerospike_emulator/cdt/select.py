# Selection and return types shared by list and map ops (operations.md section 3c): index,
# rank, value and interval selectors, inverted selections, and turning a selection into the
# result the return type asks for. cdt/list.py and cdt/map.py call these helpers.

from ..errors import OP_NOT_APPLICABLE, PARAMETER, AsError
from ..msgpack import CMap
from ..values import compare, sort_key

RT_NONE = 0
RT_INDEX = 1
RT_REVERSE_INDEX = 2
RT_RANK = 3
RT_REVERSE_RANK = 4
RT_COUNT = 5
RT_KEY = 6
RT_VALUE = 7
RT_KEY_VALUE = 8
RT_INDEX_RANGE = 9
RT_REVINDEX_RANGE = 10
RT_RANK_RANGE = 11
RT_REVRANK_RANGE = 12
RT_EXISTS = 13
RT_UNORDERED_MAP = 16
RT_ORDERED_MAP = 17
INVERTED = 0x10000

MAP_ONLY = (RT_KEY, RT_KEY_VALUE, RT_UNORDERED_MAP, RT_ORDERED_MAP)
RANGE_TYPES = (RT_INDEX_RANGE, RT_REVINDEX_RANGE, RT_RANK_RANGE, RT_REVRANK_RANGE)
NO_RESULT = object()


def split_rt(rt):
    if type(rt) is not int:
        raise AsError(PARAMETER)
    return rt & ~INVERTED & 0xFFFF, bool(rt & INVERTED)


def norm_index(i, n):
    return i + n if i < 0 else i


def window(start, count, n):
    """Clips [start, start+count) to [0, n); negative starts count from the end."""
    if start < 0:
        start += n
        if start < 0:
            if count is not None:
                count += start
            start = 0
    if count is None:
        count = n - start
    if count < 0:
        count = 0
    if start >= n:
        return n, 0
    end = min(n, start + count)
    return start, end - start


def rank_order(values):
    """Indexes of `values` sorted by value (stable), i.e. position -> rank inverse."""
    return sorted(range(len(values)), key=lambda i: sort_key(values[i]))


def value_in_interval(v, begin, end, has_end):
    if begin is not None and compare(v, begin) < 0:
        return False
    if begin is None:
        pass
    if has_end and compare(v, end) >= 0:
        return False
    return True


def count_less(values, target):
    return sum(1 for v in values if compare(v, target) < 0)


class Selection:
    """Selected positions (into the storage order) in result order, plus range info."""

    __slots__ = ("positions", "single", "start", "count", "ordered_by")

    def __init__(self, positions, single=False, start=0, count=0, ordered_by="storage"):
        self.positions = positions
        self.single = single
        self.start = start
        self.count = count
        self.ordered_by = ordered_by


def invert(sel, n):
    chosen = set(sel.positions)
    rest = [i for i in range(n) if i not in chosen]
    return Selection(rest, False, 0, len(rest), "storage")


def check_rt(rt, inverted, single, is_map, ranged):
    if rt in MAP_ONLY and not is_map:
        raise AsError(OP_NOT_APPLICABLE)
    if inverted and single:
        raise AsError(OP_NOT_APPLICABLE)
    if rt in RANGE_TYPES and (inverted or not ranged):
        raise AsError(OP_NOT_APPLICABLE)
    if rt not in (
        RT_NONE,
        RT_INDEX,
        RT_REVERSE_INDEX,
        RT_RANK,
        RT_REVERSE_RANK,
        RT_COUNT,
        RT_KEY,
        RT_VALUE,
        RT_KEY_VALUE,
        RT_EXISTS,
        RT_UNORDERED_MAP,
        RT_ORDERED_MAP,
    ) + RANGE_TYPES:
        raise AsError(PARAMETER)


def build_result(rt, sel, n, keys, values, index_of, rank_of, is_map):
    """Turns a selection into the result value for return type `rt`.

    keys/values are in storage order; index_of/rank_of map a storage position to its index
    (key order for maps) and its rank."""
    pos = sel.positions
    if rt == RT_NONE:
        return NO_RESULT
    if rt == RT_COUNT:
        return len(pos)
    if rt == RT_EXISTS:
        return len(pos) > 0
    if rt in RANGE_TYPES:
        start, count = sel.start, sel.count
        if rt in (RT_REVINDEX_RANGE, RT_REVRANK_RANGE):
            start = n - start - count
        return [start, count]
    if rt in (RT_INDEX, RT_REVERSE_INDEX):
        out = [index_of[p] if rt == RT_INDEX else n - 1 - index_of[p] for p in pos]
    elif rt in (RT_RANK, RT_REVERSE_RANK):
        out = [rank_of[p] if rt == RT_RANK else n - 1 - rank_of[p] for p in pos]
    elif rt == RT_VALUE:
        out = [values[p] for p in pos]
    elif rt == RT_KEY:
        out = [keys[p] for p in pos]
    elif rt == RT_KEY_VALUE:
        return CMap(((keys[p], values[p]) for p in pos), 8)
    elif rt == RT_UNORDERED_MAP:
        return {keys[p]: values[p] for p in pos}
    else:
        items = sorted(((keys[p], values[p]) for p in pos), key=lambda kv: sort_key(kv[0]))
        return CMap(items, 1)
    if sel.single:
        if not out:
            return -1 if rt in (RT_INDEX, RT_REVERSE_INDEX, RT_RANK, RT_REVERSE_RANK) else None
        return out[0]
    return out
