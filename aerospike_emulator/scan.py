# Scans and queries (an AS_MSG without a digest field, protocol.md section 10): runs
# foreground scans and secondary-index queries over the partitions this node masters and
# frames the answer as the server does, and runs background jobs (ops, or a UDF) before
# answering with one LAST message. server.py calls handle() for every such request.

import logging

from . import jobs, record, scanreq, udf
from .errors import (
    OK,
    PARAMETER,
    QUERY_ABORTED,
    UNAVAILABLE,
    UNKNOWN,
    AsError,
)
from .ops import OpContext, apply_op
from .storage import partition_id
from .wire import (
    F_DIGEST,
    F_KEY,
    F_NAMESPACE,
    F_SET,
    I1_NOBINDATA,
    I2_RESPOND_ALL_OPS,
    I3_LAST,
    I3_PARTITION_DONE,
    I3_UPDATE_ONLY,
    OP_READ,
    T_MSG,
    Msg,
    msg_body,
    msg_response,
    pack_field,
    pack_op,
    proto_header,
)

log = logging.getLogger("aerospike_emulator")

F_BVAL = 15

# The server sends a partition's records as one proto, and starts a new proto once the
# pending one has grown past this size.
CHUNK_LIMIT = 1024 * 1024



def handle(node, msg):
    """Answers one scan/query request; returns the reply bytes (every proto)."""
    store = node.cluster.store
    try:
        req = scanreq.parse(store, msg)
        index = None
        if req.range is not None:
            from .sindex import find_index

            index = find_index(node.cluster, req)
    except AsError as e:
        return msg_response(e.code)
    job = jobs.start(node, req, getattr(node, "peer", ""))
    if job is None:
        return msg_response(PARAMETER)
    if index is not None:
        job.sindex = index.name
    try:
        if req.kind == scanreq.BASIC:
            return _foreground(node, req, index, job)
        if req.kind == scanreq.AGGREGATION:
            return _aggregation(node, req, msg, index, job)
        _background(node, req, msg, index, job)
        return _last(OK)
    except Exception:  # noqa: BLE001 - one bad request must not take the node down
        log.exception("scan/query failed on node %s", node.name)
        job.finish("done(error)")
        return _last(UNKNOWN)
    finally:
        job.finish()


def _last(code):
    body = msg_body(code, info3=I3_LAST)
    return proto_header(T_MSG, len(body)) + body


class _Stream:
    """Collects answer messages into protos: one per partition, split past CHUNK_LIMIT."""

    __slots__ = ("protos", "pending", "size")

    def __init__(self):
        self.protos = []
        self.pending = []
        self.size = 0

    def add(self, body):
        self.pending.append(body)
        self.size += len(body)
        if self.size > CHUNK_LIMIT:
            self.flush()

    def flush(self):
        if self.pending:
            body = b"".join(self.pending)
            self.protos.append(proto_header(T_MSG, len(body)) + body)
            self.pending = []
            self.size = 0

    def finish(self, code):
        self.flush()
        self.protos.append(_last(code))
        return b"".join(self.protos)


def _partitions(node, req):
    # Yields (pid, owned) for the partitions the request covers, in the order the
    # emulator serves them: a PID_ARRAY in request order, otherwise every partition.
    owners = node.cluster.pmap.owners
    if req.pids is None:
        for pid in range(len(owners)):
            if owners[pid][:1] == (node.index,):
                yield pid, True
        return
    for pid in req.pids:
        yield pid, owners[pid][:1] == (node.index,)


def _bucket_records(ns, set_name):
    # Live-or-expired records of the namespace (or one set) grouped by partition.
    buckets = {}
    for digest, rec in ns.records.items():
        if set_name is not None and rec.set_name != set_name:
            continue
        buckets.setdefault(partition_id(digest), []).append(digest)
    return buckets


def _candidates(node, req, index):
    """Returns a function pid -> list of (bval or None, digest) in the server's order."""
    ns = req.ns
    if index is None:
        buckets = _bucket_records(ns, req.set_name)

        def scan_partition(pid):
            digests = sorted(buckets.get(pid, ()), reverse=True)
            resume = req.resume.get(pid)
            if resume is not None:
                digests = [d for d in digests if d < resume[0]]
            return [(None, d) for d in digests]

        return scan_partition
    buckets = {}
    for bval, digest in index.data.candidates(req.range):
        buckets.setdefault(partition_id(digest), []).append((bval, digest))

    def query_partition(pid):
        found = buckets.get(pid, [])
        resume = req.resume.get(pid)
        if resume is not None:
            digest, bval = resume
            if bval is None:
                found = [c for c in found if c[1] > digest]
            else:
                found = [c for c in found if (c[0], c[1]) > (bval, digest)]
        return found

    return query_partition


def _matching(node, req, index, job):
    # Yields (pid, owned, [(bval, digest, rec)]) for each partition, with the records
    # that are alive, in the request's set and pass the filter expression.
    store = node.cluster.store
    ns = req.ns
    cands = _candidates(node, req, index)
    for pid, owned in _partitions(node, req):
        if not owned:
            yield pid, False, ()
            continue
        out = []
        for bval, digest in cands(pid):
            rec = store.get(ns, digest)
            if rec is None:
                continue
            if req.set_name is not None and rec.set_name != req.set_name:
                continue
            if req.filter is not None:
                ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, None)
                if req.filter.matches(ctx) is not True:
                    job.filtered_bins += 1
                    continue
            out.append((bval, digest, rec))
        yield pid, True, out


def _foreground(node, req, index, job):
    ns_field = pack_field(0, req.ns.name.encode())
    stream = _Stream()
    sent = 0
    limit = req.max_records
    for pid, owned, found in _matching(node, req, index, job):
        if not owned:
            stream.pending.append(msg_body(UNAVAILABLE, gen=pid, info3=I3_PARTITION_DONE))
            continue
        for bval, digest, rec in found:
            if limit and sent >= limit:
                break
            if job.abort_code:
                return stream.finish(QUERY_ABORTED)
            stream.add(_record_msg(req, ns_field, digest, rec, bval, node.cluster.store))
            sent += 1
        stream.flush()
        if limit and sent >= limit:
            break
    job.succeeded = sent
    data = stream.finish(OK)
    job.net_io = len(data)
    return data


def _record_msg(req, ns_field, digest, rec, bval, store):
    # One record of the answer: namespace, digest, set, key and bval fields, then bins.
    fields = [ns_field, pack_field(F_DIGEST, digest)]
    if rec.set_name:
        fields.append(pack_field(F_SET, rec.set_name))
    if rec.key:
        fields.append(pack_field(F_KEY, rec.key))
    if bval is not None:
        fields.append(pack_field(F_BVAL, bval.to_bytes(8, "little", signed=True)))
    info1 = 0
    if req.nobins:
        info1 = I1_NOBINDATA
        ops, n_ops = b"", 0
    elif req.read_ops:
        ops, n_ops = _read_ops(req, digest, rec, store)
    elif req.bin_names is not None:
        out = []
        for name in req.bin_names:
            p = rec.bins.get(name)
            if p is not None:
                out.append(pack_op(OP_READ, p[0], name, p[1]))
        ops, n_ops = b"".join(out), len(out)
    else:
        ops, n_ops = record.bins_to_ops(rec.bins)
    return msg_body(
        OK,
        rec.gen,
        rec.void_time,
        ops,
        n_ops,
        info1=info1,
        fields=b"".join(fields),
        nf=len(fields),
    )


def _read_ops(req, digest, rec, store):
    # Read ops as a projection (server 8.1.2+): each op's result, or a NULL op for an op
    # with no result; an op that fails leaves the record without bins.
    ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, None)
    out = []
    try:
        for op, ptype, name, value in req.read_ops:
            if op == OP_READ and not name:
                for bname, (bt, bdata) in rec.bins.items():
                    out.append(pack_op(OP_READ, bt, bname, bdata))
                continue
            res = apply_op(ctx, op, ptype, name, value)
            if res is not None:
                out.append(pack_op(op, res[0], name, res[1]))
            else:
                out.append(pack_op(op, 0, name, b""))
    except AsError:
        return b"", 0
    return b"".join(out), len(out)


def _targets(node, req, index, job):
    # The (digest, record) pairs a background job or an aggregation works on.
    out = []
    for _pid, owned, found in _matching(node, req, index, job):
        if owned:
            out.extend((digest, rec) for _bval, digest, rec in found)
    return out


def _background(node, req, msg, index, job):
    # Background jobs run to completion before the LAST answer (the emulator has no
    # throttling); query-show then reports them done.
    store = node.cluster.store
    ns = req.ns
    targets = _targets(node, req, index, job)
    fields = {F_NAMESPACE: msg.fields[F_NAMESPACE]}
    if req.set_name is not None:
        fields[F_SET] = req.set_name
    if req.kind == scanreq.BACKGROUND_OPS:
        wmsg = Msg(
            0,
            msg.info2 & ~I2_RESPOND_ALL_OPS & ~0x0C,
            msg.info3 | I3_UPDATE_ONLY,
            msg.info4,
            0,
            msg.record_ttl,
            msg.timeout,
            fields,
            req.write_ops,
        )
        for digest, _rec in targets:
            if job.abort_code:
                break
            res = record.run(store, ns, digest, wmsg, fields)
            if res.code == OK:
                job.succeeded += 1
            else:
                job.failed += 1
        return
    for k in (30, 31, 32):
        if k in msg.fields:
            fields[k] = msg.fields[k]
    umsg = Msg(0, msg.info2, msg.info3, msg.info4, 0, msg.record_ttl, msg.timeout, fields, [])
    for digest, _rec in targets:
        if job.abort_code:
            break
        res = udf.apply_record(node, ns, digest, umsg, fields)
        if res.code == OK:
            job.succeeded += 1
        else:
            job.failed += 1


def _aggregation(node, req, msg, index, job):
    # Stream-UDF aggregation: udf.aggregate runs the Lua stages up to the first reduce;
    # each of its results is answered as a record without fields.
    stream = _Stream()
    for code, ops, n_ops in udf.aggregate(node, req.ns, msg, _targets(node, req, index, job)):
        stream.add(msg_body(code, ops=ops, n_ops=n_ops))
        stream.flush()
    return stream.finish(OK)


__all__ = ["handle"]
