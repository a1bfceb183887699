/*
 * batch_wire.c: the wire side of the batch commands (protocol.md 9):
 * encoding the rows a node gets into one batch message, with REPEAT rows,
 * and parsing the node's answer back into the rows. Used by batch.c.
 */
#include "batch.h"
#include <aerospike/as_crypto.h>

/* ---- row encoding -------------------------------------------------------------- */

/* The header bits of a row, as for the equivalent single-record command. */
void batch_row_header(const batch_row* r, as_msg_header* h, ops_result* res)
{
	memset(h, 0, sizeof(*h));
	switch (r->kind) {
	case ROW_READ:
		header_for_read(h, &r->pol);
		h->info1 &= (uint8_t)~AS_INFO1_COMPRESS_RESPONSE;
		if (r->read_all) {
			h->info1 |= AS_INFO1_GET_ALL;
		}
		else if (r->header_only) {
			h->info1 |= AS_INFO1_GET_NO_BINS;
		}
		h->record_ttl = (uint32_t)r->pol.read_touch_ttl_percent;
		break;
	case ROW_WRITE:
		if (res->has_write) {
			header_for_write(h, &r->pol, r->ttl, r->gen);
			h->info2 |= AS_INFO2_RESPOND_ALL_OPS;
		}
		if (res->has_read) {
			h->info1 |= AS_INFO1_READ;
			if (!res->has_write) {
				h->record_ttl = (uint32_t)r->pol.read_touch_ttl_percent;
			}
		}
		h->info1 |= res->info1;
		if (h->info1 & AS_INFO1_GET_ALL) {
			h->info2 &= (uint8_t)~AS_INFO2_RESPOND_ALL_OPS;
		}
		break;
	case ROW_APPLY:
		header_for_write(h, &r->pol, r->ttl, 0);
		h->info2 = AS_INFO2_WRITE | (r->pol.durable_delete ? AS_INFO2_DURABLE_DELETE : 0);
		h->info3 &= AS_INFO3_COMMIT_MASTER;
		break;
	case ROW_REMOVE:
		header_for_write(h, &r->pol, 0, r->gen);
		h->info2 |= AS_INFO2_DELETE | AS_INFO2_RESPOND_ALL_OPS;
		h->info2 &= (uint8_t)~AS_INFO2_CREATE_ONLY;
		h->info3 &= AS_INFO3_COMMIT_MASTER;
		h->info4 = 0;
		break;
	}
}

/* The ops of a row, into their own buffer (the header depends on them). */
bool batch_row_ops(batch_cmd* cmd, const batch_row* r, as_buf* ops, uint16_t* n_ops,
	ops_result* res)
{
	memset(res, 0, sizeof(*res));
	as_msg_builder ob = {.buf = ops};
	if (r->kind == ROW_WRITE || (r->kind == ROW_READ && r->ops)) {
		if (!ops_encode(&ob, r->ops, true, &cmd->vc, res)) {
			return false;
		}
		if (r->kind == ROW_READ && res->has_write) {
			raise_param("Read records may only contain read operations");
			return false;
		}
	}
	else if (r->kind == ROW_READ && r->bins) {
		PyObject* seq = PySequence_Fast(r->bins, "bins must be a list");
		if (!seq) {
			return false;
		}
		for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
			PyObject* name = PySequence_Fast_GET_ITEM(seq, i);
			Py_ssize_t len;
			const char* s = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &len) : NULL;
			if (!s) {
				Py_DECREF(seq);
				PyErr_Clear();
				raise_param("bins must be a list of bin names");
				return false;
			}
			as_msg_op_begin(&ob, AS_OP_READ, 0, s, (size_t)len);
			as_msg_op_end(&ob);
		}
		Py_DECREF(seq);
	}
	*n_ops = ob.n_ops;
	return true;
}

/* Fields after namespace and set: filter, key, UDF call. */
bool batch_row_fields(batch_cmd* cmd, const batch_row* r, as_msg_builder* mb)
{
	if (r->pol.expressions) {
		as_msg_field_begin(mb, AS_FIELD_FILTER);
		if (!expr_pack(mb->buf, r->pol.expressions)) {
			return false;
		}
		as_msg_field_end(mb);
	}
	if (r->pol.key == 1 && r->key.key_type && r->kind != ROW_READ) {
		as_msg_field_begin(mb, AS_FIELD_KEY);
		as_buf_put_u8(mb->buf, r->key.key_type);
		as_buf_put(mb->buf, r->key.key_data, r->key.key_len);
		as_msg_field_end(mb);
	}
	if (r->kind == ROW_APPLY) {
		Py_ssize_t ml, fl;
		const char* m = PyUnicode_AsUTF8AndSize(r->module, &ml);
		const char* f = m ? PyUnicode_AsUTF8AndSize(r->function, &fl) : NULL;
		if (!f) {
			return false;
		}
		as_msg_field(mb, AS_FIELD_UDF_PACKAGE_NAME, m, (size_t)ml);
		as_msg_field(mb, AS_FIELD_UDF_FUNCTION, f, (size_t)fl);
		as_msg_field_begin(mb, AS_FIELD_UDF_ARGLIST);
		if (!pack_value(mb->buf, r->args, &cmd->vc)) {
			return false;
		}
		as_msg_field_end(mb);
	}
	return true;
}

/* Rows built from the same objects (one call's ops and policy, or batch
 * records sharing theirs) may repeat each other, as the reference does. */
static bool same_sources(const batch_row* a, const batch_row* b)
{
	return a->kind == b->kind && a->same[0] == b->same[0] && a->same[1] == b->same[1] &&
		a->same[2] == b->same[2];
}

/* Appends one row of a batch message; `prev` is the body (from the row
 * flags on) of the previous row, `prev_row` that row: when this row comes
 * from the same sources and its body is the same, REPEAT is sent. */
static bool encode_row(batch_cmd* cmd, const batch_row* r, uint32_t index, as_buf* out,
	as_buf* prev, const batch_row** prev_row)
{
	uint8_t ops_stack[1024], body_stack[1024];
	as_buf ops, body;
	as_buf_init(&ops, ops_stack, sizeof(ops_stack));
	as_buf_init(&body, body_stack, sizeof(body_stack));
	bool ok = false;
	ops_result res;
	uint16_t n_ops;
	if (!batch_row_ops(cmd, r, &ops, &n_ops, &res)) {
		goto done;
	}
	as_msg_header h;
	batch_row_header(r, &h, &res);
	/* The body: flags, attributes, counts, fields, ops. A scratch builder
	 * counts the fields; its header is not part of the row. */
	bool is_read = r->kind == ROW_READ || (r->kind == ROW_WRITE && !res.has_write);
	uint8_t flags = is_read ? (ROW_FLAG_INFO | ROW_FLAG_TTL)
							: (ROW_FLAG_INFO | ROW_FLAG_GEN | ROW_FLAG_TTL);
	if (h.info4) {
		flags |= ROW_FLAG_INFO4;
	}
	as_buf_put_u8(&body, flags);
	as_buf_put_u8(&body, h.info1);
	as_buf_put_u8(&body, h.info2);
	as_buf_put_u8(&body, h.info3);
	if (flags & ROW_FLAG_INFO4) {
		as_buf_put_u8(&body, h.info4);
	}
	if (flags & ROW_FLAG_GEN) {
		as_buf_put_u16be(&body, (uint16_t)h.generation);
	}
	as_buf_put_u32be(&body, h.record_ttl);
	size_t counts_at = body.len;
	as_buf_put_u32be(&body, 0);
	as_msg_builder mb = {.buf = &body};
	as_msg_field(&mb, AS_FIELD_NAMESPACE, r->key.ns, strlen(r->key.ns));
	as_msg_field(&mb, AS_FIELD_SET, r->key.set, r->key.set_len);
	if (r->pol.txn) {
		/* A row's deadline only once the monitor has given one. */
		txn_put_fields(&mb, &r->key, &r->pol,
			AS_TXN_PUT_ID | (r->is_write ? AS_TXN_PUT_DEADLINE_IF_SET : 0));
	}
	if (!batch_row_fields(cmd, r, &mb)) {
		goto done;
	}
	as_buf_put(&body, ops.data, ops.len);
	if (body.oom || ops.oom) {
		PyErr_NoMemory();
		goto done;
	}
	as_write_u16be(body.data + counts_at, mb.n_fields);
	as_write_u16be(body.data + counts_at + 2, n_ops);

	as_buf_put_u32be(out, index);
	as_buf_put(out, r->key.digest, 20);
	if (*prev_row && same_sources(*prev_row, r) && prev->len == body.len &&
		memcmp(prev->data, body.data, body.len) == 0) {
		as_buf_put_u8(out, ROW_FLAG_REPEAT);
	}
	else {
		as_buf_put(out, body.data, body.len);
		prev->len = 0;
		as_buf_put(prev, body.data, body.len);
	}
	*prev_row = r;
	ok = true;

done:
	as_buf_destroy(&ops);
	as_buf_destroy(&body);
	return ok;
}

/* The batch message for the rows of one node. */
bool batch_encode(batch_cmd* cmd, as_node* node, as_buf* out)
{
	as_msg_header h = {.info1 = AS_INFO1_BATCH};
	if (cmd->parent.compress) {
		h.info1 |= AS_INFO1_COMPRESS_RESPONSE;
	}
	h.transaction_ttl = cmd->parent.cmd.total_timeout;
	as_msg_builder mb;
	as_msg_begin(&mb, out, &h);
	if (cmd->parent.expressions) {
		as_msg_field_begin(&mb, AS_FIELD_FILTER);
		if (!expr_pack(out, cmd->parent.expressions)) {
			return false;
		}
		as_msg_field_end(&mb);
	}
	as_msg_field_begin(&mb, AS_FIELD_BATCH_INDEX);
	size_t count_at = out->len;
	as_buf_put_u32be(out, 0);
	uint8_t parent_flags = PARENT_REPORT_ERROR_RECORD;
	if (cmd->parent.allow_inline) {
		parent_flags |= PARENT_ALLOW_INLINE;
	}
	if (cmd->parent.allow_inline_ssd) {
		parent_flags |= PARENT_ALLOW_INLINE_SSD;
	}
	if (cmd->parent.respond_all_keys) {
		parent_flags |= PARENT_RESPOND_ALL_KEYS;
	}
	as_buf_put_u8(out, parent_flags);
	uint8_t prev_stack[1024];
	as_buf prev;
	as_buf_init(&prev, prev_stack, sizeof(prev_stack));
	const batch_row* prev_row = NULL;
	bool ok = true;
	uint32_t count = 0;
	for (Py_ssize_t i = 0; ok && i < cmd->n; i++) {
		batch_row* r = &cmd->rows[i];
		if (r->node == node && !r->done) {
			ok = encode_row(cmd, r, (uint32_t)i, out, &prev, &prev_row);
			count++;
		}
	}
	as_buf_destroy(&prev);
	if (!ok) {
		return false;
	}
	if (!out->oom) {
		as_write_u32be(out->data + count_at, count);
	}
	as_msg_field_end(&mb);
	if (!as_msg_end(&mb)) {
		raise_param("The batch is too large to send");
		return false;
	}
	return true;
}

/* ---- answers ------------------------------------------------------------------- */

void batch_row_set_record(batch_cmd* cmd, batch_row* r, const as_msg* m)
{
	r->result = m->result_code;
	r->done = true;
	Py_CLEAR(r->record);
	if (m->result_code != 0) {
		return;
	}
	int bins_as = r->kind == ROW_READ && r->header_only ? REPLY_NO_BINS : REPLY_BINS_DICT;
	r->record = reply_record(&r->key, r->key.user_key, m, &cmd->dc, bins_as);
	if (!r->record) {
		r->result = AS_ERR_CLIENT;
		PyErr_Clear();
	}
}

/* Walks a node's answer (concatenated proto bodies). */
bool batch_parse_answer(batch_cmd* cmd, const as_buf* resp, as_error* err)
{
	const uint8_t* p = resp->data;
	const uint8_t* end = p + resp->len;
	while (p < end) {
		as_msg m;
		size_t n = as_msg_parse(&m, p, end);
		if (n == 0) {
			as_error_set(err, AS_ERR_CLIENT, "Malformed batch answer");
			return false;
		}
		p += n;
		if (m.h.info3 & AS_INFO3_LAST) {
			/* Without respond-all-keys the server stops at a failed row and
			 * says why here; the rows not answered keep "no response". */
			if (m.result_code != 0 && !cmd->server_error) {
				cmd->server_error = m.result_code;
			}
			return true;
		}
		uint32_t index = m.h.transaction_ttl;
		if (index < (uint32_t)cmd->n) {
			batch_row* r = &cmd->rows[index];
			batch_row_set_record(cmd, r, &m);
			if (r->pol.txn) {
				as_txn_on_reply(r->pol.txn, r->key.digest, r->key.set, r->key.set_len, r->is_write, &m);
			}
		}
	}
	return true;
}
