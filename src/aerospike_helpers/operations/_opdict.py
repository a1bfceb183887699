"""The shared builder of operation dicts, used by every module of this package.

An op dict is ``{"op": <id>, "bin": <name>, ...}``. The reference client
includes some keys only under conditions (a policy only when given, a
context only when truthy, ...). Callers wrap such values with `if_truthy`
or `if_not_none`, which turn a value that must be left out into `OMIT`.
"""

OMIT = object()


def if_truthy(value):
    """Keep `value` only if it is truthy."""
    return value if value else OMIT


def if_not_none(value):
    """Keep `value` only if it is not None."""
    return OMIT if value is None else value


def op_dict(op, bin_name=OMIT, **fields):
    """Return ``{"op": op, "bin": bin_name, **fields}`` without the `OMIT` values.

    Keys keep the order of the arguments, which is the reference client's.
    """
    result = {"op": op}
    if bin_name is not OMIT:
        result["bin"] = bin_name
    for key, value in fields.items():
        if value is not OMIT:
            result[key] = value
    return result
