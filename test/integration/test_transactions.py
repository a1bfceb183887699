# Multi-record transactions (aerospike.Transaction, Client.commit / Client.abort, the "txn"
# policy key) against an emulator with transactions on (an Enterprise server with
# strong-consistency namespaces, as the real server requires), and the Community Edition
# answer of the session emulator. Runs with our client and with the reference wheel; the
# module needs an emulator of its own, so it skips on a real cluster.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.batch import records as br
from aerospike_helpers.operations import operations as op

from .conftest import own_emulator

MRT_BLOCKED = 120
MRT_EXPIRED = 122
MRT_ABORTED = 125
MRT_ALREADY_LOCKED = 126

# Short verify/roll timeouts, so that the fault tests do not wait for the defaults.
FAST = {"socket_timeout": 300, "total_timeout": 1200, "max_retries": 2, "sleep_between_retries": 0}


@pytest.fixture(scope="module")
def emu(server):
    yield from own_emulator(server, transactions=True)


@pytest.fixture(scope="module")
def tclient(emu):
    c = aerospike.client(
        {"hosts": emu.seeds, "policies": {"txn_verify": dict(FAST), "txn_roll": dict(FAST)}}
    )
    yield c
    c.close()


@pytest.fixture
def tkeys(tclient, keys):
    """Unique keys in the test namespace of the module's emulator."""
    def make(name):
        return ("test", keys.set, name)

    return make


@pytest.fixture
def clock(emu):
    moved = []

    class Clock:
        def advance(self, seconds):
            emu.clock.advance(seconds)
            moved.append(seconds)

    yield Clock()
    for s in moved:
        emu.clock.advance(-s)


def bins(client, key):
    try:
        return client.get(key)[2]
    except ex.RecordNotFound:
        return None


# ---- the Transaction object -------------------------------------------------------


def test_transaction_attributes():
    t = aerospike.Transaction()
    assert isinstance(t.id, int) and 0 < t.id < 2**64
    assert t.state == aerospike.TXN_STATE_OPEN
    assert t.in_doubt is False
    assert t.timeout == 0
    t.timeout = 7
    assert t.timeout == 7
    assert aerospike.Transaction().id != t.id
    assert aerospike.Transaction(reads_capacity=5, writes_capacity=6).state == 0


@pytest.mark.parametrize("attr", ["id", "state", "in_doubt"])
def test_transaction_read_only_attributes(attr):
    with pytest.raises(AttributeError):
        setattr(aerospike.Transaction(), attr, 1)


@pytest.mark.parametrize(
    "value, error", [(-1, OverflowError), (2**32, ValueError), ("x", TypeError)]
)
def test_transaction_bad_numbers(value, error):
    with pytest.raises(error):
        aerospike.Transaction(value)
    with pytest.raises(error):
        aerospike.Transaction(writes_capacity=value)
    t = aerospike.Transaction()
    with pytest.raises(error):
        t.timeout = value


def test_transaction_too_many_arguments():
    with pytest.raises(TypeError):
        aerospike.Transaction(1, 2, 3)


def test_constants():
    assert (aerospike.COMMIT_OK, aerospike.COMMIT_ALREADY_COMMITTED) == (0, 1)
    assert (aerospike.COMMIT_ROLL_FORWARD_ABANDONED, aerospike.COMMIT_CLOSE_ABANDONED) == (5, 6)
    assert (aerospike.ABORT_OK, aerospike.ABORT_ALREADY_ABORTED) == (0, 1)
    assert (aerospike.ABORT_ROLL_BACK_ABANDONED, aerospike.ABORT_CLOSE_ABANDONED) == (3, 4)
    assert aerospike.TXN_STATE_VERIFIED == 1 and aerospike.TXN_STATE_COMMITTED == 2
    assert aerospike.TXN_STATE_ABORTED == 3
    assert issubclass(ex.TransactionFailed, ex.ClientError)
    assert ex.TransactionFailed.code == -17
    assert ex.TransactionAlreadyCommitted.code == -18
    assert ex.TransactionAlreadyAborted.code == -19


# ---- arguments -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 1, "x"])
def test_commit_and_abort_want_a_transaction(tclient, bad):
    with pytest.raises(TypeError):
        tclient.commit(bad)
    with pytest.raises(TypeError):
        tclient.abort(bad)


@pytest.mark.parametrize("bad", [5, None, "x"])
def test_txn_policy_key_must_be_a_transaction(tclient, tkeys, bad):
    with pytest.raises(ex.ParamError):
        tclient.get(tkeys("k"), policy={"txn": bad})


# ---- states --------------------------------------------------------------------------


def test_empty_transaction_commit_then_abort(tclient):
    t = aerospike.Transaction()
    assert tclient.commit(t) == aerospike.COMMIT_OK
    assert t.state == aerospike.TXN_STATE_COMMITTED
    assert tclient.commit(t) == aerospike.COMMIT_ALREADY_COMMITTED
    with pytest.raises(ex.TransactionAlreadyCommitted):
        tclient.abort(t)


def test_empty_transaction_abort_then_commit(tclient):
    t = aerospike.Transaction()
    assert tclient.abort(t) == aerospike.ABORT_OK
    assert t.state == aerospike.TXN_STATE_ABORTED
    assert tclient.abort(t) == aerospike.ABORT_ALREADY_ABORTED
    with pytest.raises(ex.TransactionAlreadyAborted):
        tclient.commit(t)


def test_commands_after_the_end_are_refused(tclient, tkeys):
    k = tkeys("k")
    done = aerospike.Transaction()
    tclient.commit(done)
    with pytest.raises(ex.ParamError, match="committed"):
        tclient.put(k, {"a": 1}, policy={"txn": done})
    gone = aerospike.Transaction()
    tclient.abort(gone)
    with pytest.raises(ex.ParamError, match="aborted"):
        tclient.get(k, policy={"txn": gone})


def test_one_namespace_per_transaction(tclient, tkeys):
    k = tkeys("k")
    tclient.put(k, {"a": 1})
    t = aerospike.Transaction()
    tclient.get(k, policy={"txn": t})
    with pytest.raises(ex.ParamError, match="Namespace must be the same"):
        tclient.put(("bar", k[1], "other"), {"a": 1}, policy={"txn": t})
    tclient.abort(t)


# ---- isolation, commit and abort ----------------------------------------------------------


def test_writes_are_provisional_until_commit(tclient, tkeys):
    k1, k2 = tkeys("k1"), tkeys("k2")
    tclient.put(k1, {"a": 1})
    t = aerospike.Transaction()
    tclient.put(k1, {"a": 2}, policy={"txn": t})
    tclient.put(k2, {"b": 1}, policy={"txn": t})
    assert tclient.get(k1, policy={"txn": t})[2] == {"a": 2}
    assert bins(tclient, k1) == {"a": 1}
    assert bins(tclient, k2) is None
    assert tclient.commit(t) == aerospike.COMMIT_OK
    assert t.state == aerospike.TXN_STATE_COMMITTED and t.in_doubt is False
    assert bins(tclient, k1) == {"a": 2}
    assert bins(tclient, k2) == {"b": 1}


def test_abort_rolls_back(tclient, tkeys):
    k1, k2 = tkeys("k1"), tkeys("k2")
    tclient.put(k1, {"a": 1})
    t = aerospike.Transaction()
    tclient.put(k1, {"a": 2}, policy={"txn": t})
    tclient.remove(k1, policy={"txn": t})
    with pytest.raises(ex.RecordNotFound):
        tclient.get(k1, policy={"txn": t})
    tclient.put(k2, {"b": 1}, policy={"txn": t})
    assert tclient.abort(t) == aerospike.ABORT_OK
    assert t.state == aerospike.TXN_STATE_ABORTED
    assert bins(tclient, k1) == {"a": 1}
    assert bins(tclient, k2) is None


def test_operate_touch_and_increment(tclient, tkeys):
    k = tkeys("k")
    tclient.put(k, {"n": 1})
    t = aerospike.Transaction()
    _, _, got = tclient.operate(k, [op.increment("n", 2), op.read("n")], policy={"txn": t})
    assert got == {"n": 3}
    tclient.increment(k, "n", 1, policy={"txn": t})
    tclient.touch(k, 100, policy={"txn": t})
    assert tclient.exists(k, policy={"txn": t})[1]["gen"] >= 2
    assert tclient.commit(t) == aerospike.COMMIT_OK
    assert bins(tclient, k) == {"n": 4}


def test_other_writers_are_blocked(tclient, tkeys):
    k = tkeys("k")
    tclient.put(k, {"a": 1})
    t = aerospike.Transaction()
    other = aerospike.Transaction()
    tclient.put(k, {"a": 2}, policy={"txn": t})
    with pytest.raises(ex.AerospikeError) as e:
        tclient.put(k, {"a": 3})
    assert e.value.code == MRT_BLOCKED
    with pytest.raises(ex.AerospikeError) as e:
        tclient.put(k, {"a": 4}, policy={"txn": other})
    assert e.value.code == MRT_BLOCKED
    assert tclient.commit(t) == aerospike.COMMIT_OK
    tclient.abort(other)
    tclient.put(k, {"a": 5})
    assert bins(tclient, k) == {"a": 5}


def test_on_locking_only(tclient, tkeys):
    k = tkeys("k")
    t = aerospike.Transaction()
    tclient.put(k, {"a": 1}, policy={"txn": t, "on_locking_only": True})
    with pytest.raises(ex.AerospikeError) as e:
        tclient.put(k, {"a": 2}, policy={"txn": t, "on_locking_only": True})
    assert e.value.code == MRT_ALREADY_LOCKED
    tclient.commit(t)
    assert bins(tclient, k) == {"a": 1}


def test_verify_fails_when_a_read_record_changed(tclient, tkeys):
    k1, k2 = tkeys("k1"), tkeys("k2")
    tclient.put(k1, {"a": 1})
    t = aerospike.Transaction()
    assert tclient.get(k1, policy={"txn": t})[2] == {"a": 1}
    tclient.put(k2, {"b": 1}, policy={"txn": t})
    tclient.put(k1, {"a": 9})  # outside the transaction
    with pytest.raises(ex.TransactionFailed) as e:
        tclient.commit(t)
    assert e.value.in_doubt is False
    assert t.state == aerospike.TXN_STATE_ABORTED
    assert bins(tclient, k2) is None
    assert tclient.abort(t) == aerospike.ABORT_ALREADY_ABORTED


def test_read_only_transaction_verifies(tclient, tkeys):
    k1, k2 = tkeys("k1"), tkeys("k2")
    tclient.put(k1, {"a": 1})
    tclient.put(k2, {"a": 1})
    t = aerospike.Transaction()
    tclient.get(k1, policy={"txn": t})
    tclient.select(k2, ["a"], policy={"txn": t})
    assert tclient.commit(t) == aerospike.COMMIT_OK


def test_a_failed_write_is_verified(tclient, tkeys):
    k = tkeys("k")
    tclient.put(k, {"a": 1})
    t = aerospike.Transaction()
    with pytest.raises(ex.RecordExistsError):
        tclient.put(k, {"a": 2}, policy={"txn": t, "exists": aerospike.POLICY_EXISTS_CREATE})
    tclient.put(k, {"a": 3})
    with pytest.raises(ex.TransactionFailed):
        tclient.commit(t)


# ---- batches -------------------------------------------------------------------------------


def test_batches_in_a_transaction(tclient, tkeys):
    ks = [tkeys("b%d" % i) for i in range(4)]
    for k in ks[:2]:
        tclient.put(k, {"a": 1})
    t = aerospike.Transaction()
    res = tclient.batch_read(ks, policy={"txn": t})
    assert [r.result for r in res.batch_records] == [0, 0, 2, 2]
    res = tclient.batch_operate(ks, [op.write("z", 1)], policy_batch={"txn": t})
    assert res.result == 0
    recs = br.BatchRecords([br.Read(ks[0], [op.read("z")]), br.Write(ks[1], [op.write("y", 2)])])
    tclient.batch_write(recs, policy_batch={"txn": t})
    assert [r.result for r in recs.batch_records] == [0, 0]
    res = tclient.batch_remove([ks[3]], policy_batch={"txn": t})
    assert res.batch_records[0].result == 0
    assert bins(tclient, ks[2]) is None
    assert tclient.commit(t) == aerospike.COMMIT_OK
    assert bins(tclient, ks[0]) == {"a": 1, "z": 1}
    assert bins(tclient, ks[1]) == {"a": 1, "z": 1, "y": 2}
    assert bins(tclient, ks[2]) == {"z": 1}
    assert bins(tclient, ks[3]) is None


def test_batch_abort(tclient, tkeys):
    ks = [tkeys("b%d" % i) for i in range(3)]
    t = aerospike.Transaction()
    tclient.batch_operate(ks, [op.write("z", 1)], policy_batch={"txn": t})
    assert tclient.abort(t) == aerospike.ABORT_OK
    assert [bins(tclient, k) for k in ks] == [None, None, None]


# ---- deadlines and faults ----------------------------------------------------------------------


def test_expired_transaction(tclient, tkeys, clock):
    k1, k2 = tkeys("k1"), tkeys("k2")
    tclient.put(k1, {"a": 1})
    t = aerospike.Transaction()
    t.timeout = 2
    tclient.put(k1, {"a": 2}, policy={"txn": t})
    clock.advance(5)
    with pytest.raises(ex.AerospikeError) as e:
        tclient.put(k1, {"a": 3}, policy={"txn": t})
    assert e.value.code == MRT_EXPIRED
    with pytest.raises(ex.AerospikeError) as e:
        tclient.put(k2, {"a": 3}, policy={"txn": t})
    assert e.value.code == MRT_EXPIRED
    with pytest.raises(ex.AerospikeError) as e:
        tclient.commit(t)
    assert e.value.code == MRT_ABORTED
    assert t.state == aerospike.TXN_STATE_ABORTED
    assert bins(tclient, k1) == {"a": 1}


def test_abort_after_expiry(tclient, tkeys, clock):
    k = tkeys("k")
    t = aerospike.Transaction()
    t.timeout = 1
    tclient.put(k, {"a": 2}, policy={"txn": t})
    clock.advance(5)
    # The server rolled the transaction back and removed its monitor already.
    assert tclient.abort(t) == aerospike.ABORT_CLOSE_ABANDONED
    assert bins(tclient, k) is None


def test_commit_in_doubt_then_again(emu, tclient, tkeys):
    k = tkeys("k")
    t = aerospike.Transaction()
    tclient.put(k, {"a": 1}, policy={"txn": t})
    node = emu.node(0)
    node.drop(3)  # every try of the roll-forward mark
    try:
        with pytest.raises(ex.TimeoutError) as e:
            tclient.commit(t)
    finally:
        node.clear_faults()
    assert e.value.in_doubt is True
    assert t.state == aerospike.TXN_STATE_COMMIT_FAILED and t.in_doubt is True
    with pytest.raises(ex.ParamError):
        tclient.get(k, policy={"txn": t})
    with pytest.raises(ex.TransactionFailed):
        tclient.abort(t)
    assert tclient.commit(t) == aerospike.COMMIT_OK
    assert t.state == aerospike.TXN_STATE_COMMITTED and t.in_doubt is False
    assert bins(tclient, k) == {"a": 1}


# ---- Community Edition ----------------------------------------------------------------


def test_community_edition_refuses_transactions(client, keys):
    k = keys("k")
    client.put(k, {"a": 1})
    t = aerospike.Transaction()
    with pytest.raises(ex.UnsupportedFeature):
        client.get(k, policy={"txn": t})
    assert client.commit(t) == aerospike.COMMIT_OK

