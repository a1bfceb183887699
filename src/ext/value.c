/*
 * value.c: Python values <-> Aerospike values. Bin values travel as op
 * particles (protocol.md 5); values inside lists and maps travel as
 * msgpack with Aerospike's string/blob particle prefix (7a, 7b). Dicts are
 * packed with their keys in the server's value order, as the reference
 * client does, and maps are handed back key-sorted. Unsupported types go
 * through the serializer rules. Called by the record, operation and
 * expression encoders and by every reply decoder.
 */
#include "binding.h"

#define MAX_DEPTH 256

/* ---- serializers -------------------------------------------------------- */

/* The serializer for a value no other rule covers (reference rules): the
 * put() argument picks it; with the default SERIALIZER_NONE, a client
 * configured with `serialization` still uses its own serializer. */
static PyObject* serialize(PyObject* v, const value_ctx* vc)
{
	int mode = vc ? vc->serializer_mode : 0;
	PyObject* fn = NULL;
	if (mode == 0) {
		fn = vc ? vc->serializer : NULL;
		if (!fn) {
			raise_param("Cannot serialize a value of type %s: SERIALIZER_NONE selected",
				Py_TYPE(v)->tp_name);
			return NULL;
		}
	}
	else if (mode == 3) {
		fn = vc->serializer ? vc->serializer : g_types.serializer;
		if (!fn) {
			raise_code(AS_ERR_CLIENT, "No serializer callback registered");
			return NULL;
		}
	}
	else {
		raise_code(AS_ERR_CLIENT, "Unable to serialize a value of type %s with serializer %d",
			Py_TYPE(v)->tp_name, mode);
		return NULL;
	}
	PyObject* out = PyObject_CallOneArg(fn, v);
	if (!out) {
		return NULL;
	}
	if (!PyBytes_Check(out) && !PyByteArray_Check(out) && !PyUnicode_Check(out)) {
		Py_DECREF(out);
		raise_code(AS_ERR_CLIENT, "The serializer must return str or bytes");
		return NULL;
	}
	return out;
}

bool bytes_view(PyObject* o, const char** data, Py_ssize_t* len)
{
	if (PyBytes_Check(o)) {
		*data = PyBytes_AS_STRING(o);
		*len = PyBytes_GET_SIZE(o);
		return true;
	}
	if (PyByteArray_Check(o)) {
		*data = PyByteArray_AS_STRING(o);
		*len = PyByteArray_GET_SIZE(o);
		return true;
	}
	if (PyUnicode_Check(o)) {
		*data = PyUnicode_AsUTF8AndSize(o, len);
		return *data != NULL;
	}
	return false;
}

/* bytes and bytearray are blobs; aerospike_helpers.HyperLogLog is an HLL. */
static uint8_t blob_type(PyObject* v)
{
	if (g_types.hyperloglog && PyObject_TypeCheck(v, (PyTypeObject*)g_types.hyperloglog)) {
		return AS_PARTICLE_HLL;
	}
	return AS_PARTICLE_BLOB;
}

/* ---- key order for dicts ------------------------------------------------- */

/* The server's value classes in order (operations.md 3b). */
enum {
	RANK_NIL,
	RANK_BOOL,
	RANK_INT,
	RANK_STR,
	RANK_LIST,
	RANK_MAP,
	RANK_BYTES,
	RANK_DOUBLE,
	RANK_GEO,
	RANK_OTHER
};

static int value_rank(PyObject* o)
{
	if (o == Py_None) {
		return RANK_NIL;
	}
	if (PyBool_Check(o)) {
		return RANK_BOOL;
	}
	if (PyLong_Check(o)) {
		return RANK_INT;
	}
	if (PyUnicode_Check(o)) {
		return RANK_STR;
	}
	if (PyList_Check(o) || PyTuple_Check(o)) {
		return RANK_LIST;
	}
	if (PyDict_Check(o)) {
		return RANK_MAP;
	}
	if (PyBytes_Check(o) || PyByteArray_Check(o)) {
		return RANK_BYTES;
	}
	if (PyFloat_Check(o)) {
		return RANK_DOUBLE;
	}
	if (g_types.geojson && PyObject_TypeCheck(o, (PyTypeObject*)g_types.geojson)) {
		return RANK_GEO;
	}
	return RANK_OTHER;
}

typedef struct kv_pair {
	PyObject* key;
	PyObject* value;
	int rank;
} kv_pair;

static int compare_bytes(const char* a, Py_ssize_t la, const char* b, Py_ssize_t lb)
{
	Py_ssize_t n = la < lb ? la : lb;
	int c = memcmp(a, b, (size_t)n);
	if (c) {
		return c;
	}
	return la < lb ? -1 : la > lb;
}

/* Compares two keys of the same rank. Never raises. */
static int compare_same_rank(PyObject* a, PyObject* b, int rank)
{
	switch (rank) {
	case RANK_BOOL:
		return (a == Py_True) - (b == Py_True);
	case RANK_INT: {
		int overflow_a, overflow_b;
		long long x = PyLong_AsLongLongAndOverflow(a, &overflow_a);
		long long y = PyLong_AsLongLongAndOverflow(b, &overflow_b);
		if (overflow_a || overflow_b) {
			PyErr_Clear();
			return overflow_a - overflow_b;
		}
		return x < y ? -1 : x > y;
	}
	case RANK_DOUBLE: {
		double x = PyFloat_AS_DOUBLE(a), y = PyFloat_AS_DOUBLE(b);
		return x < y ? -1 : x > y;
	}
	case RANK_STR:
	case RANK_BYTES: {
		const char *da, *db;
		Py_ssize_t la, lb;
		if (!bytes_view(a, &da, &la) || !bytes_view(b, &db, &lb)) {
			PyErr_Clear();
			return 0;
		}
		return compare_bytes(da, la, db, lb);
	}
	default:
		return 0;
	}
}

static int compare_pairs(const void* pa, const void* pb)
{
	const kv_pair* a = pa;
	const kv_pair* b = pb;
	if (a->rank != b->rank) {
		return a->rank < b->rank ? -1 : 1;
	}
	return compare_same_rank(a->key, b->key, a->rank);
}

/* Collects a dict's items sorted in server order. Caller frees. */
static kv_pair* sorted_items(PyObject* dict, Py_ssize_t* n)
{
	*n = PyDict_GET_SIZE(dict);
	kv_pair* items = PyMem_Malloc((size_t)(*n ? *n : 1) * sizeof(kv_pair));
	if (!items) {
		PyErr_NoMemory();
		return NULL;
	}
	Py_ssize_t pos = 0, i = 0;
	PyObject *k, *v;
	bool sorted = true;
	while (PyDict_Next(dict, &pos, &k, &v)) {
		items[i].key = k;
		items[i].value = v;
		items[i].rank = value_rank(k);
		if (i > 0 && sorted && compare_pairs(&items[i - 1], &items[i]) > 0) {
			sorted = false;
		}
		i++;
	}
	if (!sorted) {
		qsort(items, (size_t)*n, sizeof(kv_pair), compare_pairs);
	}
	return items;
}

/* ---- msgpack packing ------------------------------------------------------ */

static bool pack_int(as_buf* b, PyObject* v)
{
	int overflow;
	long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
	if (overflow == 0) {
		if (x == -1 && PyErr_Occurred()) {
			return false;
		}
		as_pack_int64(b, x);
		return true;
	}
	if (overflow > 0) {
		unsigned long long u = PyLong_AsUnsignedLongLong(v);
		if (!PyErr_Occurred()) {
			as_pack_uint64(b, u);
			return true;
		}
		PyErr_Clear();
	}
	raise_param("integer value exceeds the 64-bit range");
	return false;
}

static bool pack_geojson(as_buf* b, PyObject* v, bool particle_form, uint8_t* ptype)
{
	PyObject* data = PyObject_GetAttr(v, g_str.geo_data);
	if (!data) {
		return false;
	}
	PyObject* text = PyUnicode_Check(data) ? Py_NewRef(data) : PyObject_CallOneArg(g_types.json_dumps, data);
	Py_DECREF(data);
	if (!text) {
		return false;
	}
	Py_ssize_t len;
	const char* s = PyUnicode_AsUTF8AndSize(text, &len);
	if (!s) {
		Py_DECREF(text);
		return false;
	}
	if (particle_form) {
		/* flags byte, uint16 cell count (0), then the JSON text. */
		uint8_t head[3] = {0, 0, 0};
		as_buf_put(b, head, 3);
		as_buf_put(b, s, (size_t)len);
		*ptype = AS_PARTICLE_GEOJSON;
	}
	else {
		as_pack_particle(b, AS_PARTICLE_GEOJSON, s, (uint32_t)len);
	}
	Py_DECREF(text);
	return true;
}

static bool pack_value_depth(as_buf* b, PyObject* v, const value_ctx* vc, int depth);

static bool pack_dict(as_buf* b, PyObject* v, const value_ctx* vc, int depth)
{
	bool ordered = g_types.key_ordered_dict &&
		PyObject_TypeCheck(v, (PyTypeObject*)g_types.key_ordered_dict);
	Py_ssize_t n;
	kv_pair* items = sorted_items(v, &n);
	if (!items) {
		return false;
	}
	bool ok = true;
	if (ordered) {
		/* The order marker: an empty ext whose type byte is K_ORDERED. */
		as_pack_map_header(b, (uint32_t)n + 1);
		as_pack_ext_header(b, 1, 0);
		as_pack_nil(b);
	}
	else {
		as_pack_map_header(b, (uint32_t)n);
	}
	for (Py_ssize_t i = 0; i < n && ok; i++) {
		ok = pack_value_depth(b, items[i].key, vc, depth + 1) &&
			pack_value_depth(b, items[i].value, vc, depth + 1);
	}
	PyMem_Free(items);
	return ok;
}

static bool pack_value_depth(as_buf* b, PyObject* v, const value_ctx* vc, int depth)
{
	if (depth > MAX_DEPTH) {
		raise_param("Value nesting is too deep");
		return false;
	}
	if (v == Py_None || (g_types.null && Py_IS_TYPE(v, (PyTypeObject*)g_types.null))) {
		as_pack_nil(b);
		return true;
	}
	if (PyBool_Check(v)) {
		as_pack_bool(b, v == Py_True);
		return true;
	}
	if (PyLong_Check(v)) {
		return pack_int(b, v);
	}
	if (PyUnicode_Check(v)) {
		Py_ssize_t len;
		const char* s = PyUnicode_AsUTF8AndSize(v, &len);
		if (!s) {
			return false;
		}
		as_pack_particle(b, AS_PARTICLE_STRING, s, (uint32_t)len);
		return true;
	}
	if (PyFloat_Check(v)) {
		as_pack_double(b, PyFloat_AS_DOUBLE(v));
		return true;
	}
	if (PyList_Check(v)) {
		Py_ssize_t n = PyList_GET_SIZE(v);
		as_pack_array_header(b, (uint32_t)n);
		for (Py_ssize_t i = 0; i < n; i++) {
			if (!pack_value_depth(b, PyList_GET_ITEM(v, i), vc, depth + 1)) {
				return false;
			}
		}
		return true;
	}
	if (PyDict_Check(v)) {
		return pack_dict(b, v, vc, depth);
	}
	if (PyBytes_Check(v) || PyByteArray_Check(v)) {
		const char* data;
		Py_ssize_t len;
		bytes_view(v, &data, &len);
		as_pack_particle(b, blob_type(v), data, (uint32_t)len);
		return true;
	}
	if (g_types.geojson && PyObject_TypeCheck(v, (PyTypeObject*)g_types.geojson)) {
		uint8_t unused;
		return pack_geojson(b, v, false, &unused);
	}
	if (g_types.wildcard && Py_IS_TYPE(v, (PyTypeObject*)g_types.wildcard)) {
		as_pack_ext_header(b, 0xff, 1);
		as_buf_put_u8(b, 0);
		return true;
	}
	if (g_types.infinite && Py_IS_TYPE(v, (PyTypeObject*)g_types.infinite)) {
		as_pack_ext_header(b, 0xff, 1);
		as_buf_put_u8(b, 1);
		return true;
	}
	PyObject* ser = serialize(v, vc);
	if (!ser) {
		return false;
	}
	const char* data;
	Py_ssize_t len;
	bool ok = bytes_view(ser, &data, &len);
	if (ok) {
		as_pack_particle(b, AS_PARTICLE_BLOB, data, (uint32_t)len);
	}
	Py_DECREF(ser);
	return ok;
}

bool pack_value(as_buf* b, PyObject* v, const value_ctx* vc)
{
	return pack_value_depth(b, v, vc, 0);
}

bool pack_particle(as_buf* b, PyObject* v, uint8_t* ptype, const value_ctx* vc)
{
	if (v == Py_None || (g_types.null && Py_IS_TYPE(v, (PyTypeObject*)g_types.null))) {
		*ptype = AS_PARTICLE_NULL;
		return true;
	}
	if (PyBool_Check(v)) {
		if (vc && vc->send_bool_as_int) {
			*ptype = AS_PARTICLE_INTEGER;
			as_buf_put_u64be(b, v == Py_True);
		}
		else {
			*ptype = AS_PARTICLE_BOOL;
			as_buf_put_u8(b, v == Py_True);
		}
		return true;
	}
	if (PyLong_Check(v)) {
		int overflow;
		long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
		if (overflow) {
			raise_param("integer value exceeds the 64-bit range");
			return false;
		}
		if (x == -1 && PyErr_Occurred()) {
			return false;
		}
		*ptype = AS_PARTICLE_INTEGER;
		as_buf_put_u64be(b, (uint64_t)x);
		return true;
	}
	if (PyUnicode_Check(v)) {
		Py_ssize_t len;
		const char* s = PyUnicode_AsUTF8AndSize(v, &len);
		if (!s) {
			return false;
		}
		*ptype = AS_PARTICLE_STRING;
		as_buf_put(b, s, (size_t)len);
		return true;
	}
	if (PyFloat_Check(v)) {
		double d = PyFloat_AS_DOUBLE(v);
		uint64_t bits;
		memcpy(&bits, &d, sizeof(bits));
		*ptype = AS_PARTICLE_FLOAT;
		as_buf_put_u64be(b, bits);
		return true;
	}
	if (PyBytes_Check(v) || PyByteArray_Check(v)) {
		const char* data;
		Py_ssize_t len;
		bytes_view(v, &data, &len);
		*ptype = blob_type(v);
		as_buf_put(b, data, (size_t)len);
		return true;
	}
	if (PyList_Check(v)) {
		*ptype = AS_PARTICLE_LIST;
		return pack_value_depth(b, v, vc, 0);
	}
	if (PyDict_Check(v)) {
		*ptype = AS_PARTICLE_MAP;
		return pack_value_depth(b, v, vc, 0);
	}
	if (g_types.geojson && PyObject_TypeCheck(v, (PyTypeObject*)g_types.geojson)) {
		return pack_geojson(b, v, true, ptype);
	}
	PyObject* ser = serialize(v, vc);
	if (!ser) {
		return false;
	}
	const char* data;
	Py_ssize_t len;
	bool ok = bytes_view(ser, &data, &len);
	if (ok) {
		*ptype = AS_PARTICLE_BLOB;
		as_buf_put(b, data, (size_t)len);
	}
	Py_DECREF(ser);
	return ok;
}

/* ---- decoding --------------------------------------------------------------- */

static PyObject* make_geojson(const char* text, Py_ssize_t len)
{
	PyObject* s = PyUnicode_DecodeUTF8(text, len, "replace");
	if (!s) {
		return NULL;
	}
	PyObject* out = PyObject_CallOneArg(g_types.geojson_from_str, s);
	Py_DECREF(s);
	return out;
}

/* A blob bin. With a deserializer registered, it receives the value (as
 * str when the bytes are UTF-8, as the reference passes it) and a failing
 * deserializer leaves the raw bytes, as documented. */
static PyObject* blob_to_py(const uint8_t* data, uint32_t len, const decode_ctx* dc)
{
	PyObject* fn = dc && dc->deserializer ? dc->deserializer : g_types.deserializer;
	if (!fn) {
		return PyBytes_FromStringAndSize((const char*)data, len);
	}
	PyObject* arg = PyUnicode_DecodeUTF8((const char*)data, len, "strict");
	if (!arg) {
		PyErr_Clear();
		arg = PyBytes_FromStringAndSize((const char*)data, len);
		if (!arg) {
			return NULL;
		}
	}
	PyObject* out = PyObject_CallOneArg(fn, arg);
	Py_DECREF(arg);
	if (!out) {
		PyErr_Clear();
		return PyBytes_FromStringAndSize((const char*)data, len);
	}
	return out;
}

/* A str-family msgpack payload: particle byte, then the data. */
static PyObject* particle_string_to_py(const uint8_t* p, uint32_t len, const decode_ctx* dc)
{
	if (len == 0) {
		return PyBytes_FromStringAndSize("", 0);
	}
	uint8_t type = p[0];
	const char* data = (const char*)p + 1;
	Py_ssize_t n = (Py_ssize_t)len - 1;
	switch (type) {
	case AS_PARTICLE_STRING:
		return PyUnicode_DecodeUTF8(data, n, "surrogateescape");
	case AS_PARTICLE_GEOJSON:
		return make_geojson(data, n);
	case AS_PARTICLE_HLL:
		return PyObject_CallFunction(g_types.hyperloglog, "y#", data, n);
	case AS_PARTICLE_BLOB:
		return blob_to_py((const uint8_t*)data, (uint32_t)n, dc);
	default:
		return PyByteArray_FromStringAndSize(data, n);
	}
}

static PyObject* unpack_depth(as_unpacker* u, const decode_ctx* dc, int depth);

static bool is_ordered_marker(as_unpacker* u, uint8_t* flags)
{
	/* c7 00 <flags>: ext8 with an empty payload whose type is the flags. */
	if (u->end - u->p >= 3 && u->p[0] == 0xc7 && u->p[1] == 0x00) {
		*flags = u->p[2];
		return true;
	}
	return false;
}

static PyObject* unpack_list(as_unpacker* u, uint32_t count, const decode_ctx* dc, int depth)
{
	uint8_t flags;
	if (count > 0 && is_ordered_marker(u, &flags)) {
		u->p += 3;
		count--;
	}
	if (count > (uint32_t)(u->end - u->p)) {
		raise_code(AS_ERR_CLIENT, "Malformed list in reply");
		return NULL;
	}
	PyObject* list = PyList_New(count);
	if (!list) {
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++) {
		PyObject* item = unpack_depth(u, dc, depth + 1);
		if (!item) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, item);
	}
	return list;
}

/* A KEY_VALUE result (map flagged 8) comes back as [k1, v1, k2, v2, ...]. */
static PyObject* unpack_map_as_list(as_unpacker* u, uint32_t count, const decode_ctx* dc,
	int depth)
{
	if (count > (uint32_t)(u->end - u->p) / 2) {
		raise_code(AS_ERR_CLIENT, "Malformed map in reply");
		return NULL;
	}
	PyObject* list = PyList_New((Py_ssize_t)count * 2);
	if (!list) {
		return NULL;
	}
	for (uint32_t i = 0; i < count * 2; i++) {
		PyObject* item = unpack_depth(u, dc, depth + 1);
		if (!item) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, item);
	}
	return list;
}

static PyObject* unpack_map(as_unpacker* u, uint32_t count, const decode_ctx* dc, int depth)
{
	uint8_t flags = 0;
	bool key_ordered = false;
	if (count > 0 && is_ordered_marker(u, &flags)) {
		u->p += 3;
		if (as_unpack_skip(u) != 0) {
			raise_code(AS_ERR_CLIENT, "Malformed map in reply");
			return NULL;
		}
		count--;
		key_ordered = (flags & 1) != 0;
		if (flags & 8) {
			return unpack_map_as_list(u, count, dc, depth);
		}
	}
	if (count > (uint32_t)(u->end - u->p) / 2) {
		raise_code(AS_ERR_CLIENT, "Malformed map in reply");
		return NULL;
	}
	kv_pair* items = PyMem_Malloc((count ? count : 1) * sizeof(kv_pair));
	if (!items) {
		return PyErr_NoMemory();
	}
	PyObject* result = NULL;
	uint32_t n = 0;
	bool sorted = true;
	for (; n < count; n++) {
		items[n].key = unpack_depth(u, dc, depth + 1);
		if (!items[n].key) {
			goto done;
		}
		items[n].value = unpack_depth(u, dc, depth + 1);
		if (!items[n].value) {
			Py_DECREF(items[n].key);
			goto done;
		}
		items[n].rank = value_rank(items[n].key);
		if (n > 0 && sorted && compare_pairs(&items[n - 1], &items[n]) > 0) {
			sorted = false;
		}
	}
	if (!sorted) {
		qsort(items, n, sizeof(kv_pair), compare_pairs);
	}
	result = key_ordered ? PyObject_CallNoArgs(g_types.key_ordered_dict) : PyDict_New();
	if (!result) {
		goto done;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (PyByteArray_Check(items[i].key)) {
			/* A blob of another language's type: keys must be hashable. */
			PyObject* key = PyBytes_FromObject(items[i].key);
			if (!key) {
				Py_CLEAR(result);
				goto done;
			}
			Py_SETREF(items[i].key, key);
		}
		if (PyDict_SetItem(result, items[i].key, items[i].value) != 0) {
			if (PyErr_ExceptionMatches(PyExc_TypeError)) {
				PyErr_Clear();
				raise_code(AS_ERR_CLIENT, "Map key of an unsupported type in reply");
			}
			Py_CLEAR(result);
			goto done;
		}
	}

done:
	for (uint32_t i = 0; i < n; i++) {
		Py_DECREF(items[i].key);
		Py_DECREF(items[i].value);
	}
	PyMem_Free(items);
	return result;
}

static PyObject* unpack_depth(as_unpacker* u, const decode_ctx* dc, int depth)
{
	if (depth > MAX_DEPTH) {
		return raise_code(AS_ERR_CLIENT, "Reply value nesting is too deep");
	}
	as_mp_obj o;
	if (as_unpack_next(u, &o) != 0) {
		return raise_code(AS_ERR_CLIENT, "Malformed msgpack in reply");
	}
	switch (o.type) {
	case AS_MP_NIL:
		Py_RETURN_NONE;
	case AS_MP_BOOL:
		return PyBool_FromLong(o.v.b);
	case AS_MP_INT:
		return PyLong_FromLongLong(o.v.i);
	case AS_MP_UINT:
		return PyLong_FromUnsignedLongLong(o.v.u);
	case AS_MP_DOUBLE:
		return PyFloat_FromDouble(o.v.d);
	case AS_MP_STR:
		return particle_string_to_py(o.v.bytes.ptr, o.v.bytes.len, dc);
	case AS_MP_BIN:
		return PyBytes_FromStringAndSize((const char*)o.v.bytes.ptr, o.v.bytes.len);
	case AS_MP_ARRAY:
		return unpack_list(u, o.v.count, dc, depth);
	case AS_MP_MAP:
		return unpack_map(u, o.v.count, dc, depth);
	case AS_MP_EXT:
		if (o.v.ext.type == -1 && o.v.ext.len == 1) {
			PyObject* cls = o.v.ext.ptr[0] == 0 ? g_types.wildcard : g_types.infinite;
			return PyObject_CallNoArgs(cls);
		}
		return PyBytes_FromStringAndSize((const char*)o.v.ext.ptr, o.v.ext.len);
	}
	return raise_code(AS_ERR_CLIENT, "Unknown msgpack type in reply");
}

PyObject* unpack_value(as_unpacker* u, const decode_ctx* dc)
{
	return unpack_depth(u, dc, 0);
}

PyObject* particle_to_py(uint8_t ptype, const uint8_t* data, uint32_t len, const decode_ctx* dc)
{
	switch (ptype) {
	case AS_PARTICLE_NULL:
		Py_RETURN_NONE;
	case AS_PARTICLE_INTEGER: {
		if (len == 0 || len > 8) {
			return raise_code(AS_ERR_CLIENT, "Invalid integer particle");
		}
		uint64_t v = (data[0] & 0x80) ? ~0ull : 0;
		for (uint32_t i = 0; i < len; i++) {
			v = (v << 8) | data[i];
		}
		return PyLong_FromLongLong((long long)v);
	}
	case AS_PARTICLE_FLOAT: {
		if (len != 8) {
			return raise_code(AS_ERR_CLIENT, "Invalid float particle");
		}
		uint64_t bits = as_read_u64be(data);
		double d;
		memcpy(&d, &bits, sizeof(d));
		return PyFloat_FromDouble(d);
	}
	case AS_PARTICLE_STRING:
		return PyUnicode_DecodeUTF8((const char*)data, len, "surrogateescape");
	case AS_PARTICLE_BLOB:
		return blob_to_py(data, len, dc);
	case AS_PARTICLE_BOOL:
		return PyBool_FromLong(len > 0 && data[0] != 0);
	case AS_PARTICLE_HLL:
		return PyObject_CallFunction(g_types.hyperloglog, "y#", (const char*)data, (Py_ssize_t)len);
	case AS_PARTICLE_GEOJSON: {
		if (len < 3) {
			return raise_code(AS_ERR_CLIENT, "Invalid GeoJSON particle");
		}
		uint32_t ncells = as_read_u16be(data + 1);
		uint64_t skip = 3 + (uint64_t)ncells * 8;
		if (skip > len) {
			return raise_code(AS_ERR_CLIENT, "Invalid GeoJSON particle");
		}
		return make_geojson((const char*)data + skip, (Py_ssize_t)(len - skip));
	}
	case AS_PARTICLE_LIST:
	case AS_PARTICLE_MAP: {
		if (dc && !dc->deserialize) {
			return PyByteArray_FromStringAndSize((const char*)data, len);
		}
		as_unpacker u;
		as_unpacker_init(&u, data, len);
		return unpack_value(&u, dc);
	}
	default:
		return PyByteArray_FromStringAndSize((const char*)data, len);
	}
}
