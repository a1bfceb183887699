# Batch commands over raw sockets (aerospike_emulator/batch.py): REPEAT rows, respond-all-keys
# on and off, batch and row filters, rows of every node of a 3-node emulator, malformed
# payloads, UDF rows without Lua, and how a large answer is split into protos.

import random
import struct

import pytest

from aerospike_emulator import Emulator
from aerospike_emulator.batch import BLOCK_CAPACITY

from .rawclient import HDR, Conn, digest_for, field, get_all, msg, op, put_int, recv_proto

RESPOND_ALL_KEYS = 0x0D  # allow inline | respond all keys | report error record (C default)
STOP_ON_ERROR = 0x09  # the same without respond all keys

# bin_int("a") > 1 and bin_int("a") == 2, as msgpack filter expressions.
A_GT_1 = bytes.fromhex("9303935102a16101")
A_EQ_2 = bytes.fromhex("9301935102a16102")


def read_row(index, digest, info1=0x03, ops=(), extra_fields=(), ns=b"test"):
    """A row with its own attributes (flags 0x0A: INFO and TTL), as C sends reads."""
    fields = [field(0, ns), field(1, b"s")] + list(extra_fields)
    return (
        struct.pack(">I20sBBBBIHH", index, digest, 0x0A, info1, 0, 0, 0, len(fields), len(ops))
        + b"".join(fields)
        + b"".join(ops)
    )


def write_row(index, digest, ops, info2=0x81, info3=0, gen=0, extra_fields=()):
    """A write row (flags 0x0E: INFO, GEN and TTL), as C sends batch writes."""
    fields = [field(0, b"test"), field(1, b"s")] + list(extra_fields)
    head = struct.pack(
        ">I20sBBBBHIHH", index, digest, 0x0E, 0, info2, info3, gen, 0, len(fields), len(ops)
    )
    return head + b"".join(fields) + b"".join(ops)


def repeat_row(index, digest):
    return struct.pack(">I20sB", index, digest, 0x01)


def batch(rows, parent=RESPOND_ALL_KEYS, count=None, batch_filter=None, raw=None):
    """A whole batch request: optional field 43, then field 41 with the rows."""
    payload = raw
    if payload is None:
        n = len(rows) if count is None else count
        payload = struct.pack(">IB", n, parent) + b"".join(rows)
    fields = [] if batch_filter is None else [field(43, batch_filter)]
    return msg(info1=0x08, fields=fields + [field(41, payload)])


def int_op(name, value, optype=2):
    return op(optype, name, 1, struct.pack(">q", value))


class Answer:
    """Every proto of one batch answer, with its rows parsed and its LAST result code."""

    def __init__(self, protos):
        self.protos = protos
        self.rows = []
        self.last = None
        for proto in protos:
            assert proto[1] == 3
            p = 8
            while p < len(proto):
                (_, _, _, info3, _, rc, gen, void, idx, nf, no) = HDR.unpack_from(proto, p)
                p += 22
                for _ in range(nf):
                    p += 4 + struct.unpack_from(">I", proto, p)[0]
                bins = {}
                for _ in range(no):
                    size, _o, ptype, _f, nlen = struct.unpack_from(">IBBBB", proto, p)
                    val = proto[p + 8 + nlen : p + 4 + size]
                    if ptype == 1:
                        val = struct.unpack(">q", val)[0]
                    bins[proto[p + 8 : p + 8 + nlen]] = val
                    p += 4 + size
                if info3 & 0x01:
                    assert self.last is None and proto is protos[-1] and p == len(proto)
                    assert (gen, void, idx, nf, no) == (0, 0, 0, 0, 0)
                    self.last = rc
                else:
                    self.rows.append((idx, rc, gen, bins))

    def results(self):
        return [(idx, rc) for idx, rc, _, _ in self.rows]


def call_batch(conn, request):
    conn.sock.sendall(request)
    protos = [recv_proto(conn.sock)]
    while not _has_last(protos[-1]):
        protos.append(recv_proto(conn.sock))
    return Answer(protos)


def _has_last(proto):
    p = 8
    while p + 22 <= len(proto):
        nf, no = struct.unpack_from(">HH", proto, p + 18)
        if proto[p + 3] & 0x01:
            return True
        p += 22
        for _ in range(nf + no):
            p += 4 + struct.unpack_from(">I", proto, p)[0]
    return False


@pytest.fixture
def conn(emu):
    with Conn(emu.seeds[0]) as c:
        yield c


def _fill(conn, n, start=0):
    digests = [digest_for(start + i) for i in range(n)]
    for i, d in enumerate(digests):
        assert conn.call(put_int(d, b"a", i)).result == 0
    return digests


# -- framing and REPEAT ----------------------------------------------------------------


def test_repeat_rows_reuse_the_previous_row(conn):
    d = _fill(conn, 3)
    missing = digest_for(999)
    rows = [read_row(0, d[0]), repeat_row(1, d[1]), repeat_row(2, missing), repeat_row(3, d[2])]
    ans = call_batch(conn, batch(rows))
    assert ans.last == 0
    assert [(i, rc, bins) for i, rc, _, bins in ans.rows] == [
        (0, 0, {b"a": 0}),
        (1, 0, {b"a": 1}),
        (2, 2, {}),
        (3, 0, {b"a": 2}),
    ]
    # Small answers come as one proto of rows, then the LAST message in a proto of its own.
    assert len(ans.protos) == 2 and len(ans.protos[1]) == 30


def test_repeat_rows_keep_named_bins_and_write_ops(conn):
    d = _fill(conn, 2)
    rows = [write_row(7, d[0], [int_op(b"a", 10, optype=5), op(1, b"a")]), repeat_row(8, d[1])]
    ans = call_batch(conn, batch(rows))
    # Respond-all-ops: the increment answers with an empty (NULL) value, the read with the sum.
    assert [(i, rc, g, b) for i, rc, g, b in ans.rows] == [
        (7, 0, 2, {b"a": 10}),
        (8, 0, 2, {b"a": 11}),
    ]
    assert conn.call(get_all(d[1])).bins == {b"a": 11}


def test_rows_keep_the_client_indexes(conn):
    d = _fill(conn, 2)
    ans = call_batch(conn, batch([read_row(41, d[1]), read_row(5, d[0])]))
    assert ans.results() == [(41, 0), (5, 0)]


# -- respond all keys ----------------------------------------------------------------


def test_with_respond_all_keys_a_row_error_does_not_stop_the_batch(conn):
    d = _fill(conn, 2)
    create_only = 0x81 | 0x20
    rows = [
        write_row(0, d[0], [int_op(b"b", 1)], info2=create_only),
        write_row(1, d[1], [int_op(b"b", 1)]),
    ]
    ans = call_batch(conn, batch(rows, parent=RESPOND_ALL_KEYS))
    assert ans.results() == [(0, 5), (1, 0)]
    assert ans.last == 0
    assert conn.call(get_all(d[1])).bins == {b"a": 1, b"b": 1}


def test_without_respond_all_keys_a_row_error_ends_the_batch(conn):
    d = _fill(conn, 3)
    create_only = 0x81 | 0x20
    rows = [
        write_row(0, d[0], [int_op(b"b", 1)]),
        write_row(1, d[1], [int_op(b"b", 1)], info2=create_only),
        write_row(2, d[2], [int_op(b"b", 1)]),
    ]
    ans = call_batch(conn, batch(rows, parent=STOP_ON_ERROR))
    assert ans.results() == [(0, 0), (1, 5)]
    assert ans.last == 5
    # The rows after the failed one never ran.
    assert conn.call(get_all(d[2])).bins == {b"a": 2}


def test_not_found_and_filtered_out_never_stop_a_batch(conn):
    d = _fill(conn, 2)
    rows = [read_row(0, digest_for(777)), read_row(1, d[0]), read_row(2, d[1])]
    ans = call_batch(conn, batch(rows, parent=STOP_ON_ERROR, batch_filter=A_GT_1))
    assert ans.results() == [(0, 2), (1, 27), (2, 27)]
    assert ans.last == 0


# -- filters --------------------------------------------------------------------------


def test_batch_filter_and_row_filters(conn):
    d = _fill(conn, 4)
    rows = [
        read_row(0, d[0]),
        read_row(1, d[2]),
        read_row(2, d[1], extra_fields=[field(43, A_EQ_2)]),  # a == 1: filtered by its own
        read_row(3, d[2], extra_fields=[field(43, A_EQ_2)]),
        repeat_row(4, d[3]),  # a == 3: the repeated row filter, not the batch one
    ]
    ans = call_batch(conn, batch(rows, batch_filter=A_GT_1))
    assert ans.results() == [(0, 27), (1, 0), (2, 27), (3, 0), (4, 27)]
    assert [g for _, _, g, _ in ans.rows] == [1, 1, 1, 1, 1]


def test_filtered_write_rows_are_not_applied(conn):
    d = _fill(conn, 3)
    rows = [write_row(i, d[i], [int_op(b"n", 1)]) for i in range(3)]
    ans = call_batch(conn, batch(rows, batch_filter=A_EQ_2))
    assert ans.results() == [(0, 27), (1, 27), (2, 0)]
    assert conn.call(get_all(d[0])).bins == {b"a": 0}
    assert conn.call(get_all(d[2])).bins == {b"a": 2, b"n": 1}


def test_a_malformed_row_filter_fails_only_its_row(conn):
    d = _fill(conn, 2)
    rows = [read_row(0, d[0], extra_fields=[field(43, b"\xc1")]), read_row(1, d[1])]
    ans = call_batch(conn, batch(rows))
    assert ans.results() == [(0, 4), (1, 0)]


# -- other row kinds ------------------------------------------------------------------


def test_delete_rows_and_header_reads(conn):
    d = _fill(conn, 2)
    rows = [
        write_row(0, d[0], [], info2=0x83),
        write_row(1, digest_for(555), [], info2=0x83),
        read_row(2, d[1], info1=0x21),
    ]
    ans = call_batch(conn, batch(rows))
    assert [(i, rc, g, b) for i, rc, g, b in ans.rows] == [
        (0, 0, 0, {}),
        (1, 2, 0, {}),
        (2, 0, 1, {}),
    ]
    assert conn.call(get_all(d[0])).result == 2


def test_unknown_namespace_is_a_row_error(conn):
    d = _fill(conn, 1)
    rows = [read_row(0, d[0], ns=b"nope"), repeat_row(1, d[0]), read_row(2, d[0])]
    ans = call_batch(conn, batch(rows))
    assert ans.results() == [(0, 20), (1, 20), (2, 0)]
    ans = call_batch(conn, batch(rows, parent=STOP_ON_ERROR))
    assert ans.results() == [(0, 20)] and ans.last == 20


def test_udf_rows_without_the_module_fail_with_100(conn):
    d = _fill(conn, 1)
    udf = [field(30, b"nomod"), field(31, b"f"), field(32, b"\x90")]
    ans = call_batch(conn, batch([write_row(3, d[0], [], info2=0x01, extra_fields=udf)]))
    ((idx, rc, gen, bins),) = ans.rows
    assert (idx, rc, gen) == (3, 100, 1)
    assert bins == {b"FAILURE": b"UDF: Execution Error 1"}


# -- several nodes --------------------------------------------------------------------


def test_one_node_serves_rows_of_every_node(emu3):
    digests = [digest_for(i) for i in range(30)]
    owners = [emu3.owner(d) for d in digests]
    assert set(owners) == {0, 1, 2}
    with Conn(emu3.seeds[0]) as c:
        rows = [write_row(i, d, [int_op(b"v", i)]) for i, d in enumerate(digests)]
        ans = call_batch(c, batch(rows))
        assert ans.last == 0 and all(rc == 0 for _, rc in ans.results())
        ans = call_batch(
            c,
            batch(
                [read_row(0, digests[0])] + [repeat_row(i, d) for i, d in enumerate(digests) if i]
            ),
        )
        assert [b[b"v"] for _, _, _, b in ans.rows] == list(range(30))
    foreign = sum(1 for o in owners if o != 0)
    # Each foreign row is served as the server proxies it: once for the writes, once for the reads.
    assert emu3.proxy_counts == [2 * foreign, 0, 0]
    counters = emu3.node(0).counters
    assert counters["writes"] == 30 and counters["reads"] == 30
    for i, d in enumerate(digests):
        with Conn(emu3.seeds[owners[i]]) as c:
            assert c.call(get_all(d)).bins == {b"v": i}


# -- malformed payloads ------------------------------------------------------------------


def _stays_up(conn, emu):
    d = digest_for(4242)
    assert conn.call(put_int(d, b"x", 1)).result == 0
    with Conn(emu.seeds[0]) as other:
        assert other.call(get_all(d)).bins == {b"x": 1}


def test_malformed_batches_answer_parameter_and_keep_the_connection(conn, emu):
    d = _fill(conn, 2)
    good = read_row(0, d[0])
    cases = [
        msg(info1=0x08, fields=[field(0, b"test")]),  # no field 41
        batch([], raw=b""),  # empty payload
        batch([], raw=b"\x00\x00\x00\x00\x0d"),  # count 0
        batch([repeat_row(0, d[0])]),  # REPEAT first
        batch([good[:30]], count=1),  # row cut short
        batch([struct.pack(">I20sBBBBIHH", 0, d[0], 0x0A, 3, 0, 0, 0, 1, 0) + field(1, b"s")]),
        batch([good], batch_filter=b"\xc1"),  # bad batch filter
        batch([read_row(0, d[0], extra_fields=[field(2, b"\x03k")]), repeat_row(1, d[1])]),
    ]
    for request in cases:
        ans = call_batch(conn, request)
        assert ans.last == 4, request.hex()
        assert len(ans.protos) == 1 or ans.rows
    _stays_up(conn, emu)


def test_rows_before_a_malformed_one_are_answered(conn, emu):
    d = _fill(conn, 2)
    ans = call_batch(conn, batch([read_row(0, d[0]), read_row(1, d[1])], count=3))
    assert ans.results() == [(0, 0), (1, 0)] and ans.last == 4
    bad_ops = read_row(2, d[1])[:-4] + b"\x00\x00\x00\x40\x01"  # an op larger than the payload
    ans = call_batch(conn, batch([read_row(0, d[0]), bad_ops]))
    assert ans.results() == [(0, 0)] and ans.last == 4
    _stays_up(conn, emu)


def test_garbage_payloads_never_break_the_server(conn, emu):
    rnd = random.Random(7)
    d = _fill(conn, 1)
    valid = struct.pack(">IB", 2, RESPOND_ALL_KEYS) + read_row(0, d[0]) + repeat_row(1, d[0])
    for _ in range(300):
        raw = bytearray(valid)
        for _ in range(rnd.randint(1, 6)):
            raw[rnd.randrange(len(raw))] = rnd.randrange(256)
        raw = bytes(raw[: rnd.randint(0, len(raw))]) if rnd.random() < 0.3 else bytes(raw)
        ans = call_batch(conn, batch([], raw=raw))
        assert ans.last is not None
    _stays_up(conn, emu)


# -- large answers ----------------------------------------------------------------------


def test_a_large_batch_is_split_into_blocks(emu):
    n = 5000
    digests = [digest_for(i) for i in range(n)]
    with Conn(emu.seeds[0]) as c:
        value = b"v" * 100
        rows = [write_row(0, digests[0], [op(2, b"s", 3, value)])]
        rows += [repeat_row(i, d) for i, d in enumerate(digests) if i]
        ans = call_batch(c, batch(rows))
        assert ans.last == 0 and len(ans.rows) == n
        rows = [read_row(0, digests[0])] + [repeat_row(i, d) for i, d in enumerate(digests) if i]
        c.sock.settimeout(30)
        ans = call_batch(c, batch(rows))
    assert ans.last == 0
    assert [i for i, _, _, _ in ans.rows] == list(range(n))
    assert all(b == {b"s": value} for _, _, _, b in ans.rows)
    row_size = 30 - 8 + 8 + 1 + 100  # AS_MSG header, op header, name, value
    per_block = BLOCK_CAPACITY // row_size
    assert len(ans.protos) == -(-n // per_block) + 1
    for proto in ans.protos[:-1]:
        assert len(proto) - 8 <= BLOCK_CAPACITY
    assert len(ans.protos[0]) - 8 == per_block * row_size


def test_a_row_larger_than_a_block_gets_its_own_proto(conn):
    d = [digest_for(i) for i in range(3)]
    big = b"b" * (BLOCK_CAPACITY + 10)
    assert (
        conn.call(
            msg(
                info2=0x01,
                fields=[field(0, b"test"), field(1, b"s"), field(4, d[1])],
                ops=[op(2, b"big", 4, big)],
            )
        ).result
        == 0
    )
    _fill(conn, 1)
    conn.sock.settimeout(10)
    rows = [read_row(0, d[0]), repeat_row(1, d[1]), repeat_row(2, d[0])]
    ans = call_batch(conn, batch(rows))
    assert [len(p) - 8 for p in ans.protos[:-1]] == [39, 22 + 8 + 3 + len(big), 39]
    assert ans.rows[1][3] == {b"big": big}


def test_emulator_in_a_child_process_serves_batches():
    with Emulator(port=0, process=True) as e:
        with Conn(e.seeds[0]) as c:
            d = _fill(c, 3)
            rows = [read_row(0, d[0]), repeat_row(1, d[1]), repeat_row(2, d[2])]
            ans = call_batch(c, batch(rows))
    assert [b for _, _, _, b in ans.rows] == [{b"a": 0}, {b"a": 1}, {b"a": 2}]
