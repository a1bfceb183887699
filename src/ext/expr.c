/*
 * expr.c: compiled expressions (the flat list built by compile() in
 * aerospike_helpers.expressions) -> msgpack (protocol.md 8), and CDT
 * context lists -> the flat ctx array (7c). Called for filter fields,
 * expression ops, path ops and contexts of CDT ops.
 */
#include "binding.h"

bool expr_pack(as_buf* b, PyObject* compiled)
{
	(void)b;
	(void)compiled;
	raise_param("expressions are not supported yet");
	return false;
}

bool ctx_pack(as_buf* b, PyObject* ctx_list, const value_ctx* vc)
{
	(void)b;
	(void)ctx_list;
	(void)vc;
	raise_param("ctx is not supported yet");
	return false;
}
