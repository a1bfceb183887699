/*
 * record.c: the single-record methods of Client: put, get, select,
 * exists, remove, touch, append, prepend, increment and remove_bin
 * (protocol.md 12f). Each parses its arguments, builds one AS_MSG, runs it
 * and turns the reply into the reference client's return shape.
 */
#include "binding.h"

#define STACK_BUF 2048

typedef struct request {
	as_buf req;
	as_buf resp;
	uint8_t req_stack[STACK_BUF];
	uint8_t resp_stack[STACK_BUF];
} request;

static void request_init(request* r)
{
	as_buf_init(&r->req, r->req_stack, sizeof(r->req_stack));
	as_buf_init(&r->resp, r->resp_stack, sizeof(r->resp_stack));
}

static void request_destroy(request* r)
{
	as_buf_destroy(&r->req);
	as_buf_destroy(&r->resp);
}

static bool bin_name(PyObject* name, const char** s, Py_ssize_t* len, const char* what)
{
	if (!PyUnicode_Check(name)) {
		raise_param("%s: bin name must be a string", what);
		return false;
	}
	*s = PyUnicode_AsUTF8AndSize(name, len);
	if (!*s) {
		return false;
	}
	if (*len > AS_BIN_NAME_MAX) {
		raise_code(AS_ERR_BIN_NAME, "A bin name should not exceed 15 characters: %s", *s);
		return false;
	}
	return true;
}

/* ---- reads ---------------------------------------------------------------- */

typedef enum { READ_GET, READ_SELECT, READ_EXISTS } read_kind;

static PyObject* do_read(ClientObject* self, PyObject* py_key_obj, PyObject* bins,
	PyObject* py_pol, read_kind kind)
{
	py_key k;
	py_policy p;
	uint32_t ttl, gen;
	if (!command_args(self, py_key_obj, POL_READ, py_pol, NULL, &k, &p, &ttl, &gen)) {
		return NULL;
	}
	if (kind == READ_SELECT && !PyList_Check(bins) && !PyTuple_Check(bins)) {
		return raise_param("bins must be a list");
	}
	request r;
	request_init(&r);
	PyObject* result = NULL;
	as_msg_header h = {0};
	header_for_read(&h, &p);
	h.record_ttl = (uint32_t)p.read_touch_ttl_percent;
	if (kind == READ_GET) {
		h.info1 |= AS_INFO1_GET_ALL;
	}
	else if (kind == READ_EXISTS) {
		h.info1 |= AS_INFO1_GET_NO_BINS;
	}
	as_msg_builder mb;
	if (!record_begin(&mb, &r.req, &k, &p, &h, self)) {
		goto done;
	}
	if (kind == READ_SELECT) {
		PyObject* seq = PySequence_Fast(bins, "bins must be a list");
		if (!seq) {
			goto done;
		}
		Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
		for (Py_ssize_t i = 0; i < n; i++) {
			const char* s;
			Py_ssize_t len;
			if (!bin_name(PySequence_Fast_GET_ITEM(seq, i), &s, &len, "bins")) {
				Py_DECREF(seq);
				goto done;
			}
			as_msg_op_begin(&mb, AS_OP_READ, 0, s, (size_t)len);
			as_msg_op_end(&mb);
		}
		Py_DECREF(seq);
	}
	as_msg_end(&mb);
	as_msg m;
	if (!command_run(self, &k, &p, &r.req, &r.resp, &m)) {
		goto done;
	}
	if (kind == READ_EXISTS) {
		if (m.result_code == AS_ERR_RECORD_NOT_FOUND) {
			PyObject* key = key_build(&k, k.user_key);
			result = key ? PyTuple_Pack(2, key, Py_None) : NULL;
			Py_XDECREF(key);
			goto done;
		}
		if (m.result_code != 0) {
			raise_result(&m, &k, false);
			goto done;
		}
		result = reply_record(&k, k.user_key, &m, NULL, REPLY_NO_BINS);
		goto done;
	}
	if (m.result_code != 0) {
		raise_result(&m, &k, false);
		goto done;
	}
	decode_ctx dc;
	client_decode_ctx(self, &p, &dc);
	/* get() reports the key the server sent back, unless the policy sends
	 * the key, when the caller's key is echoed (as the reference does). */
	PyObject* user =
		kind == READ_GET && p.key != 1 ? reply_user_key(&m) : Py_NewRef(k.user_key);
	if (user) {
		result = reply_record(&k, user, &m, &dc, REPLY_BINS_DICT);
		Py_DECREF(user);
	}

done:
	request_destroy(&r);
	return result;
}

PyObject* client_get(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "policy", NULL};
	PyObject *key, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:get", kwlist, &key, &pol)) {
		return NULL;
	}
	return do_read(self, key, NULL, pol, READ_GET);
}

PyObject* client_select(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "bins", "policy", NULL};
	PyObject *key, *bins, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O:select", kwlist, &key, &bins, &pol)) {
		return NULL;
	}
	return do_read(self, key, bins, pol, READ_SELECT);
}

PyObject* client_exists(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "policy", NULL};
	PyObject *key, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:exists", kwlist, &key, &pol)) {
		return NULL;
	}
	return do_read(self, key, NULL, pol, READ_EXISTS);
}

/* ---- remove ----------------------------------------------------------------- */

PyObject* client_remove(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "meta", "policy", NULL};
	PyObject *py_key_obj, *meta = NULL, *py_pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO:remove", kwlist, &py_key_obj, &meta,
			&py_pol)) {
		return NULL;
	}
	py_key k;
	py_policy p;
	uint32_t ttl, gen;
	if (!command_args(self, py_key_obj, POL_REMOVE, py_pol, meta, &k, &p, &ttl, &gen)) {
		return NULL;
	}
	request r;
	request_init(&r);
	PyObject* result = NULL;
	as_msg_header h = {0};
	header_for_write(&h, &p, 0, gen);
	h.info2 |= AS_INFO2_DELETE;
	h.info2 &= (uint8_t)~AS_INFO2_CREATE_ONLY;
	h.info4 = 0; /* on_locking_only is not a remove policy key */
	h.info3 &= (uint8_t) ~(AS_INFO3_UPDATE_ONLY | AS_INFO3_REPLACE_ONLY | AS_INFO3_CREATE_OR_REPLACE);
	as_msg_builder mb;
	if (record_begin(&mb, &r.req, &k, &p, &h, self)) {
		as_msg_end(&mb);
		as_msg m;
		if (command_run(self, &k, &p, &r.req, &r.resp, &m)) {
			if (m.result_code != 0) {
				raise_result(&m, &k, false);
			}
			else {
				result = PyLong_FromLong(0);
			}
		}
	}
	request_destroy(&r);
	return result;
}

/* ---- single-op writes: touch, append, prepend, increment, remove_bin ---------- */

/* Runs a write whose ops are `n` (name, value) pairs of one wire op type
 * (names or values may be NULL: touch has neither, remove_bin no values). */
static PyObject* write_ops(ClientObject* self, PyObject* py_key_obj, PyObject* meta,
	PyObject* py_pol, int kind, int serializer, uint8_t op_type, PyObject* const* names,
	PyObject* const* values, Py_ssize_t n, const char* what)
{
	py_key k;
	py_policy p;
	uint32_t ttl, gen;
	if (!command_args(self, py_key_obj, kind, py_pol, meta, &k, &p, &ttl, &gen)) {
		return NULL;
	}
	value_ctx vc;
	client_value_ctx(self, &vc, serializer);
	request r;
	request_init(&r);
	PyObject* result = NULL;
	as_msg_header h = {0};
	header_for_write(&h, &p, ttl, gen);
	as_msg_builder mb;
	if (!record_begin(&mb, &r.req, &k, &p, &h, self)) {
		goto done;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		const char* s = NULL;
		Py_ssize_t len = 0;
		if (names && !bin_name(names[i], &s, &len, what)) {
			goto done;
		}
		if (!op_particle(&mb, op_type, s, len, values ? values[i] : NULL, &vc)) {
			goto done;
		}
	}
	if (!as_msg_end(&mb)) {
		raise_param("%s: the record is too large to send", what);
		goto done;
	}
	as_msg m;
	if (!command_run(self, &k, &p, &r.req, &r.resp, &m)) {
		goto done;
	}
	if (m.result_code != 0) {
		raise_result(&m, &k, false);
		goto done;
	}
	result = PyLong_FromLong(0);

done:
	request_destroy(&r);
	return result;
}

PyObject* client_put(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "bins", "meta", "policy", "serializer", NULL};
	PyObject *key, *bins, *meta = NULL, *pol = NULL;
	int serializer = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|OOi:put", kwlist, &key, &bins, &meta, &pol,
			&serializer)) {
		return NULL;
	}
	if (!PyDict_Check(bins)) {
		return raise_param("bins must be a dict");
	}
	/* The dict's items as two arrays (borrowed references). */
	Py_ssize_t n = PyDict_GET_SIZE(bins);
	PyObject* stack[2 * 16];
	PyObject** items = n <= 16 ? stack : PyMem_Malloc(2 * (size_t)n * sizeof(PyObject*));
	if (!items) {
		return PyErr_NoMemory();
	}
	Py_ssize_t pos = 0, i = 0;
	PyObject *name, *value;
	while (PyDict_Next(bins, &pos, &name, &value)) {
		items[i] = name;
		items[n + i] = value;
		i++;
	}
	PyObject* out =
		write_ops(self, key, meta, pol, POL_WRITE, serializer, AS_OP_WRITE, items, items + n, n, "bins");
	if (items != stack) {
		PyMem_Free(items);
	}
	return out;
}

PyObject* client_touch(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "val", "meta", "policy", NULL};
	PyObject *key, *val = NULL, *meta = NULL, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OOO:touch", kwlist, &key, &val, &meta, &pol)) {
		return NULL;
	}
	PyObject* own_meta = NULL;
	if (val && val != Py_None) {
		if (!PyLong_Check(val)) {
			return raise_param("touch: val (the ttl) must be an integer");
		}
		own_meta = meta && PyDict_Check(meta) ? PyDict_Copy(meta) : PyDict_New();
		if (!own_meta || PyDict_SetItem(own_meta, g_str.ttl, val) != 0) {
			Py_XDECREF(own_meta);
			return NULL;
		}
		meta = own_meta;
	}
	PyObject* out = write_ops(self, key, meta, pol, POL_OPERATE, 0, AS_OP_TOUCH, NULL, NULL, 1, "touch");
	Py_XDECREF(own_meta);
	return out;
}

static PyObject* one_bin_op(ClientObject* self, PyObject* args, PyObject* kwargs, uint8_t op,
	const char* name)
{
	static char* kwlist_val[] = {"key", "bin", "val", "meta", "policy", NULL};
	static char* kwlist_offset[] = {"key", "bin", "offset", "meta", "policy", NULL};
	PyObject *key, *bin, *val, *meta = NULL, *pol = NULL;
	char fmt[32];
	snprintf(fmt, sizeof(fmt), "OOO|OO:%s", name);
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, op == AS_OP_INCR ? kwlist_offset : kwlist_val,
			&key, &bin, &val, &meta, &pol)) {
		return NULL;
	}
	if (op == AS_OP_INCR) {
		if (PyBool_Check(val) || !(PyLong_Check(val) || PyFloat_Check(val))) {
			return raise_param("%s: offset must be an int or a float", name);
		}
	}
	else if (!PyUnicode_Check(val) && !PyBytes_Check(val) && !PyByteArray_Check(val)) {
		return raise_param("%s: val must be a str, bytes or bytearray", name);
	}
	return write_ops(self, key, meta, pol, POL_OPERATE, 0, op, &bin, &val, 1, name);
}

PyObject* client_append(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return one_bin_op(self, args, kwargs, AS_OP_APPEND, "append");
}

PyObject* client_prepend(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return one_bin_op(self, args, kwargs, AS_OP_PREPEND, "prepend");
}

PyObject* client_increment(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return one_bin_op(self, args, kwargs, AS_OP_INCR, "increment");
}

PyObject* client_remove_bin(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "list", "meta", "policy", NULL};
	PyObject *key, *list, *meta = NULL, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|OO:remove_bin", kwlist, &key, &list, &meta,
			&pol)) {
		return NULL;
	}
	if (!PyList_Check(list) && !PyTuple_Check(list)) {
		return raise_param("remove_bin: list must be a list of bin names");
	}
	PyObject* seq = PySequence_Fast(list, "list");
	if (!seq) {
		return NULL;
	}
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
	PyObject* out = write_ops(self, key, meta, pol, POL_WRITE, 0, AS_OP_WRITE,
		PySequence_Fast_ITEMS(seq), NULL, n, "remove_bin");
	Py_DECREF(seq);
	return out;
}

/* ---- apply (record UDF) ---------------------------------------------------------- */

/* The value a UDF returned: the SUCCESS bin; a FAILURE bin raises UDFError. */
static PyObject* udf_result(const as_msg* m, const py_key* k, const decode_ctx* dc)
{
	const uint8_t* cur = m->ops;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		as_msg_op_view op;
		as_msg_next_op(&cur, &op);
		if (op.name_len == 7 && memcmp(op.name, "SUCCESS", 7) == 0) {
			return particle_to_py(op.particle_type, op.value, op.value_len, dc);
		}
		if (op.name_len == 7 && memcmp(op.name, "FAILURE", 7) == 0) {
			as_error err;
			as_error_reset(&err);
			as_error_set(&err, AS_ERR_UDF, "%.*s", (int)op.value_len, (const char*)op.value);
			return raise_error(&err);
		}
	}
	if (m->result_code != 0) {
		return raise_result(m, k, false);
	}
	Py_RETURN_NONE;
}

PyObject* client_apply(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"key", "module", "function", "args", "policy", NULL};
	PyObject *key, *module, *function, *udf_args, *pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|O:apply", kwlist, &key, &module,
			&function, &udf_args, &pol)) {
		return NULL;
	}
	if (!PyUnicode_Check(module) || !PyUnicode_Check(function)) {
		return raise_param("apply: module and function must be strings");
	}
	if (!PyList_Check(udf_args)) {
		return raise_param("apply: args must be a list");
	}
	py_key k;
	py_policy p;
	uint32_t ttl, gen;
	if (!command_args(self, key, POL_APPLY, pol, NULL, &k, &p, &ttl, &gen)) {
		return NULL;
	}
	value_ctx vc;
	client_value_ctx(self, &vc, 0);
	request r;
	request_init(&r);
	PyObject* result = NULL;
	as_msg_header h = {0};
	header_for_write(&h, &p, ttl, 0);
	h.info2 = AS_INFO2_WRITE | (p.durable_delete ? AS_INFO2_DURABLE_DELETE : 0);
	h.info3 &= AS_INFO3_COMMIT_MASTER;
	as_msg_builder mb;
	Py_ssize_t ml, fl;
	const char* m = PyUnicode_AsUTF8AndSize(module, &ml);
	const char* f = m ? PyUnicode_AsUTF8AndSize(function, &fl) : NULL;
	if (!f || !record_begin(&mb, &r.req, &k, &p, &h, self)) {
		goto done;
	}
	as_msg_field(&mb, AS_FIELD_UDF_PACKAGE_NAME, m, (size_t)ml);
	as_msg_field(&mb, AS_FIELD_UDF_FUNCTION, f, (size_t)fl);
	as_msg_field_begin(&mb, AS_FIELD_UDF_ARGLIST);
	if (!pack_value(&r.req, udf_args, &vc)) {
		goto done;
	}
	as_msg_field_end(&mb);
	if (!as_msg_end(&mb)) {
		raise_param("apply: the request is too large to send");
		goto done;
	}
	as_msg msg;
	if (command_run(self, &k, &p, &r.req, &r.resp, &msg)) {
		decode_ctx dc;
		client_decode_ctx(self, &p, &dc);
		result = udf_result(&msg, &k, &dc);
	}

done:
	request_destroy(&r);
	return result;
}
