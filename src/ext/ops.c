/*
 * ops.c: op dicts -> wire ops for operate()/operate_ordered() and batch
 * writes (operations.md 1a-1c). The basic operators and the path ops are
 * encoded here; list, map, bit, HLL and expression op ids are dispatched
 * to their family's encoder (ops_cdt.c). Keys are validated the way the
 * reference binding does, so a bad dict raises ParamError before anything
 * is sent.
 */
#include "binding.h"

/* Keys the generic reader accepts (operations.md 1a). */
static const char* const generic_keys[] = {"op", "bin", "index", "val", "key", "range",
	"map_policy", "return_type", "inverted", "ctx", "map_order", "persist_index", "mod_exp",
	"cdt_flags", NULL};

static bool check_generic_keys(PyObject* op)
{
	Py_ssize_t pos = 0;
	PyObject *k, *v;
	while (PyDict_Next(op, &pos, &k, &v)) {
		if (!PyUnicode_Check(k)) {
			raise_code(AS_ERR_CLIENT, "Operation keys must be strings");
			return false;
		}
		const char* s = PyUnicode_AsUTF8(k);
		if (!s) {
			return false;
		}
		bool known = false;
		for (const char* const* g = generic_keys; *g && !known; g++) {
			known = strcmp(*g, s) == 0;
		}
		if (!known) {
			raise_param("Operation can contain only op, bin, index, val, key, range, map_policy, "
						"return_type, inverted, ctx, map_order, persist_index, mod_exp and "
						"cdt_flags: got '%s'",
				s);
			return false;
		}
	}
	return true;
}

bool op_bin_name(PyObject* op, bool required, const char** name, Py_ssize_t* len)
{
	*name = NULL;
	*len = 0;
	PyObject* bin = PyDict_GetItemWithError(op, g_str.bin);
	if (!bin) {
		if (PyErr_Occurred()) {
			return false;
		}
		if (required) {
			raise_param("Bin is not given");
			return false;
		}
		return true;
	}
	if (PyUnicode_Check(bin)) {
		*name = PyUnicode_AsUTF8AndSize(bin, len);
		if (!*name) {
			return false;
		}
	}
	else if (PyByteArray_Check(bin)) {
		*name = PyByteArray_AS_STRING(bin);
		*len = PyByteArray_GET_SIZE(bin);
	}
	else {
		raise_param("Bin name should be of type string");
		return false;
	}
	if (*len > AS_BIN_NAME_MAX) {
		raise_code(AS_ERR_BIN_NAME, "A bin name should not exceed 15 characters: %s", *name);
		return false;
	}
	return true;
}

bool op_long(PyObject* v, const char* what, long long* out)
{
	if (!PyLong_Check(v)) {
		raise_param("%s must be an integer", what);
		return false;
	}
	*out = PyLong_AsLongLong(v);
	if (*out == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		raise_param("%s is out of range", what);
		return false;
	}
	return true;
}

bool op_int(PyObject* op, PyObject* key, const char* what, bool required, long long* out,
	bool* present)
{
	PyObject* v = PyDict_GetItemWithError(op, key);
	*present = v != NULL && v != Py_None;
	if (!*present) {
		if (PyErr_Occurred()) {
			return false;
		}
		if (required) {
			raise_param("Operation missing required entry '%s'", what);
			return false;
		}
		return true;
	}
	return op_long(v, what, out);
}

bool op_policy_int(PyObject* policy, const char* key, long long* out, const char* what)
{
	*out = 0;
	if (!policy || policy == Py_None) {
		return true;
	}
	if (!PyDict_Check(policy)) {
		raise_param("%s must be a dict", what);
		return false;
	}
	PyObject* v = PyDict_GetItemString(policy, key);
	if (!v || v == Py_None) {
		return true;
	}
	return op_long(v, key, out);
}

PyObject* op_required(PyObject* op, PyObject* key, const char* what)
{
	PyObject* v = PyDict_GetItemWithError(op, key);
	if (!v && !PyErr_Occurred()) {
		raise_param("Operation missing required entry '%s'", what);
	}
	return v;
}

bool op_particle(as_msg_builder* mb, uint8_t wire, const char* name, Py_ssize_t len,
	PyObject* val, const value_ctx* vc)
{
	as_msg_op_begin(mb, wire, 0, name, (size_t)len);
	size_t type_at = mb->buf->len - (size_t)len - 3;
	uint8_t ptype = AS_PARTICLE_NULL;
	if (val && !pack_particle(mb->buf, val, &ptype, vc)) {
		return false;
	}
	if (!mb->buf->oom) {
		mb->buf->data[type_at] = ptype;
	}
	as_msg_op_end(mb);
	return true;
}

/* select_by_path / modify_by_path (operations.md 1c, 3j). */
static bool path_op(as_msg_builder* mb, PyObject* op, long code, const char* name,
	Py_ssize_t len, const value_ctx* vc, ops_result* res)
{
	PyObject* ctx = op_required(op, g_str.ctx, "ctx");
	PyObject* flags = ctx ? op_required(op, g_str.cdt_flags, "cdt_flags") : NULL;
	if (!flags) {
		return false;
	}
	long f = PyLong_AsLong(flags);
	if (f == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		raise_param("cdt_flags must be an integer");
		return false;
	}
	bool modify = code == 3;
	PyObject* exp = NULL;
	if (modify && !(exp = op_required(op, g_str.mod_exp, "mod_exp"))) {
		return false;
	}
	as_msg_op_begin(mb, modify ? AS_OP_CDT_MODIFY : AS_OP_CDT_READ, AS_PARTICLE_BLOB, name,
		(size_t)len);
	as_pack_array_header(mb->buf, modify ? 4 : 3);
	as_pack_int64(mb->buf, 0xfe);
	if (!ctx_pack(mb->buf, ctx, vc)) {
		return false;
	}
	as_pack_int64(mb->buf, modify ? (f | 4) : f);
	if (modify && !expr_pack(mb->buf, exp)) {
		return false;
	}
	as_msg_op_end(mb);
	if (modify) {
		res->has_write = true;
	}
	else {
		res->has_read = true;
	}
	return true;
}

static bool encode_one(as_msg_builder* mb, PyObject* op, const value_ctx* vc, ops_result* res)
{
	PyObject* code_obj = PyDict_GetItemWithError(op, g_str.op);
	if (!code_obj) {
		if (!PyErr_Occurred()) {
			raise_param("Operation missing required entry 'op'");
		}
		return false;
	}
	long code = PyLong_AsLong(code_obj);
	if (code == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		raise_param("Operation 'op' must be an integer");
		return false;
	}
	if (code >= 1000) {
		return cdt_op_encode(mb, op, code, vc, res);
	}
	if (!check_generic_keys(op)) {
		return false;
	}
	bool nameless = code == 11 || code == 14;
	const char* name;
	Py_ssize_t len;
	if (!op_bin_name(op, !nameless, &name, &len)) {
		return false;
	}
	PyObject* val;
	switch (code) {
	case 0: /* READ; an empty bin name reads every bin */
		if (len == 0) {
			res->info1 |= AS_INFO1_GET_ALL;
		}
		as_msg_op_begin(mb, AS_OP_READ, 0, name, (size_t)len);
		as_msg_op_end(mb);
		res->has_read = true;
		return true;
	case 1: /* WRITE */
		if (!(val = op_required(op, g_str.val, "val"))) {
			return false;
		}
		res->has_write = true;
		return op_particle(mb, AS_OP_WRITE, name, len, val, vc);
	case 6: /* INCR */
		if (!(val = op_required(op, g_str.val, "val"))) {
			return false;
		}
		if (PyBool_Check(val) || !(PyLong_Check(val) || PyFloat_Check(val))) {
			raise_param("Increment value must be an int or a float");
			return false;
		}
		res->has_write = true;
		return op_particle(mb, AS_OP_INCR, name, len, val, vc);
	case 9:	 /* APPEND */
	case 10: /* PREPEND */
		if (!(val = op_required(op, g_str.val, "val"))) {
			return false;
		}
		if (!PyUnicode_Check(val) && !PyBytes_Check(val) && !PyByteArray_Check(val)) {
			raise_param("Cannot concatenate a value of type %s", Py_TYPE(val)->tp_name);
			return false;
		}
		res->has_write = true;
		return op_particle(mb, code == 9 ? AS_OP_APPEND : AS_OP_PREPEND, name, len, val, vc);
	case 11: /* TOUCH */
		val = PyDict_GetItemWithError(op, g_str.val);
		if (val) {
			unsigned long ttl = PyLong_AsUnsignedLong(val);
			if (PyErr_Occurred()) {
				PyErr_Clear();
				raise_param("Touch ttl must be a non-negative integer");
				return false;
			}
			res->ttl_from_touch = (uint32_t)ttl;
			res->has_touch_ttl = true;
		}
		else if (PyErr_Occurred()) {
			return false;
		}
		res->has_write = true;
		as_msg_op_begin(mb, AS_OP_TOUCH, 0, NULL, 0);
		as_msg_op_end(mb);
		return true;
	case 14: /* DELETE */
		res->has_write = true;
		as_msg_op_begin(mb, AS_OP_DELETE, 0, NULL, 0);
		as_msg_op_end(mb);
		return true;
	case 2: /* select_by_path */
	case 3: /* modify_by_path */
		return path_op(mb, op, code, name, len, vc, res);
	default:
		raise_param("Invalid operation code %ld", code);
		return false;
	}
}

bool ops_encode(as_msg_builder* mb, PyObject* list, bool ordered, const value_ctx* vc,
	ops_result* res)
{
	memset(res, 0, sizeof(*res));
	if (!PyList_Check(list)) {
		raise_param("Operations must be a list");
		return false;
	}
	Py_ssize_t n = PyList_GET_SIZE(list);
	if (n == 0) {
		raise_param("Operations list is empty");
		return false;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject* op = PyList_GET_ITEM(list, i);
		if (!PyDict_Check(op)) {
			if (ordered) {
				raise_param("Operation must be a dict");
				return false;
			}
			continue;
		}
		if (!encode_one(mb, op, vc, res)) {
			return false;
		}
	}
	return true;
}
