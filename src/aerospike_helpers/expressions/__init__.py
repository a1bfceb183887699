"""Expressions: server-side filters and computed values.

Build an expression from the classes re-exported here (``exp.Eq``,
``exp.IntBin``, ``exp.ListGetByIndex``, ...) and call ``compile()``; pass
the result as a policy's ``"expressions"`` filter, to
``expression_operations.expression_read/write``, to
``cdt_ctx.cdt_ctx_all_children_with_filter`` or to
``client.get_expression_base64``. The modules are `base` (values, bins,
metadata, comparisons, logic, variables), `arithmetic`,
`bitwise_operators` (integer bit operators), `list`, `map`, `bitwise`
(blob bins), `hll` and `resources` (the compiled node format).
"""

from aerospike_helpers.expressions.arithmetic import *  # noqa: F403
from aerospike_helpers.expressions.base import *  # noqa: F403
from aerospike_helpers.expressions.bitwise import *  # noqa: F403
from aerospike_helpers.expressions.bitwise_operators import *  # noqa: F403
from aerospike_helpers.expressions.hll import *  # noqa: F403
from aerospike_helpers.expressions.list import *  # noqa: F403
from aerospike_helpers.expressions.map import *  # noqa: F403
from aerospike_helpers.expressions.resources import ResultType, ReturnType  # noqa: F401
