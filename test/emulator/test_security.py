# test_security.py: the emulator's optional security with raw sockets: LOGIN with the
# bcrypt hash answers a session token, AUTHENTICATE with it is accepted, a wrong hash or
# an unknown user is refused, commands before logging in get result 80, and without users
# every security message gets 51 (Community Edition).

import socket
import struct

import pytest

from aerospike_emulator import Emulator
from aerospike_emulator.security import SALT, password_hash


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
