# Single-record commands (an AS_MSG with a digest field): read, write, delete and operate
# with generation, exists, TTL, send-key, durable-delete and filter semantics.
# server.py calls execute() for each such request; batch.py calls run() for each row.

from .errors import (
    BIN_NAME,
    ENTERPRISE_ONLY,
    FILTERED_OUT,
    GENERATION,
    KEY_MISMATCH,
    NAMESPACE,
    NOT_FOUND,
    OK,
    PARAMETER,
    RECORD_EXISTS,
    RECORD_TOO_BIG,
    AsError,
)
from .ops import WRITE_OPS, OpContext, apply_op
from .storage import Record
from .wire import (
    F_DIGEST,
    F_FILTER,
    F_KEY,
    F_NAMESPACE,
    F_SET,
    I1_GET_ALL,
    I1_NOBINDATA,
    I2_CREATE_ONLY,
    I2_DELETE,
    I2_DURABLE_DELETE,
    I2_GENERATION,
    I2_GENERATION_GT,
    I2_RESPOND_ALL_OPS,
    I2_WRITE,
    I3_CREATE_OR_REPLACE,
    I3_REPLACE_ONLY,
    I3_UPDATE_ONLY,
    OP_READ,
    OP_TOUCH,
    pack_op,
)

TTL_NEVER = 0xFFFFFFFF
TTL_DONT_UPDATE = 0xFFFFFFFE


class Result:
    """The outcome of one single-record command, before it is put on the wire."""

    __slots__ = ("code", "gen", "void_time", "ops", "n_ops", "fields", "nf")

    def __init__(self, code, gen=0, void_time=0, ops=b"", n_ops=0):
        self.code = code
        self.gen = gen
        self.void_time = void_time
        self.ops = ops
        self.n_ops = n_ops
        self.fields = b""  # packed fields of the answer (transactions: 3, 6)
        self.nf = 0


def _filter_passes(filt, ctx):
    from .expressions import compile_filter

    return compile_filter(filt).matches(ctx) is True


def bins_to_ops(bins):
    out = []
    for name, (ptype, data) in bins.items():
        out.append(pack_op(OP_READ, ptype, name, data))
    return b"".join(out), len(out)


def run(store, ns, digest, msg, fields=None):
    """Executes one single-record command and returns a Result."""
    if fields is None:
        fields = msg.fields
    try:
        if msg.info2 & I2_WRITE:
            if msg.info2 & I2_DELETE:
                return _delete(store, ns, digest, msg, fields)
            return _write(store, ns, digest, msg, fields)
        return _read(store, ns, digest, msg, fields)
    except AsError as e:
        return Result(e.code)


def _read(store, ns, digest, msg, fields):
    rec = store.get(ns, digest)
    if rec is None:
        return Result(NOT_FOUND)
    filt = fields.get(F_FILTER)
    if filt is not None:
        ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, msg)
        if not _filter_passes(filt, ctx):
            return Result(FILTERED_OUT, rec.gen, rec.void_time)
    if msg.info1 & I1_NOBINDATA:
        return Result(OK, rec.gen, rec.void_time)
    ops = msg.ops
    if not ops:
        if msg.info1 & I1_GET_ALL:
            data, n = bins_to_ops(rec.bins)
            return Result(OK, rec.gen, rec.void_time, data, n)
        return Result(OK, rec.gen, rec.void_time)
    if msg.info1 & I1_GET_ALL and msg.info2 & I2_RESPOND_ALL_OPS:
        return Result(PARAMETER)
    respond_all = msg.info2 & I2_RESPOND_ALL_OPS
    ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, msg)
    out = []
    try:
        for op, ptype, name, value in ops:
            if op in WRITE_OPS:
                return Result(PARAMETER)
            if op == OP_READ and not name:
                for bname, (bt, bdata) in rec.bins.items():
                    out.append(pack_op(OP_READ, bt, bname, bdata))
                continue
            res = apply_op(ctx, op, ptype, name, value)
            if res is not None:
                out.append(pack_op(op, res[0], name, res[1]))
            elif respond_all:
                out.append(pack_op(op, 0, name, b""))
    except AsError as e:
        return Result(e.code, rec.gen, rec.void_time)
    return Result(OK, rec.gen, rec.void_time, b"".join(out), len(out))


def _check_existing(rec, msg, fields, store, digest):
    info2 = msg.info2
    if info2 & I2_GENERATION and msg.generation != rec.gen:
        return GENERATION
    if info2 & I2_GENERATION_GT and msg.generation <= rec.gen:
        return GENERATION
    filt = fields.get(F_FILTER)
    if filt is not None:
        ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, msg)
        if not _filter_passes(filt, ctx):
            return FILTERED_OUT
    key = fields.get(F_KEY)
    if key is not None and rec.key is not None and bytes(key) != rec.key:
        return KEY_MISMATCH
    return OK


def _delete(store, ns, digest, msg, fields):
    rec = store.get(ns, digest)
    if rec is None:
        return Result(NOT_FOUND)
    code = _check_existing(rec, msg, fields, store, digest)
    if code:
        return Result(code)
    if msg.info2 & I2_DURABLE_DELETE and store.mrt is None:
        return Result(ENTERPRISE_ONLY)
    del ns.records[digest]
    return Result(OK)


# The largest TTL a write may ask for (ten years), as the server enforces it.
MAX_TTL = 10 * 365 * 24 * 3600


def void_time_for(store, ns, ttl, rec):
    if ttl not in (TTL_NEVER, TTL_DONT_UPDATE) and ttl > MAX_TTL:
        raise AsError(PARAMETER, "ttl above the ten-year limit")
    if ttl == 0:
        ttl = ns.default_ttl
        if ttl == 0:
            return 0
    if ttl == TTL_NEVER:
        return 0
    if ttl == TTL_DONT_UPDATE:
        return rec.void_time if rec is not None else void_time_for(store, ns, 0, None)
    return store.clock.cl_now() + ttl


def _write(store, ns, digest, msg, fields):
    rec = store.get(ns, digest)
    info2, info3 = msg.info2, msg.info3
    if rec is not None:
        if info2 & I2_CREATE_ONLY:
            return Result(RECORD_EXISTS, rec.gen)
        code = _check_existing(rec, msg, fields, store, digest)
        if code:
            return Result(code, rec.gen)
        if info3 & (I3_CREATE_OR_REPLACE | I3_REPLACE_ONLY):
            bins = {}
        else:
            bins = dict(rec.bins)
        set_name, key = rec.set_name, rec.key
    else:
        if info3 & (I3_UPDATE_ONLY | I3_REPLACE_ONLY):
            return Result(NOT_FOUND)
        bins = {}
        set_name = bytes(fields.get(F_SET, b""))
        key = None
    sent_key = fields.get(F_KEY)
    if sent_key is not None:
        key = bytes(sent_key)
    gen_now = rec.gen if rec is not None else 0
    ctx = OpContext(bins, rec, digest, set_name, key, store.clock, msg)
    respond_all = info2 & I2_RESPOND_ALL_OPS
    out = []
    try:
        for op, ptype, name, value in msg.ops:
            if op == OP_TOUCH and rec is None:
                return Result(NOT_FOUND)
            if op == OP_READ and not name:
                for bname, (bt, bdata) in bins.items():
                    out.append(pack_op(OP_READ, bt, bname, bdata))
                continue
            res = apply_op(ctx, op, ptype, name, value)
            if res is not None:
                out.append(pack_op(op, res[0], name, res[1]))
            elif respond_all:
                out.append(pack_op(op, 0, name, b""))
    except AsError as e:
        return Result(e.code, gen_now)
    if not bins:
        if info2 & I2_DURABLE_DELETE and rec is not None and store.mrt is None:
            return Result(ENTERPRISE_ONLY, gen_now)
        if rec is not None:
            del ns.records[digest]
        return Result(OK, 0, 0, b"".join(out), len(out))
    new = Record(digest, set_name, bins, 0, 0, store.clock.time_ns(), key)
    if new.size() > store.max_record_size:
        return Result(RECORD_TOO_BIG, gen_now)
    gen = gen_now + 1
    if gen > 0xFFFF:
        gen = 1
    new.gen = gen
    try:
        new.void_time = void_time_for(store, ns, msg.record_ttl, rec)
    except AsError as e:
        return Result(e.code, gen_now)
    ns.records[digest] = new
    return Result(OK, gen, new.void_time, b"".join(out), len(out))


def namespace_and_digest(store, fields):
    """Looks up the namespace and digest fields; raises AsError when they are unusable."""
    ns_name = fields.get(F_NAMESPACE)
    if ns_name is None:
        raise AsError(NAMESPACE)
    ns = store.namespaces.get(bytes(ns_name).decode("utf-8", "replace"))
    if ns is None:
        raise AsError(NAMESPACE)
    digest = fields.get(F_DIGEST)
    if digest is None or len(digest) != 20:
        raise AsError(PARAMETER)
    return ns, bytes(digest)


__all__ = ["run", "Result", "namespace_and_digest", "BIN_NAME"]
