# Wire-vector replay helpers: loads ../shared/wire-vectors/*.jsonl, sends each recorded
# request to a server over raw sockets and compares the answers after the README's masks.
# Used by test_wire_vectors.py; run this file directly to print the failures of one area:
#   PYTHONPATH=. python test/emulator/vectors.py kv [scenario-id ...]

import json
import os
import random
import re
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VECTOR_DIRS = [
    os.environ.get("AEROSPIKE_WIRE_VECTORS", ""),
    os.path.join(HERE, "..", "..", "..", "shared", "wire-vectors"),
    "/work/shared/wire-vectors",
]
FILES = ["kv", "operate", "list", "map", "bit", "hll", "expressions", "batch", "query", "udf", "info"]


def vector_dir():
    for d in VECTOR_DIRS:
        if d and os.path.isfile(os.path.join(d, "kv.jsonl")):
            return d
    return None


def load(area):
    d = vector_dir()
    with open(os.path.join(d, area + ".jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def _recv_exact(sock, n):
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        out += chunk
    return bytes(out)


def recv_proto(sock):
    head = _recv_exact(sock, 8)
    size = int.from_bytes(head, "big") & 0xFFFFFFFFFFFF
    return head + _recv_exact(sock, size)


def _fields(msg, start=30):
    # Yields (type, offset of data, length) for each field of the AS_MSG at `start`.
    nf = struct.unpack_from(">H", msg, start - 4)[0]
    p = start
    for _ in range(nf):
        size = struct.unpack_from(">I", msg, p)[0]
        yield msg[p + 4], p + 5, size - 1
        p += 4 + size


def request_kind(req):
    """'info', 'single', 'batch' or 'scan' for a recorded request."""
    if req[1] != 3:
        return "info"
    if req[9] & 0x08:
        return "batch"
    if any(t == 4 for t, _, _ in _fields(req)):
        return "single"
    return "scan"


def iter_msgs(proto):
    """Yields the offset of each AS_MSG inside a type-3 proto."""
    p = 8
    while p + 22 <= len(proto):
        yield p
        nf, no = struct.unpack_from(">HH", proto, p + 18)
        q = p + 22
        for _ in range(nf + no):
            q += 4 + struct.unpack_from(">I", proto, q)[0]
        p = q


def read_answer(sock, kind):
    """Reads every proto of one answer, the way the README's replay procedure says."""
    first = recv_proto(sock)
    if kind in ("info", "single") or first[1] != 3:
        return [first]
    out = [first]
    proto = first
    while True:
        done = False
        for p in iter_msgs(proto):
            info3, rc = proto[p + 3], proto[p + 5]
            if info3 & 0x01 or (kind == "scan" and rc != 0 and not info3 & 0x04):
                done = True
        if done:
            return out
        proto = recv_proto(sock)
        out.append(proto)


def mask_msg_ttls(proto):
    """Replaces each non-zero record_ttl of an AS_MSG answer by 1 (zero stays zero)."""
    if proto[1] != 3:
        return proto
    b = bytearray(proto)
    for p in iter_msgs(proto):
        if b[p + 10 : p + 14] != b"\x00\x00\x00\x00":
            b[p + 10 : p + 14] = b"\x00\x00\x00\x01"
    return bytes(b)


def _mask_info_line(cmd, value):
    name = re.split(r"[:/;]", cmd, 1)[0]
    if name == "node":
        return "<node>"
    if name == "query-show" and not value.startswith("ERROR"):
        return re.sub(r"=[^:;]*", "=<v>", value)
    if name == "sindex-stat":
        return re.sub(r"load_time=\d+", "load_time=<t>", value)
    if name == "udf-list":
        entries = [e for e in value.split(";") if "filename=vec_udf.lua," in e]
        return ";".join(entries)
    return value


def _mask_info_command(cmd):
    # The replay gives each scan/query a fresh task id and asks query-show about that id,
    # so the command the server echoes names the new id, not the recorded one.
    return re.sub(r"^(query-show:(?:tr)?id=)\d+", r"\1<id>", cmd)


def mask_info(proto):
    text = proto[8:].decode("utf-8", "replace")
    out = []
    for line in text.split("\n"):
        cmd, sep, value = line.partition("\t")
        if sep:
            out.append(_mask_info_command(cmd) + sep + _mask_info_line(cmd, value))
        else:
            out.append(line)
    return "\n".join(out)


def masked(proto):
    if proto[1] == 1:
        return ("info", mask_info(proto))
    return ("msg", mask_msg_ttls(proto).hex())


def _retask(req, task_ids):
    # Gives a scan/query request a fresh random task id (field 7), remembering the old one.
    for t, off, n in _fields(req):
        if t == 7 and n == 8:
            old = int.from_bytes(req[off : off + 8], "big")
            new = task_ids.setdefault(old, random.getrandbits(63) or 1)
            return req[:off] + new.to_bytes(8, "big") + req[off + 8 :]
    return req


def _reid_info(req, task_ids):
    text = req[8:].decode()

    def sub(m):
        old = int(m.group(1))
        return "id=%d" % task_ids.get(old, old)

    new = re.sub(r"id=(\d+)", sub, text).encode()
    return req[:2] + len(new).to_bytes(6, "big") + new


def replay(scenario, host, port, timeout=10.0):
    """Replays one scenario; returns a list of mismatch descriptions (empty when it passes)."""
    socks = {}
    task_ids = {}
    problems = []
    try:
        for i, ex in enumerate(scenario["exchanges"]):
            conn = ex["conn"]
            if conn not in socks:
                s = socket.create_connection((host, port), timeout=timeout)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                socks[conn] = s
            sock = socks[conn]
            req = bytes.fromhex(ex["request"])
            kind = request_kind(req)
            if kind == "scan":
                req = _retask(req, task_ids)
            elif kind == "info" and b"query-show:id=" in req:
                req = _reid_info(req, task_ids)
            sock.sendall(req)
            try:
                got = read_answer(sock, kind)
            except (ConnectionError, socket.timeout, OSError) as e:
                problems.append("exchange %d (%s): no answer: %s" % (i, ex["phase"], e))
                return problems
            want = [bytes.fromhex(r) for r in ex["responses"]]
            gm = [masked(p) for p in got]
            wm = [masked(p) for p in want]
            if gm != wm:
                problems.append(
                    "exchange %d (%s) request %s\n  want %s\n  got  %s"
                    % (i, ex["phase"], ex["request"][:200], _show(wm), _show(gm))
                )
    finally:
        for s in socks.values():
            s.close()
    return problems


def _show(items):
    return " | ".join("%s:%s" % (k, v[:600]) for k, v in items)


def main(argv):
    import sys

    sys.path.insert(0, os.path.join(HERE, "..", ".."))
    from aerospike_emulator import Emulator

    areas = [a for a in argv if a in FILES] or FILES
    ids = [a for a in argv if a not in FILES]
    with Emulator(port=0) as emu:
        host, port = emu.seeds[0]
        total = passed = 0
        for area in FILES:
            if area not in areas:
                continue
            for sc in load(area):
                if ids and sc["id"] not in ids:
                    continue
                total += 1
                probs = replay(sc, host, port)
                if probs:
                    print("FAIL", sc["id"], "|", sc["call"][:150])
                    for p in probs:
                        print("  ", p)
                else:
                    passed += 1
        print("%d/%d passed" % (passed, total))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
