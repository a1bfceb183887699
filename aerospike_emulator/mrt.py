# Multi-record transactions (Aerospike 8 "MRT"), the server side: record versions, the
# provisional writes of a transaction (visible to it, committed or rolled back at its end),
# locks that block other writers, transaction monitors with deadlines, verify-read,
# roll-forward, roll-back and the expiry of abandoned transactions.
# server.py and batch.py call execute() for every single-record command and batch row;
# Store.mrt (storage.py) holds the state, None when transactions are off.
#
# With transactions off (the default, as Community Edition, which has no strong
# consistency) a request that carries a transaction id or transaction info4 bits answers
# UNSUPPORTED_FEATURE.

from .errors import NOT_FOUND, OK, PARAMETER, UNSUPPORTED_FEATURE
from .msgpack import MsgpackError, unpack
from .record import Result
from .wire import F_SET, I2_DELETE, I2_WRITE, OP_WRITE, Msg, pack_field

# Fields and info4 bits of transactions (protocol.md 3, 4).
F_RECORD_VERSION = 3
F_MRT_ID = 5
F_MRT_DEADLINE = 6
I4_VERIFY_READ = 0x01
I4_ROLL_FORWARD = 0x02
I4_ROLL_BACK = 0x04
I4_ON_LOCKING_ONLY = 0x10
I4_MRT_BITS = 0x1F

# Result codes 120-127.
MRT_BLOCKED = 120
MRT_VERSION_MISMATCH = 121
MRT_EXPIRED = 122
MRT_TOO_MANY_WRITES = 123
MRT_COMMITTED = 124
MRT_ABORTED = 125
MRT_ALREADY_LOCKED = 126

# The monitor records of transactions live in this set, keyed by the transaction id.
MONITOR_SET = b"<ERO~MRT"
BIN_ID = b"id"
BIN_DIGESTS = b"keyds"
BIN_FORWARD = b"fwd"

# The server's mrt-duration default (seconds) when the client gives no timeout, and the
# most records one transaction may write.
DEFAULT_DURATION = 10
MAX_WRITES = 4096

TTL_NEVER = 0xFFFFFFFF

# How many ended transactions are remembered, to answer late monitor writes.
_ENDED_KEPT = 10000


def record_version(rec):
    """The 56-bit version of a record: its last-update time in milliseconds since
    2010-01-01 (40 bits) and its generation (16 bits). The server's layout is not
    recorded; clients treat the value as opaque and only compare it."""
    lut_ms = rec.lut // 1_000_000 - 1262304000 * 1000
    return (lut_ms & 0xFFFFFFFFFF) | ((rec.gen & 0xFFFF) << 40)


def version_field(rec):
    return pack_field(F_RECORD_VERSION, record_version(rec).to_bytes(7, "little"))


class Txn:
    """One open transaction: its deadline, whether a roll-forward was announced, and the
    records it holds locked."""

    __slots__ = ("id", "ns", "deadline", "forward", "digests", "monitor")

    def __init__(self, txn_id, ns, deadline, monitor=None):
        self.id = txn_id
        self.ns = ns
        self.deadline = deadline
        self.forward = False
        self.digests = set()
        self.monitor = monitor  # the digest of its monitor record


class Lock:
    """A record written by a transaction: the committed record it replaces (None when it
    did not exist) and the provisional one (None for a delete)."""

    __slots__ = ("txn_id", "orig", "prov")

    def __init__(self, txn_id, orig):
        self.txn_id = txn_id
        self.orig = orig
        self.prov = orig


class _View:
    """A namespace holding one record, so that the commands of record.py and udf.py run
    on the version a transaction sees and leave their result here."""

    __slots__ = ("name", "default_ttl", "records")

    def __init__(self, ns, digest, rec):
        self.name = ns.name
        self.default_ttl = ns.default_ttl
        self.records = {digest: rec} if rec is not None else {}


class Transactions:
    """The transaction state of an emulated cluster (shared by its nodes)."""

    def __init__(self, store):
        self.store = store
        self.txns = {}  # (ns name, txn id) -> Txn
        self.locks = {}  # (ns name, digest) -> Lock
        self.ended = {}  # (ns name, txn id) -> "committed" | "aborted" | "expired"
        self.ended_monitors = {}  # (ns name, monitor digest) -> the same

    def clear(self):
        self.txns.clear()
        self.locks.clear()
        self.ended.clear()
        self.ended_monitors.clear()

    def describe(self):
        """Open transactions, for tests: [{id, ns, deadline, forward, records}]."""
        return [
            {
                "id": t.id,
                "ns": t.ns,
                "deadline": t.deadline,
                "forward": t.forward,
                "records": sorted(d.hex() for d in t.digests),
            }
            for t in self.txns.values()
        ]

    # -- expiry ----------------------------------------------------------------------

    def tend(self):
        """Ends the transactions whose deadline has passed, as the server's monitor does:
        rolled forward when the client announced a roll-forward, else rolled back."""
        if not self.txns:
            return
        now = self.store.clock.cl_now()
        for key, txn in list(self.txns.items()):
            if txn.deadline and now > txn.deadline:
                self._finish(txn, txn.forward, "committed" if txn.forward else "expired")
                self._drop_monitor(txn)

    def _finish(self, txn, forward, fate):
        ns = self.store.namespaces[txn.ns]
        for digest in list(txn.digests):
            self._roll_record(ns, digest, txn.id, forward)
        self._end(txn, fate)

    def _end(self, txn, fate):
        self.txns.pop((txn.ns, txn.id), None)
        _remember(self.ended, (txn.ns, txn.id), fate)
        if txn.monitor is not None:
            _remember(self.ended_monitors, (txn.ns, txn.monitor), fate)

    def _drop_monitor(self, txn):
        if txn.monitor is not None:
            self.store.namespaces[txn.ns].records.pop(txn.monitor, None)

    def _roll_record(self, ns, digest, txn_id, forward):
        lock = self.locks.get((ns.name, digest))
        if lock is None or lock.txn_id != txn_id:
            return
        del self.locks[(ns.name, digest)]
        txn = self.txns.get((ns.name, txn_id))
        if txn is not None:
            txn.digests.discard(digest)
        rec = lock.prov if forward else lock.orig
        if rec is None:
            ns.records.pop(digest, None)
        else:
            ns.records[digest] = rec

    # -- commands --------------------------------------------------------------------

    def execute(self, ns, digest, msg, fields, run):
        """Runs one single-record command or batch row under transaction rules. `run(view, msg)`
        runs the plain command on a namespace-like object."""
        self.tend()
        info4 = msg.info4
        if info4 & (I4_ROLL_FORWARD | I4_ROLL_BACK):
            return self._roll(ns, digest, fields, info4 & I4_ROLL_FORWARD)
        if info4 & I4_VERIFY_READ:
            return self._verify(ns, digest, fields)
        raw_id = fields.get(F_MRT_ID)
        if raw_id is None:
            if msg.info2 & I2_WRITE:
                if bytes(fields.get(F_SET, b"")) == MONITOR_SET:
                    return self._monitor(ns, digest, msg, run)
                if (ns.name, digest) in self.locks:
                    return Result(MRT_BLOCKED)
            return run(ns, msg)
        if len(raw_id) != 8:
            return Result(PARAMETER)
        txn_id = int.from_bytes(raw_id, "little")
        if msg.info2 & I2_WRITE:
            return self._write(ns, digest, msg, fields, txn_id, run)
        return self._read(ns, digest, msg, txn_id, run)

    def _visible(self, ns, digest, txn_id):
        # The record as transaction txn_id sees it, and the lock it holds on it (or None).
        lock = self.locks.get((ns.name, digest))
        if lock is not None and lock.txn_id == txn_id:
            return lock.prov, lock
        return self.store.get(ns, digest), None

    def _read(self, ns, digest, msg, txn_id, run):
        rec, _lock = self._visible(ns, digest, txn_id)
        res = run(_View(ns, digest, rec), msg)
        if rec is not None:
            _add_field(res, version_field(rec))
        return res

    def _write(self, ns, digest, msg, fields, txn_id, run):
        lock = self.locks.get((ns.name, digest))
        if lock is not None and lock.txn_id != txn_id:
            return Result(MRT_BLOCKED)
        deadline = _le_int(fields.get(F_MRT_DEADLINE))
        txn = self.txns.get((ns.name, txn_id))
        if deadline and self.store.clock.cl_now() > deadline:
            return Result(MRT_EXPIRED)
        if txn is None and (ns.name, txn_id) in self.ended:
            return Result(_late_answer(self.ended[(ns.name, txn_id)]))
        if lock is not None and msg.info4 & I4_ON_LOCKING_ONLY:
            return Result(MRT_ALREADY_LOCKED)
        rec = lock.prov if lock is not None else self.store.get(ns, digest)
        want = fields.get(F_RECORD_VERSION)
        if want is not None:
            if len(want) != 7 or rec is None or record_version(rec) != _le_int(want):
                return Result(MRT_VERSION_MISMATCH)
        view = _View(ns, digest, rec)
        res = run(view, msg)
        if res.code != OK:
            if lock is None and rec is not None and res.code != NOT_FOUND:
                _add_field(res, version_field(rec))
            return res
        if lock is None:
            if txn is None:
                txn = Txn(txn_id, ns.name, deadline or self._default_deadline())
                self.txns[(ns.name, txn_id)] = txn
            lock = Lock(txn_id, rec)
            self.locks[(ns.name, digest)] = lock
            txn.digests.add(digest)
        lock.prov = view.records.get(digest)
        return res

    def _default_deadline(self):
        return self.store.clock.cl_now() + DEFAULT_DURATION

    def _verify(self, ns, digest, fields):
        # A verify names no transaction: the version read earlier must still be the newest
        # one, provisional or committed. A transaction that read its own provisional write
        # passes; one that read the committed version of a record another transaction has
        # written since fails, which keeps two such transactions from both committing.
        lock = self.locks.get((ns.name, digest))
        rec = lock.prov if lock is not None else self.store.get(ns, digest)
        want = fields.get(F_RECORD_VERSION)
        if want is None:
            return Result(OK) if rec is None else Result(MRT_VERSION_MISMATCH)
        if rec is None or len(want) != 7 or record_version(rec) != _le_int(want):
            return Result(MRT_VERSION_MISMATCH)
        return Result(OK, rec.gen, rec.void_time)

    def _roll(self, ns, digest, fields, forward):
        txn_id = _le_int(fields.get(F_MRT_ID))
        self._roll_record(ns, digest, txn_id, forward)
        rec = self.store.get(ns, digest)
        if rec is None:
            return Result(OK)
        return Result(OK, rec.gen, rec.void_time)

    # -- monitor records -------------------------------------------------------------

    def _monitor(self, ns, digest, msg, run):
        # A write to a monitor record: the first one of a transaction (with the "id" bin)
        # creates it and starts the deadline, later ones add digests to "keyds", the "fwd"
        # bin announces a roll-forward, a delete closes the transaction.
        existing = self.store.get(ns, digest)
        if msg.info2 & I2_DELETE:
            res = run(ns, msg)
            txn = self.txns.get((ns.name, _bin_int(existing, BIN_ID))) if existing else None
            if txn is not None and not txn.digests:
                self._end(txn, "committed" if txn.forward else "aborted")
            return res
        names = {bytes(name) for _op, _t, name, _v in msg.ops}
        forward = BIN_FORWARD in names
        txn_id = _bin_int(existing, BIN_ID) if existing is not None else _op_id(msg)
        txn = self.txns.get((ns.name, txn_id))
        if txn is None:
            fate = self.ended.get((ns.name, txn_id)) or self.ended_monitors.get((ns.name, digest))
            if fate is not None or txn_id is None:
                # The transaction has ended (or this write names none).
                fate = fate or "expired"
                if forward:
                    return Result(MRT_COMMITTED if fate == "committed" else MRT_ABORTED)
                return Result(_late_answer(fate))
            duration = msg.record_ttl
            if duration == 0 or duration >= 0xFFFFFFFE:
                duration = DEFAULT_DURATION
            txn = Txn(txn_id, ns.name, self.store.clock.cl_now() + duration, digest)
            self.txns[(ns.name, txn_id)] = txn
        elif txn.forward:
            return Result(MRT_COMMITTED)
        txn.monitor = digest
        # The monitor never expires on its own: the transaction's deadline ends it.
        res = run(ns, _with_ttl(msg, TTL_NEVER))
        if res.code != OK:
            return res
        if _digest_count(self.store.get(ns, digest)) > MAX_WRITES:
            if existing is None:
                del ns.records[digest]
            else:
                ns.records[digest] = existing
            return Result(MRT_TOO_MANY_WRITES)
        if forward:
            txn.forward = True
        _add_field(res, pack_field(F_MRT_DEADLINE, txn.deadline.to_bytes(4, "little")))
        return res


def _op_id(msg):
    # The transaction id a monitor write puts in the "id" bin, or None.
    for op, ptype, name, value in msg.ops:
        if op == OP_WRITE and ptype == 1 and bytes(name) == BIN_ID and len(value) == 8:
            return int.from_bytes(value, "big")
    return None


def _with_ttl(msg, ttl):
    return Msg(
        msg.info1, msg.info2, msg.info3, msg.info4, msg.generation, ttl, msg.timeout,
        msg.fields, msg.ops, msg.result,
    )


def _remember(table, key, fate):
    table[key] = fate
    if len(table) > _ENDED_KEPT:
        table.pop(next(iter(table)))


def _late_answer(fate):
    # What a write to a transaction that has ended is told.
    if fate == "committed":
        return MRT_COMMITTED
    if fate == "aborted":
        return MRT_ABORTED
    return MRT_EXPIRED


def _add_field(res, field):
    res.fields = getattr(res, "fields", b"") + field
    res.nf = getattr(res, "nf", 0) + 1


def _le_int(raw):
    return int.from_bytes(raw, "little") if raw else 0


def _bin_int(rec, name):
    if rec is None:
        return None
    particle = rec.bins.get(name)
    if particle is None or particle[0] != 1 or len(particle[1]) != 8:
        return None
    return int.from_bytes(particle[1], "big")


def _digest_count(rec):
    # How many digests the monitor's keyds list holds.
    if rec is None or BIN_DIGESTS not in rec.bins:
        return 0
    try:
        value = unpack(rec.bins[BIN_DIGESTS][1])
    except MsgpackError:
        return 0
    return len(value) if isinstance(value, list) else 0


def execute(store, ns, digest, msg, fields, run):
    """The entry point of server.py and batch.py: runs a command under transaction rules
    when transactions are on, else refuses transaction requests as CE does."""
    mrt = store.mrt
    if mrt is None:
        if F_MRT_ID in fields or msg.info4 & I4_MRT_BITS:
            return Result(UNSUPPORTED_FEATURE)
        return run(ns, msg)
    return mrt.execute(ns, digest, msg, fields, run)


__all__ = ["execute", "Transactions", "record_version", "MONITOR_SET"]
