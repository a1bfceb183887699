"""Record-level operations for ``client.operate``: read, write, incr, touch, ...

Each function returns an op dict ``{"op": aerospike.OPERATOR_*, "bin": ...,
"val": ...}``; the C binding maps the operator to the wire op type.
`select_by_path` / `modify_by_path` build the server 8.1 path operations.
"""

import warnings

import aerospike
from aerospike import _constants
from aerospike_helpers.operations._opdict import op_dict

__all__ = [
    "append",
    "delete",
    "increment",
    "modify_by_path",
    "prepend",
    "read",
    "select_by_path",
    "touch",
    "write",
]


def read(bin_name):
    """Read the bin `bin_name`."""
    return op_dict(aerospike.OPERATOR_READ, bin_name)


def write(bin_name, write_item):
    """Set the bin `bin_name` to `write_item` (None deletes the bin)."""
    return op_dict(aerospike.OPERATOR_WRITE, bin_name, val=write_item)


def delete():
    """Delete the record. Later ops in the same request may write new bins."""
    return op_dict(aerospike.OPERATOR_DELETE)


def append(bin_name, append_item):
    """Append the str or bytes `append_item` to the bin."""
    return op_dict(aerospike.OPERATOR_APPEND, bin_name, val=append_item)


def prepend(bin_name, prepend_item):
    """Prepend the str or bytes `prepend_item` to the bin."""
    return op_dict(aerospike.OPERATOR_PREPEND, bin_name, val=prepend_item)


def increment(bin_name, amount):
    """Add the int or float `amount` to the bin (created if missing)."""
    return op_dict(aerospike.OPERATOR_INCR, bin_name, val=amount)


def touch(ttl=None):
    """Reset the record's time to live.

    Passing `ttl` is deprecated: set ``meta={"ttl": ...}`` on ``operate``.
    A truthy `ttl` is still copied into the op dict, with a warning.
    """
    if ttl:
        warnings.warn(
            "TTL should be specified in the policy parameter for operate",
            DeprecationWarning,
            stacklevel=2,
        )
        return op_dict(aerospike.OPERATOR_TOUCH, val=ttl)
    return op_dict(aerospike.OPERATOR_TOUCH)


def select_by_path(bin_name, ctx, flags):
    """Select the elements of a CDT bin matched by the context path `ctx`.

    `flags` is one of the ``aerospike.EXP_PATH_SELECT_*`` constants. Needs
    server 8.1 or later.
    """
    return op_dict(
        _constants._AS_OPERATOR_CDT_READ,
        bin_name,
        ctx=ctx,
        **{_constants._CDT_FLAGS_KEY: flags},
    )


def modify_by_path(bin_name, ctx, expr, flags):
    """Replace the elements matched by `ctx` with the compiled expression `expr`.

    `flags` is one of the ``aerospike.EXP_PATH_MODIFY_*`` constants. Needs
    server 8.1 or later.
    """
    return op_dict(
        _constants._AS_OPERATOR_CDT_MODIFY,
        bin_name,
        ctx=ctx,
        **{_constants._CDT_APPLY_MOD_EXP_KEY: expr, _constants._CDT_FLAGS_KEY: flags},
    )
