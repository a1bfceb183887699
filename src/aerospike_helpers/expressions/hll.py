"""HyperLogLog expressions: read or locally modify an HLL bin inside an expression.

Each class compiles to a CALL on the HLL (op id ``aerospike.OP_HLL_*``).
Bit counts given as None are sent as -1 ("not specified"); the policy
flags (``policy["flags"]``, 0 without a policy) are a plain literal child.
`bin` is an HLL expression or a bin name.
"""

from typing import Any, Optional, Union

import aerospike
from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import HLLBin
from aerospike_helpers.expressions.resources import _BaseExpr

TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list[Any]]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Optional[dict[str, Any]]


def _bits(count):
    return -1 if count is None else count


def _hll(bin):
    return _cdt.as_bin(bin, HLLBin)


class HLLInit(_BaseExpr):
    """Create or reset the HLL with the given index and minhash bit counts."""

    _op = aerospike.OP_HLL_INIT

    def __init__(
        self,
        policy: "TypePolicy",
        index_bit_count: Optional[int],
        mh_bit_count: Optional[int],
        bin: "TypeBinName",
    ):
        self._children = (
            _bits(index_bit_count),
            _bits(mh_bit_count),
            _cdt.policy_flags(policy, "flags"),
            _hll(bin),
        )


class HLLAdd(_BaseExpr):
    """Add the elements of `list` to the HLL."""

    _op = aerospike.OP_HLL_ADD

    def __init__(
        self,
        policy: "TypePolicy",
        list: "TypeListValue",
        index_bit_count: Optional[int],
        mh_bit_count: Optional[int],
        bin: "TypeBinName",
    ):
        self._children = (
            list,
            _bits(index_bit_count),
            _bits(mh_bit_count),
            _cdt.policy_flags(policy, "flags"),
            _hll(bin),
        )


class HLLGetCount(_BaseExpr):
    """The estimated number of distinct elements."""

    _op = aerospike.OP_HLL_GET_COUNT

    def __init__(self, bin: "TypeBinName"):
        self._children = (_hll(bin),)


class HLLGetUnion(_BaseExpr):
    """The union of the HLL and the HLLs of `values`."""

    _op = aerospike.OP_HLL_GET_UNION

    def __init__(self, values: "TypeValue", bin: "TypeBinName"):
        self._children = (values, _hll(bin))


class HLLGetUnionCount(_BaseExpr):
    """The estimated count of the union with the HLLs of `values`."""

    _op = aerospike.OP_HLL_GET_UNION_COUNT

    def __init__(self, values: "TypeValue", bin: "TypeBinName"):
        self._children = (values, _hll(bin))


class HLLGetIntersectCount(_BaseExpr):
    """The estimated count of the intersection with the HLLs of `values`."""

    _op = aerospike.OP_HLL_GET_INTERSECT_COUNT

    def __init__(self, values: "TypeValue", bin: "TypeBinName"):
        self._children = (values, _hll(bin))


class HLLGetSimilarity(_BaseExpr):
    """The estimated similarity with the HLLs of `values`."""

    _op = aerospike.OP_HLL_GET_SIMILARITY

    def __init__(self, values: "TypeValue", bin: "TypeBinName"):
        self._children = (values, _hll(bin))


class HLLDescribe(_BaseExpr):
    """The list ``[index_bit_count, mh_bit_count]``."""

    _op = aerospike.OP_HLL_DESCRIBE

    def __init__(self, bin: "TypeBinName"):
        self._children = (_hll(bin),)


class HLLMayContain(_BaseExpr):
    """1 if every element of `list` may be in the HLL, else 0."""

    _op = aerospike.OP_HLL_MAY_CONTAIN

    def __init__(self, list: "TypeListValue", bin: "TypeBinName"):
        self._children = (list, _hll(bin))
