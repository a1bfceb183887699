# test_standin.py: fast tests of the conformance suite's own machinery, with
# raw sockets and hand-built messages and no client: the stand-in's tending
# answers, the request masks, void-time shifting, mismatch reporting, the
# child-process wrapper, the result notation and the expected-failure lookup.

import base64
import socket
import struct
import time

import pytest

from . import diff, expected_failures, notation, wire
from .standin import ALL_PARTITIONS, StandIn, _read_message
from .standin_process import StandInProcess


def as_msg(info1=0, info2=0, info3=0, result=0, gen=0, ttl=0, txn_ttl=0, fields=(), ops=()):
    """Return the body of one AS_MSG built from its parts."""
    out = struct.pack(
        ">BBBBBBIIIHH",
        22,
        info1,
        info2,
        info3,
        0,
        result,
        gen,
        ttl,
        txn_ttl,
        len(fields),
        len(ops),
    )
    for ftype, data in fields:
        out += struct.pack(">IB", len(data) + 1, ftype) + data
    for op, ptype, name, value in ops:
        out += struct.pack(">IBBBB", 4 + len(name) + len(value), op, ptype, 0, len(name))
        out += name + value
    return out


def single_get(set_name=b"s", digest=b"\x01" * 20):
    fields = [(0, b"test"), (1, set_name), (4, digest)]
    return wire.frame(wire.TYPE_MSG, as_msg(info1=3, txn_ttl=1000, fields=fields))


def scan_request(task_id, socket_timeout=30000):
    fields = [
        (0, b"test"),
        (1, b"s"),
        (9, struct.pack(">I", socket_timeout)),
        (7, struct.pack(">Q", task_id)),
    ]
    return wire.frame(wire.TYPE_MSG, as_msg(info1=1, info3=4, fields=fields))


def record_answer(ttl, gen=1, info3=0):
    return as_msg(gen=gen, ttl=ttl, info3=info3, ops=[(1, 1, b"a", struct.pack(">q", 5))])


def exchange(request, *responses, phase="setup"):
    return {
        "phase": phase,
        "conn": 0,
        "request": request.hex(),
        "responses": [r.hex() for r in responses],
    }


@pytest.fixture
def server():
    stand_in = StandIn().start()
    yield stand_in
    stand_in.stop()


def connect(stand_in):
    sock = socket.create_connection(("127.0.0.1", stand_in.port), timeout=5)
    return sock


def ask(sock, message):
    sock.sendall(message)
    answer = _read_message(sock)
    assert answer is not None, "the stand-in closed the connection"
    return answer


def info_lines(answer):
    return wire.body_of(answer).decode().split("\n")


# Tending ------------------------------------------------------------------------


def test_tending_answers(server):
    with connect(server) as sock:
        answer = ask(sock, wire.info_message("node\npartition-generation\nbuild\n"))
        assert info_lines(answer) == [
            f"node\t{server.node_id}",
            "partition-generation\t1",
            "build\t8.1.2.0",
            "",
        ]
        tend = "peers-clear-std\nreplicas\nuser-agent-set:value=eA==\n"
        answer = ask(sock, wire.info_message(tend))
        peers, replicas, agent, _ = info_lines(answer)
        assert peers == "peers-clear-std\t1,3000,[]"
        assert agent == "user-agent-set:value=eA==\tok"
        assert replicas == f"replicas\ttest:0,1,{ALL_PARTITIONS};bar:0,1,{ALL_PARTITIONS}"
        assert len(ALL_PARTITIONS) == 684
        assert base64.b64decode(ALL_PARTITIONS) == b"\xff" * 512
        answer = ask(sock, wire.info_message("replicas:max=3\nservice-clear-std\n"))
        assert info_lines(answer)[1] == f"service-clear-std\t127.0.0.1:{server.port}"
    assert server.tend_counts["node"] == 1


def test_tending_needs_no_scenario_and_is_not_an_exchange(server):
    server.begin([exchange(single_get(), wire.frame(wire.TYPE_MSG, record_answer(0)))])
    with connect(server) as sock:
        ask(sock, wire.info_message("node\npeers-generation\npartition-generation\n"))
        answer = ask(sock, single_get())
    assert wire.body_of(answer) == record_answer(0)
    assert server.finish() == []


def test_tend_named_info_call_is_played_on_a_data_connection(server):
    recorded = wire.info_message("build\t8.1.2.0\n")
    server.begin([exchange(wire.info_message("build\n"), recorded)])
    with connect(server) as tender, connect(server) as data:
        ask(tender, wire.info_message("node\npeers-generation\npartition-generation\n"))
        assert ask(tender, wire.info_message("build\n")) == wire.info_message("build\t8.1.2.0\n")
        assert server.finish()  # The tender's `build` was not the scenario's request.
        server.begin([exchange(wire.info_message("build\n"), recorded)])
        assert ask(data, wire.info_message("build\n")) == recorded
    assert server.finish() == []


# Masks --------------------------------------------------------------------------


def test_task_id_is_masked(server):
    recorded = scan_request(0x1111111111111111)
    last = as_msg(info3=wire.INFO3_LAST)
    server.begin([exchange(recorded, wire.frame(wire.TYPE_MSG, last))])
    with connect(server) as sock:
        answer = ask(sock, scan_request(0x2222222222222222))
    assert wire.body_of(answer) == last
    assert server.finish() == []
    assert not wire.requests_match(recorded, scan_request(5, socket_timeout=2000))


def test_query_show_id_is_masked_even_when_its_length_differs(server):
    recorded = wire.info_message("query-show:id=16387408691330296622\n")
    answer = wire.info_message("query-show:id=16387408691330296622\tstatus=done\n")
    server.begin([exchange(recorded, answer)])
    with connect(server) as sock:
        assert ask(sock, wire.info_message("query-show:id=42\n")) == answer
    assert server.finish() == []
    assert not wire.requests_match(recorded, wire.info_message("query-show:trid=42\n"))


# Void times ------------------------------------------------------------------


def test_void_times_move_forward_in_single_and_multi_record_answers(server):
    single = wire.frame(wire.TYPE_MSG, record_answer(500_000_000))
    multi = wire.frame(
        wire.TYPE_MSG,
        record_answer(400_000_000)
        + record_answer(0)
        + record_answer(7)
        + as_msg(info3=wire.INFO3_LAST),
    )
    captured = time.time() - 100.4
    server.begin([exchange(single_get(), single), exchange(single_get(b"t"), multi)], captured)
    with connect(server) as sock:
        got_single = ask(sock, single_get())
        sock.sendall(single_get(b"t"))
        got_multi = _read_message(sock)
    assert server.finish() == []
    assert wire.void_times(got_single) == [500_000_100]
    assert wire.void_times(got_multi) == [400_000_100, 0, 107, 0]
    assert len(got_multi) == len(multi)


def test_shift_void_times_leaves_other_messages_alone():
    info = wire.info_message("build\t8.1.2.0\n")
    assert wire.shift_void_times(info, 50) == info
    never = wire.frame(wire.TYPE_MSG, record_answer(0))
    assert wire.shift_void_times(never, 50) == never
    assert wire.void_times(
        wire.shift_void_times(wire.frame(wire.TYPE_MSG, record_answer(10)), -3)
    ) == [7]


# Mismatches ---------------------------------------------------------------------


def test_mismatch_is_reported_with_the_differing_field(server):
    server.begin([exchange(single_get(b"sa"), wire.frame(wire.TYPE_MSG, record_answer(0)))])
    with connect(server) as sock:
        answer = ask(sock, single_get(b"sb"))
    assert wire.body_of(answer) == record_answer(0)  # The recorded answer is still sent.
    problems = server.finish()
    assert len(problems) == 1
    assert "exchange #0 (setup): request differs" in problems[0]
    assert "field #1: expected 1 SET = 'sa'" in problems[0]
    assert "got      1 SET = 'sb'" in problems[0]


def test_missing_extra_and_stray_requests_are_reported(server):
    get = single_get()
    server.begin([exchange(get, wire.frame(wire.TYPE_MSG, record_answer(0)))] * 2)
    with connect(server) as sock:
        ask(sock, get)
        problems = server.finish()
        assert len(problems) == 1 and "exchange #1 (setup) was never requested" in problems[0]
        server.begin([], phase="setup")
        answer = ask(sock, get)
        assert wire.parse_record(wire.body_of(answer))[0]["result"] == 1
        assert wire.parse_record(wire.body_of(answer))[0]["info3"] & wire.INFO3_LAST
        problems = server.finish()
        assert len(problems) == 1 and "unexpected extra request #0 during setup" in problems[0]
        info_answer = ask(sock, wire.info_message("sindex-list\n"))
        assert info_lines(info_answer)[0].startswith("sindex-list\tERROR::")
    server.begin([])
    problems = server.finish()
    assert len(problems) == 1 and "arrived between scenarios" in problems[0]


def test_kind_mismatch_and_phase_are_reported(server):
    get = single_get()
    server.begin([exchange(get, wire.frame(wire.TYPE_MSG, record_answer(0)), phase="setup")])
    with connect(server) as sock:
        ask(sock, wire.info_message("namespaces\n"))
        server.set_phase("call")
        ask(sock, get)
    problems = server.finish()
    assert "request kind: expected single, got info" in problems[0]
    assert "recorded during setup but requested during call" in problems[1]


def test_batch_rows_are_compared_one_by_one():
    def batch(ttl):
        row = (
            struct.pack(">I", 0)
            + b"\x02" * 20
            + bytes([0x0E, 1, 1, 0])
            + struct.pack(">HIHH", 0, ttl, 1, 0)
            + struct.pack(">IB", 5, 0)
            + b"test"
        )
        data = struct.pack(">IB", 1, 0x0D) + row
        return wire.frame(wire.TYPE_MSG, as_msg(info1=8, fields=[(41, data)]))

    text = diff.describe_mismatch(batch(100), batch(200))
    assert "batch row #0: expected" in text and "record_ttl=100" in text
    assert "record_ttl=200" in text


# The child process ----------------------------------------------------------


def test_child_process_plays_a_scenario():
    child = StandInProcess().start()
    try:
        child.begin([exchange(single_get(), wire.frame(wire.TYPE_MSG, record_answer(0)))])
        with socket.create_connection(("127.0.0.1", child.port), timeout=5) as sock:
            assert wire.body_of(ask(sock, single_get())) == record_answer(0)
        child.set_phase("call")
        assert child.finish() == []
        assert isinstance(child.tend_counts, dict)
    finally:
        child.stop()


# Notation and the expected-failure table ----------------------------------------


class BatchRecords:
    def __init__(self, records):
        self.result = 0
        self.batch_records = records


class Read:
    def __init__(self, key, record):
        self.key, self.result, self.record, self.in_doubt = key, 0, record, False
        self.ops = ["not shown"]


class AerospikeError(Exception):
    code = -1


class RecordNotFound(AerospikeError):
    code = 2


def test_notation_of_batch_records_and_errors():
    value = BatchRecords([Read(("test", "s", "k"), None)])
    assert notation.value_notation(value) == (
        "{'BatchRecords': {'result': 0, 'batch_records': [{'Read': {'key': ('test', 's', 'k'),"
        " 'result': 0, 'record': None, 'in_doubt': False}}]}}"
    )
    assert notation.value_notation([(1, bytearray(b"x"))]) == "[(1, bytearray(b'x'))]"
    expected = {"exception": "RecordNotFound", "code": 2}
    assert notation.compare(expected, ("exception", RecordNotFound())) is None
    assert "result differs" in notation.compare(expected, ("exception", KeyError("x")))
    assert notation.compare("0", ("value", 0)) is None
    assert "expected 0" in notation.compare("0", ("value", None))


def test_expected_failure_lookup():
    table = {"kv/": "area", "kv/get-ttl": "one", "expressions/batch-": "some"}
    assert expected_failures.reason_for("kv/get-ttl", table) == "one"
    assert expected_failures.reason_for("kv/put", table) == "area"
    assert expected_failures.reason_for("expressions/batch-read-filter", table) == "some"
    assert expected_failures.reason_for("expressions/get-match", table) is None
