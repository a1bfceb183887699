"""HyperLogLog operations for ``client.operate``.

Each function returns an op dict with ``"op": aerospike.OP_HLL_*``.
``hll_policy`` (an HLL policy dict with ``flags``) appears only when truthy.
A bit count given as None is sent as -1, meaning "not specified" (use the
bin's current value, or fail when creating). HLL values in ``value_list``
are `aerospike_helpers.HyperLogLog` objects.
"""

import aerospike
from aerospike_helpers.operations._opdict import if_truthy, op_dict

OP_KEY = "op"
BIN_KEY = "bin"
HLL_POLICY_KEY = "hll_policy"
INDEX_BIT_COUNT_KEY = "index_bit_count"
MH_BIT_COUNT_KEY = "mh_bit_count"
VALUE_LIST_KEY = "value_list"


def _bits(count):
    return -1 if count is None else count


def hll_init(bin_name, index_bit_count=None, mh_bit_count=None, policy=None):
    """Create or reset an HLL bin with the given index and minhash bit counts."""
    return op_dict(
        aerospike.OP_HLL_INIT,
        bin_name,
        index_bit_count=_bits(index_bit_count),
        mh_bit_count=_bits(mh_bit_count),
        hll_policy=if_truthy(policy),
    )


def hll_add(bin_name, values, index_bit_count=None, mh_bit_count=None, policy=None):
    """Add the elements of `values`, creating the bin if needed.

    Returns the number of registers changed.
    """
    return op_dict(
        aerospike.OP_HLL_ADD,
        bin_name,
        value_list=values,
        index_bit_count=_bits(index_bit_count),
        mh_bit_count=_bits(mh_bit_count),
        hll_policy=if_truthy(policy),
    )


def hll_set_union(bin_name, hll_list, policy=None):
    """Set the bin to the union of itself and the HLLs of `hll_list`."""
    return op_dict(
        aerospike.OP_HLL_SET_UNION, bin_name, value_list=hll_list, hll_policy=if_truthy(policy)
    )


def hll_fold(bin_name, index_bit_count):
    """Fold the HLL down to `index_bit_count` index bits (no minhash bits)."""
    return op_dict(aerospike.OP_HLL_FOLD, bin_name, index_bit_count=index_bit_count)


def hll_refresh_count(bin_name):
    """Recompute and cache the estimated count; returns it."""
    return op_dict(aerospike.OP_HLL_REFRESH_COUNT, bin_name)


def hll_get_count(bin_name):
    """Return the estimated number of distinct elements."""
    return op_dict(aerospike.OP_HLL_GET_COUNT, bin_name)


def hll_describe(bin_name):
    """Return ``[index_bit_count, mh_bit_count]``."""
    return op_dict(aerospike.OP_HLL_DESCRIBE, bin_name)


def hll_get_union(bin_name, hll_list):
    """Return the union of the bin and the HLLs of `hll_list` (an HLL)."""
    return op_dict(aerospike.OP_HLL_GET_UNION, bin_name, value_list=hll_list)


def hll_get_union_count(bin_name, hll_list):
    """Return the estimated count of the union with the HLLs of `hll_list`."""
    return op_dict(aerospike.OP_HLL_GET_UNION_COUNT, bin_name, value_list=hll_list)


def hll_get_intersect_count(bin_name, hll_list):
    """Return the estimated count of the intersection with `hll_list`."""
    return op_dict(aerospike.OP_HLL_GET_INTERSECT_COUNT, bin_name, value_list=hll_list)


def hll_get_similarity(bin_name, hll_list):
    """Return the estimated Jaccard similarity with the HLLs of `hll_list`."""
    return op_dict(aerospike.OP_HLL_GET_SIMILARITY, bin_name, value_list=hll_list)
