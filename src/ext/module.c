/*
 * module.c: the `aerospike._core` extension module: registers the Client
 * type, receives the Python-side classes it builds and recognises
 * (_init_types), and holds the module-level functions: digests, partition
 * ids, serializers and the bridge from the core's log hook to Python.
 */
#include "binding.h"
#include <aerospike/as_crypto.h>
#include <aerospike/as_log.h>

py_types g_types;
py_strings g_str;

static PyObject* g_log_handler;
static atomic_bool g_finalizing;

/* ---- types and interned strings ------------------------------------------- */

static PyObject* init_types(PyObject* module, PyObject* args, PyObject* kwargs)
{
	(void)module;
	(void)args;
	static const struct {
		const char* name;
		PyObject** slot;
	} slots[] = {
		{"class_for_code", &g_types.class_for_code},
		{"geojson", &g_types.geojson},
		{"geojson_from_str", &g_types.geojson_from_str},
		{"key_ordered_dict", &g_types.key_ordered_dict},
		{"null", &g_types.null},
		{"wildcard", &g_types.wildcard},
		{"infinite", &g_types.infinite},
		{"hyperloglog", &g_types.hyperloglog},
		{"batch_record", &g_types.batch_record},
		{"batch_records", &g_types.batch_records},
		{"json_dumps", &g_types.json_dumps},
		{"json_loads", &g_types.json_loads},
	};
	if (!kwargs) {
		Py_RETURN_NONE;
	}
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		PyObject* v = PyDict_GetItemString(kwargs, slots[i].name);
		if (v) {
			Py_XSETREF(*slots[i].slot, Py_NewRef(v));
		}
	}
	Py_RETURN_NONE;
}

static bool intern_strings(void)
{
#define S(field) \
	if (!(g_str.field = PyUnicode_InternFromString(#field))) \
		return false;
	S(ttl) S(gen) S(op) S(bin) S(val) S(key) S(index) S(range) S(return_type) S(inverted) S(ctx)
	S(count) S(rank) S(value_list) S(value_begin) S(value_end) S(list_policy) S(map_policy)
	S(list_order) S(sort_flags) S(map_order) S(persist_index) S(pad) S(policy) S(expr)
	S(expr_flags) S(cdt_flags) S(mod_exp) S(geo_data) S(id) S(value) S(extra_args)
	S(filter_expr) S(order_key) S(pad_key) S(write_flags) S(map_write_flags) S(bit_write_flags)
	S(flags) S(byte_size) S(byte_offset) S(bit_offset) S(bit_size) S(value_byte_size)
	S(resize_flags) S(sign) S(action) S(hll_policy) S(index_bit_count) S(mh_bit_count)
#undef S
	return true;
}

/* ---- digests ------------------------------------------------------------------ */

static PyObject* calc_digest(PyObject* module, PyObject* args, PyObject* kwargs)
{
	(void)module;
	static char* kwlist[] = {"ns", "set", "key", NULL};
	PyObject *ns, *set, *key;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO:calc_digest", kwlist, &ns, &set, &key)) {
		return NULL;
	}
	if (!PyUnicode_Check(ns)) {
		return raise_param("calc_digest: ns must be a string");
	}
	if (!PyUnicode_Check(set) && set != Py_None) {
		return raise_param("calc_digest: set must be a string");
	}
	py_key k;
	if (!key_from_parts(&k, ns, set, key)) {
		return NULL;
	}
	return PyByteArray_FromStringAndSize((const char*)k.digest, 20);
}

static PyObject* get_partition_id(PyObject* module, PyObject* arg)
{
	(void)module;
	const char* data = NULL;
	Py_ssize_t len = 0;
	if (PyByteArray_Check(arg)) {
		data = PyByteArray_AS_STRING(arg);
		len = PyByteArray_GET_SIZE(arg);
	}
	else if (PyBytes_Check(arg)) {
		data = PyBytes_AS_STRING(arg);
		len = PyBytes_GET_SIZE(arg);
	}
	if (!data || len != 20) {
		return raise_param("get_partition_id: digest must be 20 bytes");
	}
	return PyLong_FromUnsignedLong(as_partition_id((const uint8_t*)data));
}

/* ---- serializers ------------------------------------------------------------- */

static PyObject* set_callable(PyObject** slot, PyObject* fn, const char* what)
{
	if (fn != Py_None && !PyCallable_Check(fn)) {
		return raise_param("%s: the argument must be callable", what);
	}
	Py_XSETREF(*slot, fn == Py_None ? NULL : Py_NewRef(fn));
	Py_RETURN_NONE;
}

static PyObject* set_serializer(PyObject* module, PyObject* fn)
{
	(void)module;
	return set_callable(&g_types.serializer, fn, "set_serializer");
}

static PyObject* set_deserializer(PyObject* module, PyObject* fn)
{
	(void)module;
	return set_callable(&g_types.deserializer, fn, "set_deserializer");
}

static PyObject* unset_serializers(PyObject* module, PyObject* unused)
{
	(void)module;
	(void)unused;
	Py_CLEAR(g_types.serializer);
	Py_CLEAR(g_types.deserializer);
	Py_RETURN_NONE;
}

/* ---- logging ------------------------------------------------------------------ */

static void log_bridge(int level, const char* func, const char* file, int line, const char* msg)
{
	if (atomic_load(&g_finalizing)) {
		return;
	}
	PyGILState_STATE st = PyGILState_Ensure();
	PyObject* handler = g_log_handler;
	if (handler) {
		Py_INCREF(handler);
		PyObject* r = PyObject_CallFunction(handler, "issis", level, func, file, line, msg);
		if (!r) {
			PyErr_Clear();
		}
		Py_XDECREF(r);
		Py_DECREF(handler);
	}
	PyGILState_Release(st);
}

static PyObject* set_log_level(PyObject* module, PyObject* arg)
{
	(void)module;
	if (!PyLong_Check(arg)) {
		return raise_param("set_log_level: log_level must be an integer");
	}
	long level = PyLong_AsLong(arg);
	if (level < -1 || level > 4) {
		return raise_param("set_log_level: invalid log level %ld", level);
	}
	as_log_set_level((int)level);
	Py_RETURN_NONE;
}

static PyObject* set_log_handler(PyObject* module, PyObject* args)
{
	(void)module;
	PyObject* fn = Py_None;
	if (!PyArg_ParseTuple(args, "|O:set_log_handler", &fn)) {
		return NULL;
	}
	if (fn != Py_None && !PyCallable_Check(fn)) {
		return raise_param("set_log_handler: the callback must be callable");
	}
	Py_XSETREF(g_log_handler, fn == Py_None ? NULL : Py_NewRef(fn));
	as_log_set_callback(g_log_handler ? log_bridge : NULL);
	Py_RETURN_NONE;
}

static PyObject* mark_finalizing(PyObject* module, PyObject* unused)
{
	(void)module;
	(void)unused;
	atomic_store(&g_finalizing, true);
	as_log_set_callback(NULL);
	Py_RETURN_NONE;
}

PyObject* py_pack_expression(PyObject* module, PyObject* compiled);
PyObject* py_pack_ctx(PyObject* module, PyObject* ctx);

static PyMethodDef module_methods[] = {
	{"pack_expression", py_pack_expression, METH_O, "The msgpack bytes of a compiled expression."},
	{"pack_ctx", py_pack_ctx, METH_O, "The msgpack bytes of a CDT context list."},
	{"_init_types", (PyCFunction)(void (*)(void))init_types, METH_VARARGS | METH_KEYWORDS, NULL},
	{"_mark_finalizing", mark_finalizing, METH_NOARGS, NULL},
	{"calc_digest", (PyCFunction)(void (*)(void))calc_digest, METH_VARARGS | METH_KEYWORDS,
		"calc_digest(ns, set, key) -> bytearray: the 20-byte RIPEMD-160 digest of a key."},
	{"get_partition_id", get_partition_id, METH_O,
		"get_partition_id(digest) -> int: the partition (0..4095) of a digest."},
	{"set_serializer", set_serializer, METH_O, "Registers the module-level serializer."},
	{"set_deserializer", set_deserializer, METH_O, "Registers the module-level deserializer."},
	{"unset_serializers", unset_serializers, METH_NOARGS, "Removes both serializers."},
	{"set_log_level", set_log_level, METH_O, "Sets the level of the client's log messages."},
	{"set_log_handler", set_log_handler, METH_VARARGS,
		"Sets the callback (level, func, path, line, msg) that receives log messages."},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "aerospike._core",
	.m_doc = "C binding of the aerospike client.",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__core(void)
{
	if (!intern_strings() || PyType_Ready(&ClientType) < 0 || PyType_Ready(&TransactionType) < 0) {
		return NULL;
	}
	PyObject* m = PyModule_Create(&core_module);
	if (!m) {
		return NULL;
	}
	if (PyModule_AddObjectRef(m, "Client", (PyObject*)&ClientType) < 0 ||
		PyModule_AddObjectRef(m, "Transaction", (PyObject*)&TransactionType) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
