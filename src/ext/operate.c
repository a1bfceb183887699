/*
 * operate.c: Client.operate() and Client.operate_ordered(): several ops on
 * one record in one request (protocol.md 12f, operations.md 1k). The op
 * dicts are encoded by ops.c; the header bits follow from which kinds of
 * op were present.
 */
#include "binding.h"

static PyObject* do_operate(ClientObject* self, PyObject* args, PyObject* kwargs, bool ordered)
{
	static char* kwlist[] = {"key", "list", "meta", "policy", NULL};
	PyObject *py_key_obj, *list, *meta = NULL, *py_pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, ordered ? "OO|OO:operate_ordered" : "OO|OO:operate",
			kwlist, &py_key_obj, &list, &meta, &py_pol)) {
		return NULL;
	}
	py_key k;
	py_policy p;
	uint32_t ttl, gen;
	if (!command_args(self, py_key_obj, POL_OPERATE, py_pol, meta, &k, &p, &ttl, &gen)) {
		return NULL;
	}
	if (!PyList_Check(list)) {
		return raise_param("list must be a list of operations");
	}
	value_ctx vc;
	client_value_ctx(self, &vc, 0);
	uint8_t req_stack[4096], resp_stack[4096];
	as_buf req, resp;
	as_buf_init(&req, req_stack, sizeof(req_stack));
	as_buf_init(&resp, resp_stack, sizeof(resp_stack));
	PyObject* result = NULL;

	/* The header depends on the ops, so encode them first into a scratch
	 * buffer, then write header, fields and the ops. */
	uint8_t ops_stack[2048];
	as_buf ops_buf;
	as_buf_init(&ops_buf, ops_stack, sizeof(ops_stack));
	as_msg_builder ob = {.buf = &ops_buf};
	ops_result res;
	if (!ops_encode(&ob, list, ordered, &vc, &res)) {
		goto done;
	}
	if (ob.n_ops == 0) {
		raise_param("No operations to perform");
		goto done;
	}
	as_msg_header h = {0};
	if (res.has_write) {
		header_for_write(&h, &p, res.has_touch_ttl && (!meta || meta == Py_None) ? res.ttl_from_touch : ttl, gen);
	}
	if (res.has_read) {
		header_for_read(&h, &p);
		if (!res.has_write) {
			h.record_ttl = (uint32_t)p.read_touch_ttl_percent;
		}
	}
	h.info1 |= res.info1;
	h.info2 |= res.info2;
	if ((h.info2 & AS_INFO2_RESPOND_ALL_OPS) && (h.info1 & AS_INFO1_GET_ALL)) {
		h.info2 &= (uint8_t)~AS_INFO2_RESPOND_ALL_OPS;
	}
	p.cmd.is_write = res.has_write;
	as_msg_builder mb;
	if (!record_begin(&mb, &req, &k, &p, &h, self)) {
		goto done;
	}
	as_buf_put(&req, ops_buf.data, ops_buf.len);
	mb.n_ops = ob.n_ops;
	if (ops_buf.oom || !as_msg_end(&mb)) {
		raise_param("The request is too large to send");
		goto done;
	}
	as_msg m;
	if (!command_run(self, &k, &p, &req, &resp, &m)) {
		goto done;
	}
	if (m.result_code != 0) {
		raise_result(&m, &k, false);
		goto done;
	}
	decode_ctx dc;
	client_decode_ctx(self, &p, &dc);
	result = reply_record(&k, k.user_key, &m, &dc, ordered ? REPLY_BINS_LIST : REPLY_BINS_DICT);

done:
	as_buf_destroy(&ops_buf);
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	return result;
}

PyObject* client_operate(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return do_operate(self, args, kwargs, false);
}

PyObject* client_operate_ordered(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return do_operate(self, args, kwargs, true);
}
