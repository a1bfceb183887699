# Lua UDFs: module management over info (udf-put, udf-get, udf-list, udf-remove), record
# UDFs (single-record AS_MSG with fields 30/31/32, batch UDF rows, background UDF jobs) and
# stream-UDF aggregations. server.py calls apply_record() for a single-record UDF call,
# batch.py and scan.py call apply_record() and aggregate(); info.py loads this module for
# the udf-* commands. Lua runs through aerospike_lua (the runtime shared with the client:
# value types, msgpack codec, stream runner) and the optional `lupa` package; udflua.py
# holds the server's Lua half. Without lupa, modules can still be registered but every call
# fails as the server fails a call into a missing module.

import base64
import hashlib
import json
import re

import aerospike_lua

from . import record
from .errors import (
    ENTERPRISE_ONLY,
    FILTERED_OUT,
    KEY_MISMATCH,
    OK,
    RECORD_TOO_BIG,
    UDF_EXECUTION,
    AsError,
)
from .info import register
from .msgpack import Blob, CList, CMap, GeoJSON, MsgpackError, pack, unpack
from .ops import OpContext
from .storage import Record
from .values import P_GEOJSON, P_STRING, sort_key, to_particle, to_value
from .wire import (
    F_FILTER,
    F_KEY,
    F_SET,
    F_UDF_ARGLIST,
    F_UDF_FILENAME,
    F_UDF_FUNCTION,
    I2_DURABLE_DELETE,
    OP_READ,
    pack_op,
)

# Lua 5.4 as the server runs it; lupa is an optional dependency of the emulator.
_lupa = aerospike_lua.lupa_module()
HAVE_LUA = _lupa is not None

# The failure text of a call into a module the node cannot run (not registered, or no Lua
# in this emulator). The server gives this text for a missing module (unrecorded).
MISSING_MODULE = "UDF: Execution Error 1"

# The largest module the server accepts (decoded), and the Citrusleaf epoch (2010-01-01)
# in Unix milliseconds, in which record.last_update_time() counts.
MAX_MODULE_SIZE = 1024 * 1024
CITRUSLEAF_EPOCH_MS = 1262304000 * 1000

_LINE = re.compile(r":(\d+):")


class Module:
    """A registered module: its file name, the base64 text it was sent as, its source and
    hash as udf-list shows them, and (once called) the Lua runtime that runs it."""

    __slots__ = ("filename", "content64", "source", "hash", "runtime")

    def __init__(self, filename, content64, source):
        self.filename = filename
        self.content64 = content64
        self.source = source
        # The server hashes the JSON object it stores the module as (checked against the
        # recorded udf-list answer).
        stored = json.dumps(
            {"content64": content64, "type": "LUA", "name": filename}, ensure_ascii=False
        )
        self.hash = hashlib.sha1(stored.encode("utf-8")).hexdigest()
        self.runtime = None


def _modules(node):
    return node.cluster.udfs


# ---------------------------------------------------------------------------------------
# Info commands.


@register("udf-put")
def _udf_put(node, name, args, params):
    filename = params.get("filename", "")
    if not filename or "." not in filename or "/" in filename:
        return "error=invalid_filename"
    content64 = params.get("content")
    if not content64:
        return "error=invalid_content"
    try:
        length = int(params.get("content-len", ""))
    except ValueError:
        return "error=invalid_content_len"
    if length != len(content64) or length % 4:
        return "error=invalid_content_len"
    if params.get("udf-type", "LUA") != "LUA":
        return "error=invalid_udf_type"
    try:
        source = base64.b64decode(content64, validate=True)
    except ValueError:
        return "error=invalid_base64_content"
    if len(source) > MAX_MODULE_SIZE:
        return "error=invalid_content_len"
    problem = _compile_error(filename, source)
    if problem is not None:
        line = _LINE.search(problem)
        return "error=compile_error;file=%s;line=%s;message=%s" % (
            filename,
            line.group(1) if line else 0,
            base64.b64encode(problem.encode("utf-8", "replace")).decode(),
        )
    _modules(node)[filename] = Module(filename, content64, source)
    return "ok"


@register("udf-get")
def _udf_get(node, name, args, params):
    module = _modules(node).get(params.get("filename", ""))
    if module is None:
        return "error=not_found"
    return "type=LUA;content=%s;" % module.content64


@register("udf-list")
def _udf_list(node, name, args, params):
    mods = _modules(node)
    return "".join("filename=%s,hash=%s,type=LUA;" % (f, mods[f].hash) for f in sorted(mods))


@register("udf-remove")
def _udf_remove(node, name, args, params):
    if _modules(node).pop(params.get("filename", ""), None) is None:
        return "error=file_not_found"
    return "ok"


def _compile_error(filename, source):
    # The Lua compiler's message for a module that does not compile, or None.
    if not HAVE_LUA:
        return None
    return aerospike_lua.compile_error(source, b"@" + filename.encode())


# ---------------------------------------------------------------------------------------
# Lua runtimes.


def _runtime(node, module_name):
    """(LuaRuntime, entry points) of the runtime that runs `module_name`, or a failure
    text as the second item of (None, text)."""
    if not HAVE_LUA:
        return None, MISSING_MODULE
    mods = _modules(node)
    module = mods.get(module_name + ".lua")
    if module is None:
        return None, MISSING_MODULE
    if module.runtime is None:
        from .udflua import PRELUDE

        rt, internals = aerospike_lua.new_runtime()
        entry = rt.execute(PRELUDE.encode(), internals)

        def source(name):
            other = mods.get(bytes(name).decode("utf-8", "replace") + ".lua")
            return other.source if other is not None else None

        entry[b"init"](source)
        err = entry[b"load_module"](module.source, module.filename.encode())
        if err is not None:
            return None, bytes(err).decode("utf-8", "replace")
        module.runtime = (rt, entry)
    return module.runtime, None


# ---------------------------------------------------------------------------------------
# Values between the store, Lua and the wire.


def _normal(v):
    # Maps leave Lua in table order; the server's Lua maps keep their keys sorted.
    if isinstance(v, dict):
        items = sorted(((_normal(k), _normal(x)) for k, x in v.items()), key=_key_order)
        return CMap(items, v.flags) if isinstance(v, CMap) else dict(items)
    if isinstance(v, list):
        items = [_normal(x) for x in v]
        return CList(items, v.flags) if isinstance(v, CList) else items
    return v


def _key_order(item):
    return sort_key(item[0])


def _from_lua(packed):
    return _normal(unpack(bytes(packed)))


def _result_op(name, value):
    ptype, data = to_particle(value)
    return pack_op(OP_READ, ptype, name, data)


def _failure(message, gen=0, void_time=0):
    op = pack_op(OP_READ, P_STRING, b"FAILURE", message.encode("utf-8", "replace"))
    return record.Result(UDF_EXECUTION, gen, void_time, op, 1)


def _key_value(raw):
    # A stored or sent key field: particle type byte, then the value.
    if not raw:
        return None
    try:
        return to_value((raw[0], bytes(raw[1:])))
    except AsError:
        return None


def _record_state(store, digest, rec, fields):
    # What the Lua record sees: [exists, gen, ttl, digest, key, set, lut ms, size, bins].
    now = store.clock.cl_now()
    if rec is None:
        set_name = bytes(fields.get(F_SET, b""))
        key = _key_value(fields.get(F_KEY))
        return pack([False, 0, 0, Blob(digest), key, set_name.decode("utf-8", "replace"), 0, 0, {}])
    bins = {}
    for name, particle in rec.bins.items():
        try:
            bins[name.decode("utf-8", "surrogateescape")] = to_value(particle)
        except AsError:
            bins[name.decode("utf-8", "surrogateescape")] = None
    ttl = max(0, rec.void_time - now) if rec.void_time else 0
    key = _key_value(rec.key if rec.key is not None else fields.get(F_KEY))
    lut = rec.lut // 1000000 - CITRUSLEAF_EPOCH_MS
    set_name = rec.set_name.decode("utf-8", "replace")
    return pack([True, rec.gen, ttl, Blob(digest), key, set_name, lut, rec.size(), bins])


def _now_ms(store):
    return int(store.clock.time() * 1000)


def _udf_fields(fields):
    module = bytes(fields.get(F_UDF_FILENAME, b"")).decode("utf-8", "replace")
    return module, bytes(fields.get(F_UDF_FUNCTION, b"")), bytes(fields.get(F_UDF_ARGLIST, b""))


# ---------------------------------------------------------------------------------------
# Record UDFs.


def apply_record(node, ns, digest, msg, fields):
    """Runs the record UDF named by fields 30/31/32 on one record; returns record.Result."""
    store = node.cluster.store
    rec = store.get(ns, digest)
    gen, void_time = (rec.gen, rec.void_time) if rec is not None else (0, 0)
    if rec is not None:
        filt = fields.get(F_FILTER)
        if filt is not None:
            from .expressions import compile_filter

            ctx = OpContext(rec.bins, rec, digest, rec.set_name, rec.key, store.clock, msg)
            try:
                passes = compile_filter(filt).matches(ctx) is True
            except AsError as e:
                return record.Result(e.code, gen, void_time)
            if not passes:
                return record.Result(FILTERED_OUT, gen, void_time)
        sent = fields.get(F_KEY)
        if sent is not None and rec.key is not None and bytes(sent) != rec.key:
            return record.Result(KEY_MISMATCH, gen, void_time)
    module, function, args = _udf_fields(fields)
    entry, problem = _runtime(node, module)
    if entry is None:
        return _failure(problem, gen, void_time)
    entry = entry[1]
    try:
        out = entry[b"apply_record"](
            function, _record_state(store, digest, rec, fields), args or b"\x90", _now_ms(store)
        )
    except _lupa.LuaError as e:
        return _failure(str(e), gen, void_time)
    if not out[0]:
        return _failure(bytes(out[1]).decode("utf-8", "replace"), gen, void_time)
    _ok, ret, pending, replace, set_ttl, drop_key, changes = out
    try:
        value = _from_lua(ret)
        changes = _from_lua(changes)
    except MsgpackError:
        return _failure("UDF returned a value the server cannot encode", gen, void_time)
    if pending is None:
        return _success(value, gen, void_time)
    return _commit(
        store, ns, digest, rec, msg, fields, pending, replace, set_ttl, drop_key, changes, value
    )


def _success(value, gen, void_time):
    return record.Result(OK, gen, void_time, _result_op(b"SUCCESS", value), 1)


def _next_gen(gen):
    gen += 1
    return 1 if gen > 0xFFFF else gen


def _commit(
    store, ns, digest, rec, msg, fields, pending, replace, set_ttl, drop_key, changes, value
):
    # Writes what the UDF asked for once it has returned: a removal, or the bins it
    # updated (over the old ones, or alone after a remove), as a normal write would.
    gen_now, void_now = (rec.gen, rec.void_time) if rec is not None else (0, 0)
    if pending == b"remove":
        if rec is None:
            return _success(value, 0, 0)
        if msg.info2 & I2_DURABLE_DELETE:
            return record.Result(ENTERPRISE_ONLY, gen_now, void_now)
        del ns.records[digest]
        return _success(value, _next_gen(gen_now), 0)
    bins = {} if (replace or rec is None) else dict(rec.bins)
    for name, v in changes.items():
        bname = name.encode("utf-8", "surrogateescape")
        if v is None:
            bins.pop(bname, None)
        elif isinstance(v, GeoJSON):
            from .geo import particle_for

            bins[bname] = (P_GEOJSON, particle_for(v.encode("utf-8", "surrogateescape")))
        else:
            bins[bname] = to_particle(v)
    if not bins:
        if rec is None:
            return _success(value, 0, 0)
        if msg.info2 & I2_DURABLE_DELETE:
            return record.Result(ENTERPRISE_ONLY, gen_now, void_now)
        del ns.records[digest]
        return _success(value, _next_gen(gen_now), 0)
    if rec is not None and not replace:
        set_name, key = rec.set_name, rec.key
    else:
        set_name = rec.set_name if rec is not None else bytes(fields.get(F_SET, b""))
        key = rec.key if rec is not None else None
    sent = fields.get(F_KEY)
    if sent is not None:
        key = bytes(sent)
    if drop_key:
        key = None
    new = Record(digest, set_name, bins, 0, 0, store.clock.time_ns(), key)
    if new.size() > store.max_record_size:
        return record.Result(RECORD_TOO_BIG, gen_now, void_now)
    ttl = msg.record_ttl if set_ttl is None else set_ttl & 0xFFFFFFFF
    try:
        new.void_time = record.void_time_for(store, ns, ttl, rec)
    except AsError as e:
        return record.Result(e.code, gen_now, void_now)
    new.gen = _next_gen(gen_now)
    ns.records[digest] = new
    return _success(value, new.gen, new.void_time)


# ---------------------------------------------------------------------------------------
# Stream UDFs (aggregation).


def aggregate(node, ns, msg, targets):
    """Runs the stream UDF of an aggregation query over `targets` ((digest, record) pairs);
    returns the answer records as (result code, ops bytes, op count)."""
    store = node.cluster.store
    module, function, args = _udf_fields(msg.fields)
    entry, problem = _runtime(node, module)
    if entry is None:
        return [_failure_row(problem)]
    states = [_record_state(store, digest, rec, msg.fields) for digest, rec in targets]
    rt, entry = entry
    try:
        out = entry[b"aggregate"](
            function, args or b"\x90", rt.table_from(states), len(states), _now_ms(store)
        )
    except _lupa.LuaError as e:
        return [_failure_row(str(e))]
    if not out[0]:
        return [_failure_row(bytes(out[1]).decode("utf-8", "replace"))]
    rows = []
    results, count = out[1], out[2]
    for i in range(1, count + 1):
        try:
            value = _from_lua(results[i])
        except MsgpackError:
            return [_failure_row("UDF returned a value the server cannot encode")]
        rows.append((OK, _result_op(b"SUCCESS", value), 1))
    return rows


def _failure_row(message):
    res = _failure(message)
    return (res.code, res.ops, res.n_ops)


__all__ = ["apply_record", "aggregate", "HAVE_LUA", "MISSING_MODULE"]
