/*
 * reply.c: single-record replies -> Python: the meta dict, bins as a dict
 * (last value wins) or as a list of (name, value) pairs, the stored user
 * key, and the exception for a non-zero result code. Called by record.c
 * and operate.c.
 */
#include "binding.h"
#include <time.h>

PyObject* reply_meta(const as_msg* m)
{
	/* time() may read a coarse clock that lags the server's by a tick,
	 * which would report one second more than the TTL written. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint32_t ttl = as_void_time_to_ttl(m->h.record_ttl, (uint32_t)ts.tv_sec);
	PyObject* meta = PyDict_New();
	if (!meta) {
		return NULL;
	}
	PyObject* t = PyLong_FromUnsignedLong(ttl);
	PyObject* g = PyLong_FromUnsignedLong(m->h.generation);
	if (!t || !g || PyDict_SetItem(meta, g_str.ttl, t) || PyDict_SetItem(meta, g_str.gen, g)) {
		Py_XDECREF(t);
		Py_XDECREF(g);
		Py_DECREF(meta);
		return NULL;
	}
	Py_DECREF(t);
	Py_DECREF(g);
	return meta;
}

static PyObject* op_name(const as_msg_op_view* op)
{
	return PyUnicode_DecodeUTF8(op->name, op->name_len, "surrogateescape");
}

PyObject* reply_bins(const as_msg* m, const decode_ctx* dc, bool as_list)
{
	PyObject* out = as_list ? PyList_New(m->n_ops) : PyDict_New();
	if (!out) {
		return NULL;
	}
	const uint8_t* cur = m->ops;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		as_msg_op_view op;
		as_msg_next_op(&cur, &op);
		PyObject* name = op_name(&op);
		PyObject* value = name ? particle_to_py(op.particle_type, op.value, op.value_len, dc) : NULL;
		bool ok = value != NULL;
		if (ok && as_list) {
			PyObject* pair = PyTuple_Pack(2, name, value);
			ok = pair != NULL;
			if (ok) {
				PyList_SET_ITEM(out, i, pair);
			}
		}
		else if (ok) {
			ok = PyDict_SetItem(out, name, value) == 0; /* several values: the last wins */
		}
		Py_XDECREF(name);
		Py_XDECREF(value);
		if (!ok) {
			Py_DECREF(out);
			return NULL;
		}
	}
	return out;
}

PyObject* reply_record(const py_key* k, PyObject* user_key, const as_msg* m, const decode_ctx* dc,
	int bins_as)
{
	PyObject* key = key_build(k, user_key);
	PyObject* meta = key ? reply_meta(m) : NULL;
	PyObject* out = NULL;
	if (meta && bins_as == REPLY_NO_BINS) {
		out = PyTuple_Pack(2, key, meta);
	}
	else if (meta) {
		PyObject* bins = reply_bins(m, dc, bins_as == REPLY_BINS_LIST);
		out = bins ? PyTuple_Pack(3, key, meta, bins) : NULL;
		Py_XDECREF(bins);
	}
	Py_XDECREF(key);
	Py_XDECREF(meta);
	return out;
}

PyObject* reply_user_key(const as_msg* m)
{
	const uint8_t* cur = m->fields;
	for (uint32_t i = 0; i < m->n_fields; i++) {
		as_msg_field_view f;
		as_msg_next_field(&cur, &f);
		if (f.type != AS_FIELD_KEY || f.len < 1) {
			continue;
		}
		const uint8_t* d = f.data + 1;
		uint32_t n = f.len - 1;
		switch (f.data[0]) {
		case AS_PARTICLE_INTEGER:
			return particle_to_py(AS_PARTICLE_INTEGER, d, n, NULL);
		case AS_PARTICLE_STRING:
			return PyUnicode_DecodeUTF8((const char*)d, n, "surrogateescape");
		default:
			return PyByteArray_FromStringAndSize((const char*)d, n);
		}
	}
	Py_RETURN_NONE;
}

PyObject* raise_result(const as_msg* m, const py_key* k, bool in_doubt)
{
	const char* text = as_status_text(m->result_code);
	as_error err;
	as_error_reset(&err);
	as_error_set(&err, m->result_code, "%s", text);
	err.file = NULL;
	err.in_doubt = in_doubt;
	raise_error(&err);
	/* Record errors name the key they are about, as the reference does. */
	if (k && k->obj) {
		PyObject *type, *value, *tb;
		PyErr_Fetch(&type, &value, &tb);
		PyErr_NormalizeException(&type, &value, &tb);
		if (value && PyObject_HasAttr(value, g_str.key)) {
			PyObject_SetAttr(value, g_str.key, k->obj);
		}
		PyErr_Restore(type, value, tb);
	}
	return NULL;
}
