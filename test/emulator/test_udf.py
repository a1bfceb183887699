# Lua UDFs over raw sockets (aerospike_emulator/udf.py): module management through info
# (udf-put/get/list/remove, their errors, one module table for all nodes), record UDFs
# (SUCCESS particle types, FAILURE texts, writes with generation, TTL, keys, rollback on
# error, filters, secondary indexes kept in sync), batch UDF rows, background UDF jobs and
# stream aggregations (answer framing, errors), the Lua sandbox, and the behaviour without
# the optional lupa package.

import base64
import hashlib
import json
import struct

import pytest

from aerospike_emulator import udf
from aerospike_emulator.msgpack import pack, unpack

from .rawclient import (
    HDR,
    Conn,
    digest_for,
    field,
    get_all,
    key_fields,
    msg,
    op,
    put_int,
    recv_proto,
)
from .test_batch import batch, call_batch, write_row
from .test_scan import Record, create_index, int_range, records, run, scan_request

needs_lua = pytest.mark.skipif(not udf.HAVE_LUA, reason="the lupa package is not installed")

MODULE = b"""
function echo(rec, v) return v end
function add(rec, bin, v)
  rec[bin] = (rec[bin] or 0) + v
  aerospike:update(rec)
  return rec[bin]
end
function put(rec, bin, v)
  rec[bin] = v
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return record.gen(rec)
end
function drop(rec) return aerospike:remove(rec) end
function boom(rec)
  rec['x'] = 1
  aerospike:update(rec)
  error('boom')
end
function set_ttl(rec, t)
  record.set_ttl(rec, t)
  aerospike:update(rec)
  return 0
end
function meta(rec)
  return list{record.gen(rec), record.ttl(rec), record.key(rec), record.setname(rec),
              record.digest(rec), aerospike:exists(rec), record.numbins(rec)}
end
function no_key(rec)
  record.drop_key(rec)
  aerospike:update(rec)
  return 0
end
function unsaved(rec)
  rec['a'] = 99
  return rec['a']
end
function sandbox(rec)
  return list{type(io), type(os.execute), type(python), type(loadfile), type(os.time)}
end
function plain_table(rec) return {1, 2} end
function sum(stream)
  local function n(r) return r['n'] end
  local function add2(a, b) return a + b end
  return stream : map(n) : reduce(add2)
end
function over(stream, limit)
  return stream : filter(function(r) return r['n'] > limit end) : map(function(r) return r['n'] end)
end
function hist(stream)
  local function count(m, r)
    m[r['n'] % 2] = (m[r['n'] % 2] or 0) + 1
    return m
  end
  return stream : aggregate(map(), count)
end
function stream_boom(stream)
  return stream : map(function(r) error('stream boom') end)
end
"""


def put_module(conn, filename="emu_udf.lua", source=MODULE):
    text = base64.b64encode(source).decode()
    return conn.info(
        "udf-put:filename=%s;content=%s;content-len=%d;udf-type=LUA;" % (filename, text, len(text))
    )


def int_op(name, value):
    return op(2, name, 1, struct.pack(">q", value))


def udf_fields(module, function, args):
    return [field(30, module), field(31, function), field(32, pack(list(args)))]


def apply(digest, function, *args, module=b"emu_udf", extra=(), ttl=0, info2=0x01):
    fields = key_fields(digest) + udf_fields(module, function, args) + list(extra)
    return msg(info2=info2, ttl=ttl, fields=fields)


class Answer:
    """A single-record answer with every bin as (particle type, raw bytes)."""

    def __init__(self, data):
        (_, _, _, _, _, self.result, self.gen, self.void_time, _, nf, no) = HDR.unpack_from(data, 8)
        p = 30
        for _ in range(nf):
            p += 4 + struct.unpack_from(">I", data, p)[0]
        self.bins = {}
        for _ in range(no):
            size, _o, ptype, _f, nlen = struct.unpack_from(">IBBBB", data, p)
            name = data[p + 8 : p + 8 + nlen].decode()
            self.bins[name] = (ptype, data[p + 8 + nlen : p + 4 + size])
            p += 4 + size


def call(conn, request):
    conn.sock.sendall(request)
    return Answer(recv_proto(conn.sock))


@pytest.fixture
def conn(emu):
    with Conn(emu.seeds[0]) as c:
        if udf.HAVE_LUA:
            assert put_module(c) == "ok"
        yield c


# -- module management ----------------------------------------------------------------


def test_put_list_get_and_remove(conn):
    text = base64.b64encode(MODULE).decode()
    stored = json.dumps({"content64": text, "type": "LUA", "name": "other.lua"})
    assert put_module(conn, "other.lua") == "ok"
    listing = conn.info("udf-list")
    assert listing.endswith(";")
    assert "filename=other.lua,hash=%s,type=LUA;" % hashlib.sha1(stored.encode()).hexdigest() in (
        listing
    )
    assert conn.info("udf-get:filename=other.lua;") == "type=LUA;content=%s;" % text
    assert conn.info("udf-remove:filename=other.lua;") == "ok"
    assert "other.lua" not in conn.info("udf-list")
    assert conn.info("udf-get:filename=other.lua;") == "error=not_found"
    assert conn.info("udf-remove:filename=other.lua;") == "error=file_not_found"


def test_put_refuses_bad_requests(conn):
    good = base64.b64encode(b"x = 1").decode()
    assert conn.info("udf-put:content=%s;content-len=8;udf-type=LUA;" % good).startswith(
        "error=invalid_filename"
    )
    assert conn.info("udf-put:filename=a.lua;content=%s;content-len=9;" % good) == (
        "error=invalid_content_len"
    )
    assert conn.info("udf-put:filename=a.lua;content=@@@@;content-len=4;") == (
        "error=invalid_base64_content"
    )
    assert conn.info("udf-put:filename=a.lua;content=%s;content-len=8;udf-type=JS;" % good) == (
        "error=invalid_udf_type"
    )
    assert "filename=a.lua" not in conn.info("udf-list")


@needs_lua
def test_a_module_that_does_not_compile_is_refused_with_its_line(conn):
    bad = base64.b64encode(b"x = 1\nfunction f(\n").decode()
    reply = conn.info("udf-put:filename=bad.lua;content=%s;content-len=%d;" % (bad, len(bad)))
    head, _, message = reply.partition(";message=")
    assert head == "error=compile_error;file=bad.lua;line=3"
    assert base64.b64decode(message).decode().startswith("bad.lua:3:")
    assert "bad.lua" not in conn.info("udf-list")


def test_modules_are_shared_by_every_node(emu3):
    with Conn(emu3.seeds[0]) as c0, Conn(emu3.seeds[2]) as c2:
        assert put_module(c0, "shared.lua", b"x = 1") == "ok"
        assert "filename=shared.lua," in c2.info("udf-list")
        assert c2.info("udf-remove:filename=shared.lua;") == "ok"
        assert c0.info("udf-list") == ""


# -- record UDFs ----------------------------------------------------------------------


@needs_lua
@pytest.mark.parametrize(
    "arg, ptype, raw",
    [
        (7, 1, struct.pack(">q", 7)),
        (-2.5, 2, struct.pack(">d", -2.5)),
        ("text", 3, b"text"),
        (b"\x01\x02", 4, b"\x01\x02"),
        (True, 17, b"\x01"),
        (None, 0, b""),
        ([1, "a", None], 20, bytes.fromhex("9301a20361c0")),
        ({"b": 2, "a": 1}, 19, bytes.fromhex("82a2036101a2036202")),
        ({"k": None}, 19, bytes.fromhex("81a2036bc0")),
    ],
)
def test_the_return_value_is_a_success_bin(conn, arg, ptype, raw):
    d = digest_for(1)
    assert conn.call(put_int(d, b"n", 1)).result == 0
    ans = call(conn, apply(d, b"echo", arg))
    assert (ans.result, ans.gen) == (0, 1)
    assert ans.bins == {"SUCCESS": (ptype, raw)}


@needs_lua
def test_a_plain_lua_table_is_returned_as_nil(conn):
    ans = call(conn, apply(digest_for(1), b"plain_table"))
    assert (ans.result, ans.bins) == (0, {"SUCCESS": (0, b"")})


@needs_lua
def test_writes_bump_generation_and_are_stored(conn):
    d = digest_for(2)
    assert conn.call(put_int(d, b"n", 10)).result == 0
    ans = call(conn, apply(d, b"add", "n", 5))
    assert (ans.result, ans.gen, ans.bins["SUCCESS"]) == (0, 2, (1, struct.pack(">q", 15)))
    rec = conn.call(get_all(d))
    assert (rec.gen, rec.bins) == (2, {b"n": 15})


@needs_lua
def test_a_udf_creates_and_removes_records(conn):
    d = digest_for(3)
    ans = call(conn, apply(d, b"put", "a", "new"))
    assert (ans.result, ans.gen, ans.bins["SUCCESS"]) == (0, 1, (1, bytes(8)))
    assert conn.call(get_all(d)).bins == {b"a": b"new"}
    ans = call(conn, apply(d, b"drop"))
    # The server reports the generation the delete would have written.
    assert (ans.result, ans.gen, ans.void_time) == (0, 2, 0)
    assert conn.call(get_all(d)).result == 2
    ans = call(conn, apply(d, b"drop"))
    assert (ans.result, ans.gen, ans.bins["SUCCESS"]) == (0, 0, (1, struct.pack(">q", 2)))


@needs_lua
def test_bins_set_without_update_are_not_written(conn):
    d = digest_for(4)
    assert conn.call(put_int(d, b"a", 1)).result == 0
    assert call(conn, apply(d, b"unsaved")).bins["SUCCESS"] == (1, struct.pack(">q", 99))
    rec = conn.call(get_all(d))
    assert (rec.gen, rec.bins) == (1, {b"a": 1})


@needs_lua
def test_errors_answer_100_with_a_failure_bin(conn):
    d = digest_for(5)
    assert conn.call(put_int(d, b"a", 1)).result == 0
    ans = call(conn, apply(d, b"boom"))
    assert (ans.result, ans.gen) == (100, 1)
    assert ans.bins == {"FAILURE": (3, b"/opt/aerospike/usr/udf/lua/emu_udf.lua:17: boom")}
    # The update made before the error is rolled back.
    rec = conn.call(get_all(d))
    assert (rec.gen, rec.bins) == (1, {b"a": 1})
    ans = call(conn, apply(d, b"no_such_function"))
    assert (ans.result, ans.gen, ans.bins) == (100, 1, {"FAILURE": (3, b"function not found")})
    ans = call(conn, apply(d, b"f", module=b"no_such_module"))
    assert (ans.result, ans.bins) == (100, {"FAILURE": (3, b"UDF: Execution Error 1")})


@needs_lua
def test_record_metadata_seen_by_lua(conn, emu):
    d = digest_for(6)
    key = field(2, b"\x03my-key")
    write = msg(info2=0x01, ttl=100, fields=key_fields(d) + [key], ops=[int_op(b"a", 1)])
    assert conn.call(write).result == 0
    ans = call(conn, apply(d, b"meta"))
    assert ans.result == 0
    gen, ttl, k, set_name, digest, exists, nbins = unpack(ans.bins["SUCCESS"][1])
    assert (gen, k, set_name, bytes(digest), exists, nbins) == (1, "my-key", "s", d, True, 1)
    assert 99 <= ttl <= 100
    ans = call(conn, apply(digest_for(7), b"meta"))
    assert unpack(ans.bins["SUCCESS"][1])[:2] == [0, 0]


@needs_lua
def test_ttl_and_key_of_written_records(conn, emu):
    d = digest_for(8)
    key = field(2, b"\x03k8")
    assert conn.call(put_int(d, b"a", 1)).result == 0
    ans = call(conn, apply(d, b"set_ttl", 500))
    now = emu.clock.time() - 1262304000
    assert ans.result == 0 and 498 <= ans.void_time - now <= 500
    ans = call(conn, apply(d, b"set_ttl", -1))
    assert (ans.gen, ans.void_time) == (3, 0)
    # Without set_ttl, the request's TTL applies, as for any write.
    ans = call(conn, apply(d, b"add", "a", 1, ttl=60, extra=[key]))
    assert 58 <= ans.void_time - now <= 60
    assert emu.store.get(emu.store.namespaces["test"], d).key == b"\x03k8"
    assert call(conn, apply(d, b"no_key")).result == 0
    assert emu.store.get(emu.store.namespaces["test"], d).key is None


@needs_lua
def test_filter_expressions_apply_to_udf_calls(conn):
    d = digest_for(9)
    assert conn.call(put_int(d, b"a", 1)).result == 0
    a_eq_2 = field(43, bytes.fromhex("9301935102a16102"))
    ans = call(conn, apply(d, b"add", "a", 1, extra=[a_eq_2]))
    assert (ans.result, ans.gen) == (27, 1)
    assert conn.call(get_all(d)).bins == {b"a": 1}


@needs_lua
def test_secondary_indexes_follow_udf_writes(conn):
    create_index(conn, "udf_n", "n", set_name="s")
    d = digest_for(10)
    assert call(conn, apply(d, b"put", "n", 42)).result == 0

    def found():
        req = scan_request(set_name=b"s", rng=int_range("n", 42, 42))
        return [m.digest for m in records(run(conn, req)[1])]

    assert found() == [d]
    assert call(conn, apply(d, b"drop")).result == 0
    assert found() == []


@needs_lua
def test_the_lua_sandbox(conn):
    ans = call(conn, apply(digest_for(11), b"sandbox"))
    assert ans.bins["SUCCESS"][1] == pack(["nil", "nil", "nil", "nil", "function"])


# -- batch rows, background jobs, aggregation -------------------------------------------


@needs_lua
def test_batch_udf_rows(conn):
    d = [digest_for(20 + i) for i in range(3)]
    for i, x in enumerate(d[:2]):
        assert conn.call(put_int(x, b"a", i)).result == 0
    rows = [
        write_row(0, d[0], [], info2=0x01, extra_fields=udf_fields(b"emu_udf", b"add", ["a", 10])),
        write_row(1, d[1], [], info2=0x01, extra_fields=udf_fields(b"emu_udf", b"boom", [])),
        write_row(2, d[2], [], info2=0x01, extra_fields=udf_fields(b"emu_udf", b"echo", [5])),
    ]
    ans = call_batch(conn, batch(rows))
    assert [(i, rc, gen) for i, rc, gen, _ in ans.rows] == [(0, 0, 2), (1, 100, 1), (2, 0, 0)]
    assert ans.rows[0][3] == {b"SUCCESS": 10}
    assert ans.rows[1][3][b"FAILURE"].endswith(b": boom")
    assert ans.rows[2][3] == {b"SUCCESS": 5}
    assert ans.last == 0


def _fill(conn, n, set_name=b"qs"):
    out = []
    for i in range(n):
        d = bytes([5, 0]) + bytes([i]) + bytes(17)
        fields = [field(0, b"test"), field(1, set_name), field(4, d)]
        req = msg(info2=0x01, fields=fields, ops=[int_op(b"n", i)])
        assert conn.call(req).result == 0
        out.append(d)
    return out


@needs_lua
def test_background_udf_jobs_update_every_record(conn):
    digests = _fill(conn, 4)
    udf_req = [field(33, b"\x02")] + udf_fields(b"emu_udf", b"add", ["n", 100])
    req = scan_request(info1=0, info2=0x01, info3=0, pids=None, extra=udf_req, trid=77, ttl=0)
    protos, msgs = run(conn, req)
    assert [(m.result, m.info3) for m in msgs] == [(0, 0x01)]
    for i, d in enumerate(digests):
        fields = [field(0, b"test"), field(1, b"qs"), field(4, d)]
        assert conn.call(msg(info1=0x03, fields=fields)).bins == {b"n": 100 + i}
    show = conn.info("query-show:id=77")
    assert ":recs-succeeded=4:recs-failed=0:" in show
    assert ":job-type=background-udf:" in show and ":udf-function=add:" in show
    udf_req = [field(33, b"\x02")] + udf_fields(b"emu_udf", b"boom", [])
    req = scan_request(info1=0, info2=0x01, info3=0, pids=None, extra=udf_req, trid=78, ttl=0)
    assert [m.result for m in run(conn, req)[1]] == [0]
    assert ":recs-succeeded=0:recs-failed=4:" in conn.info("query-show:id=78")


def _aggregate(conn, function, *args):
    # Reads the whole answer up to LAST: an aggregation that fails sends its FAILURE
    # record and then LAST (scan.py frames what aggregate() returns that way).
    extra = [field(33, b"\x01")] + udf_fields(b"emu_udf", function, args)
    conn.sock.sendall(scan_request(extra=extra, pids=None))
    protos, msgs = [], []
    while not msgs or not msgs[-1].info3 & 0x01:
        proto = recv_proto(conn.sock)
        protos.append(proto)
        p = 8
        while p < len(proto):
            msgs.append(Record(proto, p))
            p = msgs[-1].end
    return protos, msgs


@needs_lua
def test_aggregation_answers_success_records_then_last(conn):
    _fill(conn, 6)
    protos, msgs = _aggregate(conn, b"sum")
    # One proto with the node's reduced value, then LAST in a proto of its own.
    assert len(protos) == 2
    assert [(m.result, m.info3, m.fields, m.bins) for m in msgs] == [
        (0, 0, {}, {"SUCCESS": 15}),
        (0, 0x01, {}, {}),
    ]
    _, msgs = _aggregate(conn, b"over", 3)
    assert sorted(m.bins["SUCCESS"] for m in msgs[:-1]) == [4, 5]
    _, msgs = _aggregate(conn, b"hist")
    assert msgs[0].bins == {"SUCCESS": bytes.fromhex("82000301 03")}


@needs_lua
def test_aggregation_of_nothing(conn):
    _, msgs = _aggregate(conn, b"sum")
    assert [(m.result, m.info3) for m in msgs] == [(0, 0x01)]
    _, msgs = _aggregate(conn, b"hist")
    assert [m.bins for m in msgs] == [{"SUCCESS": b"\x80"}, {}]


@needs_lua
def test_aggregation_errors(conn):
    _fill(conn, 2)
    _, msgs = _aggregate(conn, b"stream_boom")
    assert [(m.result, m.info3) for m in msgs] == [(100, 0), (0, 0x01)]
    assert msgs[0].bins["FAILURE"].endswith(b"emu_udf.lua:57: stream boom")
    _, msgs = _aggregate(conn, b"nope")
    assert (msgs[0].result, msgs[0].bins) == (100, {"FAILURE": b"function not found"})


# -- without Lua ------------------------------------------------------------------------


def test_without_lua_every_call_fails_as_a_missing_module(conn, monkeypatch):
    monkeypatch.setattr(udf, "HAVE_LUA", False)
    assert put_module(conn, "nolua.lua", b"function f(r) return 1 end") == "ok"
    d = digest_for(30)
    assert conn.call(put_int(d, b"a", 1)).result == 0
    ans = call(conn, apply(d, b"f", module=b"nolua"))
    assert (ans.result, ans.gen, ans.bins) == (100, 1, {"FAILURE": (3, b"UDF: Execution Error 1")})
    _, msgs = _aggregate(conn, b"f")
    assert (msgs[0].result, msgs[0].bins) == (100, {"FAILURE": b"UDF: Execution Error 1"})


@needs_lua
def test_a_module_whose_top_level_code_fails(conn):
    assert put_module(conn, "top.lua", b"x = 1\nerror('at load')\n") == "ok"
    ans = call(conn, apply(digest_for(31), b"f", module=b"top"))
    assert (ans.result, ans.bins) == (
        100,
        {"FAILURE": (3, b"/opt/aerospike/usr/udf/lua/top.lua:2: at load")},
    )


@needs_lua
def test_modules_require_other_registered_modules(conn):
    assert put_module(conn, "lib.lua", b"local M = {}\nfunction M.f() return 'lib' end\nreturn M\n")
    src = b"function g(rec) return require('lib').f() end\n"
    assert put_module(conn, "user.lua", src) == "ok"
    assert call(conn, apply(digest_for(32), b"g", module=b"user")).bins == {"SUCCESS": (3, b"lib")}
