/*
 * ops_cdt.c: list, map, bit, HLL and expression op dicts -> wire ops
 * (operations.md 1d-1h). The op's arguments are read from the dict as the
 * shared table (cdt_table.c) says, then packed as `[code, args...]`, or as
 * `[0xff, ctx, [code, args...]]` under a context (protocol.md 7c).
 */
#include "binding.h"
#include "cdt_table.h"

#define CTX_CREATE_LIST_UNORDERED 0x40
#define CTX_CREATE_LIST_UNBOUNDED 0x80
#define CTX_CREATE_LIST_ORDERED 0xc0

static PyObject* get(PyObject* op, PyObject* key)
{
	return PyDict_GetItemWithError(op, key);
}

static bool map_attr(PyObject* policy, long long* attr, long long* flags)
{
	long long persist = 0;
	if (!op_policy_int(policy, "map_order", attr, "map_policy") ||
		!op_policy_int(policy, "map_write_flags", flags, "map_policy") ||
		!op_policy_int(policy, "persist_index", &persist, "map_policy")) {
		return false;
	}
	if (persist) {
		*attr |= 0x10;
	}
	return true;
}

/* Packs one argument of an op dict. */
static bool pack_arg(as_buf* b, PyObject* op, cdt_arg arg, const value_ctx* vc)
{
	PyObject* v;
	long long n;
	bool present;
	switch (arg) {
	case A_END:
		return true;
	case A_RT: {
		if (!op_int(op, g_str.return_type, "return_type", true, &n, &present)) {
			return false;
		}
		PyObject* inv = get(op, g_str.inverted);
		if (inv && PyObject_IsTrue(inv)) {
			n |= 0x10000;
		}
		as_pack_int64(b, n);
		return true;
	}
	case A_VAL:
	case A_KEY:
		v = op_required(op, arg == A_VAL ? g_str.val : g_str.key, arg == A_VAL ? "val" : "key");
		return v && pack_value(b, v, vc);
	case A_INDEX:
	case A_RANK:
		if (!op_int(op, arg == A_INDEX ? g_str.index : g_str.rank,
				arg == A_INDEX ? "index" : "rank", true, &n, &present)) {
			return false;
		}
		as_pack_int64(b, n);
		return true;
	case A_VAL_COUNT:
	case A_VAL_COUNT_OPT:
		if (!op_int(op, g_str.val, "val", arg == A_VAL_COUNT, &n, &present)) {
			return false;
		}
		if (present) {
			as_pack_int64(b, n);
		}
		return true;
	case A_COUNT_OPT:
		v = get(op, g_str.count);
		if (!v) {
			return !PyErr_Occurred();
		}
		if (!PyLong_Check(v)) {
			raise_param("count must be an integer");
			return false;
		}
		if (!op_long(v, "count", &n)) {
			return false;
		}
		as_pack_int64(b, n);
		return true;
	case A_VALUE_LIST:
		v = op_required(op, g_str.value_list, "value_list");
		if (v && !PyList_Check(v)) {
			raise_param("value_list must be a list");
			return false;
		}
		return v && pack_value(b, v, vc);
	case A_BEGIN:
		v = get(op, g_str.value_begin);
		if (!v || v == Py_None) {
			as_pack_nil(b);
			return !PyErr_Occurred();
		}
		return pack_value(b, v, vc);
	case A_END_OPT:
		v = get(op, g_str.value_end);
		if (!v || v == Py_None) {
			return !PyErr_Occurred();
		}
		return pack_value(b, v, vc);
	case A_VAL_OR_NIL:
	case A_RANGE_OR_NIL:
		v = get(op, arg == A_VAL_OR_NIL ? g_str.val : g_str.range);
		if (!v) {
			as_pack_nil(b);
			return !PyErr_Occurred();
		}
		return pack_value(b, v, vc);
	case A_LIST_POLICY:
	case A_LIST_FLAGS: {
		PyObject* pol = get(op, g_str.list_policy);
		if (!pol || pol == Py_None) {
			return !PyErr_Occurred();
		}
		long long order, flags;
		if (!op_policy_int(pol, "list_order", &order, "list_policy") ||
			!op_policy_int(pol, "write_flags", &flags, "list_policy")) {
			return false;
		}
		if (arg == A_LIST_POLICY) {
			as_pack_int64(b, order);
		}
		as_pack_int64(b, flags);
		return true;
	}
	case A_LIST_ORDER:
		if (!op_int(op, g_str.list_order, "list_order", true, &n, &present)) {
			return false;
		}
		as_pack_int64(b, n);
		return true;
	case A_SORT_FLAGS:
		n = 0;
		if (!op_int(op, g_str.sort_flags, "sort_flags", false, &n, &present)) {
			return false;
		}
		as_pack_int64(b, n);
		return true;
	case A_MAP_PUT:
	case A_MAP_ATTR:
	case A_MAP_SET: {
		PyObject* pol = get(op, g_str.map_policy);
		if ((!pol || pol == Py_None) && arg == A_MAP_SET) {
			if (!PyErr_Occurred()) {
				raise_param("Operation missing required entry 'map_policy'");
			}
			return false;
		}
		long long attr, flags;
		if (!map_attr(pol, &attr, &flags)) {
			return false;
		}
		as_pack_int64(b, attr);
		if (arg == A_MAP_PUT && flags) {
			as_pack_int64(b, flags);
		}
		return true;
	}
	default:
		return bit_hll_arg(b, op, arg, vc);
	}
}

/* The flat context array, with the create flag of list_create/map_create
 * OR-ed into the last item. */
static bool pack_ctx_for(as_buf* b, PyObject* op, PyObject* ctx, const cdt_def* d,
	const value_ctx* vc)
{
	if (!d->create) {
		return ctx_pack(b, ctx, vc);
	}
	int flag = 0;
	if (d->family == FAM_LIST) {
		long long order = 0, pad = 0;
		bool present;
		if (!op_int(op, g_str.list_order, "list_order", false, &order, &present)) {
			return false;
		}
		PyObject* p = get(op, g_str.pad);
		pad = p && PyObject_IsTrue(p);
		flag = order == 1 ? CTX_CREATE_LIST_ORDERED
			: pad		   ? CTX_CREATE_LIST_UNBOUNDED
						   : CTX_CREATE_LIST_UNORDERED;
	}
	else {
		long long order = 0;
		bool present;
		if (!op_int(op, g_str.map_order, "map_order", false, &order, &present)) {
			return false;
		}
		flag = order == 3 ? 0xc0 : order == 1 ? 0x80 : 0x40;
	}
	return ctx_pack_with_create(b, ctx, flag, vc);
}

/* list_create / map_create: SET_TYPE with the order attribute. */
static bool pack_create_args(as_buf* b, PyObject* op, const cdt_def* d, bool top_level)
{
	long long order = 0, persist = 0;
	bool present;
	PyObject* order_key = d->family == FAM_LIST ? g_str.list_order : g_str.map_order;
	if (!op_int(op, order_key, d->family == FAM_LIST ? "list_order" : "map_order", true, &order,
			&present)) {
		return false;
	}
	PyObject* p = get(op, g_str.persist_index);
	persist = p && PyObject_IsTrue(p);
	as_pack_int64(b, order | (persist && top_level ? 0x10 : 0));
	return true;
}

bool cdt_payload(as_buf* b, PyObject* op, const cdt_def* d, const value_ctx* vc)
{
	PyObject* ctx = get(op, g_str.ctx);
	if (!ctx && PyErr_Occurred()) {
		return false;
	}
	bool has_ctx = ctx && ctx != Py_None;
	if (has_ctx && !PyList_Check(ctx)) {
		raise_param("ctx must be a list of cdt_ctx objects");
		return false;
	}
	if (has_ctx) {
		as_pack_array_header(b, 3);
		as_pack_int64(b, 0xff);
		if (!pack_ctx_for(b, op, ctx, d, vc)) {
			return false;
		}
	}
	/* Count the arguments first: optional ones may be left off. */
	uint8_t tmp_stack[512];
	as_buf args;
	as_buf_init(&args, tmp_stack, sizeof(tmp_stack));
	uint32_t n_args;
	bool ok = !d->create || pack_create_args(&args, op, d, !has_ctx);
	for (int i = 0; ok && i < CDT_MAX_ARGS && d->args[i] != A_END; i++) {
		ok = pack_arg(&args, op, (cdt_arg)d->args[i], vc);
	}
	if (ok) {
		/* An argument may stand for zero, one or two values. */
		n_args = as_unpack_count(args.data, args.len);
		as_pack_array_header(b, 1 + n_args);
		as_pack_int64(b, d->code);
		as_pack_raw(b, args.data, args.len);
	}
	as_buf_destroy(&args);
	return ok;
}

static bool expr_op(as_msg_builder* mb, PyObject* op, long code, ops_result* res)
{
	const char* name;
	Py_ssize_t len;
	if (!op_bin_name(op, true, &name, &len)) {
		return false;
	}
	PyObject* exp = op_required(op, g_str.expr, "expr");
	PyObject* flags = exp ? op_required(op, g_str.expr_flags, "expr_flags") : NULL;
	if (!flags) {
		return false;
	}
	long long f;
	if (!op_long(flags, "expr_flags", &f)) {
		return false;
	}
	bool write = code == 2201;
	as_msg_op_begin(mb, write ? AS_OP_EXP_MODIFY : AS_OP_EXP_READ, AS_PARTICLE_BLOB, name, (size_t)len);
	as_pack_array_header(mb->buf, 2);
	if (!expr_pack(mb->buf, exp)) {
		return false;
	}
	as_pack_int64(mb->buf, f);
	as_msg_op_end(mb);
	res->info2 |= AS_INFO2_RESPOND_ALL_OPS;
	if (write) {
		res->has_write = true;
	}
	else {
		res->has_read = true;
	}
	return true;
}

bool cdt_op_encode(as_msg_builder* mb, PyObject* op, long code, const value_ctx* vc,
	ops_result* res)
{
	if (code == 2200 || code == 2201) {
		return expr_op(mb, op, code, res);
	}
	const cdt_def* d = cdt_lookup(code);
	if (!d || (d->family == FAM_LIST && code >= 1034 && code <= 1040) ||
		(d->family == FAM_MAP && code >= 1132 && code <= 1143)) {
		raise_param("Invalid operation code %ld", code);
		return false;
	}
	const char* name;
	Py_ssize_t len;
	if (!op_bin_name(op, true, &name, &len)) {
		return false;
	}
	as_msg_op_begin(mb, cdt_wire_op(d), AS_PARTICLE_BLOB, name, (size_t)len);
	if (!cdt_payload(mb->buf, op, d, vc)) {
		return false;
	}
	as_msg_op_end(mb);
	if (d->family != FAM_LIST) {
		res->info2 |= AS_INFO2_RESPOND_ALL_OPS;
	}
	if (d->modify) {
		res->has_write = true;
	}
	else {
		res->has_read = true;
	}
	return true;
}
