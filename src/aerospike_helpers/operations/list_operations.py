"""List operations for ``client.operate``: append, insert, get/remove by index,
rank or value, sort, ...

Each function returns an op dict with ``"op": aerospike.OP_LIST_*``. The
binding reads the keys below. Presence rules (as in the reference client):
``list_policy`` and ``ctx`` appear only when truthy (``ctx`` when not None
for `list_create`), ``count``, ``value_begin`` and ``value_end`` only when
not None, and ``inverted`` always in the ops that take it. The binding ORs
``aerospike_helpers.expressions.ReturnType.LIST_RETURN_INVERTED`` (0x10000)
into ``return_type`` when ``inverted`` is true.

`policy` is a list policy dict (``list_order``, ``write_flags``); `ctx` is a
list of `aerospike_helpers.cdt_ctx` objects selecting a nested list.
"""

import aerospike
from aerospike_helpers.operations._opdict import if_not_none, if_truthy, op_dict

OP_KEY = "op"
BIN_KEY = "bin"
VALUE_KEY = "val"
INDEX_KEY = "index"
LIST_POLICY_KEY = "list_policy"
INVERTED_KEY = "inverted"
RETURN_TYPE_KEY = "return_type"
COUNT_KEY = "count"
RANK_KEY = "rank"
VALUE_BEGIN_KEY = "value_begin"
VALUE_END_KEY = "value_end"
VALUE_LIST_KEY = "value_list"
LIST_ORDER_KEY = "list_order"
SORT_FLAGS_KEY = "sort_flags"
CTX_KEY = "ctx"
PAD_KEY = "pad"
PERSIST_INDEX_KEY = "persist_index"


def _list_op(op, bin_name, ctx, **fields):
    """Build a list op dict; `ctx` goes last and only when truthy."""
    return op_dict(op, bin_name, **fields, ctx=if_truthy(ctx))


def _write_op(op, bin_name, policy, ctx, **fields):
    """Build a list write op dict with an optional list policy."""
    return _list_op(op, bin_name, ctx, **fields, list_policy=if_truthy(policy))


def list_create(bin_name, list_order, pad, persist_index, ctx=None):
    """Create an empty list bin (or a nested list at `ctx`) of `list_order`.

    `pad` allows a create context to pad with nils; `persist_index` keeps a
    server-side index (top level only).
    """
    return op_dict(
        aerospike.OP_LIST_CREATE,
        bin_name,
        list_order=list_order,
        pad=pad,
        persist_index=persist_index,
        ctx=if_not_none(ctx),
    )


def list_append(bin_name, value, policy=None, ctx=None):
    """Append `value`. Returns the new list size."""
    return _write_op(aerospike.OP_LIST_APPEND, bin_name, policy, ctx, val=value)


def list_append_items(bin_name, values, policy=None, ctx=None):
    """Append every item of the list `values`. Returns the new list size."""
    return _write_op(aerospike.OP_LIST_APPEND_ITEMS, bin_name, policy, ctx, val=values)


def list_insert(bin_name, index, value, policy=None, ctx=None):
    """Insert `value` at `index`. Returns the new list size."""
    return _write_op(aerospike.OP_LIST_INSERT, bin_name, policy, ctx, index=index, val=value)


def list_insert_items(bin_name, index, values, policy=None, ctx=None):
    """Insert the items of `values` at `index`. Returns the new list size."""
    return _write_op(aerospike.OP_LIST_INSERT_ITEMS, bin_name, policy, ctx, index=index, val=values)


def list_increment(bin_name, index, value, policy=None, ctx=None):
    """Add `value` to the number at `index`. Returns the new value."""
    return _write_op(aerospike.OP_LIST_INCREMENT, bin_name, policy, ctx, index=index, val=value)


def list_pop(bin_name, index, ctx=None):
    """Remove and return the item at `index`."""
    return _list_op(aerospike.OP_LIST_POP, bin_name, ctx, index=index)


def list_pop_range(bin_name, index, count, ctx=None):
    """Remove and return `count` items starting at `index`."""
    return _list_op(aerospike.OP_LIST_POP_RANGE, bin_name, ctx, index=index, val=count)


def list_remove(bin_name, index, ctx=None):
    """Remove the item at `index`. Returns the number removed."""
    return _list_op(aerospike.OP_LIST_REMOVE, bin_name, ctx, index=index)


def list_remove_range(bin_name, index, count, ctx=None):
    """Remove `count` items starting at `index`. Returns the number removed."""
    return _list_op(aerospike.OP_LIST_REMOVE_RANGE, bin_name, ctx, index=index, val=count)


def list_clear(bin_name, ctx=None):
    """Remove every item of the list."""
    return _list_op(aerospike.OP_LIST_CLEAR, bin_name, ctx)


def list_set(bin_name, index, value, policy=None, ctx=None):
    """Set the item at `index` to `value` (pads with nils past the end)."""
    return _write_op(aerospike.OP_LIST_SET, bin_name, policy, ctx, index=index, val=value)


def list_get(bin_name, index, ctx=None):
    """Return the item at `index`."""
    return _list_op(aerospike.OP_LIST_GET, bin_name, ctx, index=index)


def list_get_range(bin_name, index, count, ctx=None):
    """Return `count` items starting at `index`."""
    return _list_op(aerospike.OP_LIST_GET_RANGE, bin_name, ctx, index=index, val=count)


def list_trim(bin_name, index, count, ctx=None):
    """Keep only `count` items starting at `index`. Returns the number removed."""
    return _list_op(aerospike.OP_LIST_TRIM, bin_name, ctx, index=index, val=count)


def list_size(bin_name, ctx=None):
    """Return the number of items."""
    return _list_op(aerospike.OP_LIST_SIZE, bin_name, ctx)


def list_get_by_index(bin_name, index, return_type, ctx=None):
    """Return the item at `index`, shaped by `return_type` (``LIST_RETURN_*``)."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_INDEX, bin_name, ctx, return_type=return_type, index=index
    )


def list_get_by_index_range(bin_name, index, return_type, count=None, inverted=False, ctx=None):
    """Return `count` items from `index` (to the end if `count` is None)."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_INDEX_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        index=index,
        inverted=inverted,
        count=if_not_none(count),
    )


def list_get_by_rank(bin_name, rank, return_type, ctx=None):
    """Return the item of rank `rank` (0 = smallest, -1 = largest)."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_RANK, bin_name, ctx, return_type=return_type, rank=rank
    )


def list_get_by_rank_range(bin_name, rank, return_type, count=None, inverted=False, ctx=None):
    """Return `count` items from rank `rank` (to the end if `count` is None)."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_RANK_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        rank=rank,
        inverted=inverted,
        count=if_not_none(count),
    )


def list_get_by_value(bin_name, value, return_type, inverted=False, ctx=None):
    """Return the items equal to `value`."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_VALUE,
        bin_name,
        ctx,
        return_type=return_type,
        val=value,
        inverted=inverted,
    )


def list_get_by_value_list(bin_name, value_list, return_type, inverted=False, ctx=None):
    """Return the items equal to any value of `value_list`."""
    return _list_op(
        aerospike.OP_LIST_GET_BY_VALUE_LIST,
        bin_name,
        ctx,
        return_type=return_type,
        value_list=value_list,
        inverted=inverted,
    )


def list_get_by_value_range(
    bin_name, return_type, value_begin, value_end, inverted=False, ctx=None
):
    """Return the items in ``[value_begin, value_end)``.

    A None `value_begin` means from the lowest value, a None `value_end` to
    the highest.
    """
    return _list_op(
        aerospike.OP_LIST_GET_BY_VALUE_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        inverted=inverted,
        value_begin=if_not_none(value_begin),
        value_end=if_not_none(value_end),
    )


def list_remove_by_index(bin_name, index, return_type, ctx=None):
    """Remove the item at `index`; return it shaped by `return_type`."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_INDEX, bin_name, ctx, return_type=return_type, index=index
    )


def list_remove_by_index_range(bin_name, index, return_type, count=None, inverted=False, ctx=None):
    """Remove `count` items from `index` (to the end if `count` is None)."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_INDEX_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        index=index,
        inverted=inverted,
        count=if_not_none(count),
    )


def list_remove_by_rank(bin_name, rank, return_type, ctx=None):
    """Remove the item of rank `rank`."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_RANK, bin_name, ctx, return_type=return_type, rank=rank
    )


def list_remove_by_rank_range(bin_name, rank, return_type, count=None, inverted=False, ctx=None):
    """Remove `count` items from rank `rank` (to the end if `count` is None)."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_RANK_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        rank=rank,
        inverted=inverted,
        count=if_not_none(count),
    )


def list_remove_by_value(bin_name, value, return_type, inverted=False, ctx=None):
    """Remove the items equal to `value`."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_VALUE,
        bin_name,
        ctx,
        return_type=return_type,
        val=value,
        inverted=inverted,
    )


def list_remove_by_value_list(bin_name, value_list, return_type, inverted=False, ctx=None):
    """Remove the items equal to any value of `value_list`."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_VALUE_LIST,
        bin_name,
        ctx,
        return_type=return_type,
        value_list=value_list,
        inverted=inverted,
    )


def list_remove_by_value_range(
    bin_name, return_type, value_begin=None, value_end=None, inverted=False, ctx=None
):
    """Remove the items in ``[value_begin, value_end)`` (None = open end)."""
    return _list_op(
        aerospike.OP_LIST_REMOVE_BY_VALUE_RANGE,
        bin_name,
        ctx,
        return_type=return_type,
        inverted=inverted,
        value_begin=if_not_none(value_begin),
        value_end=if_not_none(value_end),
    )


def list_set_order(bin_name, list_order, ctx=None):
    """Make the list ordered or unordered (``aerospike.LIST_*ORDERED``)."""
    return _list_op(aerospike.OP_LIST_SET_ORDER, bin_name, ctx, list_order=list_order)


def list_sort(bin_name, sort_flags=0, ctx=None):
    """Sort the list; `sort_flags` is ``aerospike.LIST_SORT_*``."""
    return _list_op(aerospike.OP_LIST_SORT, bin_name, ctx, sort_flags=sort_flags)


def _value_rank_relative(op, bin_name, value, offset, return_type, count, inverted, ctx):
    return _list_op(
        op,
        bin_name,
        ctx,
        val=value,
        rank=offset,
        return_type=return_type,
        inverted=inverted,
        count=if_not_none(count),
    )


def list_get_by_value_rank_range_relative(
    bin_name, value, offset, return_type, count=None, inverted=False, ctx=None
):
    """Return `count` items starting at rank ``rank_of(value) + offset``."""
    return _value_rank_relative(
        aerospike.OP_LIST_GET_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        value,
        offset,
        return_type,
        count,
        inverted,
        ctx,
    )


def list_remove_by_value_rank_range_relative(
    bin_name, value, offset, return_type, count=None, inverted=False, ctx=None
):
    """Remove `count` items starting at rank ``rank_of(value) + offset``."""
    return _value_rank_relative(
        aerospike.OP_LIST_REMOVE_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        value,
        offset,
        return_type,
        count,
        inverted,
        ctx,
    )
