/*
 * key.c: key tuples. `(ns, set, key)` or `(ns, set, None, digest)` become
 * a py_key with the digest computed (protocol.md 6); replies get their
 * key tuple back as `(ns, set, user_key, bytearray(digest))`. Called by
 * every record command and by the module's calc_digest().
 */
#include "binding.h"
#include <aerospike/as_crypto.h>

static bool copy_name(PyObject* o, char* out, size_t cap, size_t* len, const char* what)
{
	Py_ssize_t n;
	const char* s = PyUnicode_AsUTF8AndSize(o, &n);
	if (!s) {
		PyErr_Clear();
		raise_param("%s must be a string", what);
		return false;
	}
	if ((size_t)n >= cap) {
		raise_param("%s too long: %zd bytes (the limit is %zu)", what, n, cap - 1);
		return false;
	}
	memcpy(out, s, (size_t)n);
	out[n] = '\0';
	if (len) {
		*len = (size_t)n;
	}
	return true;
}

bool key_parse(py_key* k, PyObject* tuple)
{
	if (!PyTuple_Check(tuple)) {
		raise_param("key is invalid: expected a tuple (namespace, set, key[, digest])");
		return false;
	}
	Py_ssize_t size = PyTuple_GET_SIZE(tuple);
	if (size < 3 || size > 4) {
		raise_param("key tuple must be (namespace, set, key[, digest])");
		return false;
	}
	k->obj = tuple;
	PyObject* ns = PyTuple_GET_ITEM(tuple, 0);
	PyObject* set = PyTuple_GET_ITEM(tuple, 1);
	PyObject* user = PyTuple_GET_ITEM(tuple, 2);
	if (!PyUnicode_Check(ns)) {
		raise_param("namespace must be a string");
		return false;
	}
	if (!copy_name(ns, k->ns, sizeof(k->ns), NULL, "namespace")) {
		return false;
	}
	k->set_len = 0;
	k->set[0] = '\0';
	if (set != Py_None) {
		if (!PyUnicode_Check(set)) {
			raise_param("set must be a string or None");
			return false;
		}
		if (!copy_name(set, k->set, sizeof(k->set), &k->set_len, "set")) {
			return false;
		}
	}
	k->user_key = user;
	k->key_type = 0;
	if (user == Py_None) {
		PyObject* digest = size == 4 ? PyTuple_GET_ITEM(tuple, 3) : Py_None;
		const char* data = NULL;
		Py_ssize_t len = 0;
		if (PyByteArray_Check(digest)) {
			data = PyByteArray_AS_STRING(digest);
			len = PyByteArray_GET_SIZE(digest);
		}
		else if (digest != Py_None) {
			raise_param("key is invalid: the digest must be a bytearray, not %s",
				Py_TYPE(digest)->tp_name);
			return false;
		}
		if (!data) {
			raise_param("key is invalid: either a primary key or a digest is required");
			return false;
		}
		if (len != 20) {
			raise_param("digest must be 20 bytes, got %zd", len);
			return false;
		}
		memcpy(k->digest, data, 20);
		return true;
	}
	if (PyLong_Check(user)) { /* a bool key is the integer 0 or 1, as in the reference */
		int overflow;
		long long v = PyLong_AsLongLongAndOverflow(user, &overflow);
		if (overflow || (v == -1 && PyErr_Occurred())) {
			PyErr_Clear();
			raise_param("integer key exceeds the 64-bit range");
			return false;
		}
		k->key_int = v;
		as_write_u64be(k->key_int_be, (uint64_t)v);
		k->key_type = AS_PARTICLE_INTEGER;
		k->key_data = (const char*)k->key_int_be;
		k->key_len = 8;
	}
	else if (PyUnicode_Check(user)) {
		Py_ssize_t n;
		k->key_data = PyUnicode_AsUTF8AndSize(user, &n);
		if (!k->key_data) {
			return false;
		}
		k->key_len = (size_t)n;
		k->key_type = AS_PARTICLE_STRING;
	}
	else if (PyBytes_Check(user)) {
		/* The reference client hashes and sends a bytes key as a string
		 * (a bytearray key is a blob); keep that so digests match. */
		k->key_data = PyBytes_AS_STRING(user);
		k->key_len = (size_t)PyBytes_GET_SIZE(user);
		k->key_type = AS_PARTICLE_STRING;
	}
	else if (PyByteArray_Check(user)) {
		k->key_data = PyByteArray_AS_STRING(user);
		k->key_len = (size_t)PyByteArray_GET_SIZE(user);
		k->key_type = AS_PARTICLE_BLOB;
	}
	else {
		raise_param("key is invalid: the primary key must be a str, int, bytes or bytearray, not %s",
			Py_TYPE(user)->tp_name);
		return false;
	}
	as_digest_compute(k->set, k->set_len, k->key_type, k->key_data, k->key_len, k->digest);
	return true;
}

bool key_from_parts(py_key* k, PyObject* ns, PyObject* set, PyObject* key)
{
	if (key == Py_None) {
		raise_param("key is invalid: a primary key is required");
		return false;
	}
	PyObject* tuple = PyTuple_Pack(3, ns, set, key);
	if (!tuple) {
		return false;
	}
	bool ok = key_parse(k, tuple);
	Py_DECREF(tuple);
	return ok;
}

PyObject* key_build(const py_key* k, PyObject* user_key)
{
	PyObject* digest = PyByteArray_FromStringAndSize((const char*)k->digest, 20);
	if (!digest) {
		return NULL;
	}
	PyObject* ns = PyTuple_GET_ITEM(k->obj, 0);
	PyObject* set = k->set_len ? PyTuple_GET_ITEM(k->obj, 1) : Py_None;
	PyObject* t = PyTuple_Pack(4, ns, set, user_key ? user_key : Py_None, digest);
	Py_DECREF(digest);
	return t;
}
