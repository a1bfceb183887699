/*
 * query.c: one scan or query on one node (protocol.md 10): the request is
 * built from a spec dict that aerospike/_query.py assembles (partitions,
 * resume digests, predicate, filter, bins, background ops or UDF), sent
 * with the GIL released, and the answer is decoded proto by proto into
 * records handed to a Python callback, plus partition bookkeeping; an
 * aggregation's answer carries values (SUCCESS / FAILURE bins) instead. The
 * Python side spreads partitions over nodes, tracks what is done and pages.
 */
#include "binding.h"
#include <aerospike/as_crypto.h>

#define QUERY_ALL_TTL 0xFFFFFFFFu

/* aerospike.QUERY_DURATION_* (policy "expected_duration"). */
enum { QUERY_LONG = 0, QUERY_SHORT = 1, QUERY_LONG_RELAX_AP = 2 };

/* Predicate tuples (aerospike.predicates): (kind, datatype, bin, v1[, v2[, index_type]]). */
enum { PRED_EQUAL = 0, PRED_RANGE = 1 };
enum { PRED_STRING = 0, PRED_GEOJSON = 2, PRED_BLOB = 3, PRED_INTEGER = 4 };

static PyObject* spec_get(PyObject* spec, const char* key)
{
	PyObject* v = PyDict_GetItemString(spec, key);
	return v == Py_None ? NULL : v;
}

static bool spec_u64(PyObject* spec, const char* key, uint64_t* out)
{
	PyObject* v = spec_get(spec, key);
	if (!v) {
		return true;
	}
	if (!PyLong_Check(v)) {
		raise_param("%s must be an integer", key);
		return false;
	}
	*out = PyLong_AsUnsignedLongLongMask(v);
	return !PyErr_Occurred();
}

/* One end of an index range: uint32 length + value. */
static bool put_range_value(as_buf* b, PyObject* v, int datatype)
{
	if (datatype == PRED_INTEGER) {
		long long x = PyLong_AsLongLong(v);
		if (x == -1 && PyErr_Occurred()) {
			PyErr_Clear();
			raise_param("predicate value must be a 64-bit integer");
			return false;
		}
		as_buf_put_u32be(b, 8);
		as_buf_put_u64be(b, (uint64_t)x);
		return true;
	}
	const char* data;
	Py_ssize_t len;
	if (!bytes_view(v, &data, &len)) {
		if (!PyErr_Occurred()) {
			raise_param("predicate value has an unsupported type");
		}
		return false;
	}
	as_buf_put_u32be(b, (uint32_t)len);
	as_buf_put(b, data, (size_t)len);
	return true;
}

/* Fields 26 (collection type) and 22 (the range) of a predicate. */
static bool put_predicate(as_msg_builder* mb, PyObject* pred, bool named)
{
	if (!PyTuple_Check(pred) || PyTuple_GET_SIZE(pred) < 4) {
		raise_param("predicate must be a tuple made by aerospike.predicates");
		return false;
	}
	long kind = PyLong_AsLong(PyTuple_GET_ITEM(pred, 0));
	long datatype = PyLong_AsLong(PyTuple_GET_ITEM(pred, 1));
	PyObject* bin = PyTuple_GET_ITEM(pred, 2);
	PyObject* v1 = PyTuple_GET_ITEM(pred, 3);
	PyObject* v2 = PyTuple_GET_SIZE(pred) > 4 ? PyTuple_GET_ITEM(pred, 4) : Py_None;
	long index_type = 0;
	if (PyTuple_GET_SIZE(pred) > 5 && PyTuple_GET_ITEM(pred, 5) != Py_None) {
		index_type = PyLong_AsLong(PyTuple_GET_ITEM(pred, 5));
	}
	if (PyErr_Occurred() || (!named && !PyUnicode_Check(bin))) {
		PyErr_Clear();
		raise_param("predicate is malformed");
		return false;
	}
	if (index_type) {
		uint8_t t = (uint8_t)index_type;
		as_msg_field(mb, AS_FIELD_INDEX_TYPE, &t, 1);
	}
	/* An index chosen by name or expression takes no bin name. */
	Py_ssize_t blen = 0;
	const char* bname = named ? "" : PyUnicode_AsUTF8AndSize(bin, &blen);
	if (!bname || blen > AS_BIN_NAME_MAX) {
		raise_param("predicate bin name is invalid");
		return false;
	}
	static const uint8_t particle[] = {
		[PRED_STRING] = AS_PARTICLE_STRING,
		[PRED_GEOJSON] = AS_PARTICLE_GEOJSON,
		[PRED_BLOB] = AS_PARTICLE_BLOB,
		[PRED_INTEGER] = AS_PARTICLE_INTEGER,
	};
	if (datatype < 0 || datatype > PRED_INTEGER || datatype == 1) {
		raise_param("predicate data type is invalid");
		return false;
	}
	as_msg_field_begin(mb, AS_FIELD_INDEX_RANGE);
	as_buf* b = mb->buf;
	as_buf_put_u8(b, 1); /* one range */
	as_buf_put_u8(b, (uint8_t)blen);
	as_buf_put(b, bname, (size_t)blen);
	as_buf_put_u8(b, particle[datatype]);
	PyObject* end = kind == PRED_RANGE && v2 != Py_None ? v2 : v1;
	if (!put_range_value(b, v1, (int)datatype) || !put_range_value(b, end, (int)datatype)) {
		return false;
	}
	as_msg_field_end(mb);
	return true;
}

/* PID_ARRAY (uint16 LE each), DIGEST_ARRAY and BVAL_ARRAY (int64 LE). */
static bool put_partitions(as_msg_builder* mb, PyObject* pids, PyObject* digests, PyObject* bvals)
{
	if (pids && PyList_GET_SIZE(pids) > 0) {
		as_msg_field_begin(mb, AS_FIELD_PID_ARRAY);
		for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pids); i++) {
			long pid = PyLong_AsLong(PyList_GET_ITEM(pids, i));
			if (pid < 0 || pid >= AS_N_PARTITIONS) {
				PyErr_Clear();
				raise_param("partition ids must be in 0..4095");
				return false;
			}
			as_buf_put_u8(mb->buf, (uint8_t)pid);
			as_buf_put_u8(mb->buf, (uint8_t)(pid >> 8));
		}
		as_msg_field_end(mb);
	}
	if (digests && PyList_GET_SIZE(digests) > 0) {
		as_msg_field_begin(mb, AS_FIELD_DIGEST_ARRAY);
		for (Py_ssize_t i = 0; i < PyList_GET_SIZE(digests); i++) {
			PyObject* d = PyList_GET_ITEM(digests, i);
			if (!PyBytes_Check(d) || PyBytes_GET_SIZE(d) != 20) {
				raise_param("resume digests must be 20 bytes");
				return false;
			}
			as_buf_put(mb->buf, PyBytes_AS_STRING(d), 20);
		}
		as_msg_field_end(mb);
		if (bvals && PyList_GET_SIZE(bvals) > 0) {
			as_msg_field_begin(mb, AS_FIELD_BVAL_ARRAY);
			for (Py_ssize_t i = 0; i < PyList_GET_SIZE(bvals); i++) {
				PyObject* v = PyList_GET_ITEM(bvals, i);
				uint64_t x = v == Py_None ? 0 : (uint64_t)PyLong_AsLongLong(v);
				for (int s = 0; s < 64; s += 8) {
					as_buf_put_u8(mb->buf, (uint8_t)(x >> s));
				}
			}
			as_msg_field_end(mb);
		}
	}
	return !PyErr_Occurred();
}

/* Builds the request of one node's scan or query. */
static bool build_query(ClientObject* self, PyObject* spec, const py_policy* p, as_buf* buf)
{
	PyObject* ns = spec_get(spec, "ns");
	PyObject* set = spec_get(spec, "set");
	PyObject* ops = spec_get(spec, "ops");
	PyObject* udf = spec_get(spec, "udf");
	PyObject* bins = spec_get(spec, "bins");
	PyObject* pred = spec_get(spec, "predicate");
	PyObject* ctx = spec_get(spec, "ctx");
	bool background = spec_get(spec, "background") && PyObject_IsTrue(spec_get(spec, "background"));
	bool nobins = spec_get(spec, "nobins") && PyObject_IsTrue(spec_get(spec, "nobins"));
	uint64_t task_id = 0, max_records = 0, rps = 0, ttl = 0, udf_op = 0, duration = 0;
	if (!ns || !PyUnicode_Check(ns) || (set && !PyUnicode_Check(set))) {
		raise_param("namespace and set must be strings");
		return false;
	}
	if (!spec_u64(spec, "task_id", &task_id) || !spec_u64(spec, "max_records", &max_records) ||
		!spec_u64(spec, "rps", &rps) || !spec_u64(spec, "ttl", &ttl) ||
		!spec_u64(spec, "udf_op", &udf_op) || !spec_u64(spec, "duration", &duration)) {
		return false;
	}
	as_msg_header h = {0};
	if (background) {
		h.info2 = AS_INFO2_WRITE | (p->durable_delete ? AS_INFO2_DURABLE_DELETE : 0);
		h.record_ttl = (uint32_t)ttl;
	}
	else {
		h.info1 = AS_INFO1_READ | (nobins ? AS_INFO1_GET_NO_BINS : 0) |
			(duration == QUERY_SHORT ? AS_INFO1_SHORT_QUERY : 0);
		h.info2 = duration == QUERY_LONG_RELAX_AP ? AS_INFO2_RELAX_AP_LONG_QUERY : 0;
		h.info3 = AS_INFO3_PARTITION_DONE;
		h.record_ttl = QUERY_ALL_TTL;
	}
	h.transaction_ttl = p->cmd.total_timeout;
	as_msg_builder mb;
	as_msg_begin(&mb, buf, &h);
	Py_ssize_t len;
	const char* s = PyUnicode_AsUTF8AndSize(ns, &len);
	as_msg_field(&mb, AS_FIELD_NAMESPACE, s, (size_t)len);
	if (set) {
		s = PyUnicode_AsUTF8AndSize(set, &len);
		as_msg_field(&mb, AS_FIELD_SET, s, (size_t)len);
	}
	if (rps) {
		uint8_t v[4];
		as_write_u32be(v, (uint32_t)rps);
		as_msg_field(&mb, AS_FIELD_RPS, v, 4);
	}
	uint8_t v4[4], v8[8];
	as_write_u32be(v4, p->cmd.socket_timeout);
	as_msg_field(&mb, AS_FIELD_SOCKET_TIMEOUT, v4, 4);
	as_write_u64be(v8, task_id);
	as_msg_field(&mb, AS_FIELD_TASK_ID, v8, 8);
	PyObject* index_name = spec_get(spec, "index_name");
	PyObject* index_expr = spec_get(spec, "index_expr");
	if (pred && !put_predicate(&mb, pred, index_name || index_expr)) {
		return false;
	}
	if (ctx) {
		as_msg_field_begin(&mb, AS_FIELD_INDEX_CONTEXT);
		if (!ctx_pack(buf, ctx, NULL)) {
			return false;
		}
		as_msg_field_end(&mb);
	}
	if (index_name) {
		s = PyUnicode_Check(index_name) ? PyUnicode_AsUTF8AndSize(index_name, &len) : NULL;
		if (!s) {
			PyErr_Clear();
			raise_param("index_name must be a string");
			return false;
		}
		as_msg_field(&mb, AS_FIELD_INDEX_NAME, s, (size_t)len);
	}
	if (index_expr) {
		as_msg_field_begin(&mb, AS_FIELD_INDEX_EXPRESSION);
		if (!expr_pack(buf, index_expr)) {
			return false;
		}
		as_msg_field_end(&mb);
	}
	value_ctx vc;
	client_value_ctx(self, &vc, 0);
	if (udf) {
		PyObject *module, *function, *args;
		if (!PyArg_ParseTuple(udf, "UUO", &module, &function, &args)) {
			return false;
		}
		uint8_t op = (uint8_t)udf_op;
		as_msg_field(&mb, AS_FIELD_UDF_OP, &op, 1);
		s = PyUnicode_AsUTF8AndSize(module, &len);
		as_msg_field(&mb, AS_FIELD_UDF_PACKAGE_NAME, s, (size_t)len);
		s = PyUnicode_AsUTF8AndSize(function, &len);
		as_msg_field(&mb, AS_FIELD_UDF_FUNCTION, s, (size_t)len);
		as_msg_field_begin(&mb, AS_FIELD_UDF_ARGLIST);
		/* No arguments is an empty field, not an empty msgpack array. */
		if (args != Py_None && (!PyList_Check(args) || PyList_GET_SIZE(args) > 0) &&
			!pack_value(buf, args, &vc)) {
			return false;
		}
		as_msg_field_end(&mb);
	}
	/* The filter comes after the UDF fields, as the reference client writes them. */
	if (p->expressions) {
		as_msg_field_begin(&mb, AS_FIELD_FILTER);
		if (!expr_pack(buf, p->expressions)) {
			return false;
		}
		as_msg_field_end(&mb);
	}
	if (!background) {
		PyObject* pids = spec_get(spec, "pids");
		PyObject* digests = spec_get(spec, "digests");
		if ((pids && !PyList_Check(pids)) || (digests && !PyList_Check(digests))) {
			raise_param("pids and digests must be lists");
			return false;
		}
		if (!put_partitions(&mb, pids, digests, spec_get(spec, "bvals"))) {
			return false;
		}
		if (max_records) {
			as_write_u64be(v8, max_records);
			as_msg_field(&mb, AS_FIELD_MAX_RECORDS, v8, 8);
		}
	}
	if (ops) {
		ops_result res;
		if (!ops_encode(&mb, ops, true, &vc, &res)) {
			return false;
		}
	}
	else if (bins) {
		PyObject* seq = PySequence_Fast(bins, "bins must be a list");
		if (!seq) {
			return false;
		}
		for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
			PyObject* name = PySequence_Fast_GET_ITEM(seq, i);
			const char* n = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &len) : NULL;
			if (!n) {
				Py_DECREF(seq);
				PyErr_Clear();
				raise_param("bins must be a list of bin names");
				return false;
			}
			as_msg_op_begin(&mb, AS_OP_READ, 0, n, (size_t)len);
			as_msg_op_end(&mb);
		}
		Py_DECREF(seq);
	}
	if (!as_msg_end(&mb)) {
		raise_param("The query is too large to send");
		return false;
	}
	return true;
}

/* The consumer of one node's answer, fed proto by proto by the stream
 * executor while the GIL is released: it takes the GIL back for each
 * proto, turns its records into ((ns, set, key, digest), meta, bins) and
 * hands them to the Python callback, and keeps the partition bookkeeping
 * (the last digest and bval seen per partition, partition-done results). */
typedef struct {
	PyThreadState* ts;
	PyObject* ns;
	PyObject* callback;
	decode_ctx dc;
	PyObject* done; /* {pid: result} of partition-done messages */
	PyObject* set;  /* the set name of the last record, reused while it repeats */
	uint8_t set_bytes[64];
	uint32_t set_len;
	uint8_t (*digests)[20];
	int64_t* bvals;
	uint8_t* seen; /* 1: a record of the partition came; 2: with a bval */
	long count;
	long status;
	bool aggregate; /* an aggregation: each record is a value of the stream (SUCCESS bin) */
	bool stopped;
	bool py_error;
} query_sink;

/* The set name of a record as a new reference: every record of a scan
 * carries it, so the last one decoded is reused when the bytes repeat. */
static PyObject* cached_set(query_sink* q, const uint8_t* data, uint32_t len)
{
	if (q->set && len == q->set_len && memcmp(data, q->set_bytes, len) == 0) {
		return Py_NewRef(q->set);
	}
	PyObject* set = PyUnicode_DecodeUTF8((const char*)data, len, "surrogateescape");
	if (set && len <= sizeof(q->set_bytes)) {
		Py_XSETREF(q->set, Py_NewRef(set));
		memcpy(q->set_bytes, data, len);
		q->set_len = len;
	}
	return set;
}

/* One record of the answer, and its partition's digest and bval. */
static PyObject* decode_record(query_sink* q, const as_msg* m)
{
	PyObject* set = Py_None;
	PyObject* user = Py_None;
	const uint8_t* digest = NULL;
	bool has_bval = false;
	int64_t bval = 0;
	const uint8_t* cur = m->fields;
	bool ok = true;
	for (uint32_t i = 0; i < m->n_fields && ok; i++) {
		as_msg_field_view f;
		as_msg_next_field(&cur, &f);
		if (f.type == AS_FIELD_DIGEST && f.len == 20) {
			digest = f.data;
		}
		else if (f.type == AS_FIELD_SET && set == Py_None) {
			set = cached_set(q, f.data, f.len);
			ok = set != NULL;
		}
		else if (f.type == AS_FIELD_KEY && f.len >= 1 && user == Py_None) {
			const uint8_t* d = f.data + 1;
			uint32_t n = f.len - 1;
			user = f.data[0] == AS_PARTICLE_INTEGER ? particle_to_py(AS_PARTICLE_INTEGER, d, n, NULL)
				: f.data[0] == AS_PARTICLE_STRING
				? PyUnicode_DecodeUTF8((const char*)d, n, "surrogateescape")
				: PyByteArray_FromStringAndSize((const char*)d, n);
			ok = user != NULL;
		}
		else if (f.type == AS_FIELD_BVAL_ARRAY && f.len == 8) {
			uint64_t x = 0;
			for (int b = 7; b >= 0; b--) {
				x = (x << 8) | f.data[b];
			}
			bval = (int64_t)x;
			has_bval = true;
		}
	}
	PyObject* out = NULL;
	if (ok && !digest) {
		raise_code(AS_ERR_CLIENT, "A query record came without its digest");
	}
	else if (ok) {
		PyObject* d = PyByteArray_FromStringAndSize((const char*)digest, 20);
		PyObject* key = d ? PyTuple_Pack(4, q->ns, set, user, d) : NULL;
		PyObject* meta = key ? reply_meta(m) : NULL;
		PyObject* bins = meta ? reply_bins(m, &q->dc, false) : NULL;
		out = bins ? PyTuple_Pack(3, key, meta, bins) : NULL;
		Py_XDECREF(d);
		Py_XDECREF(key);
		Py_XDECREF(meta);
		Py_XDECREF(bins);
		if (out) {
			uint32_t pid = as_partition_id(digest);
			memcpy(q->digests[pid], digest, 20);
			q->bvals[pid] = bval;
			q->seen[pid] = has_bval ? 2 : 1;
		}
	}
	if (set != Py_None) {
		Py_DECREF(set);
	}
	if (user != Py_None) {
		Py_DECREF(user);
	}
	return out;
}

/* One record of an aggregation's answer (no fields, one bin): the value of its SUCCESS
 * bin, None when it has none; a FAILURE bin (the node's stream failed) raises UDFError
 * with the node's error text. */
static PyObject* aggregate_value(query_sink* q, const as_msg* m)
{
	const uint8_t* cur = m->ops;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		as_msg_op_view op;
		as_msg_next_op(&cur, &op);
		if (op.name_len != 7) {
			continue;
		}
		if (memcmp(op.name, "FAILURE", 7) == 0) {
			return raise_code(AS_ERR_UDF, "%.*s", (int)op.value_len, (const char*)op.value);
		}
		if (memcmp(op.name, "SUCCESS", 7) == 0) {
			return particle_to_py(op.particle_type, op.value, op.value_len, &q->dc);
		}
	}
	Py_RETURN_NONE;
}

/* Walks the messages of one proto; false with a Python error set. */
static bool decode_body(query_sink* q, const uint8_t* p, const uint8_t* end)
{
	PyObject* records = PyList_New(0);
	bool ok = records != NULL;
	while (ok && p < end) {
		as_msg m;
		size_t n = as_msg_parse(&m, p, end);
		if (n == 0) {
			raise_code(AS_ERR_CLIENT, "Malformed query answer");
			ok = false;
			break;
		}
		p += n;
		if (m.h.info3 & AS_INFO3_LAST) {
			q->status = m.result_code;
			break;
		}
		if (m.h.info3 & AS_INFO3_PARTITION_DONE) {
			PyObject* pid = PyLong_FromUnsignedLong(m.h.generation);
			PyObject* rc = PyLong_FromLong(m.result_code);
			ok = pid && rc && PyDict_SetItem(q->done, pid, rc) == 0;
			Py_XDECREF(pid);
			Py_XDECREF(rc);
			continue;
		}
		if (q->aggregate) {
			PyObject* v = aggregate_value(q, &m);
			if (!v) {
				ok = false;
				break;
			}
			if (m.result_code != 0) {
				Py_DECREF(v);
				q->status = m.result_code;
				break;
			}
			ok = PyList_Append(records, v) == 0;
			Py_DECREF(v);
			continue;
		}
		if (m.result_code != 0) {
			q->status = m.result_code;
			break;
		}
		PyObject* rec = decode_record(q, &m);
		ok = rec && PyList_Append(records, rec) == 0;
		Py_XDECREF(rec);
	}
	if (ok && PyList_GET_SIZE(records) > 0) {
		q->count += (long)PyList_GET_SIZE(records);
		PyObject* r = PyObject_CallOneArg(q->callback, records);
		ok = r != NULL;
		q->stopped = r == Py_False;
		Py_XDECREF(r);
	}
	Py_XDECREF(records);
	return ok;
}

static int on_body(void* udata, const uint8_t* body, size_t len, as_error* err)
{
	query_sink* q = udata;
	if (!body) {
		/* A retry would deliver the records already handed on again. */
		return q->count ? as_error_set(err, AS_ERR_CLIENT, "No retry after records came") : 0;
	}
	PyEval_RestoreThread(q->ts);
	bool ok = decode_body(q, body, body + len);
	q->ts = PyEval_SaveThread();
	if (!ok) {
		q->py_error = true;
		return as_error_set(err, AS_ERR_CLIENT, "Decoding the answer failed");
	}
	if (q->stopped) {
		return as_error_set(err, AS_ERR_CLIENT_ABORT, "Stopped by the callback");
	}
	return 0;
}

/* {pid: (digest, bval or None)} of the last record of each partition. */
static PyObject* last_records(const query_sink* q)
{
	PyObject* out = PyDict_New();
	for (uint32_t pid = 0; out && pid < AS_N_PARTITIONS; pid++) {
		if (!q->seen[pid]) {
			continue;
		}
		PyObject* v = Py_BuildValue("(y#N)", (const char*)q->digests[pid], (Py_ssize_t)20,
			q->seen[pid] == 2 ? PyLong_FromLongLong(q->bvals[pid]) : Py_NewRef(Py_None));
		PyObject* k = v ? PyLong_FromUnsignedLong(pid) : NULL;
		if (!k || PyDict_SetItem(out, k, v) != 0) {
			Py_CLEAR(out);
		}
		Py_XDECREF(k);
		Py_XDECREF(v);
	}
	return out;
}

/* _query_node(node, spec, callback, policy=None, kind="query")
 *   -> (done, last, status, count)
 * Runs a node's share of a scan or query; callback(records) gets the
 * records of each proto of the answer and stops the stream by returning
 * False. For an aggregation (spec udf_op 1) the "records" are the values
 * the node's stream yielded (a FAILURE raises UDFError). kind is "query", "scan" or "write" (the policy kind of background
 * jobs). done is {pid: result} of partitions the node could not serve,
 * last {pid: (digest, bval)} of the last record per partition, status the
 * node's result (an error after some records came is a status too, so the
 * caller can resume from last). */
PyObject* client_query_node(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"node", "spec", "callback", "policy", "kind", NULL};
	const char* name;
	PyObject *spec, *callback, *policy = Py_None;
	const char* kind = "query";
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO!O|Os:_query_node", kwlist, &name,
			&PyDict_Type, &spec, &callback, &policy, &kind)) {
		return NULL;
	}
	int pol_kind = strcmp(kind, "scan") == 0 ? POL_SCAN : strcmp(kind, "write") == 0 ? POL_WRITE
																					 : POL_QUERY;
	py_policy p;
	if (!policy_parse(&p, &self->defaults[pol_kind], policy, "policy")) {
		return NULL;
	}
	uint8_t stack[16384];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	query_sink q = {.ns = spec_get(spec, "ns"), .callback = callback};
	PyObject* out = NULL;
	py_cluster* h = NULL;
	as_node* node = NULL;
	uint64_t udf_op = 0;
	if (!spec_u64(spec, "udf_op", &udf_op) || !build_query(self, spec, &p, &req)) {
		goto done;
	}
	q.aggregate = udf_op == 1;
	q.done = PyDict_New();
	q.digests = PyMem_Calloc(AS_N_PARTITIONS, sizeof(*q.digests));
	q.bvals = PyMem_Calloc(AS_N_PARTITIONS, sizeof(*q.bvals));
	q.seen = PyMem_Calloc(AS_N_PARTITIONS, 1);
	if (!q.done || !q.digests || !q.bvals || !q.seen) {
		PyErr_NoMemory();
		goto done;
	}
	h = client_cluster(self);
	if (!h) {
		goto done;
	}
	node = as_cluster_find_node(h->cluster, name);
	if (!node) {
		raise_code(AS_ERR_INVALID_NODE, "Node %s is not in the cluster", name);
		goto done;
	}
	client_decode_ctx(self, &p, &q.dc);
	as_error err;
	as_error_reset(&err);
	as_command_policy cp = p.cmd;
	cp.is_write = pol_kind == POL_WRITE;
	q.ts = PyEval_SaveThread();
	int rc = as_command_execute_stream_to(node, &cp, req.data, req.len, true, on_body, &q, &err);
	PyEval_RestoreThread(q.ts);
	if (q.py_error) {
		goto done;
	}
	if (rc != 0 && !q.stopped) {
		if (!q.count) {
			raise_error(&err);
			goto done;
		}
		q.status = rc;
	}
	PyObject* last = last_records(&q);
	if (last) {
		out = Py_BuildValue("(ONll)", q.done, last, q.status, q.count);
	}

done:
	if (node) {
		as_node_release(node);
	}
	if (h) {
		cluster_release(h);
	}
	Py_XDECREF(q.done);
	Py_XDECREF(q.set);
	PyMem_Free(q.digests);
	PyMem_Free(q.bvals);
	PyMem_Free(q.seen);
	as_buf_destroy(&req);
	return out;
}

/* _partition_owners(ns) -> list of 4096 master node names (None when unknown). */
PyObject* client_partition_owners(ClientObject* self, PyObject* ns)
{
	const char* name = PyUnicode_Check(ns) ? PyUnicode_AsUTF8(ns) : NULL;
	if (!name) {
		return raise_param("namespace must be a string");
	}
	py_cluster* h = client_cluster(self);
	if (!h) {
		return NULL;
	}
	PyObject* out = PyList_New(AS_N_PARTITIONS);
	PyObject* names = PyDict_New(); /* one string object per node */
	for (uint32_t pid = 0; out && names && pid < AS_N_PARTITIONS; pid++) {
		as_error err;
		as_error_reset(&err);
		as_node* n = as_cluster_get_node(h->cluster, name, pid, AS_REPLICA_MASTER, 0, false, &err);
		if (!n && err.code == AS_ERR_NAMESPACE_NOT_FOUND) {
			Py_CLEAR(out);
			raise_error(&err);
			break;
		}
		PyObject* v = Py_None;
		if (n) {
			v = PyDict_GetItemString(names, n->name);
			if (!v) {
				v = PyUnicode_FromString(n->name);
				if (v) {
					PyDict_SetItemString(names, n->name, v);
					Py_DECREF(v);
				}
			}
			as_node_release(n);
		}
		if (!v) {
			Py_CLEAR(out);
			break;
		}
		PyList_SET_ITEM(out, pid, Py_NewRef(v));
	}
	Py_XDECREF(names);
	cluster_release(h);
	return out;
}
