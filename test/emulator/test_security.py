# test_security.py: the emulator's optional security with raw sockets: LOGIN with the
# bcrypt hash answers a session token, AUTHENTICATE with it is accepted, a wrong hash or
# an unknown user is refused, commands before logging in get result 80, and without users
# every security message gets 51 (Community Edition). Then user and role administration
# (the admin commands, their record streams and result codes) and data and info commands
# checked against the user's roles.

import socket
import struct

import pytest

from aerospike_emulator import Emulator
from aerospike_emulator.security import SALT, password_hash

from .rawclient import (
    HDR,
    Reply,
    digest_for,
    field,
    get_all,
    info_request,
    key_fields,
    msg,
    put_int,
    recv_proto,
    remove,
)


def admin(command, fields):
    body = bytes([0, 0, command, len(fields)]) + bytes(12)
    for fid, data in fields:
        body += struct.pack(">IB", len(data) + 1, fid) + data
    return struct.pack(">Q", (2 << 56) | (2 << 48) | len(body)) + body


def exchange(sock, request):
    sock.sendall(request)
    head = b""
    while len(head) < 8:
        head += sock.recv(8 - len(head))
    size = int.from_bytes(head, "big") & 0xFFFFFFFFFFFF
    body = b""
    while len(body) < size:
        body += sock.recv(size - len(body))
    return head[1], body


def info(command):
    text = command.encode() + b"\n"
    return struct.pack(">Q", (2 << 56) | (1 << 48) | len(text)) + text


@pytest.fixture(scope="module")
def secured():
    pytest.importorskip("crypt")
    with Emulator(port=0, users={"u": "pw"}) as emu:
        yield emu


def connect(emu):
    return socket.create_connection(emu.seeds[0], timeout=5)


def fields_of(body, count):
    out, pos = {}, 16
    for _ in range(count):
        size = int.from_bytes(body[pos : pos + 4], "big")
        out[body[pos + 4]] = body[pos + 5 : pos + 4 + size]
        pos += 4 + size
    return out


def test_login_then_info(secured):
    with connect(secured) as s:
        ptype, body = exchange(s, info("build"))
        assert body == b"ERROR:80:not authenticated\n"
        ptype, body = exchange(s, admin(20, [(0, b"u"), (3, password_hash("pw").encode())]))
        assert ptype == 2 and body[1] == 0 and body[3] == 2
        token = fields_of(body, 2)[5]
        assert len(token) == 16
        assert exchange(s, info("build"))[1] == b"build\t8.1.2.0\n"
    with connect(secured) as s:
        assert exchange(s, admin(0, [(0, b"u"), (5, token)]))[1][1] == 0
        assert exchange(s, info("build"))[1] == b"build\t8.1.2.0\n"


@pytest.mark.parametrize(
    "user,credential,result",
    [(b"u", b"bad", 62), (b"x", b"bad", 60)],
)
def test_bad_logins(secured, user, credential, result):
    with connect(secured) as s:
        assert exchange(s, admin(20, [(0, user), (3, credential)]))[1][1] == result


def test_hash_is_bcrypt_with_the_fixed_salt():
    pytest.importorskip("crypt")
    # The known answer of protocol.md section 11.
    assert password_hash("admin") == "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa"
    assert password_hash(SALT + "x") == SALT + "x"


def test_without_users_security_is_not_supported():
    with Emulator(port=0) as emu, connect(emu) as s:
        assert exchange(s, admin(20, [(0, b"u"), (3, b"h")]))[1][1] == 51


# -- user and role administration ---------------------------------------------------------
#
# The admin commands at the byte level: a user administrator creates users and roles,
# the query answers are record streams ended by a QUERY_END record, each refusal carries
# the server's result code, and users without user-admin are refused with 81.

ADMIN_PW = SALT + "a" * 31  # bcrypt-shaped stand-ins: no bcrypt needed for these tests
READER_PW = SALT + "r" * 31
OTHER_PW = SALT + "o" * 31


@pytest.fixture
def admin_emu():
    users = {"admin": ADMIN_PW, "reader": {"password": READER_PW, "roles": ["read"]}}
    with Emulator(port=0, users=users) as emu:
        yield emu


def login(emu, user=b"admin", hash_=ADMIN_PW):
    s = connect(emu)
    _, body = exchange(s, admin(20, [(0, user), (3, hash_.encode())]))
    assert body[1] == 0
    return s


def names(*items):
    return bytes([len(items)]) + b"".join(bytes([len(n)]) + n for n in items)


def result(sock, command, fields):
    ptype, body = exchange(sock, admin(command, fields))
    assert ptype == 2 and len(body) == 16
    return body[1]


def query(sock, command, fields=()):
    """Sends a query and reads its stream: (records as (result, {field: bytes}), messages)."""
    sock.sendall(admin(command, list(fields)))
    records, messages = [], 0
    while True:
        head = b""
        while len(head) < 8:
            head += sock.recv(8 - len(head))
        size = int.from_bytes(head, "big") & 0xFFFFFFFFFFFF
        body = b""
        while len(body) < size:
            body += sock.recv(size - len(body))
        messages += 1
        pos = 0
        while pos < len(body):
            res, count = body[pos + 1], body[pos + 3]
            fields, pos = {}, pos + 16
            for _ in range(count):
                n = int.from_bytes(body[pos : pos + 4], "big")
                fields[body[pos + 4]] = body[pos + 5 : pos + 4 + n]
                pos += 4 + n
            records.append((res, fields))
            if res != 0:
                return records, messages


def test_create_user_and_query_it(admin_emu):
    with login(admin_emu) as s:
        assert result(s, 1, [(0, b"u1"), (1, OTHER_PW.encode()), (10, names(b"read"))]) == 0
        records, messages = query(s, 9, [(0, b"u1")])
        assert messages == 2 and [r for r, _ in records] == [0, 50]
        fields = records[0][1]
        assert fields[0] == b"u1"
        assert fields[10] == names(b"read")
        assert fields[16] == bytes([4]) + bytes(16)  # read info: quota, tps, rps, limitless
        assert fields[17] == bytes([4]) + bytes(16)
        assert fields[18] == struct.pack(">I", 0)  # no connection logged in as u1
        # Every user, sorted by name; the admin's own connection is counted.
        records, _ = query(s, 9)
        listed = {f[0]: f for r, f in records if r == 0}
        assert sorted(listed) == [b"admin", b"reader", b"u1"]
        assert listed[b"admin"][18] == struct.pack(">I", 1)
        assert listed[b"admin"][10] == names(
            b"data-admin", b"read-write-udf", b"sys-admin", b"user-admin"
        )
        assert listed[b"reader"][10] == names(b"read")
    # The new user logs in with its hash.
    login(admin_emu, b"u1", OTHER_PW).close()


@pytest.mark.parametrize(
    "command,fields,code",
    [
        (1, [(0, b"reader"), (1, OTHER_PW.encode()), (10, names())], 61),  # user exists
        (1, [(0, b"x"), (1, b"not a hash"), (10, names())], 62),  # invalid password
        (1, [(0, b"x"), (1, OTHER_PW.encode()), (10, names(b"nope"))], 70),  # invalid role
        (1, [(0, b""), (1, OTHER_PW.encode()), (10, names())], 60),  # empty name
        (1, [(0, b"x"), (1, OTHER_PW.encode()), (10, b"\x02\x01")], 55),  # bad roles field
        (2, [(0, b"nobody")], 60),
        (3, [(0, b"nobody"), (1, OTHER_PW.encode())], 60),
        (5, [(0, b"reader"), (10, names(b"nope"))], 70),
        (5, [(0, b"reader"), (10, names())], 70),
        (10, [(11, b"read"), (12, b"\x01\x0a\x00\x00")], 71),  # predefined role exists
        (10, [(11, b"x"), (12, b"\x01\x63")], 72),  # unknown privilege code
        (10, [(11, b"x"), (12, b"\x01\x0a\x00\x01s")], 72),  # a set without a namespace
        (10, [(11, b"x"), (13, b"10.0.0.1,nonsense")], 73),  # whitelist
        (10, [(11, b"x"), (14, b"\xff\xff\xff\xff")], 75),  # quota
        (11, [(11, b"read")], 70),  # predefined roles cannot be dropped
        (12, [(11, b"nope"), (12, b"\x01\x0a\x00\x00")], 70),
        (12, [(11, b"read"), (12, b"\x01\x0a\x00\x00")], 70),
        (7, [], 54),  # no such command
    ],
)
def test_admin_refusals(admin_emu, command, fields, code):
    with login(admin_emu) as s:
        assert result(s, command, fields) == code


def test_query_refusals_are_one_record(admin_emu):
    with login(admin_emu) as s:
        records, messages = query(s, 9, [(0, b"nobody")])
        assert records == [(60, {})] and messages == 1
        records, _ = query(s, 16, [(11, b"nope")])
        assert records == [(70, {})]


def test_roles(admin_emu):
    with login(admin_emu) as s:
        privileges = b"\x02" + b"\x0a\x04test\x04demo" + b"\x01"
        fields = [(11, b"r1"), (12, privileges), (13, b"127.0.0.1,10.0.0.0/8"), (14, b"\0\0\0\x0a")]
        assert result(s, 10, fields) == 0
        records, _ = query(s, 16, [(11, b"r1")])
        role = records[0][1]
        assert role[11] == b"r1" and role[12] == privileges
        assert role[13] == b"127.0.0.1,10.0.0.0/8"
        assert role[14] == struct.pack(">I", 10) and role[15] == struct.pack(">I", 0)
        # Grants are appended once; revokes remove.
        assert result(s, 12, [(11, b"r1"), (12, b"\x02\x0e\x00\x00\x01")]) == 0
        assert result(s, 13, [(11, b"r1"), (12, b"\x01\x0a\x04test\x04demo")]) == 0
        records, _ = query(s, 16, [(11, b"r1")])
        assert records[0][1][12] == b"\x02\x01\x0e\x00\x00"
        # No whitelist field clears the whitelist; quotas are set together.
        assert result(s, 14, [(11, b"r1")]) == 0
        assert result(s, 15, [(11, b"r1"), (14, b"\0\0\0\x01"), (15, b"\0\0\0\x02")]) == 0
        records, _ = query(s, 16, [(11, b"r1")])
        assert 13 not in records[0][1]
        assert records[0][1][15] == struct.pack(">I", 2)
        # All roles: the predefined ones and r1, sorted by name.
        records, _ = query(s, 16)
        listed = [f[11] for r, f in records if r == 0]
        assert listed == sorted(listed) and b"r1" in listed and b"truncate" in listed
        # Dropping the role takes it from its users.
        assert result(s, 1, [(0, b"u"), (1, OTHER_PW.encode()), (10, names(b"r1", b"read"))]) == 0
        assert result(s, 11, [(11, b"r1")]) == 0
        records, _ = query(s, 9, [(0, b"u")])
        assert records[0][1][10] == names(b"read")


def test_a_user_without_user_admin_is_refused(admin_emu):
    with login(admin_emu, b"reader", READER_PW) as s:
        assert result(s, 1, [(0, b"x"), (1, OTHER_PW.encode()), (10, names())]) == 81
        assert query(s, 9)[0] == [(81, {})]
        # Its own record and its own roles are allowed.
        records, _ = query(s, 9, [(0, b"reader")])
        assert records[0][0] == 0
        records, _ = query(s, 16, [(11, b"read")])
        assert records[0][0] == 0
        assert query(s, 16, [(11, b"write")])[0] == [(81, {})]


def test_passwords(admin_emu):
    with login(admin_emu) as s:
        assert result(s, 3, [(0, b"reader"), (1, OTHER_PW.encode())]) == 0
        # Changing another user's password is refused, even for a user administrator.
        fields = [(0, b"reader"), (2, ADMIN_PW.encode()), (1, READER_PW.encode())]
        assert result(s, 4, fields) == 81
    with connect(admin_emu) as s:
        assert exchange(s, admin(20, [(0, b"reader"), (3, READER_PW.encode())]))[1][1] == 62
    with login(admin_emu, b"reader", OTHER_PW) as s:
        # A user changes its own password with the old one.
        bad = [(0, b"reader"), (2, READER_PW.encode()), (1, READER_PW.encode())]
        assert result(s, 4, bad) == 62
        good = [(0, b"reader"), (2, OTHER_PW.encode()), (1, READER_PW.encode())]
        assert result(s, 4, good) == 0
    login(admin_emu, b"reader", READER_PW).close()


def test_admin_commands_need_a_login(admin_emu):
    with connect(admin_emu) as s:
        assert result(s, 2, [(0, b"reader")]) == 80


def test_dropped_user_loses_its_sessions(admin_emu):
    with connect(admin_emu) as s:
        _, body = exchange(s, admin(20, [(0, b"reader"), (3, READER_PW.encode())]))
        token = fields_of(body, 2)[5]
        with login(admin_emu) as a:
            assert result(a, 2, [(0, b"reader")]) == 0
        # The logged-in connection is refused now, and its token no longer authenticates.
        assert result(s, 9, [(0, b"reader")]) == 80
    with connect(admin_emu) as s:
        assert exchange(s, admin(0, [(0, b"reader"), (5, token)]))[1][1] == 65


def test_whitelisted_login(admin_emu):
    with login(admin_emu) as s:
        assert result(s, 10, [(11, b"far"), (13, b"10.1.1.1")]) == 0
        assert result(s, 1, [(0, b"w"), (1, OTHER_PW.encode()), (10, names(b"far"))]) == 0
    with connect(admin_emu) as s:
        assert exchange(s, admin(20, [(0, b"w"), (3, OTHER_PW.encode())]))[1][1] == 82
    with login(admin_emu) as s:
        assert result(s, 14, [(11, b"far"), (13, b"10.1.1.1,127.0.0.0/8")]) == 0
    login(admin_emu, b"w", OTHER_PW).close()


# -- data commands by role ------------------------------------------------------------------


def _raw(sock, request):
    sock.sendall(request)
    return Reply(recv_proto(sock))


def _batch_read(digest, ns=b"test", set_name=b"s"):
    row = struct.pack(">I", 0) + digest + bytes([0x00, 0x03]) + struct.pack(">HH", 2, 0)
    row += field(0, ns) + field(1, set_name)
    payload = struct.pack(">I", 1) + bytes([0x0D]) + row
    return msg(info1=0x08, fields=[field(41, payload)])


def _batch_result(sock, request):
    """Sends a batch and reads its answer to the LAST message: that message's result."""
    sock.sendall(request)
    while True:
        data = recv_proto(sock)
        pos = 8
        while pos < len(data):
            _, _, _, info3, _, res, _, _, _, nf, no = HDR.unpack_from(data, pos)
            end = pos + 22
            for _ in range(nf + no):
                end += 4 + struct.unpack_from(">I", data, end)[0]
            if info3 & 0x01:
                return res
            pos = end


def test_data_commands_follow_the_roles(admin_emu):
    users = {
        "w": names(b"write"),
        "rw": names(b"read-write"),
        "scoped": names(b"only-s"),
    }
    with login(admin_emu) as s:
        assert result(s, 10, [(11, b"only-s"), (12, b"\x01\x0b\x04test\x01s")]) == 0
        for name, roles in users.items():
            assert result(s, 1, [(0, name.encode()), (1, OTHER_PW.encode()), (10, roles)]) == 0
    d = digest_for(7)
    with login(admin_emu, b"w", OTHER_PW) as s:
        assert _raw(s, put_int(d, b"a", 1)).result == 0
        assert _raw(s, get_all(d)).result == 81
        assert _raw(s, remove(d)).result == 0
        # A batch of reads is refused as a whole, with its last message.
        assert _batch_result(s, _batch_read(d)) == 81
        # Info commands: plain ones need nothing, truncate needs its privilege.
        s.sendall(info_request("build", "truncate:namespace=test;set=s"))
        text = recv_proto(s)[8:].decode()
        assert text == "build\t8.1.2.0\ntruncate:namespace=test;set=s\tERROR:81:role violation\n"
    with login(admin_emu, b"rw", OTHER_PW) as s:
        assert _raw(s, put_int(d, b"a", 2)).result == 0
        assert _raw(s, get_all(d)).bins == {b"a": 2}
        assert _batch_result(s, _batch_read(d)) == 0
        udf = msg(info2=0x01, fields=key_fields(d) + [field(30, b"m"), field(31, b"f")])
        assert _raw(s, udf).result == 81
    with login(admin_emu, b"scoped", OTHER_PW) as s:
        assert _raw(s, get_all(d)).bins == {b"a": 2}
        assert _raw(s, put_int(d, b"a", 3)).result == 0
        assert _raw(s, get_all(d, ns=b"bar")).result == 81
        other_set = msg(info1=0x03, fields=key_fields(d, set_name=b"t"))
        assert _raw(s, other_set).result == 81


def test_configured_roles(admin_emu):
    # "reader" was configured with the read role only.
    with login(admin_emu, b"reader", READER_PW) as s:
        assert _raw(s, get_all(digest_for(1))).result == 2
        assert _raw(s, put_int(digest_for(1), b"a", 1)).result == 81
