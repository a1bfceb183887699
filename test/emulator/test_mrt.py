# The emulator's multi-record transactions (mrt.py), without a client: commands are fed to
# mrt.execute() as parsed messages, as server.py and batch.py do. Then a wire comparison:
# the same transaction scenario run by our client and by the reference wheel must send the
# same bytes (transaction ids and the monitor digest masked).

import hashlib
import json
import os
import struct
import subprocess
import sys
import textwrap
import threading

import pytest

from aerospike_emulator import Emulator, mrt, record
from aerospike_emulator.clock import Clock
from aerospike_emulator.msgpack import pack
from aerospike_emulator.storage import Store
from aerospike_emulator.wire import Msg, parse_fields_ops, parse_msg

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF_PYTHON = os.path.join(REPO, ".venv-ref", "bin", "python")
OUR_PYTHON = sys.executable

D1 = bytes(range(20))
D2 = bytes(range(1, 21))
MONITOR = bytes(20 * [7])
TXN = 0x1122334455667788
OTHER = 0x99


def _int_op(name, value):
    return (2, 1, name, struct.pack(">q", value))


class Server:
    """A store with transactions on, and helpers that build the requests clients send."""

    def __init__(self, transactions=True):
        self.clock = Clock()
        self.clock.freeze(1_700_000_000)
        self.store = Store(self.clock, transactions=transactions)
        self.ns = self.store.namespaces["test"]

    def run(self, digest, info1=0, info2=0, info4=0, fields=None, ops=(), ttl=0):
        f = {0: b"test", 1: b"s", 4: digest}
        f.update(fields or {})
        msg = Msg(info1, info2, 0, info4, 0, ttl, 1000, f, list(ops))

        def plain(view, m):
            return record.run(self.store, view, digest, m, f)

        return mrt.execute(self.store, self.ns, digest, msg, f, plain)

    # -- requests ---------------------------------------------------------------

    def txn_fields(self, txn=TXN, version=None, deadline=None):
        f = {5: txn.to_bytes(8, "little")}
        if version is not None:
            f[3] = version.to_bytes(7, "little")
        if deadline is not None:
            f[6] = deadline.to_bytes(4, "little")
        return f

    def put(self, digest, value, txn=None, **kw):
        fields = self.txn_fields(txn, **kw) if txn else {}
        return self.run(digest, info2=0x01, fields=fields, ops=[_int_op(b"a", value)])

    def get(self, digest, txn=None, **kw):
        fields = self.txn_fields(txn, **kw) if txn else {}
        return self.run(digest, info1=0x03, fields=fields)

    def monitor(self, digests, txn=TXN, with_id=True, ttl=0):
        ops = []
        if with_id:
            ops.append(_int_op(b"id", txn - (1 << 64) if txn >= 1 << 63 else txn))
        items = [b"\x04" + d for d in digests]
        ops.append((4, 4, b"keyds", pack([2, items, 1, 0x0D])))
        return self.run(MONITOR, info2=0x01, fields={1: mrt.MONITOR_SET}, ops=ops, ttl=ttl)

    def mark(self):
        return self.run(MONITOR, info2=0x01, fields={1: mrt.MONITOR_SET},
                        ops=[(2, 17, b"fwd", b"\x01")])

    def close(self):
        return self.run(MONITOR, info2=0x13, fields={1: mrt.MONITOR_SET})

    def roll(self, digest, forward, txn=TXN):
        info4 = mrt.I4_ROLL_FORWARD if forward else mrt.I4_ROLL_BACK
        return self.run(digest, info2=0x11, info4=info4, fields=self.txn_fields(txn))

    def verify(self, digest, version):
        return self.run(digest, info1=0x21, info4=mrt.I4_VERIFY_READ,
                        fields={3: version.to_bytes(7, "little")})

    def committed(self, digest):
        rec = self.store.get(self.ns, digest)
        return None if rec is None else struct.unpack(">q", rec.bins[b"a"][1])[0]


def answer_fields(res):
    fields, _, _ = parse_fields_ops(res.fields, 0, res.nf, 0)
    return {k: bytes(v) for k, v in fields.items()}


def version_of(res):
    return int.from_bytes(answer_fields(res)[3], "little")


@pytest.fixture
def srv():
    return Server()


# ---- Community Edition ------------------------------------------------------------------


def test_community_edition_refuses_transaction_requests():
    s = Server(transactions=False)
    assert s.put(D1, 1).code == 0
    assert s.get(D1, txn=TXN).code == 16
    assert s.put(D1, 2, txn=TXN).code == 16
    assert s.roll(D1, True).code == 16
    assert s.verify(D1, 5).code == 16
    # The monitor record is a plain write there.
    assert s.monitor([D1]).code == 0 and s.monitor([D1]).nf == 0


# ---- versions, provisional writes, locks ---------------------------------------------------


def test_reads_in_a_transaction_carry_the_version(srv):
    srv.put(D1, 1)
    res = srv.get(D1, txn=TXN)
    assert res.code == 0 and res.nf == 1
    v1 = version_of(res)
    assert v1 == mrt.record_version(srv.store.get(srv.ns, D1))
    srv.clock.advance(0.01)
    srv.put(D1, 2)
    assert version_of(srv.get(D1, txn=TXN)) != v1
    assert srv.get(D1).nf == 0  # no version outside a transaction
    assert srv.get(D2, txn=TXN).code == 2 and srv.get(D2, txn=TXN).nf == 0


def test_writes_are_provisional_and_locked(srv):
    srv.put(D1, 1)
    deadline = answer_fields(srv.monitor([D1]))[6]
    res = srv.put(D1, 2, txn=TXN, deadline=int.from_bytes(deadline, "little"))
    assert res.code == 0 and res.nf == 0
    assert srv.committed(D1) == 1
    assert srv.get(D1).ops.endswith(struct.pack(">q", 1))
    assert srv.get(D1, txn=TXN).ops.endswith(struct.pack(">q", 2))
    assert srv.get(D1, txn=OTHER).ops.endswith(struct.pack(">q", 1))
    assert srv.put(D1, 3).code == mrt.MRT_BLOCKED
    assert srv.put(D1, 3, txn=OTHER).code == mrt.MRT_BLOCKED
    assert srv.run(D1, info2=0x01, info4=mrt.I4_ON_LOCKING_ONLY, fields=srv.txn_fields(),
                   ops=[_int_op(b"a", 4)]).code == mrt.MRT_ALREADY_LOCKED
    assert srv.store.mrt.describe()[0]["records"] == [D1.hex()]


def test_write_version_check_and_failed_write_version(srv):
    srv.put(D1, 1)
    good = version_of(srv.get(D1, txn=TXN))
    assert srv.put(D1, 2, txn=TXN, version=good + 1).code == mrt.MRT_VERSION_MISMATCH
    res = srv.run(D1, info2=0x21, fields=srv.txn_fields(), ops=[_int_op(b"a", 5)])
    assert res.code == 5 and version_of(res) == good  # create-only failed: verify later
    assert srv.put(D1, 2, txn=TXN, version=good).code == 0


def test_roll_forward_and_back(srv):
    srv.put(D1, 1)
    srv.put(D1, 2, txn=TXN)
    srv.put(D2, 3, txn=TXN)
    assert srv.roll(D1, forward=True).code == 0
    assert srv.roll(D2, forward=False).code == 0
    assert srv.committed(D1) == 2 and srv.committed(D2) is None
    assert srv.roll(D1, forward=False).code == 0  # nothing locked any more: no change
    assert srv.committed(D1) == 2
    assert srv.put(D1, 9).code == 0


def test_transactional_delete(srv):
    srv.put(D1, 1)
    assert srv.run(D1, info2=0x13, fields=srv.txn_fields()).code == 0  # durable delete
    assert srv.get(D1, txn=TXN).code == 2
    assert srv.committed(D1) == 1
    srv.roll(D1, forward=True)
    assert srv.committed(D1) is None


def test_verify(srv):
    srv.put(D1, 1)
    v = version_of(srv.get(D1, txn=TXN))
    assert srv.verify(D1, v).code == 0
    assert srv.verify(D1, v + 1).code == mrt.MRT_VERSION_MISMATCH
    # Another transaction's provisional write makes the version read stale.
    srv.put(D1, 2, txn=OTHER)
    assert srv.verify(D1, v).code == mrt.MRT_VERSION_MISMATCH
    srv.roll(D1, forward=False, txn=OTHER)
    assert srv.verify(D1, v).code == 0
    # A record read in its own provisional form verifies against that form.
    srv.put(D1, 3, txn=TXN)
    assert srv.verify(D1, version_of(srv.get(D1, txn=TXN))).code == 0
    srv.roll(D1, forward=True)
    srv.run(D1, info2=0x03)
    assert srv.verify(D1, v).code == mrt.MRT_VERSION_MISMATCH


# ---- monitors and deadlines --------------------------------------------------------------


def test_monitor_lifecycle(srv):
    res = srv.monitor([D1], ttl=5)
    assert res.code == 0
    deadline = int.from_bytes(answer_fields(res)[6], "little")
    assert deadline == srv.clock.cl_now() + 5
    again = srv.monitor([D2], with_id=False)
    assert int.from_bytes(answer_fields(again)[6], "little") == deadline
    assert srv.mark().code == 0
    assert srv.mark().code == mrt.MRT_COMMITTED
    assert srv.monitor([D2], with_id=False).code == mrt.MRT_COMMITTED
    assert srv.close().code == 0
    assert srv.store.mrt.describe() == []
    assert srv.close().code == 2
    assert srv.mark().code == mrt.MRT_COMMITTED


def test_default_duration(srv):
    res = srv.monitor([D1])
    deadline = int.from_bytes(answer_fields(res)[6], "little")
    assert deadline == srv.clock.cl_now() + mrt.DEFAULT_DURATION


def test_expiry_rolls_back(srv):
    srv.put(D1, 1)
    deadline = int.from_bytes(answer_fields(srv.monitor([D1, D2], ttl=2))[6], "little")
    srv.put(D1, 2, txn=TXN, deadline=deadline)
    srv.put(D2, 2, txn=TXN, deadline=deadline)
    srv.clock.advance(3)
    assert srv.put(D1, 3, txn=TXN, deadline=deadline).code == mrt.MRT_EXPIRED
    assert srv.committed(D1) == 1 and srv.committed(D2) is None
    assert srv.store.get(srv.ns, MONITOR) is None
    assert srv.monitor([D2], with_id=False).code == mrt.MRT_EXPIRED
    assert srv.mark().code == mrt.MRT_ABORTED
    assert srv.put(D1, 4).code == 0


def test_expiry_after_the_mark_rolls_forward(srv):
    deadline = int.from_bytes(answer_fields(srv.monitor([D1], ttl=2))[6], "little")
    srv.put(D1, 2, txn=TXN, deadline=deadline)
    srv.mark()
    srv.clock.advance(3)
    srv.get(D2)  # any request lets the server end overdue transactions
    assert srv.committed(D1) == 2
    assert srv.mark().code == mrt.MRT_COMMITTED


def test_too_many_writes(srv):
    digests = [i.to_bytes(20, "big") for i in range(mrt.MAX_WRITES + 1)]
    assert srv.monitor(digests).code == mrt.MRT_TOO_MANY_WRITES
    assert srv.store.get(srv.ns, MONITOR) is None
    assert srv.monitor(digests[:10]).code == 0


def test_reset_forgets_transactions(srv):
    srv.put(D1, 2, txn=TXN)
    srv.store.reset()
    assert srv.store.mrt.describe() == []
    assert srv.put(D1, 3).code == 0


def test_durable_delete_is_accepted_with_transactions(srv):
    srv.put(D1, 1)
    assert srv.run(D1, info2=0x13).code == 0
    assert Server(transactions=False).run(D1, info2=0x13).code == 2


# ---- the wire: our client against the reference wheel ----------------------------------------

SCENARIO = textwrap.dedent(
    """
    import json, sys
    import aerospike
    from aerospike_helpers.operations import operations as op
    from aerospike_helpers.batch import records as br

    c = aerospike.client({"hosts": [("127.0.0.1", int(sys.argv[1]))]}).connect()
    ks = [("test", "demo", "k%d" % i) for i in range(8)]
    for k in ks:
        c.put(k, {"a": 1})
    ids = []

    def new():
        t = aerospike.Transaction(reads_capacity=16, writes_capacity=16)
        t.timeout = 30
        ids.append(t.id)
        return t

    def attempt(f):
        try:
            f()
        except aerospike.exception.AerospikeError:
            pass

    t = new()  # mixed, with batches; commit verifies in a batch and rolls in a batch
    c.get(ks[0], policy={"txn": t})
    c.get(ks[1], policy={"txn": t, "key": aerospike.POLICY_KEY_SEND})
    c.put(ks[2], {"b": 2}, policy={"txn": t})
    c.operate(ks[2], [op.increment("b", 1), op.read("b")], policy={"txn": t})
    c.batch_read([ks[3], ks[4], ks[0]], policy={"txn": t})
    c.batch_operate([ks[3], ks[5]], [op.write("z", 1)], policy_batch={"txn": t})
    c.batch_write(br.BatchRecords([br.Read(ks[6], [op.read("a")]),
                                   br.Write(ks[7], [op.write("w", 1)])]),
                  policy_batch={"txn": t})
    c.remove(ks[5], policy={"txn": t})
    c.batch_remove([ks[4]], policy_batch={"txn": t})
    c.commit(t)
    attempt(lambda: c.abort(t))

    t = new()  # one read, one write: single-record verify and roll
    c.get(ks[0], policy={"txn": t})
    c.put(ks[1], {"c": 1}, policy={"txn": t})
    c.commit(t)
    c.commit(t)

    t = new()  # abort
    c.put(ks[0], {"d": 1}, policy={"txn": t})
    c.touch(ks[1], 100, policy={"txn": t})
    c.abort(t)
    attempt(lambda: c.commit(t))

    t = new()  # a read that changed: verify fails, roll back, close
    c.get(ks[2], policy={"txn": t})
    c.put(ks[3], {"e": 1}, policy={"txn": t})
    c.put(ks[2], {"x": 9})
    attempt(lambda: c.commit(t))

    t = new()  # blocked, then on_locking_only
    other = new()
    c.put(ks[4], {"f": 1}, policy={"txn": t})
    attempt(lambda: c.put(ks[4], {"f": 2}, policy={"txn": other}))
    attempt(lambda: c.put(ks[4], {"f": 3}, policy={"txn": t, "on_locking_only": True}))
    c.commit(t)
    c.abort(other)
    print(json.dumps(ids))
    """
)


def _mask(body, ids):
    out = bytes(body)
    for txn_id in ids:
        signed = txn_id - (1 << 64) if txn_id >= 1 << 63 else txn_id
        key = b"<ERO~MRT" + b"\x01" + struct.pack(">q", signed)
        digest = hashlib.new("ripemd160", key).digest()
        for raw in (txn_id.to_bytes(8, "little"), txn_id.to_bytes(8, "big"), digest):
            out = out.replace(raw, b"\x00" * len(raw))
    return out


def _capture(python, pythonpath):
    captured = []
    lock = threading.Lock()
    emu = Emulator(port=0, transactions=True)
    from aerospike_emulator import server

    original = server.Node.handle_msg

    def spy(node, body):
        with lock:
            captured.append(bytes(body))
        return original(node, body)

    server.Node.handle_msg = spy
    try:
        with emu:
            emu.clock.freeze(1_700_000_000)
            with open(os.path.join(REPO, "build", "mrt_scenario.py"), "w") as f:
                f.write(SCENARIO)
            env = dict(os.environ, PYTHONPATH=pythonpath)
            out = subprocess.run(
                [python, f.name, str(emu.seeds[0][1])],
                capture_output=True, text=True, env=env, timeout=120, cwd=REPO,
            )
    finally:
        server.Node.handle_msg = original
    assert out.returncode == 0, out.stderr
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    return [_mask(b, ids) for b in captured]


@pytest.mark.skipif(not os.path.exists(REF_PYTHON), reason="the reference wheel's venv is missing")
def test_requests_match_the_reference_client():
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    ours = _capture(OUR_PYTHON, os.path.join(REPO, "src") + os.pathsep + REPO)
    ref = _capture(REF_PYTHON, REPO)
    # Both sent the same requests in the same order, byte for byte (ids masked); the
    # data requests of the transactions are the ones after the 8 setup puts.
    assert len(ours) == len(ref)
    for i, (a, b) in enumerate(zip(ours, ref)):
        assert a == b, "request %d differs: %r" % (i, parse_msg(a).fields)
    assert sum(1 for b in ref if parse_msg(b).info4) >= 4
    assert sum(1 for b in ref if 5 in parse_msg(b).fields) >= 10
