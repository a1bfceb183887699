# The Python API: lifecycle, free ports, seeds, the controllable clock and TTL expiry,
# reset(), process mode, and the basic single-record semantics over raw sockets.

import socket

import pytest

from aerospike_emulator import Emulator

from .rawclient import Conn, digest_for, get_all, put_int, remove


def test_context_manager_and_free_ports():
    with Emulator(port=0, nodes=2) as e:
        assert e.running
        ports = [p for _, p in e.seeds]
        assert len(set(ports)) == 2 and all(ports)
        with Conn(e.seeds[0]) as c:
            assert c.info("build") == "8.1.2.0"
    assert not e.running
    with pytest.raises(OSError):
        socket.create_connection(e.seeds[0], timeout=1)


def test_put_get_generation_and_remove(emu):
    d = digest_for(1)
    with Conn(emu.seeds[0]) as c:
        assert c.call(put_int(d, b"a", 7)).gen == 1
        assert c.call(put_int(d, b"a", 8)).gen == 2
        r = c.call(get_all(d))
        assert (r.result, r.gen, r.bins) == (0, 2, {b"a": 8})
        assert c.call(remove(d)).result == 0
        assert c.call(get_all(d)).result == 2
        assert c.call(put_int(d, b"a", 1, info2=0x21)).result == 0
        assert c.call(put_int(d, b"a", 1, info2=0x21)).result == 5


def test_clock_expires_records(emu):
    d = digest_for(2)
    with Conn(emu.seeds[0]) as c:
        r = c.call(put_int(d, b"a", 1, ttl=100))
        assert r.void_time == emu.clock.cl_now() + 100
        emu.clock.advance(50)
        assert c.call(get_all(d)).result == 0
        emu.clock.advance(51)
        assert c.call(get_all(d)).result == 2


def test_reset_and_record_count(emu):
    with Conn(emu.seeds[0]) as c:
        for i in range(5):
            c.call(put_int(digest_for(i), b"a", i))
    assert emu.record_count("test") == 5
    emu.reset()
    assert emu.record_count("test") == 0


def test_truncate_info_with_lut(emu):
    with Conn(emu.seeds[0]) as c:
        c.call(put_int(digest_for(3), b"a", 1))
        lut_before = emu.clock.time_ns() - 10**12
        assert c.info("truncate:namespace=test;set=s;lut=%d" % lut_before) == "ok"
        assert emu.record_count("test") == 1
        assert c.info("truncate:namespace=test;set=s") == "ok"
        assert emu.record_count("test") == 0
        assert c.info("truncate-namespace:namespace=nope") == "ok"


def test_process_mode_has_the_same_api():
    with Emulator(port=0, nodes=2, process=True) as e:
        with Conn(e.seeds[1]) as c:
            c.call(put_int(digest_for(7), b"a", 1, ttl=10))
        e.clock.advance(11)
        assert e.record_count("test") == 0
        assert e.node(1).counters["writes"] == 1
        e.node(0).stop()
        assert not e.node(0).running
        e.node(0).restart()
        assert e.node(0).running


def test_unknown_namespace_and_info_errors(emu):
    with Conn(emu.seeds[0]) as c:
        assert c.call(get_all(digest_for(1), ns=b"nope")).result == 20
        assert c.info("no-such-command") == "ERROR:4:unrecognized command"
        assert c.info("namespaces") == "test;bar"
        assert c.info("namespace/nope") == "type=unknown"
