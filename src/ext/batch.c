/*
 * batch.c: the batch commands of Client (batch_read, batch_operate,
 * batch_apply, batch_remove, batch_write) over the batch-index protocol
 * (protocol.md 9). Every command becomes a list of rows; rows are grouped
 * by the node of their partition, each node gets one batch message
 * (encoded and parsed by batch_wire.c), and the rows' results become
 * BatchRecords. A node with one row gets the
 * equivalent single-record command instead, as the reference client does.
 * In a transaction (the 'txn' key of the batch policy) the rows carry the
 * transaction's fields, the monitor hears of every write row first, and the
 * answers report versions back to the transaction.
 */
#include "batch.h"

/* ---- running -------------------------------------------------------------------- */

static void release_nodes(batch_cmd* cmd)
{
	for (Py_ssize_t i = 0; i < cmd->n; i++) {
		if (cmd->rows[i].node) {
			as_node_release(cmd->rows[i].node);
			cmd->rows[i].node = NULL;
		}
	}
}

/* A node with one row: the equivalent single-record command (in a
 * transaction, with the single-record command's monitor write and fields). */
static bool run_single(batch_cmd* cmd, batch_row* r)
{
	uint8_t req_stack[2048], resp_stack[2048], ops_stack[1024];
	as_buf req, resp, ops;
	as_buf_init(&req, req_stack, sizeof(req_stack));
	as_buf_init(&resp, resp_stack, sizeof(resp_stack));
	as_buf_init(&ops, ops_stack, sizeof(ops_stack));
	bool ok = false;
	ops_result res;
	uint16_t n_ops;
	py_policy p = r->pol;
	if (batch_row_ops(cmd, r, &ops, &n_ops, &res)) {
		as_msg_header hdr;
		batch_row_header(r, &hdr, &res);
		if (r->kind == ROW_REMOVE) {
			hdr.info2 &= (uint8_t)~AS_INFO2_RESPOND_ALL_OPS; /* as the reference's single remove */
		}
		p.cmd = cmd->parent.cmd;
		p.cmd.is_write = r->kind != ROW_READ && !(r->kind == ROW_WRITE && !res.has_write);
		if (p.txn && !txn_prepare(cmd->self, &r->key, &p)) {
			goto done;
		}
		hdr.transaction_ttl = as_command_server_timeout(&p.cmd);
		as_msg_builder mb;
		as_msg_begin(&mb, &req, &hdr);
		as_msg_field(&mb, AS_FIELD_NAMESPACE, r->key.ns, strlen(r->key.ns));
		as_msg_field(&mb, AS_FIELD_SET, r->key.set, r->key.set_len);
		as_msg_field(&mb, AS_FIELD_DIGEST, r->key.digest, 20);
		if (p.txn) {
			txn_put_fields(&mb, &r->key, &p, AS_TXN_PUT_ID | (p.cmd.is_write ? AS_TXN_PUT_DEADLINE : 0));
		}
		p.expressions = NULL; /* written by batch_row_fields, after the key */
		if (!r->pol.expressions) {
			r->pol.expressions = cmd->parent.expressions; /* the batch's filter */
		}
		if (r->pol.key == 1 && r->key.key_type && r->kind != ROW_READ) {
			as_msg_field_begin(&mb, AS_FIELD_KEY);
			as_buf_put_u8(&req, r->key.key_type);
			as_buf_put(&req, r->key.key_data, r->key.key_len);
			as_msg_field_end(&mb);
		}
		py_policy saved = r->pol;
		r->pol.key = 0; /* the key field is already written */
		bool fields_ok = batch_row_fields(cmd, r, &mb);
		r->pol = saved;
		if (fields_ok) {
			as_buf_put(&req, ops.data, ops.len);
			mb.n_ops = n_ops;
			if (!as_msg_end(&mb)) {
				raise_param("The record is too large to send");
			}
			else {
				as_msg m;
				/* command_run reports the reply to the transaction itself. */
				ok = command_run(cmd->self, &r->key, &p, &req, &resp, &m);
				if (ok) {
					batch_row_set_record(cmd, r, &m);
				}
			}
		}
	}
done:
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	as_buf_destroy(&ops);
	return ok;
}

/* Whether a row writes (a Write record whose ops only read does not). */
static bool row_writes(batch_cmd* cmd, const batch_row* r, bool* out)
{
	if (r->kind != ROW_WRITE) {
		*out = r->kind != ROW_READ;
		return true;
	}
	uint8_t stack[1024];
	as_buf ops;
	as_buf_init(&ops, stack, sizeof(stack));
	ops_result res;
	uint16_t n_ops;
	bool ok = batch_row_ops(cmd, r, &ops, &n_ops, &res);
	as_buf_destroy(&ops);
	*out = res.has_write;
	return ok;
}

/* A transaction's batch: every row's namespace checked, then the monitor
 * told of every write row (one append-items of their digests). */
static bool txn_begin_rows(batch_cmd* cmd)
{
	as_txn* txn = cmd->parent.txn;
	uint8_t* digests = PyMem_Malloc((size_t)(cmd->n ? cmd->n : 1) * 20);
	if (!digests) {
		PyErr_NoMemory();
		return false;
	}
	size_t n = 0;
	bool ok = true;
	for (Py_ssize_t i = 0; ok && i < cmd->n; i++) {
		batch_row* r = &cmd->rows[i];
		as_error err;
		as_error_reset(&err);
		if (as_txn_begin_command(txn, r->key.ns, &err) != 0) {
			raise_error(&err);
			ok = false;
		}
		else if ((ok = row_writes(cmd, r, &r->is_write)) && r->is_write) {
			memcpy(digests + 20 * n++, r->key.digest, 20);
		}
	}
	if (ok && n) {
		ok = txn_monitor_add(cmd->self, txn, &cmd->parent.cmd, digests, n, true);
	}
	PyMem_Free(digests);
	return ok;
}

/* Groups the rows by node and runs one batch message per node (in the
 * order each node first appears), or a single-record command for a node
 * with one row. */
static bool run_batch(batch_cmd* cmd)
{
	if (cmd->parent.txn && !txn_begin_rows(cmd)) {
		return false;
	}
	py_cluster* h = client_cluster(cmd->self);
	if (!h) {
		return false;
	}
	bool ok = true;
	as_error err;
	as_error_reset(&err);
	bool any_write = false;
	for (Py_ssize_t i = 0; i < cmd->n && ok; i++) {
		batch_row* r = &cmd->rows[i];
		bool write = r->kind != ROW_READ;
		any_write |= write;
		r->node = as_cluster_get_node(h->cluster, r->key.ns, as_partition_id(r->key.digest),
			cmd->parent.cmd.replica, 0, write, &err);
		if (!r->node) {
			ok = false;
		}
	}
	as_command_policy cp = cmd->parent.cmd;
	cp.is_write = any_write;
	uint8_t stack[8192];
	as_buf req, resp;
	as_buf_init(&req, stack, sizeof(stack));
	as_buf_init(&resp, NULL, 0);
	for (Py_ssize_t i = 0; i < cmd->n && ok; i++) {
		as_node* node = cmd->rows[i].node;
		if (cmd->rows[i].done) {
			continue;
		}
		bool first = true;
		Py_ssize_t count = 0;
		for (Py_ssize_t j = 0; j < cmd->n; j++) {
			if (cmd->rows[j].node == node) {
				first = first && j >= i;
				count++;
			}
		}
		if (!first) {
			continue;
		}
		if (count == 1) {
			ok = run_single(cmd, &cmd->rows[i]);
			continue;
		}
		req.len = 0;
		resp.len = 0;
		if (!batch_encode(cmd, node, &req)) {
			ok = false;
			break;
		}
		int rc;
		Py_BEGIN_ALLOW_THREADS
		rc = as_command_execute_stream(node, &cp, req.data, req.len, false, &resp, &err);
		Py_END_ALLOW_THREADS
		if (rc != 0 && cmd->parent.txn && err.in_doubt) {
			/* The node's write rows may have been applied. */
			for (Py_ssize_t j = 0; j < cmd->n; j++) {
				batch_row* r = &cmd->rows[j];
				if (r->node == node && !r->done && r->is_write) {
					as_txn_on_write_in_doubt(r->pol.txn, r->key.digest, r->key.set, r->key.set_len);
				}
			}
		}
		if (rc != 0 || !batch_parse_answer(cmd, &resp, &err)) {
			ok = false;
		}
	}
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	release_nodes(cmd);
	cluster_release(h);
	if (!ok && !PyErr_Occurred()) {
		raise_error(&err);
	}
	return ok;
}

/* ---- building rows from the Python arguments -------------------------------------- */

static void cmd_destroy(batch_cmd* cmd)
{
	release_nodes(cmd);
	for (Py_ssize_t i = 0; i < cmd->n; i++) {
		Py_CLEAR(cmd->rows[i].record);
		Py_CLEAR(cmd->rows[i].target);
		Py_CLEAR(cmd->rows[i].ops);
		Py_CLEAR(cmd->rows[i].args);
		Py_CLEAR(cmd->rows[i].module);
		Py_CLEAR(cmd->rows[i].function);
		Py_XDECREF(cmd->rows[i].key.obj);
	}
	PyMem_Free(cmd->rows);
	cmd->rows = NULL;
}

static bool cmd_init(batch_cmd* cmd, ClientObject* self, PyObject* policy, Py_ssize_t n)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->self = self;
	if (!policy_parse(&cmd->parent, &self->defaults[POL_BATCH], policy, "policy_batch")) {
		return false;
	}
	cmd->rows = PyMem_Calloc((size_t)(n ? n : 1), sizeof(batch_row));
	if (!cmd->rows) {
		PyErr_NoMemory();
		return false;
	}
	cmd->n = n;
	client_value_ctx(self, &cmd->vc, 0);
	client_decode_ctx(self, &cmd->parent, &cmd->dc);
	return true;
}

/* Parses row i's key (a new reference is kept in the row). */
static bool row_key(batch_row* r, PyObject* key)
{
	Py_INCREF(key);
	if (!key_parse(&r->key, key)) {
		Py_DECREF(key);
		r->key.obj = NULL;
		return false;
	}
	return true;
}

/* A row's policy: the kind's defaults under the call's dict, plus the
 * batch-wide settings the rows share (read modes come from the parent). */
static bool row_policy(batch_cmd* cmd, batch_row* r, int kind, PyObject* dict, const char* what)
{
	if (!policy_parse(&r->pol, &cmd->self->defaults[kind], dict, what)) {
		return false;
	}
	r->pol.txn = cmd->parent.txn; /* a row's own 'txn' is not used, as in the reference */
	bool own_read_mode = dict && PyDict_Check(dict) && PyDict_GetItemString(dict, "read_mode_ap");
	if (r->kind == ROW_READ && !own_read_mode) {
		r->pol.read_mode_ap = cmd->parent.read_mode_ap; /* the batch's read mode by default */
	}
	r->ttl = r->pol.ttl;
	return true;
}

static PyObject* keys_seq(PyObject* keys)
{
	if (!PyList_Check(keys) && !PyTuple_Check(keys)) {
		raise_param("keys must be a list of key tuples");
		return NULL;
	}
	return PySequence_Fast(keys, "keys");
}

/* BatchRecords(...) with one BatchRecord per row, or the filled-in input. */
static PyObject* build_result(batch_cmd* cmd, PyObject* records_obj)
{
	int overall = 0;
	PyObject* list = records_obj ? NULL : PyList_New(cmd->n);
	if (!records_obj && !list) {
		return NULL;
	}
	for (Py_ssize_t i = 0; i < cmd->n; i++) {
		batch_row* r = &cmd->rows[i];
		if (!r->done) {
			r->result = AS_ERR_NO_RESPONSE;
		}
		if (r->result != 0 && r->result != AS_ERR_RECORD_NOT_FOUND &&
			r->result != AS_ERR_FILTERED_OUT) {
			overall = -16; /* BATCH_FAILED: some record failed */
		}
		PyObject* obj = r->target;
		if (!obj) {
			PyObject* key = key_build(&r->key, r->key.user_key);
			obj = key ? PyObject_CallOneArg(g_types.batch_record, key) : NULL;
			Py_XDECREF(key);
			if (!obj) {
				Py_DECREF(list);
				return NULL;
			}
			PyList_SET_ITEM(list, i, obj);
		}
		PyObject* result = PyLong_FromLong(r->result);
		bool ok = result && PyObject_SetAttrString(obj, "result", result) == 0 &&
			PyObject_SetAttrString(obj, "record", r->record ? r->record : Py_None) == 0 &&
			PyObject_SetAttrString(obj, "in_doubt", r->in_doubt ? Py_True : Py_False) == 0;
		Py_XDECREF(result);
		if (!ok) {
			Py_XDECREF(list);
			return NULL;
		}
	}
	PyObject* out = records_obj ? Py_NewRef(records_obj) : PyObject_CallOneArg(g_types.batch_records, list);
	Py_XDECREF(list);
	if (cmd->server_error) {
		overall = cmd->server_error;
	}
	PyObject* code = out ? PyLong_FromLong(overall) : NULL;
	if (!code || PyObject_SetAttrString(out, "result", code) != 0) {
		Py_XDECREF(code);
		Py_XDECREF(out);
		return NULL;
	}
	Py_DECREF(code);
	return out;
}

/* Runs the rows and returns the result object (or NULL). */
static PyObject* finish(batch_cmd* cmd, PyObject* records_obj)
{
	PyObject* out = run_batch(cmd) ? build_result(cmd, records_obj) : NULL;
	cmd_destroy(cmd);
	return out;
}

PyObject* client_batch_read(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"keys", "bins", "policy", NULL};
	PyObject *keys, *bins = Py_None, *policy = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO:batch_read", kwlist, &keys, &bins,
			&policy)) {
		return NULL;
	}
	if (bins != Py_None && !PyList_Check(bins) && !PyTuple_Check(bins)) {
		return raise_param("bins must be a list of bin names");
	}
	PyObject* seq = keys_seq(keys);
	if (!seq) {
		return NULL;
	}
	batch_cmd cmd;
	bool ok = cmd_init(&cmd, self, policy, PySequence_Fast_GET_SIZE(seq));
	for (Py_ssize_t i = 0; ok && i < cmd.n; i++) {
		batch_row* r = &cmd.rows[i];
		r->kind = ROW_READ;
		r->read_all = bins == Py_None;
		r->header_only = bins != Py_None && PySequence_Size(bins) == 0;
		r->bins = bins != Py_None ? bins : NULL;
		r->same[0] = &cmd;
		ok = row_key(r, PySequence_Fast_GET_ITEM(seq, i));
		if (ok) {
			r->pol = cmd.parent;
			r->pol.expressions = NULL;
		}
	}
	Py_DECREF(seq);
	if (!ok) {
		cmd_destroy(&cmd);
		return NULL;
	}
	return finish(&cmd, NULL);
}

/* Shared by batch_operate, batch_apply and batch_remove: one row kind for
 * every key, with the policy of `kind`. */
static PyObject* same_rows(ClientObject* self, PyObject* keys, PyObject* policy_batch, int row_kind,
	int pol_kind, PyObject* row_policy_dict, const char* what, PyObject* ops, PyObject* ttl,
	PyObject* module, PyObject* function, PyObject* udf_args)
{
	PyObject* seq = keys_seq(keys);
	if (!seq) {
		return NULL;
	}
	batch_cmd cmd;
	bool ok = cmd_init(&cmd, self, policy_batch, PySequence_Fast_GET_SIZE(seq));
	for (Py_ssize_t i = 0; ok && i < cmd.n; i++) {
		batch_row* r = &cmd.rows[i];
		r->kind = row_kind;
		ok = row_key(r, PySequence_Fast_GET_ITEM(seq, i)) &&
			row_policy(&cmd, r, pol_kind, row_policy_dict, what);
		if (!ok) {
			break;
		}
		r->same[0] = &cmd;
		r->ops = Py_XNewRef(ops);
		r->module = Py_XNewRef(module);
		r->function = Py_XNewRef(function);
		r->args = Py_XNewRef(udf_args);
		if (ttl && ttl != Py_None) {
			long long t = PyLong_Check(ttl) ? PyLong_AsLongLong(ttl) : -1;
			if (!PyLong_Check(ttl) || t < INT32_MIN || t > (long long)UINT32_MAX) {
				PyErr_Clear();
				raise_param("ttl must be an integer");
				ok = false;
				break;
			}
			r->ttl = (uint32_t)t;
		}
		if (row_kind == ROW_REMOVE && row_policy_dict && PyDict_Check(row_policy_dict)) {
			ok = dict_get_u32(row_policy_dict, "generation", &r->gen, what);
		}
	}
	Py_DECREF(seq);
	if (!ok) {
		cmd_destroy(&cmd);
		return NULL;
	}
	return finish(&cmd, NULL);
}

PyObject* client_batch_operate(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"keys", "ops", "policy_batch", "policy_batch_write", "ttl", NULL};
	PyObject *keys, *ops, *pb = NULL, *pw = NULL, *ttl = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|OOO:batch_operate", kwlist, &keys, &ops, &pb,
			&pw, &ttl)) {
		return NULL;
	}
	if (!PyList_Check(ops) || PyList_GET_SIZE(ops) == 0) {
		return raise_param("ops must be a non-empty list of operations");
	}
	return same_rows(self, keys, pb, ROW_WRITE, POL_BATCH_WRITE, pw, "policy_batch_write", ops, ttl,
		NULL, NULL, NULL);
}

PyObject* client_batch_apply(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"keys", "module", "function", "args", "policy_batch",
		"policy_batch_apply", NULL};
	PyObject *keys, *module, *function, *udf_args, *pb = NULL, *pa = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|OO:batch_apply", kwlist, &keys, &module,
			&function, &udf_args, &pb, &pa)) {
		return NULL;
	}
	if (!PyUnicode_Check(module) || !PyUnicode_Check(function)) {
		return raise_param("module and function must be strings");
	}
	if (!PyList_Check(udf_args)) {
		return raise_param("args must be a list");
	}
	return same_rows(self, keys, pb, ROW_APPLY, POL_BATCH_APPLY, pa, "policy_batch_apply", NULL,
		NULL, module, function, udf_args);
}

PyObject* client_batch_remove(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"keys", "policy_batch", "policy_batch_remove", NULL};
	PyObject *keys, *pb = NULL, *pr = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO:batch_remove", kwlist, &keys, &pb, &pr)) {
		return NULL;
	}
	return same_rows(self, keys, pb, ROW_REMOVE, POL_BATCH_REMOVE, pr, "policy_batch_remove", NULL,
		NULL, NULL, NULL, NULL);
}

/* Reads an attribute of a batch record object (new reference; NULL when
 * absent, without an error). */
static PyObject* attr(PyObject* obj, const char* name)
{
	PyObject* v = PyObject_GetAttrString(obj, name);
	if (!v) {
		PyErr_Clear();
	}
	return v;
}

static bool write_row(batch_cmd* cmd, batch_row* r, PyObject* rec)
{
	PyObject* type = attr(rec, "_type");
	long kind = type && PyLong_Check(type) ? PyLong_AsLong(type) : -1;
	Py_XDECREF(type);
	static const int pol_kinds[] = {POL_BATCH_READ, POL_BATCH_WRITE, POL_BATCH_APPLY, POL_BATCH_REMOVE};
	static const char* const names[] = {"Read policy", "Write policy", "Apply policy",
		"Remove policy"};
	if (kind < 0 || kind > 3) {
		raise_param("batch_records may hold only Read, Write, Apply and Remove records");
		return false;
	}
	r->kind = (int)kind;
	r->target = Py_NewRef(rec);
	PyObject* key = attr(rec, "key");
	PyObject* policy = attr(rec, "policy");
	PyObject* meta = attr(rec, "meta");
	bool ok = key && row_key(r, key) && row_policy(cmd, r, pol_kinds[kind], policy, names[kind]);
	/* Only the identity of these objects is compared, so borrowing them for
	 * the batch's duration is enough: the record keeps them alive. */
	PyObject* ops_id = attr(rec, "ops");
	r->same[0] = ops_id;
	r->same[1] = policy;
	r->same[2] = meta;
	Py_XDECREF(ops_id);
	if (ok && (kind == ROW_WRITE || kind == ROW_READ)) {
		r->ops = attr(rec, "ops");
		if (r->ops == Py_None) {
			Py_CLEAR(r->ops);
		}
		if (kind == ROW_WRITE && (!r->ops || !PyList_Check(r->ops))) {
			raise_param("Write records need a list of operations");
			ok = false;
		}
		if (ok && kind == ROW_READ) {
			PyObject* all = attr(rec, "read_all_bins");
			r->read_all = all && PyObject_IsTrue(all);
			Py_XDECREF(all);
			r->header_only = !r->ops && !r->read_all;
		}
	}
	if (ok && kind == ROW_WRITE && meta && meta != Py_None) {
		ok = meta_parse(meta, &r->pol, &r->ttl, &r->gen);
	}
	if (ok && kind == ROW_REMOVE && policy && PyDict_Check(policy)) {
		ok = dict_get_u32(policy, "generation", &r->gen, names[kind]);
	}
	if (ok && kind == ROW_APPLY) {
		r->module = attr(rec, "module");
		r->function = attr(rec, "function");
		r->args = attr(rec, "args");
		if (!r->module || !PyUnicode_Check(r->module) || !r->function ||
			!PyUnicode_Check(r->function) || !r->args || !PyList_Check(r->args)) {
			raise_param("Apply records need a module, a function and a list of args");
			ok = false;
		}
	}
	Py_XDECREF(key);
	Py_XDECREF(policy);
	Py_XDECREF(meta);
	return ok;
}

PyObject* client_batch_write(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"batch_records", "policy_batch", NULL};
	PyObject *records, *pb = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:batch_write", kwlist, &records, &pb)) {
		return NULL;
	}
	PyObject* list = attr(records, "batch_records");
	if (!list || !PyList_Check(list)) {
		Py_XDECREF(list);
		return raise_param("batch_records must be a BatchRecords object");
	}
	batch_cmd cmd;
	bool ok = cmd_init(&cmd, self, pb, PyList_GET_SIZE(list));
	for (Py_ssize_t i = 0; ok && i < cmd.n; i++) {
		ok = write_row(&cmd, &cmd.rows[i], PyList_GET_ITEM(list, i));
	}
	Py_DECREF(list);
	if (!ok) {
		cmd_destroy(&cmd);
		return NULL;
	}
	return finish(&cmd, records);
}
