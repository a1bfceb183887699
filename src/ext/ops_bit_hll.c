/*
 * ops_bit_hll.c: the arguments of bit and HLL op dicts (operations.md 1f,
 * 1g), read with the reference binding's types: sizes are uint32, offsets
 * int64, `value` bytes for the byte-valued bit ops, HLL bit counts -1 when
 * unspecified. Called by ops_cdt.c for the table's A_BIT_* / A_HLL_* args.
 */
#include "binding.h"
#include "cdt_table.h"

/* An int entry; absent or None gives `dflt` unless required. */
static bool entry_int(PyObject* op, PyObject* key, const char* what, bool required,
	long long dflt, long long* out)
{
	bool present;
	*out = dflt;
	return op_int(op, key, what, required, out, &present);
}

static bool entry_u32(PyObject* op, PyObject* key, const char* what, long long* out)
{
	if (!entry_int(op, key, what, true, 0, out)) {
		return false;
	}
	if (*out < 0 || *out > UINT32_MAX) {
		raise_param("%s must be a non-negative 32-bit integer", what);
		return false;
	}
	return true;
}

/* The flags of an op's policy dict (`key` names the policy entry). */
static bool policy_flags(PyObject* op, PyObject* key, const char* flag_key, long long* out)
{
	PyObject* pol = PyDict_GetItemWithError(op, key);
	if (!pol && PyErr_Occurred()) {
		return false;
	}
	return op_policy_int(pol, flag_key, out, PyUnicode_AsUTF8(key));
}

bool bit_hll_arg(as_buf* b, PyObject* op, int arg, const value_ctx* vc)
{
	long long n;
	PyObject* v;
	switch (arg) {
	case A_BIT_OFF:
		if (!entry_int(op, g_str.bit_offset, "bit_offset", true, 0, &n)) {
			return false;
		}
		break;
	case A_BIT_SIZE:
		if (!entry_u32(op, g_str.bit_size, "bit_size", &n)) {
			return false;
		}
		break;
	case A_BYTE_OFF:
		if (!entry_int(op, g_str.byte_offset, "byte_offset", true, 0, &n)) {
			return false;
		}
		break;
	case A_BYTE_SIZE:
		if (!entry_u32(op, g_str.byte_size, "byte_size", &n)) {
			return false;
		}
		break;
	case A_BIT_BYTES: {
		long long size;
		if (!entry_u32(op, g_str.value_byte_size, "value_byte_size", &size)) {
			return false;
		}
		v = op_required(op, g_str.value, "value");
		if (!v) {
			return false;
		}
		const char* data;
		Py_ssize_t len;
		if (PyUnicode_Check(v) || !bytes_view(v, &data, &len)) {
			raise_param("value must be bytes or bytearray");
			return false;
		}
		if (size > len) {
			raise_param("value_byte_size %lld exceeds the length of value (%zd)", size, len);
			return false;
		}
		as_pack_particle(b, AS_PARTICLE_BLOB, data, (uint32_t)size);
		return true;
	}
	case A_BIT_POLICY:
		if (!policy_flags(op, g_str.policy, "bit_write_flags", &n)) {
			return false;
		}
		break;
	case A_RESIZE_FLAGS:
		if (!entry_int(op, g_str.resize_flags, "resize_flags", false, 0, &n)) {
			return false;
		}
		break;
	case A_BIT_INT:
		if (!entry_int(op, g_str.value, "value", true, 0, &n)) {
			return false;
		}
		break;
	case A_BIT_ACTION: {
		if (!entry_int(op, g_str.action, "action", true, 0, &n)) {
			return false;
		}
		PyObject* sign = PyDict_GetItemWithError(op, g_str.sign);
		if (sign && PyObject_IsTrue(sign)) {
			n |= 1;
		}
		break;
	}
	case A_BIT_SIGN_OPT: {
		PyObject* sign = PyDict_GetItemWithError(op, g_str.sign);
		if (sign && PyObject_IsTrue(sign)) {
			as_pack_int64(b, 1);
		}
		return !PyErr_Occurred();
	}
	case A_BIT_BOOL:
		v = op_required(op, g_str.value, "value");
		if (!v) {
			return false;
		}
		as_pack_bool(b, PyObject_IsTrue(v));
		return true;
	case A_HLL_LIST:
		v = op_required(op, g_str.value_list, "value_list");
		if (v && !PyList_Check(v)) {
			raise_param("value_list must be a list");
			return false;
		}
		return v && pack_value(b, v, vc);
	case A_HLL_IB:
		if (!entry_int(op, g_str.index_bit_count, "index_bit_count", false, -1, &n)) {
			return false;
		}
		break;
	case A_HLL_MH:
		if (!entry_int(op, g_str.mh_bit_count, "mh_bit_count", false, -1, &n)) {
			return false;
		}
		break;
	case A_HLL_FLAGS:
		if (!policy_flags(op, g_str.hll_policy, "flags", &n)) {
			return false;
		}
		break;
	default:
		raise_param("Unsupported operation argument");
		return false;
	}
	as_pack_int64(b, n);
	return true;
}
