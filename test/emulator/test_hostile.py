# Malformed and hostile input: the node answers an error or closes that socket, never
# crashes, and keeps serving other clients.

import socket
import struct

import pytest

from .rawclient import Conn, digest_for, get_all, msg, put_int, recv_proto


def _closed(sock):
    sock.settimeout(2)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:
        return True


@pytest.mark.parametrize(
    "payload",
    [
        b"\x16\x03\x01\x00\x05\x01\x00\x00\x00\x00",
        b"\x07\x03\x00\x00\x00\x00\x00\x10" + b"x" * 16,
        b"\x02\x09\x00\x00\x00\x00\x00\x01x",
        b"\x02\x03\xff\xff\xff\xff\xff\xff",
    ],
)
def test_bad_framing_closes_the_socket(emu, payload):
    s = socket.create_connection(emu.seeds[0])
    s.sendall(payload)
    assert _closed(s)
    s.close()
    with Conn(emu.seeds[0]) as c:
        assert c.info("build") == "8.1.2.0"


def test_truncated_as_msg_gets_parameter_error(emu):
    body = struct.pack(">BBBBBBIIIHH", 22, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0) + b"\x00\x00\x00"
    req = ((2 << 56) | (3 << 48) | len(body)).to_bytes(8, "big") + body
    with Conn(emu.seeds[0]) as c:
        c.sock.sendall(req)
        assert recv_proto(c.sock)[13] == 4
        assert c.call(put_int(digest_for(1), b"a", 1)).result == 0


def test_bad_digest_and_long_bin_name(emu):
    with Conn(emu.seeds[0]) as c:
        bad = msg(info1=3, fields=[struct.pack(">IB", 5, 0) + b"test", struct.pack(">IB", 4, 4)
                                   + b"abc"])
        assert c.call(bad).result == 4
        assert c.call(put_int(digest_for(2), b"x" * 16, 1)).result == 21


def test_garbage_cdt_payloads_do_not_break_the_node(emu):
    from .rawclient import op

    d = digest_for(3)
    with Conn(emu.seeds[0]) as c:
        c.call(put_int(d, b"a", 1))
        for payload in (b"", b"\x91", b"\x93\xff\x90\x90", b"\xdd\xff\xff\xff\xff", b"\xc1"):
            for optype in (3, 4, 7, 8, 12, 13, 15, 16):
                r = c.call(msg(info1=1, info2=1, fields=[
                    struct.pack(">IB", 5, 0) + b"test", struct.pack(">IB", 21, 4) + d],
                    ops=[op(optype, b"a", 4, payload)]))
                assert r.result != 0
        assert c.call(get_all(d)).bins == {b"a": 1}


def test_many_clients_while_one_misbehaves(emu):
    bad = socket.create_connection(emu.seeds[0])
    bad.sendall(b"\x02\x03\x00\x00\x00\x00\x10\x00")
    conns = [Conn(emu.seeds[0]) for _ in range(5)]
    for i, c in enumerate(conns):
        assert c.call(put_int(digest_for(10 + i), b"a", i)).result == 0
    for c in conns:
        c.close()
    bad.close()
