/*
 * policy.c: policy dicts -> py_policy. Each command starts from the
 * client's defaults for its policy kind (the reference defaults, then the
 * config's `policies`) and applies the call's dict. Unknown keys are
 * ignored, as in the reference client; ill-typed values raise ParamError
 * naming the key. Called by every command of the binding.
 */
#include "binding.h"

void policy_defaults(py_policy* p, int kind)
{
	memset(p, 0, sizeof(*p));
	p->cmd.socket_timeout = 30000;
	p->cmd.total_timeout = 1000;
	p->cmd.max_retries = 0;
	p->cmd.replica = AS_REPLICA_SEQUENCE;
	p->deserialize = true;
	p->allow_inline = true;
	p->respond_all_keys = true;
	p->timeout = 1000;
	switch (kind) {
	case POL_READ:
	case POL_BATCH:
	case POL_BATCH_READ:
		p->cmd.max_retries = 2;
		break;
	case POL_QUERY:
	case POL_SCAN:
		p->cmd.total_timeout = 0;
		p->cmd.max_retries = 5;
		break;
	case POL_TXN_VERIFY:
	case POL_TXN_ROLL:
		p->cmd.socket_timeout = 3000;
		p->cmd.total_timeout = 10000;
		p->cmd.max_retries = 5;
		p->cmd.sleep_between_retries = 1000;
		break;
	default:
		break;
	}
	p->cmd.is_write = !(kind == POL_READ || kind == POL_BATCH || kind == POL_BATCH_READ ||
		kind == POL_QUERY || kind == POL_SCAN || kind == POL_INFO || kind == POL_ADMIN);
}

static PyObject* lookup(PyObject* dict, const char* key)
{
	PyObject* v = PyDict_GetItemString(dict, key);
	return v;
}

bool dict_get_u32(PyObject* dict, const char* key, uint32_t* out, const char* what)
{
	PyObject* v = lookup(dict, key);
	if (!v) {
		return true;
	}
	if (!PyLong_Check(v)) {
		raise_param("%s: '%s' must be an integer", what, key);
		return false;
	}
	unsigned long long x = PyLong_AsUnsignedLongLong(v);
	if (PyErr_Occurred() || x > UINT32_MAX) {
		PyErr_Clear();
		raise_param("%s: '%s' is out of range", what, key);
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

static bool dict_get_i32(PyObject* dict, const char* key, int32_t* out, const char* what)
{
	PyObject* v = lookup(dict, key);
	if (!v) {
		return true;
	}
	if (!PyLong_Check(v)) {
		raise_param("%s: '%s' must be an integer", what, key);
		return false;
	}
	long x = PyLong_AsLong(v);
	if (PyErr_Occurred() || x < INT32_MIN || x > INT32_MAX) {
		PyErr_Clear();
		raise_param("%s: '%s' is out of range", what, key);
		return false;
	}
	*out = (int32_t)x;
	return true;
}

bool dict_get_bool(PyObject* dict, const char* key, bool* out, const char* what)
{
	PyObject* v = lookup(dict, key);
	if (!v) {
		return true;
	}
	if (!PyBool_Check(v) && !PyLong_Check(v)) {
		raise_param("%s: '%s' must be a bool", what, key);
		return false;
	}
	*out = PyObject_IsTrue(v);
	return true;
}

static bool get_replica(PyObject* dict, int* out, const char* what)
{
	uint32_t v = (uint32_t)*out;
	if (!dict_get_u32(dict, "replica", &v, what)) {
		return false;
	}
	if (v > AS_REPLICA_RANDOM) {
		raise_param("%s: 'replica' is invalid: %u", what, v);
		return false;
	}
	*out = (int)v;
	return true;
}

bool policy_parse(py_policy* out, const py_policy* defaults, PyObject* dict, const char* what)
{
	*out = *defaults;
	if (!dict || dict == Py_None) {
		return true;
	}
	if (!PyDict_Check(dict)) {
		raise_param("%s must be a dict", what);
		return false;
	}
	bool ok = dict_get_u32(dict, "socket_timeout", &out->cmd.socket_timeout, what) &&
		dict_get_u32(dict, "total_timeout", &out->cmd.total_timeout, what) &&
		dict_get_u32(dict, "max_retries", &out->cmd.max_retries, what) &&
		dict_get_u32(dict, "sleep_between_retries", &out->cmd.sleep_between_retries, what) &&
		get_replica(dict, &out->cmd.replica, what) &&
		dict_get_u32(dict, "key", &out->key, what) &&
		dict_get_u32(dict, "exists", &out->exists, what) &&
		dict_get_u32(dict, "gen", &out->gen, what) &&
		dict_get_u32(dict, "commit_level", &out->commit_level, what) &&
		dict_get_u32(dict, "read_mode_ap", &out->read_mode_ap, what) &&
		dict_get_u32(dict, "read_mode_sc", &out->read_mode_sc, what) &&
		dict_get_u32(dict, "ttl", &out->ttl, what) &&
		dict_get_i32(dict, "read_touch_ttl_percent", &out->read_touch_ttl_percent, what) &&
		dict_get_bool(dict, "durable_delete", &out->durable_delete, what) &&
		dict_get_bool(dict, "compress", &out->compress, what) &&
		dict_get_bool(dict, "deserialize", &out->deserialize, what) &&
		dict_get_bool(dict, "allow_inline", &out->allow_inline, what) &&
		dict_get_bool(dict, "allow_inline_ssd", &out->allow_inline_ssd, what) &&
		dict_get_bool(dict, "respond_all_keys", &out->respond_all_keys, what) &&
		dict_get_bool(dict, "on_locking_only", &out->on_locking_only, what) &&
		dict_get_u32(dict, "timeout", &out->timeout, what);
	if (!ok) {
		return false;
	}
	if (out->key > 1) {
		raise_param("%s: 'key' is invalid: %u", what, out->key);
		return false;
	}
	if (out->exists > 4) {
		raise_param("%s: 'exists' is invalid: %u", what, out->exists);
		return false;
	}
	if (out->gen > 2) {
		raise_param("%s: 'gen' is invalid: %u", what, out->gen);
		return false;
	}
	if (out->commit_level > 1) {
		raise_param("%s: 'commit_level' is invalid: %u", what, out->commit_level);
		return false;
	}
	if (out->read_mode_ap > 1 || out->read_mode_sc > 3) {
		raise_param("%s: read mode is invalid", what);
		return false;
	}
	PyObject* txn = lookup(dict, "txn");
	if (txn) {
		if (!PyObject_TypeCheck(txn, &TransactionType)) {
			raise_param("txn is not of type aerospike.Transaction");
			return false;
		}
		out->txn = &((TransactionObject*)txn)->txn;
	}
	PyObject* exp = lookup(dict, "expressions");
	if (exp && exp != Py_None) {
		if (!PyList_Check(exp)) {
			raise_param("%s: 'expressions' must be a compiled expression (a list)", what);
			return false;
		}
		out->expressions = exp;
	}
	return true;
}
