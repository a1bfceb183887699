# permissions.py: what a data or info command needs from the roles of the user who sends it,
# on an emulator with security on (the server's privilege model, protocol.md 11). Reads
# need read, read-write or read-write-udf; writes and deletes need write, read-write or
# read-write-udf (an operate that also reads needs both); record UDFs, aggregations and
# background UDF jobs need read-write-udf; each checked against the privilege's namespace
# and set scope. Info commands: truncate needs truncate or data-admin, sindex-create/delete
# sindex-admin or data-admin, udf-put/remove udf-admin or data-admin; other info commands
# need nothing. A refused command gets result 81 (role violation): a single-record or scan
# answer carrying it, a batch ended at once with it, or "ERROR:81:role violation" for the
# info command.
#
# Called by security.Security.guard for every command of a logged-in connection.

import struct

from .info import run_command, split_command
from .wire import (
    F_BATCH,
    F_BATCH_WITH_SET,
    F_DIGEST,
    F_NAMESPACE,
    F_SET,
    F_UDF_FILENAME,
    F_UDF_OP,
    I1_BATCH,
    I1_READ,
    I2_WRITE,
    I3_LAST,
    T_INFO,
    T_MSG,
    ProtocolError,
    msg_body,
    parse_fields_ops,
    parse_msg,
    proto_header,
)

ROLE_VIOLATION = 81

USER_ADMIN, SYS_ADMIN, DATA_ADMIN, UDF_ADMIN, SINDEX_ADMIN = 0, 1, 2, 3, 4
READ, READ_WRITE, READ_WRITE_UDF, WRITE, TRUNCATE = 10, 11, 12, 13, 14

# The privilege codes that grant each permission.
P_READ = frozenset((READ, READ_WRITE, READ_WRITE_UDF))
P_WRITE = frozenset((WRITE, READ_WRITE, READ_WRITE_UDF))
P_UDF = frozenset((READ_WRITE_UDF,))
P_TRUNCATE = frozenset((TRUNCATE, DATA_ADMIN))
P_SINDEX = frozenset((SINDEX_ADMIN, DATA_ADMIN))
P_UDF_ADMIN = frozenset((UDF_ADMIN, DATA_ADMIN))

INFO_NEEDS = {
    "truncate": P_TRUNCATE,
    "truncate-namespace": P_TRUNCATE,
    "truncate-undo": P_TRUNCATE,
    "truncate-namespace-undo": P_TRUNCATE,
    "sindex-create": P_SINDEX,
    "sindex-delete": P_SINDEX,
    "udf-put": P_UDF_ADMIN,
    "udf-remove": P_UDF_ADMIN,
}


def allowed(privileges, codes, ns="", set_name=""):
    """True when one of `privileges` ((code, ns, set) tuples) grants one of `codes` for
    the namespace and set (a privilege without a namespace applies everywhere)."""
    for code, pns, pset in privileges:
        if code in codes and (not pns or pns == ns) and (not pset or pset == set_name):
            return True
    return False


def _record_needs(info1, info2, fields):
    if F_UDF_FILENAME in fields:
        return (P_UDF,)
    if info2 & I2_WRITE:
        return (P_WRITE, P_READ) if info1 & I1_READ else (P_WRITE,)
    return (P_READ,)


def _scope(fields):
    ns = fields.get(F_NAMESPACE, b"").decode("utf-8", "replace")
    return ns, fields.get(F_SET, b"").decode("utf-8", "replace")


def _batch_rows(payload):
    """Yields (info1, info2, fields) per row of a BATCH field (protocol.md 9a)."""
    if len(payload) < 5:
        raise ProtocolError("short batch field")
    count = struct.unpack_from(">I", payload, 0)[0]
    pos, prev = 5, None
    for _ in range(count):
        if pos + 25 > len(payload):
            raise ProtocolError("truncated batch row")
        flags = payload[pos + 24]
        pos += 25
        if flags & 0x01:
            if prev is None:
                raise ProtocolError("repeat on the first row")
            yield prev
            continue
        info1, info2 = payload[pos], 0
        pos += 1
        if flags & 0x02:
            info2 = payload[pos]
            pos += 2
        pos += (1 if flags & 0x10 else 0) + (2 if flags & 0x04 else 0) + (4 if flags & 0x08 else 0)
        if pos + 4 > len(payload):
            raise ProtocolError("truncated batch row")
        n_fields, n_ops = struct.unpack_from(">HH", payload, pos)
        fields, _, pos = parse_fields_ops(payload, pos + 4, n_fields, n_ops)
        prev = (info1, info2, fields)
        yield prev


def _msg_refusal(privileges, body):
    try:
        msg = parse_msg(body)
    except ProtocolError:
        return None  # the node answers malformed messages itself
    if msg.info1 & I1_BATCH:
        payload = msg.fields.get(F_BATCH, msg.fields.get(F_BATCH_WITH_SET))
        if payload is None:
            return None
        try:
            rows = list(_batch_rows(payload))
        except ProtocolError:
            return None
        for info1, info2, fields in rows:
            ns, set_name = _scope(fields)
            for codes in _record_needs(info1, info2, fields):
                if not allowed(privileges, codes, ns, set_name):
                    return _last(ROLE_VIOLATION)
        return None
    ns, set_name = _scope(msg.fields)
    if F_DIGEST in msg.fields:
        needs = _record_needs(msg.info1, msg.info2, msg.fields)
    elif F_UDF_OP in msg.fields:
        needs = (P_UDF,)
    else:
        needs = (P_WRITE,) if msg.info2 & I2_WRITE else (P_READ,)
    for codes in needs:
        if not allowed(privileges, codes, ns, set_name):
            return _last(ROLE_VIOLATION)
    return None


def _last(result):
    body = msg_body(result, info3=I3_LAST)
    return proto_header(T_MSG, len(body)) + body


def _info_refusal(privileges, node, body):
    text = bytes(body).decode("utf-8", "replace")
    commands = [c for c in text.split("\n") if c]
    refused = set()
    for cmd in commands:
        name, _, params = split_command(cmd)
        codes = INFO_NEEDS.get(name)
        if codes is None:
            continue
        ns = params.get("namespace", params.get("ns", ""))
        if not allowed(privileges, codes, ns, params.get("set", "")):
            refused.add(cmd)
    if not refused:
        return None
    out = []
    for cmd in commands:
        answer = "ERROR:81:role violation" if cmd in refused else run_command(node, cmd)
        out.append("%s\t%s\n" % (cmd, answer))
    data = "".join(out).encode("utf-8")
    return proto_header(T_INFO, len(data)) + data


def refusal(privileges, node, ptype, body):
    """The answer refusing a command the privileges do not allow, or None to let the node
    answer it."""
    if ptype == T_MSG:
        return _msg_refusal(privileges, body)
    if ptype == T_INFO:
        return _info_refusal(privileges, node, body)
    return None
