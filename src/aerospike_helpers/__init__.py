"""aerospike_helpers: pure-Python builders for the `aerospike` client.

Sub-packages: `operations` (op dicts for ``client.operate``),
`expressions` (filter and operation expressions), `cdt_ctx` (nested CDT
contexts), `batch` (batch record objects) and `metrics` (metrics policy and
snapshot classes). This module holds `HyperLogLog`, the value type of HLL
bins: the C binding packs it as an HLL particle and returns HLL bins as
`HyperLogLog` objects.
"""

__all__ = ["HyperLogLog"]


class HyperLogLog(bytes):
    """The raw bytes of a HyperLogLog bin value.

    A `bytes` subclass, so it compares equal to the same bytes. Its repr is
    ``HyperLogLog(b'...')``. Pass these objects to the HLL operations and
    expressions (``hll_set_union``, ``hll_get_union_count``, ...).
    """

    def __new__(cls, o):
        return super().__new__(cls, o)

    def __repr__(self):
        return f"HyperLogLog({bytes.__repr__(self)})"

    def __str__(self):
        return self.__repr__()
