# Scans, queries and secondary indexes over raw sockets: answer framing and partition-done
# markers, partition ownership across 3 nodes, resuming with DIGEST_ARRAY, max_records,
# filter expressions, index maintenance on update/delete/truncate/expiry, malformed
# requests, and background jobs with query-show. The emulator fixtures come from conftest.

import base64
import json
import random
import struct

import pytest

from .rawclient import Conn, digest_for, field, msg, op, recv_proto

NS = b"test"


# -- request builders ---------------------------------------------------------------------


def put(conn, digest, bins, set_name=b"qs", ttl=0):
    """Writes a record; bins maps names to int, str, bytes or ('geo', text)."""
    ops = []
    for name, value in bins.items():
        name = name.encode()
        if isinstance(value, bool) or value is None:
            raise TypeError(value)
        if isinstance(value, int):
            ops.append(op(2, name, 1, struct.pack(">q", value)))
        elif isinstance(value, str):
            ops.append(op(2, name, 3, value.encode()))
        elif isinstance(value, tuple) and value[0] == "geo":
            ops.append(op(2, name, 23, b"\x00\x00\x00" + value[1].encode()))
        elif isinstance(value, tuple) and value[0] == "msgpack":
            ops.append(op(2, name, value[1], value[2]))
        else:
            ops.append(op(2, name, 4, bytes(value)))
    fields = [field(0, NS), field(1, set_name), field(4, digest)]
    reply = conn.call(msg(info2=0x01, ttl=ttl, fields=fields, ops=ops))
    assert reply.result == 0


def remove(conn, digest, set_name=b"qs"):
    fields = [field(0, NS), field(1, set_name), field(4, digest)]
    assert conn.call(msg(info2=0x03, fields=fields)).result == 0


def int_range(bin_name, lo, hi):
    b = bin_name.encode()
    return bytes([1, len(b)]) + b + b"\x01" + struct.pack(">Iq", 8, lo) + struct.pack(">Iq", 8, hi)


def str_range(bin_name, value, ptype=3):
    b = bin_name.encode()
    v = value.encode() if isinstance(value, str) else value
    size = struct.pack(">I", len(v))
    return bytes([1, len(b)]) + b + bytes([ptype]) + size + v + size + v


def geo_range(bin_name, shape):
    b = bin_name.encode()
    v = json.dumps(shape).encode()
    return (
        bytes([1, len(b)])
        + b
        + b"\x17"
        + struct.pack(">I", len(v))
        + v
        + (struct.pack(">I", len(v)) + v)
    )


def pid_array(pids):
    return b"".join(struct.pack("<H", p) for p in pids)


def scan_request(
    set_name=b"qs",
    pids=range(4096),
    info1=0x01,
    info2=0,
    info3=0x04,
    rng=None,
    itype=None,
    extra=(),
    ops=(),
    trid=None,
    ttl=0xFFFFFFFF,
):
    fields = [field(0, NS)]
    if set_name is not None:
        fields.append(field(1, set_name))
    fields.append(field(9, struct.pack(">I", 30000)))
    fields.append(field(7, struct.pack(">Q", trid or random.getrandbits(63) or 1)))
    if itype is not None:
        fields.append(field(26, bytes([itype])))
    if rng is not None:
        fields.append(field(22, rng))
    fields.extend(extra)
    if pids is not None:
        fields.append(field(11, pid_array(pids)))
    return msg(info1=info1, info2=info2, info3=info3, fields=fields, ops=ops, ttl=ttl, timeout=0)


class Record:
    """One AS_MSG of a scan/query answer."""

    def __init__(self, data, p):
        (_, self.info1, _, self.info3, _, self.result, self.gen, self.void_time, _, nf, no) = (
            struct.unpack_from(">BBBBBBIIIHH", data, p)
        )
        q = p + 22
        self.fields = {}
        for _ in range(nf):
            size = struct.unpack_from(">I", data, q)[0]
            self.fields[data[q + 4]] = data[q + 5 : q + 4 + size]
            q += 4 + size
        self.bins = {}
        for _ in range(no):
            size, _o, ptype, _f, nlen = struct.unpack_from(">IBBBB", data, q)
            name = data[q + 8 : q + 8 + nlen].decode()
            val = data[q + 8 + nlen : q + 4 + size]
            self.bins[name] = struct.unpack(">q", val)[0] if ptype == 1 else val
            q += 4 + size
        self.end = q

    @property
    def digest(self):
        return self.fields.get(4)

    @property
    def bval(self):
        return struct.unpack("<q", self.fields[15])[0] if 15 in self.fields else None


def run(conn, request):
    """Sends a scan/query; returns (protos, messages) up to LAST or an error message."""
    conn.sock.sendall(request)
    protos, msgs = [], []
    while True:
        proto = recv_proto(conn.sock)
        protos.append(proto)
        p = 8
        while p < len(proto):
            m = Record(proto, p)
            msgs.append(m)
            p = m.end
            if m.info3 & 0x01 or (m.result and not m.info3 & 0x04):
                return protos, msgs
        assert p == len(proto)


def records(msgs):
    return [m for m in msgs if not m.info3 & 0x05]


def create_index(conn, name, bin_name, ktype="NUMERIC", itype=None, set_name="qs", extra=""):
    cmd = "sindex-create:namespace=test;set=%s;indexname=%s;" % (set_name, name)
    if itype:
        cmd += "indextype=%s;" % itype
    cmd += "%sbin=%s;type=%s" % (extra, bin_name, ktype)
    assert conn.info(cmd) == "ok"


def stat_entries(conn, name):
    value = conn.info("sindex-stat:namespace=test;indexname=%s" % name)
    return int(dict(kv.split("=") for kv in value.split(";"))["entries"])


# -- scans --------------------------------------------------------------------------------


def test_scan_answers_one_proto_per_partition_then_last(emu):
    with Conn(emu.seeds[0]) as c:
        same = [bytes([7, 0]) + bytes([i]) + bytes(17) for i in (3, 9, 1)]
        other = digest_for(100)
        for i, d in enumerate(same + [other]):
            put(c, d, {"n": i})
        protos, msgs = run(c, scan_request())
    assert len(protos) == 3
    first = [Record(protos[0], 8)]
    assert first[0].digest in same
    recs = records(msgs)
    pid7 = [m.digest for m in recs if m.digest[:2] == bytes([7, 0])]
    assert pid7 == sorted(same, reverse=True)
    assert msgs[-1].info3 == 0x01 and msgs[-1].result == 0 and not msgs[-1].fields
    assert not [m for m in msgs if m.info3 & 0x04]
    rec = recs[0]
    assert set(rec.fields) == {0, 1, 4} and rec.fields[1] == b"qs" and rec.gen == 1


def test_scan_bins_nobins_and_empty_set(emu):
    with Conn(emu.seeds[0]) as c:
        put(c, digest_for(1), {"a": 1, "b": "x"})
        put(c, digest_for(2), {"a": 2}, set_name=b"other")
        _, msgs = run(c, scan_request(ops=[op(1, b"b")]))
        assert [m.bins for m in records(msgs)] == [{"b": b"x"}]
        _, msgs = run(c, scan_request(info1=0x21))
        assert records(msgs)[0].info1 == 0x20 and records(msgs)[0].bins == {}
        _, msgs = run(c, scan_request(set_name=b""))
        assert len(records(msgs)) == 2


def test_basic_scan_needs_partition_done_support(emu):
    with Conn(emu.seeds[0]) as c:
        put(c, digest_for(1), {"a": 1})
        _, msgs = run(c, scan_request(info3=0))
    assert len(msgs) == 1 and msgs[0].result == 16


def _owned(conn):
    # The partitions a node masters, from its `replicas` bitmap.
    value = conn.info("replicas").split(";")[0]
    bits = base64.b64decode(value.split(",")[2])
    return {p for p in range(4096) if bits[p >> 3] & (0x80 >> (p & 7))}


def test_three_nodes_each_answer_their_own_partitions(emu3):
    with Conn(emu3.seeds[0]) as c:
        for i in range(60):
            put(c, digest_for(i * 37), {"n": i})
    seen = []
    for address in emu3.seeds:
        with Conn(address) as c:
            owned = _owned(c)
            _, msgs = run(c, scan_request())
        for m in records(msgs):
            assert (m.digest[0] | (m.digest[1] << 8)) & 0xFFF in owned
            seen.append(m.digest)
        unavailable = [m for m in msgs if m.info3 & 0x04]
        assert all(m.result == 11 for m in unavailable)
        assert {m.gen for m in unavailable} == set(range(4096)) - owned
    assert sorted(seen) == sorted(digest_for(i * 37) for i in range(60))


def test_resume_after_a_digest(emu):
    with Conn(emu.seeds[0]) as c:
        ds = [bytes([5, 0, i]) + bytes(17) for i in range(6)]
        for d in ds:
            put(c, d, {"n": 1})
        resume = field(12, ds[3])
        _, msgs = run(c, scan_request(pids=None, extra=[resume]))
    assert [m.digest for m in records(msgs)] == [ds[2], ds[1], ds[0]]


def test_max_records_stops_the_node(emu):
    with Conn(emu.seeds[0]) as c:
        for i in range(10):
            put(c, digest_for(i), {"n": i})
        limit = field(13, struct.pack(">Q", 4))
        _, msgs = run(c, scan_request(extra=[limit]))
    assert len(records(msgs)) == 4 and msgs[-1].info3 == 0x01


def test_filter_expression(emu):
    with Conn(emu.seeds[0]) as c:
        for i in range(6):
            put(c, digest_for(i), {"n": i})
        lt3 = bytes.fromhex("930593510" + "2a16e03")
        _, msgs = run(c, scan_request(extra=[field(43, lt3)]))
        assert sorted(m.bins["n"] for m in records(msgs)) == [0, 1, 2]
        _, msgs = run(c, scan_request(extra=[field(43, b"\x93\x05")]))
        assert msgs[-1].result == 4


# -- secondary indexes --------------------------------------------------------------------


def query_ns(c, rng, **kw):
    _, msgs = run(c, scan_request(rng=rng, **kw))
    return records(msgs), msgs


def test_numeric_query_orders_by_value_and_sends_bval(emu):
    with Conn(emu.seeds[0]) as c:
        create_index(c, "qs_n", "n")
        ds = [bytes([9, 0, i]) + bytes(17) for i in range(6)]
        for d, v in zip(ds, [5, 3, 4, 3, 9, 1]):
            put(c, d, {"n": v})
        recs, _ = query_ns(c, int_range("n", 3, 5))
    assert [(m.bval, m.digest) for m in recs] == [
        (3, ds[1]),
        (3, ds[3]),
        (4, ds[2]),
        (5, ds[0]),
    ]
    assert all(set(m.fields) == {0, 1, 4, 15} for m in recs)


def test_index_follows_updates_deletes_truncate_and_expiry(emu):
    with Conn(emu.seeds[0]) as c:
        put(c, digest_for(1), {"n": 1})
        create_index(c, "qs_m", "n")
        assert stat_entries(c, "qs_m") == 1
        put(c, digest_for(2), {"n": 2})
        put(c, digest_for(1), {"n": 7})
        assert [m.digest for m in query_ns(c, int_range("n", 1, 1))[0]] == []
        assert [m.digest for m in query_ns(c, int_range("n", 7, 7))[0]] == [digest_for(1)]
        remove(c, digest_for(1))
        assert query_ns(c, int_range("n", 7, 7))[0] == []
        assert stat_entries(c, "qs_m") == 1
        put(c, digest_for(3), {"n": 2}, ttl=10)
        assert len(query_ns(c, int_range("n", 2, 2))[0]) == 2
        emu.clock.advance(11)
        assert len(query_ns(c, int_range("n", 2, 2))[0]) == 1
        assert stat_entries(c, "qs_m") == 1
        assert c.info("truncate:namespace=test;set=qs") == "ok"
        assert stat_entries(c, "qs_m") == 0
        put(c, digest_for(4), {"n": 2})
        assert len(query_ns(c, int_range("n", 2, 2))[0]) == 1
        assert c.info("sindex-delete:namespace=test;indexname=qs_m") == "ok"
        _, msgs = query_ns(c, int_range("n", 2, 2))
        assert msgs[-1].result == 201


def test_string_list_mapkeys_and_context_indexes(emu):
    from aerospike_emulator.msgpack import CMap, pack

    with Conn(emu.seeds[0]) as c:
        create_index(c, "qs_s", "s", "STRING")
        create_index(c, "qs_l", "l", "NUMERIC", itype="LIST")
        create_index(c, "qs_k", "m", "STRING", itype="MAPKEYS")
        create_index(c, "qs_c", "l", "NUMERIC", extra="context=khAA;")
        for i in range(4):
            lst = pack([i, i + 10])
            m = pack(CMap([("k%d" % i, i)]))
            put(c, digest_for(i), {"s": "s%d" % (i % 2), "l": ("msgpack", 20, lst)})
            put(c, digest_for(i), {"m": ("msgpack", 19, m)})
        recs, _ = query_ns(c, str_range("s", "s1"))
        assert sorted(m.digest for m in recs) == [digest_for(1), digest_for(3)]
        assert len({m.bval for m in recs}) == 1
        recs, _ = query_ns(c, int_range("l", 11, 12), itype=1)
        assert sorted(m.digest for m in recs) == [digest_for(1), digest_for(2)]
        recs, _ = query_ns(c, str_range("m", "k2"), itype=2)
        assert [m.digest for m in recs] == [digest_for(2)]
        ctx = field(23, bytes.fromhex("921000"))
        recs, _ = query_ns(c, int_range("l", 3, 3), extra=[ctx])
        assert [m.digest for m in recs] == [digest_for(3)]
        recs, msgs = query_ns(c, int_range("nope", 1, 1))
        assert msgs[-1].result == 201


def test_geo_within_and_contains(emu):
    with Conn(emu.seeds[0]) as c:
        create_index(c, "qs_g", "g", "GEO2DSPHERE")
        points = [(0.0, 0.0), (0.5, 0.5), (3.0, 3.0)]
        for i, (x, y) in enumerate(points):
            put(
                c,
                digest_for(i),
                {"g": ("geo", json.dumps({"type": "Point", "coordinates": [x, y]}))},
            )
        square = {
            "type": "Polygon",
            "coordinates": [[[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]]],
        }
        recs, _ = query_ns(c, geo_range("g", square))
        assert sorted(m.digest for m in recs) == [digest_for(0), digest_for(1)]
        circle = {"type": "AeroCircle", "coordinates": [[3.0, 3.0], 1000]}
        recs, _ = query_ns(c, geo_range("g", circle))
        assert [m.digest for m in recs] == [digest_for(2)]
        put(c, digest_for(9), {"g": ("geo", json.dumps(square))})
        recs, _ = query_ns(c, geo_range("g", {"type": "Point", "coordinates": [0.2, 0.3]}))
        assert [m.digest for m in recs] == [digest_for(9)]
        particle = recs[0].bins["g"]
        cells = [
            int.from_bytes(particle[3 + 8 * k : 11 + 8 * k], "big")
            for k in range(int.from_bytes(particle[1:3], "big"))
        ]
        assert particle[0] == 1 and 1 <= len(cells) <= 12
        assert recs[0].bval in [c - (1 << 64) if c >> 63 else c for c in cells]


def test_region_covering_matches_the_recorded_one():
    from aerospike_emulator.s2cover import cover_region

    ring = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
    cells = cover_region({"type": "Polygon", "coordinates": [ring]})
    assert cells == [
        0x0555555555555555,
        0x0FFD700000000000,
        0x0FFDC00000000000,
        0x0FFE400000000000,
        0x0FFFC00000000000,
        0x1004000000000000,
        0x1AA9000000000000,
        0x1AAA400000000000,
        0x1AAAC00000000000,
    ]


# -- errors and jobs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes, code",
    [
        (scan_request(extra=[field(13, b"\x01")]), 4),
        (scan_request(pids=None, extra=[field(11, b"\x01\x02\x03")]), 4),
        (scan_request(pids=[1, 1]), 4),
        (scan_request(pids=None, extra=[field(12, b"\x00" * 19)]), 4),
        (scan_request(rng=int_range("n", 5, 1)), 4),
        (scan_request(rng=b"\x02\x01n"), 4),
        (scan_request(rng=geo_range("g", {"type": "Line"})), 160),
        (msg(info1=1, info3=4, fields=[field(0, b"nope")]), 20),
        (msg(info1=1, info3=4, fields=[field(1, b"qs")]), 20),
        (scan_request(info2=0x01), 4),
    ],
)
def test_malformed_requests_get_an_error_and_the_node_stays_up(emu, request_bytes, code):
    with Conn(emu.seeds[0]) as c:
        _, msgs = run(c, request_bytes)
        assert msgs[-1].result == code
        assert c.info("build") == "8.1.2.0"
        _, msgs = run(c, scan_request())
        assert msgs[-1].result == 0


def test_background_ops_job_and_query_show(emu):
    with Conn(emu.seeds[0]) as c:
        create_index(c, "qs_b", "n")
        for i in range(4):
            put(c, digest_for(i), {"n": i})
        trid = 987654321
        incr = op(5, b"n", 1, struct.pack(">q", 100))
        request = scan_request(
            pids=None,
            info1=0,
            info2=0x01,
            info3=0,
            rng=int_range("n", 1, 2),
            ops=[incr],
            trid=trid,
            ttl=0,
        )
        protos, msgs = run(c, request)
        assert len(protos) == 1 and msgs[0].info3 == 0x01 and msgs[0].result == 0
        _, msgs = run(c, scan_request())
        assert sorted(m.bins["n"] for m in records(msgs)) == [0, 3, 101, 102]
        show = c.info("query-show:id=%d" % trid)
        entry = dict(kv.split("=", 1) for kv in show.split(":"))
        assert entry["trid"] == str(trid) and entry["status"] == "done(ok)"
        assert entry["job-type"] == "background-ops" and entry["recs-succeeded"] == "2"
        assert entry["sindex-name"] == "qs_b" and entry["set"] == "qs"
        assert c.info("query-show:id=5") == "ERROR:2:job not found"
        assert c.info("query-abort:id=%d" % trid) == "ERROR:2:id not active"
        _, msgs = run(c, request)
        assert msgs[-1].result == 4
        assert str(trid) in c.info("query-show")


def test_background_udf_without_module_is_accepted_and_fails_per_record(emu):
    with Conn(emu.seeds[0]) as c:
        put(c, digest_for(1), {"n": 1})
        udf = [field(33, b"\x02"), field(30, b"mod"), field(31, b"fn"), field(32, b"\x90")]
        request = scan_request(pids=None, info1=0, info2=0x01, info3=0, extra=udf, trid=42)
        _, msgs = run(c, request)
        assert msgs[0].info3 == 0x01 and msgs[0].result == 0
        entry = dict(kv.split("=", 1) for kv in c.info("query-show:id=42").split(":"))
        assert entry["recs-failed"] == "1" and entry["udf-function"] == "fn"


def test_expression_index_and_index_by_name(emu):
    import base64

    add_one = bytes.fromhex("931493510" + "2a17801")
    with Conn(emu.seeds[0]) as c:
        cmd = "sindex-create:namespace=test;set=qs;indexname=qs_e;exp=%s;type=NUMERIC"
        assert c.info(cmd % base64.b64encode(add_one).decode()) == "ok"
        for i in range(3):
            put(c, digest_for(i), {"x": i})
        recs, _ = query_ns(c, int_range("", 2, 2), extra=[field(24, add_one)])
        assert [(m.digest, m.bval) for m in recs] == [(digest_for(1), 2)]
        recs, _ = query_ns(c, int_range("", 3, 3), extra=[field(21, b"qs_e")])
        assert [m.digest for m in recs] == [digest_for(2)]
        _, msgs = query_ns(c, int_range("", 3, 3), extra=[field(21, b"nope")])
        assert msgs[-1].result == 201
