# notation.py: the result notation of the wire vectors, written from the
# README's description. A call's value is shown as its repr(), except that
# batch objects (BatchRecords and its records) become dicts of their
# attributes, and an AerospikeError becomes {'exception': name, 'code': code}.
# runner.py compares a scenario's outcome with its recorded `result` here.

_RECORD_ATTRS = ("key", "result", "record", "in_doubt")


def _is_batch_records(value):
    return hasattr(value, "batch_records") and hasattr(value, "result")


def _is_batch_record(value):
    return all(hasattr(value, attr) for attr in _RECORD_ATTRS)


def plain(value):
    """Return `value` with every batch object replaced by a dict of its attributes.

    Lists, tuples and dicts are walked so that a batch object nested in them
    is converted too; everything else is returned as it is, so that repr()
    of the result is the repr() of the original value.
    """
    if isinstance(value, (str, bytes, bytearray, int, float, type(None))):
        return value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(plain(v) for v in value)
    if isinstance(value, dict) and type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    if _is_batch_records(value):
        records = value.batch_records
        return {
            type(value).__name__: {
                "result": value.result,
                "batch_records": plain(list(records)) if records is not None else None,
            }
        }
    if _is_batch_record(value):
        attrs = {attr: plain(getattr(value, attr)) for attr in _RECORD_ATTRS}
        return {type(value).__name__: attrs}
    return value


def value_notation(value):
    """Return the notation of a call's value: repr() after batch conversion."""
    return repr(plain(value))


def is_aerospike_error(exc):
    """Tell whether an exception is an aerospike.exception.AerospikeError.

    The class is found by name in the exception's bases, because the reference
    client's exception classes live in a module that is simply named
    `exception`.
    """
    return any(cls.__name__ == "AerospikeError" for cls in type(exc).__mro__)


def exception_notation(exc):
    """Return the notation of a raised exception.

    An AerospikeError gives its class name and `code`. Any other exception
    cannot match a recorded result; it is shown with its message to help.
    """
    if is_aerospike_error(exc):
        return {"exception": type(exc).__name__, "code": getattr(exc, "code", None)}
    return {"exception": type(exc).__name__, "code": None, "message": str(exc)[:500]}


def compare(expected, outcome):
    """Compare a recorded `result` with an outcome; return None or a message.

    `outcome` is ("value", value) or ("exception", exc).
    """
    kind, payload = outcome
    if kind == "exception":
        got = exception_notation(payload)
        shown = repr(got)
        if is_aerospike_error(payload):
            msg = getattr(payload, "msg", None)
            if msg:
                shown += f" (message: {msg!r})"
    else:
        try:
            got = value_notation(payload)
        except Exception as exc:  # noqa: BLE001 - a broken repr is a finding too.
            return f"the call's value cannot be shown: {type(exc).__name__}: {exc}"
        shown = got
    if isinstance(expected, dict):
        wanted = {"exception": expected.get("exception"), "code": expected.get("code")}
        if (
            isinstance(got, dict)
            and got.get("exception") == wanted["exception"]
            and (got.get("code") == wanted["code"])
        ):
            return None
        return f"result differs:\n  expected {wanted!r}\n  got      {shown}"
    if got == expected:
        return None
    text = f"result differs:\n  expected {expected}\n  got      {shown}"
    if isinstance(got, str) and len(expected) > 80:
        at = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b), None)
        at = min(len(expected), len(got)) if at is None else at
        text += (
            f"\n  first difference at character {at}: expected ...{expected[at : at + 40]!r}, "
            f"got ...{got[at : at + 40]!r}"
        )
    return text
