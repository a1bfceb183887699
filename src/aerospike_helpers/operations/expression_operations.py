"""Expression operations for ``client.operate``: read or write a computed value.

`expression` is the result of ``expr.compile()``. The op dict is
``{"op": OP_EXPR_READ | OP_EXPR_WRITE, "bin", "expr", "expr_flags"}``; the
binding sends it as wire op 7 / 8 with the value ``[expression, flags]``.
"""

import aerospike
from aerospike_helpers.operations._opdict import op_dict

OP_KEY = "op"
BIN_KEY = "bin"
EXPR_KEY = "expr"
EXPR_FLAGS_KEY = "expr_flags"


def expression_read(bin_name, expression, expression_read_flags=0):
    """Evaluate `expression` and return its value under the name `bin_name`.

    `expression_read_flags` is ``aerospike.EXP_READ_*``.
    """
    return op_dict(
        aerospike.OP_EXPR_READ, bin_name, expr=expression, expr_flags=expression_read_flags
    )


def expression_write(bin_name, expression, expression_write_flags=0):
    """Evaluate `expression` and write its value to the bin `bin_name`.

    `expression_write_flags` is ``aerospike.EXP_WRITE_*``.
    """
    return op_dict(
        aerospike.OP_EXPR_WRITE, bin_name, expr=expression, expr_flags=expression_write_flags
    )
