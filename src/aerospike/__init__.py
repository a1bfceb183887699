"""aerospike: a client for the Aerospike database.

`aerospike.client(config)` returns a connected `Client`. The module also
holds the constants, the value types (GeoJSON, KeyOrderedDict, null,
CDTWildcard, CDTInfinite), serializer and logging hooks, and digest helpers.
Heavy lifting happens in the C extension `aerospike._core`; the Python
parts of the client class live in `aerospike._client`.
"""

import atexit as _atexit
import json as _json
import logging as _logging

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
from aerospike import _core
from aerospike._types import (  # noqa: F401
    CDTInfinite,
    CDTWildcard,
    ConfigProvider,
    GeoJSON,
    KeyOrderedDict,
    Transaction,
    geodata,
    geojson,
    null,
)
from aerospike._core import (  # noqa: F401
    calc_digest,
    get_partition_id,
    set_deserializer,
    set_serializer,
    unset_serializers,
)

__version__ = "19.3.0"


def _init():
    from aerospike_helpers import HyperLogLog
    from aerospike_helpers.batch.records import BatchRecord, BatchRecords

    _core._init_types(
        class_for_code=exception.class_for_code,
        geojson=GeoJSON,
        geojson_from_str=geojson,
        key_ordered_dict=KeyOrderedDict,
        null=null,
        wildcard=CDTWildcard,
        infinite=CDTInfinite,
        hyperloglog=HyperLogLog,
        batch_record=BatchRecord,
        batch_records=BatchRecords,
        json_dumps=_json.dumps,
        json_loads=_json.loads,
    )


_init()

from aerospike._client import Client  # noqa: E402
from aerospike import predicates  # noqa: E402,F401
from aerospike._query import Query, Scan  # noqa: E402,F401


def client(config):
    """Create a Client for `config` and connect it to the cluster.

    Raises a subclass of `aerospike.exception.AerospikeError` when the config
    is invalid (ParamError) or no node can be reached.
    """
    return Client(config)


# ---- logging -------------------------------------------------------------

_logger = _logging.getLogger("aerospike")
_PY_LEVELS = {
    LOG_LEVEL_ERROR: _logging.ERROR,  # noqa: F405
    LOG_LEVEL_WARN: _logging.WARNING,  # noqa: F405
    LOG_LEVEL_INFO: _logging.INFO,  # noqa: F405
    LOG_LEVEL_DEBUG: _logging.DEBUG,  # noqa: F405
    LOG_LEVEL_TRACE: 5,  # noqa: F405
}


def _default_log_handler(level, func, path, line, msg):
    _logger.log(_PY_LEVELS.get(level, _logging.DEBUG), "%s: %s", func, msg)


def set_log_level(log_level):
    """Set the level of the messages the client logs (LOG_LEVEL_*)."""
    _core.set_log_level(log_level)


def set_log_handler(callback=None):
    """Send log messages to `callback(level, func, path, line, msg)`.

    Without an argument, messages go to the Python logger "aerospike".
    """
    _core.set_log_handler(callback if callback is not None else _default_log_handler)


set_log_handler()
set_log_level(LOG_LEVEL_ERROR)  # noqa: F405
_atexit.register(_core._mark_finalizing)
