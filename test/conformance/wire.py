# wire.py: byte-level helpers of the wire-vector conformance suite.
# It frames and splits proto messages, decodes AS_MSG headers, fields, ops and
# batch rows for readable diffs, applies the README's request masks, moves
# record void times forward, and classifies requests. The stand-in server
# (standin.py) and the tests (test_standin.py, test_vectors.py) call it.

import re
import struct
import zlib

PROTO_VERSION = 2
TYPE_INFO = 1
TYPE_ADMIN = 2
TYPE_MSG = 3
TYPE_COMPRESSED = 4

HEADER_SIZE = 8
MSG_HEADER_SIZE = 22

# The field and op names below are only used to make mismatch reports readable.
FIELD_NAMES = {
    0: "NAMESPACE",
    1: "SET",
    2: "KEY",
    3: "RECORD_VERSION",
    4: "DIGEST",
    5: "TXN_ID",
    6: "TXN_DEADLINE",
    7: "TASK_ID",
    9: "SOCKET_TIMEOUT",
    10: "RECORDS_PER_SECOND",
    11: "PID_ARRAY",
    12: "DIGEST_ARRAY",
    13: "MAX_RECORDS",
    15: "BVAL_ARRAY",
    21: "INDEX_NAME",
    22: "INDEX_RANGE",
    23: "INDEX_CONTEXT",
    24: "INDEX_EXPRESSION",
    26: "INDEX_TYPE",
    30: "UDF_PACKAGE_NAME",
    31: "UDF_FUNCTION",
    32: "UDF_ARGLIST",
    33: "UDF_OP",
    40: "QUERY_BINS",
    41: "BATCH_INDEX",
    42: "BATCH_WITH_SET",
    43: "FILTER",
}

OP_NAMES = {
    1: "READ",
    2: "WRITE",
    3: "CDT_READ",
    4: "CDT_MODIFY",
    5: "INCR",
    7: "EXP_READ",
    8: "EXP_MODIFY",
    9: "APPEND",
    10: "PREPEND",
    11: "TOUCH",
    12: "BITS_READ",
    13: "BITS_MODIFY",
    14: "DELETE_ALL",
    15: "HLL_READ",
    16: "HLL_MODIFY",
}

FIELD_TASK_ID = 7
FIELD_DIGEST = 4
FIELD_BATCH = 41
INFO1_BATCH = 0x08
INFO3_LAST = 0x01

_QUERY_SHOW_ID = re.compile(rb"query-show:id=\d+")


class WireError(ValueError):
    """A message could not be decoded the way the protocol describes it."""


def frame(ptype, body):
    """Return a whole proto message: the 8-byte header followed by the body."""
    word = (PROTO_VERSION << 56) | (ptype << 48) | len(body)
    return struct.pack(">Q", word) + bytes(body)


def split_header(header):
    """Return (version, type, body size) of an 8-byte proto header."""
    (word,) = struct.unpack(">Q", header[:HEADER_SIZE])
    return word >> 56, (word >> 48) & 0xFF, word & 0xFFFFFFFFFFFF


def proto_type(message):
    """Return the proto type byte of a whole message."""
    return message[1] if len(message) > 1 else None


def body_of(message):
    """Return the body of a whole proto message."""
    return bytes(message[HEADER_SIZE:])


def info_message(text):
    """Return an info request or answer carrying the given text."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return frame(TYPE_INFO, text)


def info_commands(message):
    """Return the commands of an info request, one string per line."""
    text = body_of(message).decode("utf-8", "replace")
    return [line for line in text.split("\n") if line]


def decompress(message):
    """Return the inner AS_MSG of a compressed (type 4) message, or None."""
    if proto_type(message) != TYPE_COMPRESSED or len(message) < HEADER_SIZE + 8:
        return None
    try:
        return zlib.decompress(bytes(message[HEADER_SIZE + 8 :]))
    except zlib.error:
        return None


# AS_MSG decoding -------------------------------------------------------------


def parse_record(body, pos=0):
    """Decode one AS_MSG (22-byte header, fields, ops) starting at `pos`.

    Returns (record dict, position after the record). The record dict holds
    the header items by name, a list of (type, data) fields and a list of ops
    as dicts.
    """
    if len(body) - pos < MSG_HEADER_SIZE:
        raise WireError(f"truncated AS_MSG header at offset {pos}")
    (hsz, info1, info2, info3, info4, result, gen, ttl, txn_ttl, n_fields, n_ops) = (
        struct.unpack_from(">BBBBBBIIIHH", body, pos)
    )
    rec = {
        "header_sz": hsz,
        "info1": info1,
        "info2": info2,
        "info3": info3,
        "info4": info4,
        "result": result,
        "generation": gen,
        "record_ttl": ttl,
        "transaction_ttl": txn_ttl,
        "n_fields": n_fields,
        "n_ops": n_ops,
        "offset": pos,
    }
    pos += max(hsz, MSG_HEADER_SIZE)
    rec["fields"], pos = _parse_fields(body, pos, n_fields)
    rec["ops"], pos = _parse_ops(body, pos, n_ops)
    return rec, pos


def _parse_fields(body, pos, count):
    fields = []
    for _ in range(count):
        if len(body) - pos < 5:
            raise WireError(f"truncated field header at offset {pos}")
        size, ftype = struct.unpack_from(">IB", body, pos)
        end = pos + 4 + size
        if size < 1 or end > len(body):
            raise WireError(f"field of size {size} overruns the message at offset {pos}")
        fields.append((ftype, bytes(body[pos + 5 : end])))
        pos = end
    return fields, pos


def _parse_ops(body, pos, count):
    ops = []
    for _ in range(count):
        if len(body) - pos < 8:
            raise WireError(f"truncated op header at offset {pos}")
        size, op, ptype, flags, name_len = struct.unpack_from(">IBBBB", body, pos)
        end = pos + 4 + size
        if size < 4 + name_len or end > len(body):
            raise WireError(f"op of size {size} overruns the message at offset {pos}")
        name = bytes(body[pos + 8 : pos + 8 + name_len])
        value = bytes(body[pos + 8 + name_len : end])
        ops.append({"op": op, "particle": ptype, "flags": flags, "name": name, "value": value})
        pos = end
    return ops, pos


def parse_records(body):
    """Decode every AS_MSG packed back to back in one proto body."""
    records = []
    pos = 0
    while pos < len(body):
        rec, pos = parse_record(body, pos)
        records.append(rec)
    return records


def field_value(record, ftype):
    """Return the data of the first field of a type in a decoded AS_MSG, or None."""
    for t, data in record["fields"]:
        if t == ftype:
            return data
    return None


# Batch rows (field 41) ---------------------------------------------------------


def parse_batch_rows(data):
    """Decode the rows of a batch-index field into a list of dicts.

    Any bytes that cannot be decoded are returned as a final row with the key
    "undecoded", so a diff can still point at them.
    """
    rows = []
    if len(data) < 5:
        return [{"undecoded": data}]
    count, parent_flags = struct.unpack_from(">IB", data, 0)
    rows.append({"count": count, "parent_flags": parent_flags})
    pos = 5
    try:
        for _ in range(count):
            row = {"index": struct.unpack_from(">I", data, pos)[0]}
            row["digest"] = data[pos + 4 : pos + 24]
            flags = data[pos + 24]
            row["row_flags"] = flags
            pos += 25
            if flags & 0x01:
                rows.append(row)
                continue
            row["info1"] = data[pos]
            pos += 1
            if flags & 0x02:
                row["info2"], row["info3"] = data[pos], data[pos + 1]
                pos += 2
            if flags & 0x10:
                row["info4"] = data[pos]
                pos += 1
            if flags & 0x04:
                row["generation"] = struct.unpack_from(">H", data, pos)[0]
                pos += 2
            if flags & 0x08:
                row["record_ttl"] = struct.unpack_from(">I", data, pos)[0]
                pos += 4
            n_fields, n_ops = struct.unpack_from(">HH", data, pos)
            pos += 4
            row["fields"], pos = _parse_fields(data, pos, n_fields)
            row["ops"], pos = _parse_ops(data, pos, n_ops)
            rows.append(row)
    except (struct.error, IndexError, WireError):
        rows.append({"undecoded": data[pos:]})
        return rows
    if pos < len(data):
        rows.append({"undecoded": data[pos:]})
    return rows


# Classification ------------------------------------------------------------------


def request_kind(message):
    """Classify a client request: info, single, batch, scan, admin or unknown.

    A compressed request is classified by its inner message. An AS_MSG that
    carries a digest field is a single-record command; one with the batch bit
    is a batch; any other AS_MSG is a scan or query.
    """
    ptype = proto_type(message)
    if ptype == TYPE_INFO:
        return "info"
    if ptype == TYPE_ADMIN:
        return "admin"
    if ptype == TYPE_COMPRESSED:
        inner = decompress(message)
        return request_kind(inner) if inner else "unknown"
    if ptype != TYPE_MSG:
        return "unknown"
    try:
        rec, _ = parse_record(body_of(message))
    except WireError:
        return "unknown"
    if rec["info1"] & INFO1_BATCH:
        return "batch"
    if field_value(rec, FIELD_DIGEST) is not None:
        return "single"
    return "scan"


# Masks --------------------------------------------------------------------------


def mask_request(message):
    """Return a request with the README's masked items blanked out.

    In an AS_MSG the value of every TASK_ID field (type 7) becomes zeros of
    the same length. In an info request every `query-show:id=<n>` loses its
    number, and the proto size is recomputed. Other messages are returned
    unchanged, and so is anything that does not decode.
    """
    message = bytes(message)
    ptype = proto_type(message)
    if ptype == TYPE_INFO:
        body = _QUERY_SHOW_ID.sub(b"query-show:id=*", body_of(message))
        return frame(TYPE_INFO, body)
    if ptype != TYPE_MSG:
        return message
    body = bytearray(body_of(message))
    try:
        rec, _ = parse_record(body)
    except WireError:
        return message
    pos = MSG_HEADER_SIZE
    for ftype, data in rec["fields"]:
        if ftype == FIELD_TASK_ID:
            body[pos + 5 : pos + 5 + len(data)] = bytes(len(data))
        pos += 5 + len(data)
    return message[:HEADER_SIZE] + bytes(body)


def requests_match(expected, got):
    """Tell whether two requests are equal after the masks."""
    return mask_request(expected) == mask_request(got)


# Void times ----------------------------------------------------------------------


def shift_void_times(message, seconds):
    """Move every non-zero record void time of an AS_MSG answer forward.

    The void time (record_ttl, header bytes 10..13 of each AS_MSG) is changed
    in every AS_MSG of the body, so multi-record batch, scan and query answers
    are covered too. Zero means "never expires" and stays zero. Messages that
    are not plain AS_MSG, or do not decode, are returned unchanged.
    """
    message = bytes(message)
    if seconds == 0 or proto_type(message) != TYPE_MSG:
        return message
    body = bytearray(body_of(message))
    try:
        records = parse_records(body)
    except WireError:
        return message
    for rec in records:
        if rec["record_ttl"]:
            new = (rec["record_ttl"] + seconds) & 0xFFFFFFFF
            struct.pack_into(">I", body, rec["offset"] + 10, new)
    return message[:HEADER_SIZE] + bytes(body)


def void_times(message):
    """Return the record void times of every AS_MSG in an answer (for tests)."""
    if proto_type(message) != TYPE_MSG:
        return []
    return [rec["record_ttl"] for rec in parse_records(body_of(message))]


# Error answers ------------------------------------------------------------------


def error_answer(request, text="the stand-in has no recorded answer for this request"):
    """Build an answer that ends the client's wait on an unexpected request.

    Info requests get `ERROR::<text>` for each command; every other request
    gets one AS_MSG with result 1 (UNKNOWN) and the LAST bit, which ends a
    single-record, batch, scan or query exchange alike.
    """
    if proto_type(request) == TYPE_INFO:
        lines = [f"{cmd}\tERROR::{text}\n" for cmd in info_commands(request)]
        return info_message("".join(lines) or f"ERROR::{text}\n")
    header = struct.pack(">BBBBBBIIIHH", MSG_HEADER_SIZE, 0, 0, INFO3_LAST, 0, 1, 0, 0, 0, 0, 0)
    return frame(TYPE_MSG, header)
