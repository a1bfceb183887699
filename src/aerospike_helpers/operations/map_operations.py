"""Map operations for ``client.operate``: put, increment, get/remove by key,
value, index or rank, ...

Each function returns an op dict with ``"op": aerospike.OP_MAP_*``.
Presence rules (as in the reference client):

* ``map_policy`` appears when not None;
* ``ctx`` appears when not None for the write, size, clear and
  ``map_remove_*`` helpers, but only when truthy for the ``map_get_*``
  helpers and the four ``*_relative`` helpers;
* ``inverted`` is always present in the range/list/value helpers, while
  the relative helpers include ``"inverted": True`` only when it is true;
* ``count`` (relative helpers) appears when not None.

Key/value layout the binding relies on: a key range is ``key`` + ``val``
(remove) or ``key`` + ``range`` (get); a value range is ``val`` +
``range``; an index/rank range is ``index`` + ``val`` (the count); a rank
is sent in ``index``. A None range end is sent as nil (an empty range).
"""

import aerospike
from aerospike_helpers.operations._opdict import OMIT, if_not_none, if_truthy, op_dict

OP_KEY = "op"
BIN_KEY = "bin"
POLICY_KEY = "map_policy"
VALUE_KEY = "val"
KEY_KEY = "key"
INDEX_KEY = "index"
RETURN_TYPE_KEY = "return_type"
INVERTED_KEY = "inverted"
RANGE_KEY = "range"
COUNT_KEY = "count"
RANK_KEY = "rank"
CTX_KEY = "ctx"
MAP_ORDER_KEY = "map_order"
PERSIST_INDEX_KEY = "persist_index"


def _modify_op(op, bin_name, ctx, **fields):
    """Build a map op dict whose ``ctx`` appears when not None."""
    return op_dict(op, bin_name, **fields, ctx=if_not_none(ctx))


def _read_op(op, bin_name, ctx, **fields):
    """Build a map op dict whose ``ctx`` appears only when truthy."""
    return op_dict(op, bin_name, **fields, ctx=if_truthy(ctx))


def map_set_policy(bin_name, policy, ctx=None):
    """Set the map order / persist-index policy of the map."""
    return _modify_op(aerospike.OP_MAP_SET_POLICY, bin_name, ctx, map_policy=policy)


def map_create(bin_name, map_order, persist_index, ctx=None):
    """Create an empty map bin (or a nested map at `ctx`) of `map_order`."""
    return _modify_op(
        aerospike.OP_MAP_CREATE,
        bin_name,
        ctx,
        map_order=map_order,
        persist_index=persist_index,
    )


def map_put(bin_name, key, value, map_policy=None, ctx=None):
    """Put `key`: `value`. Returns the new map size."""
    return _modify_op(
        aerospike.OP_MAP_PUT,
        bin_name,
        ctx,
        key=key,
        val=value,
        map_policy=if_not_none(map_policy),
    )


def map_put_items(bin_name, item_dict, map_policy=None, ctx=None):
    """Put every item of `item_dict`. Returns the new map size.

    The items are sent sorted by key when the keys are comparable.
    """
    try:
        items = dict(sorted(item_dict.items()))
    except Exception:  # noqa: BLE001 - any failure keeps the caller's dict, as the reference does.
        items = item_dict
    return _modify_op(
        aerospike.OP_MAP_PUT_ITEMS,
        bin_name,
        ctx,
        map_policy=if_not_none(map_policy),
        val=items,
    )


def map_increment(bin_name, key, amount, map_policy=None, ctx=None):
    """Add `amount` to the value of `key` (created if missing)."""
    return _modify_op(
        aerospike.OP_MAP_INCREMENT,
        bin_name,
        ctx,
        key=key,
        val=amount,
        map_policy=if_not_none(map_policy),
    )


def map_decrement(bin_name, key, amount, map_policy=None, ctx=None):
    """Subtract `amount` from the value of `key` (created if missing)."""
    return _modify_op(
        aerospike.OP_MAP_DECREMENT,
        bin_name,
        ctx,
        key=key,
        val=amount,
        map_policy=if_not_none(map_policy),
    )


def map_size(bin_name, ctx=None):
    """Return the number of items."""
    return _modify_op(aerospike.OP_MAP_SIZE, bin_name, ctx)


def map_clear(bin_name, ctx=None):
    """Remove every item."""
    return _modify_op(aerospike.OP_MAP_CLEAR, bin_name, ctx)


def map_remove_by_key(bin_name, key, return_type, ctx=None):
    """Remove `key`; return it shaped by `return_type` (``MAP_RETURN_*``)."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_KEY, bin_name, ctx, key=key, return_type=return_type
    )


def map_remove_by_key_list(bin_name, key_list, return_type, inverted=False, ctx=None):
    """Remove the keys of `key_list`."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_KEY_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_key_range(
    bin_name, key_range_start, key_range_end, return_type, inverted=False, ctx=None
):
    """Remove the keys in ``[key_range_start, key_range_end)``."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_KEY_RANGE,
        bin_name,
        ctx,
        key=key_range_start,
        val=key_range_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value(bin_name, value, return_type, inverted=False, ctx=None):
    """Remove the items whose value equals `value`."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_VALUE,
        bin_name,
        ctx,
        val=value,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value_list(bin_name, value_list, return_type, inverted=False, ctx=None):
    """Remove the items whose value is in `value_list`."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_VALUE_LIST,
        bin_name,
        ctx,
        val=value_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value_range(
    bin_name, value_start, value_end, return_type, inverted=False, ctx=None
):
    """Remove the items whose value is in ``[value_start, value_end)``."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_VALUE_RANGE,
        bin_name,
        ctx,
        val=value_start,
        range=value_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_index(bin_name, index, return_type, ctx=None):
    """Remove the item at `index` (in key order)."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_INDEX, bin_name, ctx, index=index, return_type=return_type
    )


def map_remove_by_index_range(
    bin_name, index_start, remove_amt, return_type, inverted=False, ctx=None
):
    """Remove `remove_amt` items from `index_start` (in key order)."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_INDEX_RANGE,
        bin_name,
        ctx,
        index=index_start,
        val=remove_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_rank(bin_name, rank, return_type, ctx=None):
    """Remove the item of value rank `rank`."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_RANK, bin_name, ctx, index=rank, return_type=return_type
    )


def map_remove_by_rank_range(
    bin_name, rank_start, remove_amt, return_type, inverted=False, ctx=None
):
    """Remove `remove_amt` items from value rank `rank_start`."""
    return _modify_op(
        aerospike.OP_MAP_REMOVE_BY_RANK_RANGE,
        bin_name,
        ctx,
        index=rank_start,
        val=remove_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_key(bin_name, key, return_type, ctx=None):
    """Return the item of `key`, shaped by `return_type`."""
    return _read_op(aerospike.OP_MAP_GET_BY_KEY, bin_name, ctx, key=key, return_type=return_type)


def map_get_by_key_range(
    bin_name, key_range_start, key_range_end, return_type, inverted=False, ctx=None
):
    """Return the items whose key is in ``[key_range_start, key_range_end)``."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_KEY_RANGE,
        bin_name,
        ctx,
        key=key_range_start,
        range=key_range_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_key_list(bin_name, key_list, return_type, inverted=False, ctx=None):
    """Return the items of the keys in `key_list`."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_KEY_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_value(bin_name, value, return_type, inverted=False, ctx=None):
    """Return the items whose value equals `value`."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_VALUE,
        bin_name,
        ctx,
        val=value,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_value_range(bin_name, value_start, value_end, return_type, inverted=False, ctx=None):
    """Return the items whose value is in ``[value_start, value_end)``."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_VALUE_RANGE,
        bin_name,
        ctx,
        val=value_start,
        range=value_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_value_list(bin_name, key_list, return_type, inverted=False, ctx=None):
    """Return the items whose value is in `key_list` (a list of values)."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_VALUE_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_index(bin_name, index, return_type, ctx=None):
    """Return the item at `index` (in key order)."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_INDEX, bin_name, ctx, index=index, return_type=return_type
    )


def map_get_by_index_range(bin_name, index_start, get_amt, return_type, inverted=False, ctx=None):
    """Return `get_amt` items from `index_start` (in key order)."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_INDEX_RANGE,
        bin_name,
        ctx,
        index=index_start,
        val=get_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_rank(bin_name, rank, return_type, ctx=None):
    """Return the item of value rank `rank`."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_RANK, bin_name, ctx, index=rank, return_type=return_type
    )


def map_get_by_rank_range(bin_name, rank_start, get_amt, return_type, inverted=False, ctx=None):
    """Return `get_amt` items from value rank `rank_start`."""
    return _read_op(
        aerospike.OP_MAP_GET_BY_RANK_RANGE,
        bin_name,
        ctx,
        index=rank_start,
        val=get_amt,
        return_type=return_type,
        inverted=inverted,
    )


def _relative(op, bin_name, ctx, anchor, return_type, count, inverted):
    """Build one of the four relative ops.

    `anchor` holds the anchor and offset fields in wire order, e.g.
    ``{"val": value, "rank": offset}``.
    """
    return _read_op(
        op,
        bin_name,
        ctx,
        **anchor,
        return_type=return_type,
        count=if_not_none(count),
        inverted=True if inverted else OMIT,
    )


def map_remove_by_value_rank_range_relative(
    bin_name, value, offset, return_type, count=None, inverted=False, ctx=None
):
    """Remove `count` items from value rank ``rank_of(value) + offset``."""
    return _relative(
        aerospike.OP_MAP_REMOVE_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        ctx,
        {"val": value, "rank": offset},
        return_type,
        count,
        inverted,
    )


def map_get_by_value_rank_range_relative(
    bin_name, value, offset, return_type, count=None, inverted=False, ctx=None
):
    """Return `count` items from value rank ``rank_of(value) + offset``."""
    return _relative(
        aerospike.OP_MAP_GET_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        ctx,
        {"val": value, "rank": offset},
        return_type,
        count,
        inverted,
    )


def map_remove_by_key_index_range_relative(
    bin_name, key, offset, return_type, count=None, inverted=False, ctx=None
):
    """Remove `count` items from key index ``index_of(key) + offset``."""
    return _relative(
        aerospike.OP_MAP_REMOVE_BY_KEY_INDEX_RANGE_REL,
        bin_name,
        ctx,
        {"key": key, "index": offset},
        return_type,
        count,
        inverted,
    )


def map_get_by_key_index_range_relative(
    bin_name, value, offset, return_type, count=None, inverted=False, ctx=None
):
    """Return `count` items from key index ``index_of(value) + offset``.

    `value` is the anchor key (the reference client's parameter name).
    """
    return _relative(
        aerospike.OP_MAP_GET_BY_KEY_INDEX_RANGE_REL,
        bin_name,
        ctx,
        {"key": value, "index": offset},
        return_type,
        count,
        inverted,
    )
