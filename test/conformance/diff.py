# diff.py: readable explanations of why a client request differs from the
# recorded one. The stand-in server (standin.py) calls describe_mismatch() and
# puts its text into the scenario's failure report, so a client author sees
# which header item, field, op or batch row differs, and not only two hex dumps.

import struct

from . import wire

_TEXT_FIELDS = {0, 1, 21, 30, 31}
_INT_FIELDS = {9, 10, 13}
_HEADER_ITEMS = (
    "header_sz",
    "info1",
    "info2",
    "info3",
    "info4",
    "result",
    "generation",
    "record_ttl",
    "transaction_ttl",
    "n_fields",
    "n_ops",
)
_HEX_LIMIT = 160


def short_hex(data, limit=_HEX_LIMIT):
    """Return hex text of bytes, cut in the middle when it is long."""
    text = bytes(data).hex()
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}...{text[-half:]} ({len(data)} bytes)"


def first_difference(a, b):
    """Return the first byte offset where two byte strings differ, or None."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    if len(a) != len(b):
        return min(len(a), len(b))
    return None


def _field_text(ftype, data):
    name = wire.FIELD_NAMES.get(ftype, "?")
    if ftype in _TEXT_FIELDS:
        shown = repr(data.decode("utf-8", "replace"))
    elif ftype in _INT_FIELDS and len(data) in (4, 8):
        shown = str(int.from_bytes(data, "big"))
    else:
        shown = short_hex(data) or "(empty)"
    return f"{ftype} {name} = {shown}"


def _op_text(op):
    name = wire.OP_NAMES.get(op["op"], "?")
    bin_name = op["name"].decode("utf-8", "replace")
    value = short_hex(op["value"]) or "(empty)"
    return (
        f"{name}({op['op']}) bin {bin_name!r} particle {op['particle']} "
        f"flags {op['flags']} value {value}"
    )


def _compare_lists(label, expected, got, text_of, out):
    for i in range(max(len(expected), len(got))):
        exp_item = expected[i] if i < len(expected) else None
        got_item = got[i] if i < len(got) else None
        if exp_item == got_item:
            continue
        exp_text = text_of(exp_item) if exp_item is not None else "(none)"
        got_text = text_of(got_item) if got_item is not None else "(none)"
        out.append(f"  {label} #{i}: expected {exp_text}")
        out.append(f"  {' ' * len(label)}    got      {got_text}")


def _compare_headers(expected, got, out, prefix=""):
    for item in _HEADER_ITEMS:
        if item in expected and expected.get(item) != got.get(item):
            exp_value, got_value = expected.get(item), got.get(item)
            if item.startswith("info"):
                shown = f"0x{exp_value:02x}, got 0x{got_value:02x}" if got_value is not None else ""
            else:
                shown = f"{exp_value}, got {got_value}"
            out.append(f"  {prefix}header {item}: expected {shown}")


def _row_text(row):
    parts = []
    for key, value in row.items():
        if key in ("fields", "ops"):
            continue
        if isinstance(value, bytes):
            value = short_hex(value)
        parts.append(f"{key}={value}")
    return " ".join(parts)


def _compare_batch(expected, got, out):
    exp_rows = wire.parse_batch_rows(expected)
    got_rows = wire.parse_batch_rows(got)
    for i in range(max(len(exp_rows), len(got_rows))):
        exp_row = exp_rows[i] if i < len(exp_rows) else {}
        got_row = got_rows[i] if i < len(got_rows) else {}
        if exp_row == got_row:
            continue
        label = "batch head" if i == 0 else f"batch row #{i - 1}"
        if _row_text(exp_row) != _row_text(got_row):
            out.append(f"  {label}: expected {_row_text(exp_row) or '(none)'}")
            out.append(f"  {' ' * len(label)}    got      {_row_text(got_row) or '(none)'}")
        _compare_lists(
            f"{label} field",
            exp_row.get("fields", []),
            got_row.get("fields", []),
            lambda f: _field_text(*f),
            out,
        )
        _compare_lists(f"{label} op", exp_row.get("ops", []), got_row.get("ops", []), _op_text, out)


def _describe_msg(expected, got, out):
    try:
        exp_rec, _ = wire.parse_record(wire.body_of(expected))
        got_rec, _ = wire.parse_record(wire.body_of(got))
    except wire.WireError as exc:
        out.append(f"  (cannot decode the AS_MSG: {exc})")
        return
    _compare_headers(exp_rec, got_rec, out)
    exp_fields, got_fields = exp_rec["fields"], got_rec["fields"]
    if [t for t, _ in exp_fields] != [t for t, _ in got_fields]:
        out.append(
            f"  field types in order: expected {[t for t, _ in exp_fields]}, "
            f"got {[t for t, _ in got_fields]}"
        )
    _compare_lists("field", exp_fields, got_fields, lambda f: _field_text(*f), out)
    exp_batch = wire.field_value(exp_rec, wire.FIELD_BATCH)
    got_batch = wire.field_value(got_rec, wire.FIELD_BATCH)
    if exp_batch is not None and got_batch is not None and exp_batch != got_batch:
        _compare_batch(exp_batch, got_batch, out)
    _compare_lists("op", exp_rec["ops"], got_rec["ops"], _op_text, out)


def _describe_info(expected, got, out):
    exp_cmds = wire.info_commands(expected)
    got_cmds = wire.info_commands(got)
    _compare_lists("info command", exp_cmds, got_cmds, repr, out)
    exp_body, got_body = wire.body_of(expected), wire.body_of(got)
    if exp_cmds == got_cmds and exp_body != got_body:
        out.append(f"  info text: expected {exp_body!r}, got {got_body!r}")


def describe_mismatch(expected, got):
    """Return several lines explaining how request `got` differs from `expected`.

    Both are whole proto messages. The masks are applied first, so masked
    items never show up as differences.
    """
    expected, got = wire.mask_request(expected), wire.mask_request(got)
    out = []
    exp_kind, got_kind = wire.request_kind(expected), wire.request_kind(got)
    if exp_kind != got_kind:
        out.append(f"  request kind: expected {exp_kind}, got {got_kind}")
    exp_type, got_type = wire.proto_type(expected), wire.proto_type(got)
    if exp_type != got_type:
        out.append(f"  proto type: expected {exp_type}, got {got_type}")
    elif exp_type == wire.TYPE_INFO:
        _describe_info(expected, got, out)
    elif exp_type == wire.TYPE_MSG:
        _describe_msg(expected, got, out)
    elif exp_type == wire.TYPE_COMPRESSED:
        exp_inner, got_inner = wire.decompress(expected), wire.decompress(got)
        if exp_inner and got_inner and exp_inner != got_inner:
            out.append("  inside the compressed wrapper:")
            _describe_msg(exp_inner, got_inner, out)
        elif exp_inner and exp_inner == got_inner:
            out.append("  the inner messages are equal; the zlib stream or wrapper differs")
        if len(expected) >= 16 and len(got) >= 16:
            exp_size = struct.unpack_from(">Q", expected, 8)[0]
            got_size = struct.unpack_from(">Q", got, 8)[0]
            if exp_size != got_size:
                out.append(f"  uncompressed size: expected {exp_size}, got {got_size}")
    if len(expected) != len(got):
        out.append(f"  message length: expected {len(expected)}, got {len(got)}")
    offset = first_difference(expected, got)
    if offset is not None:
        out.append(f"  first differing byte: offset {offset}")
    out.append(f"  expected hex: {_hex_around(expected, offset)}")
    out.append(f"  got hex:      {_hex_around(got, offset)}")
    return "\n".join(out)


def _hex_around(data, offset, limit=2048):
    """Return the whole hex of a message, or a window near `offset` when it is big."""
    if len(data) <= limit:
        return data.hex()
    start = max(0, (offset or 0) - 64)
    window = data[start : start + 256].hex()
    return f"({len(data)} bytes; bytes {start}..{start + 256} shown) {window}"
