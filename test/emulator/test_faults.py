# Fault injection: delayed, dropped and half-sent replies, closed connections, and a node
# that stops and restarts while clients hold connections to it.

import socket
import time

import pytest

from .rawclient import Conn, digest_for, get_all, put_int, recv_proto


def test_delay(emu):
    d = digest_for(1)
    emu.node(0).delay(0.3)
    with Conn(emu.seeds[0]) as c:
        t = time.time()
        assert c.call(put_int(d, b"a", 1)).result == 0
        assert time.time() - t >= 0.25
        t = time.time()
        assert c.info("build") == "8.1.2.0"
        assert time.time() - t < 0.25
    emu.node(0).clear_faults()


def test_drop_then_recover(emu):
    emu.node(0).drop(1)
    with Conn(emu.seeds[0], timeout=0.5) as c:
        c.sock.sendall(put_int(digest_for(2), b"a", 1))
        with pytest.raises(socket.timeout):
            recv_proto(c.sock)
    with Conn(emu.seeds[0]) as c:
        assert c.call(get_all(digest_for(2))).result == 0


def test_close_mid_reply(emu):
    emu.node(0).close_mid_reply(1)
    with Conn(emu.seeds[0]) as c:
        c.sock.sendall(put_int(digest_for(3), b"a", 1))
        data = b""
        while True:
            chunk = c.sock.recv(100)
            if not chunk:
                break
            data += chunk
        assert 0 < len(data) < 30
    with Conn(emu.seeds[0]) as c:
        assert c.call(get_all(digest_for(3))).result == 0


def test_stop_and_restart_node(emu):
    c = Conn(emu.seeds[0])
    emu.node(0).stop()
    with pytest.raises((ConnectionError, OSError)):
        c.call(get_all(digest_for(4)))
    c.close()
    with pytest.raises(OSError):
        socket.create_connection(emu.seeds[0], timeout=1)
    emu.node(0).restart()
    with Conn(emu.seeds[0]) as c:
        assert c.info("node") == emu.node(0).name
