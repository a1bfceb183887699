/*
 * ops_cdt.c: list, map, bit, HLL and expression op dicts -> wire ops.
 */
#include "binding.h"

bool cdt_op_encode(as_msg_builder* mb, PyObject* op, long code, const value_ctx* vc,
	ops_result* res)
{
	(void)mb;
	(void)op;
	(void)vc;
	(void)res;
	raise_param("operation %ld is not supported yet", code);
	return false;
}
