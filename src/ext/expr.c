/*
 * expr.c: compiled expressions -> msgpack (protocol.md 8), and CDT
 * context lists -> the flat ctx array (7c). A compiled expression is the
 * pre-order list of (op, rt, fixed, n_children) tuples that compile()
 * builds in aerospike_helpers.expressions; each node becomes one msgpack
 * value. CDT, bit and HLL nodes become CALLs whose payload follows the op
 * table shared with operate() (cdt_table.c). Called for filter fields,
 * expression ops, path ops and the contexts of CDT ops.
 */
#include "binding.h"
#include "cdt_table.h"

/* Python-side codes (aerospike_helpers.expressions.resources._ExprOp). */
enum {
	X_UNKNOWN = 0,
	X_CMP_REGEX = 7,
	X_AND = 16,
	X_DIGEST_MOD = 64,
	X_IS_TOMBSTONE = 72,
	X_RECORD_SIZE = 74,
	X_KEY = 80,
	X_BIN = 81,
	X_BIN_TYPE = 82,
	X_BIN_EXISTS = 83,
	X_REMOVE_RESULT = 100,
	X_COND = 123,
	X_VAR = 124,
	X_LET = 125,
	X_DEF = 126,
	X_AS_VAL = 128,
	X_LIST_CRMOD = 140,
	X_LIST_MOD = 141,
	X_MAP_CRMOD = 142,
	X_MAP_CR = 143,
	X_MAP_MOD = 144,
	X_END = 150,
	X_TRUE = 151,
	X_FALSE = 152,
	X_BIT_FLAGS = 153,
	X_VAL = 200,
	X_LOOPVAR_FIRST = 3000,
	X_LOOPVAR_LAST = 3009,
	X_CALL_SELECT = 3010,
	X_CALL_APPLY = 3011,
};

/* Wire codes used below. */
enum {
	W_NE = 2,
	W_BIN_TYPE = 82,
	W_LOOPVAR = 122,
	W_QUOTE = 126,
	W_CALL = 127,
};

/* Expression value types. */
enum { T_NIL, T_BOOL, T_INT, T_STR, T_LIST, T_MAP, T_BLOB, T_FLOAT, T_GEO, T_HLL };

typedef struct node {
	long op;
	PyObject* rt; /* None or an int */
	PyObject* fixed; /* None or a dict */
	long n;
} node;

typedef struct walker {
	PyObject* list;
	Py_ssize_t size;
	as_buf* b;
	int depth;
} walker;

static bool read_node(walker* w, Py_ssize_t i, node* out)
{
	if (i >= w->size) {
		raise_param("Compiled expression is truncated");
		return false;
	}
	PyObject* t = PyList_GET_ITEM(w->list, i);
	if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 4) {
		raise_param("Compiled expression is malformed: expected (op, rt, fixed, n_children)");
		return false;
	}
	out->op = PyLong_AsLong(PyTuple_GET_ITEM(t, 0));
	out->rt = PyTuple_GET_ITEM(t, 1);
	out->fixed = PyTuple_GET_ITEM(t, 2);
	out->n = PyLong_AsLong(PyTuple_GET_ITEM(t, 3));
	if (PyErr_Occurred() || out->n < 0) {
		PyErr_Clear();
		raise_param("Compiled expression is malformed: bad op or child count");
		return false;
	}
	return true;
}

static PyObject* fixed_get(const node* nd, const char* key)
{
	if (!PyDict_Check(nd->fixed)) {
		return NULL;
	}
	return PyDict_GetItemString(nd->fixed, key);
}

/* Index just past the subtree rooted at i, or -1 with an error set. */
static Py_ssize_t skip(walker* w, Py_ssize_t i, int depth)
{
	node nd;
	if (depth > 256 || !read_node(w, i, &nd)) {
		if (depth > 256) {
			raise_param("Compiled expression is nested too deeply");
		}
		return -1;
	}
	Py_ssize_t j = i + 1;
	for (long c = 0; c < nd.n; c++) {
		j = skip(w, j, depth + 1);
		if (j < 0) {
			return -1;
		}
	}
	return j;
}

static bool pack_at(walker* w, Py_ssize_t* i);

static bool pack_name(as_buf* b, PyObject* name, const char* what)
{
	Py_ssize_t len;
	const char* s = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &len) : NULL;
	if (!s) {
		PyErr_Clear();
		raise_param("Expression %s must be a string", what);
		return false;
	}
	as_pack_raw_str(b, s, (uint32_t)len);
	return true;
}

static bool pack_literal(as_buf* b, PyObject* v)
{
	if (PyList_Check(v)) {
		as_pack_array_header(b, 2);
		as_pack_int64(b, W_QUOTE);
	}
	return pack_value(b, v, NULL);
}

static bool pack_int_fixed(as_buf* b, const node* nd, const char* key, const char* what)
{
	PyObject* v = fixed_get(nd, key);
	if (!v || !PyLong_Check(v)) {
		raise_param("Expression %s must be an integer", what);
		return false;
	}
	long long x = PyLong_AsLongLong(v);
	if (x == -1 && PyErr_Occurred()) {
		return false;
	}
	as_pack_int64(b, x);
	return true;
}

/* Counts the wire values the children [i, i + n) produce: END markers
 * produce none, DEF pairs two, CDT policy nodes zero to two. */
static bool child_starts(walker* w, Py_ssize_t i, long n, Py_ssize_t* starts)
{
	Py_ssize_t j = i;
	for (long c = 0; c < n; c++) {
		starts[c] = j;
		j = skip(w, j, w->depth + 1);
		if (j < 0) {
			return false;
		}
	}
	starts[n] = j;
	return true;
}

/* ---- CDT / bit / HLL calls ------------------------------------------------- */

static bool policy_values(const node* nd, long long* a, long long* f, bool* present)
{
	*a = *f = 0;
	*present = false;
	PyObject* pol = fixed_get(nd, nd->op == X_LIST_CRMOD || nd->op == X_LIST_MOD ? "list_policy"
																			 : "map_policy");
	if (!pol || pol == Py_None || !PyDict_Check(pol)) {
		return true;
	}
	*present = true;
	const char* first = nd->op == X_LIST_CRMOD ? "list_order" : "map_order";
	const char* second = nd->op <= X_LIST_MOD ? "write_flags" : "map_write_flags";
	PyObject* v = PyDict_GetItemString(pol, first);
	if (v && v != Py_None) {
		*a = PyLong_AsLongLong(v);
	}
	v = PyDict_GetItemString(pol, second);
	if (v && v != Py_None) {
		*f = PyLong_AsLongLong(v);
	}
	v = PyDict_GetItemString(pol, "persist_index");
	if (nd->op >= X_MAP_CRMOD && v && PyObject_IsTrue(v)) {
		*a |= 0x10;
	}
	if (PyErr_Occurred()) {
		PyErr_Clear();
		raise_param("Expression CDT policy values must be integers");
		return false;
	}
	return true;
}

/* Packs the arguments of a CALL payload (children except the bin). */
static bool pack_call_args(walker* w, as_buf* args, Py_ssize_t* starts, long n_args)
{
	for (long c = 0; c < n_args; c++) {
		node nd;
		if (!read_node(w, starts[c], &nd)) {
			return false;
		}
		if (nd.op >= X_LIST_CRMOD && nd.op <= X_MAP_MOD) {
			long long a, f;
			bool present;
			if (!policy_values(&nd, &a, &f, &present)) {
				return false;
			}
			if (present) {
				if (nd.op != X_LIST_MOD && nd.op != X_MAP_MOD) {
					as_pack_int64(args, a);
				}
				if (nd.op != X_MAP_CR) {
					as_pack_int64(args, f);
				}
			}
			continue;
		}
		as_buf* saved = w->b;
		w->b = args;
		Py_ssize_t i = starts[c];
		bool ok = pack_at(w, &i);
		w->b = saved;
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* Return types that select several elements. */
static bool multi_result(const cdt_def* d)
{
	static const uint8_t list_multi[] = {22, 23, 24, 25, 26, 27, 35, 36, 37, 38, 39, 40};
	static const uint8_t map_multi[] = {81, 82, 83, 84, 85, 86, 87, 88, 89, 102, 103, 104, 105,
		106, 107, 108, 109, 110};
	const uint8_t* set = d->family == FAM_LIST ? list_multi : map_multi;
	size_t n = d->family == FAM_LIST ? sizeof(list_multi) : sizeof(map_multi);
	for (size_t i = 0; i < n; i++) {
		if (set[i] == d->code) {
			return true;
		}
	}
	return false;
}

static long call_result_type(const cdt_def* d, const node* nd)
{
	if (nd->rt != Py_None && PyLong_Check(nd->rt)) {
		return PyLong_AsLong(nd->rt);
	}
	if (d->modify) {
		static const long container[] = {T_LIST, T_MAP, T_BLOB, T_HLL};
		return container[d->family];
	}
	PyObject* rt_obj = fixed_get(nd, "return_type");
	if (!rt_obj) {
		switch (d->family) {
		case FAM_BIT:
			return d->code == 50 ? T_BLOB : T_INT;
		case FAM_HLL:
			return d->code == 51 ? T_HLL : d->code == 54 ? T_FLOAT : d->code == 55 ? T_LIST : T_INT;
		default: {
			PyObject* vt = fixed_get(nd, "value_type");
			return vt && PyLong_Check(vt) ? PyLong_AsLong(vt) : T_INT;
		}
		}
	}
	long rt = PyLong_AsLong(rt_obj) & ~0x10000L;
	bool multi = multi_result(d);
	switch (rt) {
	case 1: case 2: case 3: case 4: /* index, reverse index, rank, reverse rank */
		return multi ? T_LIST : T_INT;
	case 5: /* count */
		return T_INT;
	case 6: case 7: { /* key, value */
		PyObject* vt = fixed_get(nd, "value_type");
		if (multi) {
			return T_LIST;
		}
		return vt && PyLong_Check(vt) ? PyLong_AsLong(vt) : T_LIST;
	}
	case 8: case 16: case 17: /* key-value, unordered map, ordered map */
		return T_MAP;
	case 13: /* exists */
		return T_BOOL;
	default:
		return T_NIL;
	}
}

static bool pack_call(walker* w, const node* nd, const cdt_def* d, Py_ssize_t first_child)
{
	if (nd->n < 1) {
		raise_param("Expression operation %ld lacks its bin", nd->op);
		return false;
	}
	Py_ssize_t* starts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(nd->n + 1));
	if (!starts) {
		PyErr_NoMemory();
		return false;
	}
	bool ok = child_starts(w, first_child, nd->n, starts);
	uint8_t stack[512];
	as_buf args;
	as_buf_init(&args, stack, sizeof(stack));
	if (ok) {
		/* Ops selecting by a return type always send one (NONE when the
		 * class takes none, as the remove-by-key ones). */
		PyObject* rt = fixed_get(nd, "return_type");
		if (rt) {
			as_pack_int64(&args, PyLong_AsLongLong(rt));
		}
		else if (d->args[0] == A_RT) {
			as_pack_int64(&args, 0);
		}
		PyObject* order = fixed_get(nd, "list_order");
		if (order && PyLong_Check(order)) {
			as_pack_int64(&args, PyLong_AsLongLong(order));
		}
		ok = !PyErr_Occurred() && pack_call_args(w, &args, starts, nd->n - 1);
	}
	if (ok) {
		as_buf* b = w->b;
		int system = d->family == FAM_BIT ? 1 : d->family == FAM_HLL ? 2 : 0;
		if (d->modify) {
			system |= 0x40;
		}
		as_pack_array_header(b, 5);
		as_pack_int64(b, W_CALL);
		as_pack_int64(b, call_result_type(d, nd));
		as_pack_int64(b, system);
		PyObject* ctx = fixed_get(nd, "ctx");
		if (ctx && ctx != Py_None) {
			as_pack_array_header(b, 3);
			as_pack_int64(b, 0xff);
			ok = ctx_pack(b, ctx, NULL);
		}
		if (ok) {
			as_pack_array_header(b, 1 + as_unpack_count(args.data, args.len));
			as_pack_int64(b, d->code);
			as_pack_raw(b, args.data, args.len);
			Py_ssize_t i = starts[nd->n - 1];
			ok = pack_at(w, &i);
		}
	}
	as_buf_destroy(&args);
	PyMem_Free(starts);
	return ok;
}

/* SelectByPath / ModifyByPath (operations.md 3j). */
static bool pack_path_call(walker* w, const node* nd, Py_ssize_t first_child)
{
	bool apply = nd->op == X_CALL_APPLY;
	PyObject* ctx = fixed_get(nd, "ctx");
	PyObject* flags = fixed_get(nd, "cdt_flags");
	PyObject* vt = fixed_get(nd, "value_type");
	if (!ctx || !flags || !vt || nd->n != 1) {
		raise_param("Path expression is malformed");
		return false;
	}
	long long f = PyLong_AsLongLong(flags);
	as_buf* b = w->b;
	as_pack_array_header(b, 5);
	as_pack_int64(b, W_CALL);
	as_pack_int64(b, PyLong_AsLongLong(vt));
	as_pack_int64(b, apply ? 0x40 : 0);
	as_pack_array_header(b, apply ? 4 : 3);
	as_pack_int64(b, 0xfe);
	if (!ctx_pack(b, ctx, NULL)) {
		return false;
	}
	as_pack_int64(b, apply ? (f | 4) : f);
	if (apply) {
		PyObject* mod = fixed_get(nd, "mod_exp");
		if (!mod || !expr_pack(b, mod)) {
			if (!PyErr_Occurred()) {
				raise_param("ModifyByPath needs a compiled mod_exp");
			}
			return false;
		}
	}
	Py_ssize_t i = first_child;
	return !PyErr_Occurred() && pack_at(w, &i);
}

/* ---- generic nodes ----------------------------------------------------------- */

static long meta_wire(long op)
{
	switch (op) {
	case 67: return 68; /* VoidTime */
	case 68: return 69; /* TTL */
	case 69: return 70; /* SetName */
	case 70: return 71; /* KeyExists */
	case 71: return 67; /* SinceUpdateTime */
	default: return op;
	}
}

/* [op, children...] with END markers dropped and DEF pairs flattened. */
static bool pack_generic(walker* w, long wire, const node* nd, Py_ssize_t first)
{
	Py_ssize_t* starts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(nd->n + 1));
	if (!starts) {
		PyErr_NoMemory();
		return false;
	}
	bool ok = child_starts(w, first, nd->n, starts);
	uint32_t count = 1;
	for (long c = 0; ok && c < nd->n; c++) {
		node ch;
		ok = read_node(w, starts[c], &ch);
		if (ok) {
			count += ch.op == X_END ? 0 : ch.op == X_DEF ? 2 : 1;
		}
	}
	if (ok) {
		as_pack_array_header(w->b, count);
		as_pack_int64(w->b, wire);
		for (long c = 0; ok && c < nd->n; c++) {
			node ch;
			read_node(w, starts[c], &ch);
			if (ch.op == X_END) {
				continue;
			}
			Py_ssize_t i = starts[c];
			if (ch.op == X_DEF) {
				ok = pack_name(w->b, fixed_get(&ch, "val"), "variable name");
				i = starts[c] + 1;
				if (ok && ch.n != 1) {
					raise_param("Def must hold one expression");
					ok = false;
				}
			}
			ok = ok && pack_at(w, &i);
		}
	}
	PyMem_Free(starts);
	return ok;
}

static bool pack_at(walker* w, Py_ssize_t* i)
{
	node nd;
	if (!read_node(w, *i, &nd)) {
		return false;
	}
	Py_ssize_t first = *i + 1;
	Py_ssize_t next = skip(w, *i, w->depth);
	if (next < 0) {
		return false;
	}
	*i = next;
	as_buf* b = w->b;
	if (++w->depth > 256) {
		raise_param("Compiled expression is nested too deeply");
		return false;
	}
	bool ok = true;
	const cdt_def* d;
	switch (nd.op) {
	case X_VAL:
	case X_AS_VAL: {
		PyObject* v = fixed_get(&nd, "val");
		if (!v) {
			raise_param("Expression value node lacks its value");
			ok = false;
		}
		else {
			ok = pack_literal(b, v);
		}
		break;
	}
	case X_TRUE:
	case X_FALSE:
		as_pack_bool(b, nd.op == X_TRUE);
		break;
	case X_BIT_FLAGS:
		ok = pack_int_fixed(b, &nd, "val", "flags");
		break;
	case X_UNKNOWN:
	case X_REMOVE_RESULT:
		as_pack_array_header(b, 1);
		as_pack_int64(b, nd.op);
		break;
	case X_BIN:
		as_pack_array_header(b, 3);
		as_pack_int64(b, X_BIN);
		as_pack_int64(b, PyLong_AsLong(nd.rt));
		ok = !PyErr_Occurred() && pack_name(b, fixed_get(&nd, "bin"), "bin name");
		break;
	case X_BIN_TYPE:
		as_pack_array_header(b, 2);
		as_pack_int64(b, X_BIN_TYPE);
		ok = pack_name(b, fixed_get(&nd, "bin"), "bin name");
		break;
	case X_BIN_EXISTS:
		as_pack_array_header(b, 3);
		as_pack_int64(b, W_NE);
		as_pack_array_header(b, 2);
		as_pack_int64(b, W_BIN_TYPE);
		ok = pack_name(b, fixed_get(&nd, "bin"), "bin name");
		as_pack_int64(b, 0);
		break;
	case X_KEY:
		as_pack_array_header(b, 2);
		as_pack_int64(b, X_KEY);
		as_pack_int64(b, PyLong_AsLong(nd.rt));
		ok = !PyErr_Occurred();
		break;
	case X_DIGEST_MOD:
		as_pack_array_header(b, 2);
		as_pack_int64(b, X_DIGEST_MOD);
		ok = pack_int_fixed(b, &nd, "val", "modulus");
		break;
	case X_VAR:
		as_pack_array_header(b, 2);
		as_pack_int64(b, X_VAR);
		ok = pack_name(b, fixed_get(&nd, "val"), "variable name");
		break;
	case X_CMP_REGEX: {
		as_pack_array_header(b, 4);
		as_pack_int64(b, X_CMP_REGEX);
		ok = pack_int_fixed(b, &nd, "regex_options", "regex options") &&
			pack_name(b, fixed_get(&nd, "val"), "regex");
		Py_ssize_t c = first;
		ok = ok && nd.n == 1 && pack_at(w, &c);
		break;
	}
	case X_CALL_SELECT:
	case X_CALL_APPLY:
		ok = pack_path_call(w, &nd, first);
		break;
	default:
		if (nd.op >= 65 && nd.op <= X_RECORD_SIZE) {
			as_pack_array_header(b, 1);
			as_pack_int64(b, meta_wire(nd.op));
		}
		else if (nd.op >= X_LOOPVAR_FIRST && nd.op <= X_LOOPVAR_LAST) {
			/* [122, value type, variable id]; the op code says the type. */
			static const uint8_t loopvar_type[] = {T_FLOAT, T_INT, T_LIST, T_MAP, T_STR, T_BLOB,
				T_BOOL, T_NIL, T_GEO, T_HLL};
			as_pack_array_header(b, 3);
			as_pack_int64(b, W_LOOPVAR);
			as_pack_int64(b, loopvar_type[nd.op - X_LOOPVAR_FIRST]);
			ok = pack_int_fixed(b, &nd, "val", "loop variable id");
		}
		else if (nd.op >= 1000 && (d = cdt_lookup(nd.op)) != NULL) {
			ok = pack_call(w, &nd, d, first);
		}
		else if (nd.op > 0 && nd.op < 128) {
			ok = pack_generic(w, nd.op, &nd, first);
		}
		else {
			raise_param("Unknown expression op %ld", nd.op);
			ok = false;
		}
	}
	w->depth--;
	return ok;
}

bool expr_pack(as_buf* b, PyObject* compiled)
{
	if (!PyList_Check(compiled) || PyList_GET_SIZE(compiled) == 0) {
		raise_param("expressions must be a compiled expression (the list compile() returns)");
		return false;
	}
	walker w = {compiled, PyList_GET_SIZE(compiled), b, 0};
	Py_ssize_t i = 0;
	if (!pack_at(&w, &i)) {
		return false;
	}
	if (i != w.size) {
		raise_param("Compiled expression has trailing nodes");
		return false;
	}
	return true;
}

/* ---- contexts -------------------------------------------------------------------- */

static bool ctx_item(as_buf* b, PyObject* item, int extra_flag, const value_ctx* vc)
{
	PyObject* id_obj = PyObject_GetAttr(item, g_str.id);
	if (!id_obj) {
		PyErr_Clear();
		raise_param("ctx items must be cdt_ctx objects");
		return false;
	}
	long id = PyLong_AsLong(id_obj);
	Py_DECREF(id_obj);
	if (id == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		raise_param("ctx item id must be an integer");
		return false;
	}
	PyObject* value = PyObject_GetAttr(item, g_str.value);
	PyObject* extra = value ? PyObject_GetAttr(item, g_str.extra_args) : NULL;
	if (!extra) {
		Py_XDECREF(value);
		PyErr_Clear();
		raise_param("ctx items must be cdt_ctx objects");
		return false;
	}
	bool ok = true;
	long type = id;
	PyObject* exp = NULL;
	if (id == 20 || id == 36) {
		long long order = 0;
		bool pad = false;
		if (PyDict_Check(extra)) {
			PyObject* o = PyDict_GetItem(extra, g_str.order_key);
			PyObject* p = PyDict_GetItem(extra, g_str.pad_key);
			order = o && PyLong_Check(o) ? PyLong_AsLongLong(o) : 0;
			pad = p && PyObject_IsTrue(p);
		}
		if (id == 20) {
			type = 0x10 | (order == 1 ? 0xc0 : pad ? 0x80 : 0x40);
		}
		else {
			type = 0x22 | (order == 3 ? 0xc0 : order == 1 ? 0x80 : 0x40);
		}
	}
	else if ((id & ~0x200) == 4) { /* an expression context, or its AND form */
		if (PyDict_Check(extra)) {
			exp = PyDict_GetItem(extra, g_str.filter_expr);
		}
	}
	as_pack_int64(b, type | extra_flag);
	if ((id & ~0x200) == 4) {
		if (exp && exp != Py_None) {
			ok = expr_pack(b, exp);
		}
		else {
			as_pack_bool(b, true);
		}
	}
	else {
		ok = pack_value(b, value, vc);
	}
	Py_DECREF(value);
	Py_DECREF(extra);
	return ok;
}

bool ctx_pack_with_create(as_buf* b, PyObject* ctx_list, int create_flag, const value_ctx* vc)
{
	if (!PyList_Check(ctx_list)) {
		raise_param("ctx must be a list of cdt_ctx objects");
		return false;
	}
	Py_ssize_t n = PyList_GET_SIZE(ctx_list);
	as_pack_array_header(b, (uint32_t)n * 2);
	for (Py_ssize_t i = 0; i < n; i++) {
		if (!ctx_item(b, PyList_GET_ITEM(ctx_list, i), i == n - 1 ? create_flag : 0, vc)) {
			return false;
		}
	}
	return true;
}

bool ctx_pack(as_buf* b, PyObject* ctx_list, const value_ctx* vc)
{
	return ctx_pack_with_create(b, ctx_list, 0, vc);
}

/* ---- module functions for base64 helpers --------------------------------------------- */

static PyObject* to_bytes(as_buf* b, bool ok)
{
	PyObject* out = ok ? PyBytes_FromStringAndSize((const char*)b->data, (Py_ssize_t)b->len) : NULL;
	as_buf_destroy(b);
	return out;
}

PyObject* py_pack_expression(PyObject* module, PyObject* compiled)
{
	(void)module;
	as_buf b;
	as_buf_init(&b, NULL, 0);
	return to_bytes(&b, expr_pack(&b, compiled));
}

PyObject* py_pack_ctx(PyObject* module, PyObject* ctx)
{
	(void)module;
	as_buf b;
	as_buf_init(&b, NULL, 0);
	return to_bytes(&b, ctx_pack(&b, ctx, NULL));
}
