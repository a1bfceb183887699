"""aerospike: a client for the Aerospike database.

`aerospike.client(config)` returns a connected `Client`. The module also
holds the constants, the value types (GeoJSON, KeyOrderedDict, null,
CDTWildcard, CDTInfinite), serializer and logging hooks, and digest helpers.
Heavy lifting happens in the C extension `aerospike._core`.
"""

from aerospike._constants import *  # noqa: F401,F403
from aerospike._constants import (  # noqa: F401
    _AS_CDT_CTX_EXP,
    _AS_OPERATOR_CDT_MODIFY,
    _AS_OPERATOR_CDT_READ,
    _CDT_APPLY_MOD_EXP_KEY,
    _CDT_CTX_FILTER_EXPR_KEY,
    _CDT_FLAGS_KEY,
)
from aerospike import exception  # noqa: F401

__version__ = "19.3.0"
