/*
 * as_txn_roll.c: the network steps of a multi-record transaction (as_txn.h):
 * the monitor write before a transaction's writes, and commit and abort with
 * their messages as the reference client sends them: verify-read of every
 * version read (a batch per node, or a single-record command for a node
 * with one key), the "fwd" mark on the monitor, roll-forward or roll-back
 * of every key written (the same way), and the monitor's delete.
 * Called by the binding with the GIL released.
 */
#include <aerospike/as_msgpack.h>
#include <aerospike/as_txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONITOR_SET "<ERO~MRT"
#define MONITOR_SET_LEN 8
#define ROW_FLAG_REPEAT 0x01
#define ROW_FLAGS_INFO_INFO4 0x12 /* info1..3 and info4 follow */
#define BATCH_FLAG_REPORT_ERROR 0x08

/* ---- helpers ------------------------------------------------------------------- */

/* What a transaction step reads from the transaction, under its lock. */
typedef struct txn_view {
	uint64_t id;
	char ns[AS_NS_MAX + 1];
	uint32_t timeout;
	uint32_t deadline;
	bool close; /* the monitor is deleted at the end: it exists and no write is in doubt */
} txn_view;

static void view_of(as_txn* t, txn_view* v)
{
	pthread_mutex_lock(&t->lock);
	v->id = t->id;
	memcpy(v->ns, t->ns, sizeof(v->ns));
	v->timeout = t->timeout;
	v->deadline = t->deadline;
	v->close = t->deadline != 0 && !t->write_in_doubt;
	pthread_mutex_unlock(&t->lock);
}

static void set_state(as_txn* t, int state, bool in_doubt)
{
	pthread_mutex_lock(&t->lock);
	t->state = state;
	t->in_doubt = in_doubt;
	pthread_mutex_unlock(&t->lock);
}

static void monitor_digest(uint64_t id, uint8_t out[AS_DIGEST_SIZE])
{
	as_digest_compute_int64(MONITOR_SET, MONITOR_SET_LEN, (int64_t)id, out);
}

static int server_error(as_error* err, int code)
{
	return as_error_set(err, code, "%s", as_status_text(code));
}

/* Runs a single-record request and parses the reply. */
static int run_single(as_cluster* c, const char* ns, const uint8_t* digest,
	const as_command_policy* p, as_buf* req, as_buf* resp, as_msg* m, as_error* err)
{
	if (req->oom) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	resp->len = 0;
	int rc = as_command_execute(c, ns, as_partition_id(digest), p, req->data, req->len, resp, err);
	if (rc != 0) {
		return rc;
	}
	if (as_msg_parse(m, resp->data, resp->data + resp->len) == 0) {
		return as_error_set(err, AS_ERR_CLIENT, "Malformed reply from the server");
	}
	return 0;
}

/* ---- the monitor --------------------------------------------------------------- */

int as_txn_monitor_add(as_cluster* c, as_txn* t, const as_command_policy* p, const uint8_t* digests,
	size_t n, bool batch, as_error* err)
{
	txn_view v;
	view_of(t, &v);
	uint8_t md[AS_DIGEST_SIZE];
	monitor_digest(v.id, md);
	uint8_t req_stack[2048], resp_stack[512];
	as_buf req, resp;
	as_buf_init(&req, req_stack, sizeof(req_stack));
	as_buf_init(&resp, resp_stack, sizeof(resp_stack));
	as_command_policy cp = *p;
	cp.is_write = true;
	as_msg_header h = {.info2 = AS_INFO2_WRITE, .record_ttl = v.timeout};
	h.transaction_ttl = as_command_server_timeout(&cp);
	as_msg_builder mb;
	as_msg_begin(&mb, &req, &h);
	as_msg_field(&mb, AS_FIELD_NAMESPACE, v.ns, strlen(v.ns));
	as_msg_field(&mb, AS_FIELD_SET, MONITOR_SET, MONITOR_SET_LEN);
	as_msg_field(&mb, AS_FIELD_DIGEST, md, AS_DIGEST_SIZE);
	if (v.deadline == 0) {
		/* The first write of the transaction creates the monitor with its id. */
		as_msg_op_begin(&mb, AS_OP_WRITE, AS_PARTICLE_INTEGER, "id", 2);
		as_buf_put_u64be(&req, v.id);
		as_msg_op_end(&mb);
	}
	/* keyds: an ordered list, add-unique | no-fail | partial (0x0d). */
	as_msg_op_begin(&mb, AS_OP_CDT_MODIFY, AS_PARTICLE_BLOB, "keyds", 5);
	as_pack_array_header(&req, 4);
	as_pack_int64(&req, batch ? 2 : 1); /* list append-items : append */
	if (batch) {
		as_pack_array_header(&req, (uint32_t)n);
	}
	for (size_t i = 0; i < n; i++) {
		as_pack_particle(&req, AS_PARTICLE_BLOB, digests + i * AS_DIGEST_SIZE, AS_DIGEST_SIZE);
	}
	as_pack_int64(&req, 1);
	as_pack_int64(&req, 0x0d);
	as_msg_op_end(&mb);
	int rc = as_msg_end(&mb) ? 0 : as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	as_msg m;
	if (rc == 0) {
		rc = run_single(c, v.ns, md, &cp, &req, &resp, &m, err);
	}
	if (rc == 0 && m.result_code != 0) {
		rc = server_error(err, m.result_code);
	}
	if (rc == 0) {
		const uint8_t* cur = m.fields;
		for (uint16_t i = 0; i < m.n_fields; i++) {
			as_msg_field_view f;
			as_msg_next_field(&cur, &f);
			if (f.type == AS_FIELD_TXN_DEADLINE && f.len == 4) {
				uint32_t d = (uint32_t)f.data[0] | ((uint32_t)f.data[1] << 8) |
					((uint32_t)f.data[2] << 16) | ((uint32_t)f.data[3] << 24);
				pthread_mutex_lock(&t->lock);
				t->deadline = d;
				pthread_mutex_unlock(&t->lock);
			}
		}
	}
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	return rc;
}

/* ---- verify and roll: one row per key ------------------------------------------ */

/* A key to verify or roll, with the version the transaction read (if any). */
typedef struct step_key {
	as_txn_key key;
	bool has_version;
	as_node* node;
} step_key;

/* The keys of one set (writes with the versions read of them), in order. */
static bool step_keys(as_txn* t, bool writes, step_key** out, size_t* n)
{
	pthread_mutex_lock(&t->lock);
	as_txn_keys* k = writes ? &t->writes : &t->reads;
	*n = k->n;
	*out = k->n ? calloc(k->n, sizeof(**out)) : NULL;
	bool ok = !k->n || *out;
	for (size_t i = 0; ok && i < k->n; i++) {
		step_key* s = &(*out)[i];
		s->key = k->items[i];
		if (writes) {
			as_txn_key* read = as_txn_keys_find(&t->reads, s->key.digest);
			s->has_version = read != NULL;
			s->key.version = read ? read->version : 0;
		}
		else {
			s->has_version = true;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

static void release_keys(step_key* keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (keys[i].node) {
			as_node_release(keys[i].node);
		}
	}
	free(keys);
}

/* What one kind of step sends. */
typedef struct step {
	uint8_t info1, info2, info3, info4;
	bool with_id; /* roll rows carry the id (and the deadline in batches) */
	bool is_write;
	const txn_view* v;
	const as_txn_policy* pol;
} step;

static as_txn_fields fields_of(const step* s, const step_key* k)
{
	as_txn_fields f = {.id = s->v->id,
		.deadline = s->v->deadline,
		.has_version = k->has_version,
		.version = k->key.version};
	return f;
}

/* The single-record form, for a node with one key. Returns 0 when the key
 * was verified or rolled (or is gone), *failed set when the server refused. */
static int step_single(as_cluster* c, const step* s, const step_key* k, bool* failed, as_error* err)
{
	uint8_t req_stack[512], resp_stack[512];
	as_buf req, resp;
	as_buf_init(&req, req_stack, sizeof(req_stack));
	as_buf_init(&resp, resp_stack, sizeof(resp_stack));
	as_command_policy cp = s->pol->cmd;
	cp.is_write = s->is_write;
	as_msg_header h = {.info1 = s->info1, .info2 = s->info2, .info3 = s->info3, .info4 = s->info4};
	h.transaction_ttl = as_command_server_timeout(&cp);
	as_msg_builder mb;
	as_msg_begin(&mb, &req, &h);
	as_msg_field(&mb, AS_FIELD_NAMESPACE, s->v->ns, strlen(s->v->ns));
	as_msg_field(&mb, AS_FIELD_SET, k->key.set, k->key.set_len);
	as_msg_field(&mb, AS_FIELD_DIGEST, k->key.digest, AS_DIGEST_SIZE);
	as_txn_fields f = fields_of(s, k);
	as_txn_put_fields(&mb, &f, s->with_id ? AS_TXN_PUT_ID : 0);
	as_msg_end(&mb);
	as_msg m;
	int rc = run_single(c, s->v->ns, k->key.digest, &cp, &req, &resp, &m, err);
	if (rc == 0 && m.result_code != 0 && m.result_code != AS_ERR_RECORD_NOT_FOUND) {
		*failed = true;
	}
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	return rc;
}

static bool same_row(const step_key* a, const step_key* b)
{
	return a->key.set_len == b->key.set_len &&
		memcmp(a->key.set, b->key.set, a->key.set_len) == 0 && a->has_version == b->has_version &&
		a->key.version == b->key.version;
}

/* One batch message for the keys of `node` (protocol.md 9a). */
static bool encode_batch(const step* s, const step_key* keys, size_t n, as_node* node, as_buf* out)
{
	as_msg_header h = {.info1 = AS_INFO1_BATCH, .transaction_ttl = s->pol->cmd.total_timeout};
	as_msg_builder mb;
	as_msg_begin(&mb, out, &h);
	as_msg_field_begin(&mb, AS_FIELD_BATCH_INDEX);
	size_t count_at = out->len;
	as_buf_put_u32be(out, 0);
	as_buf_put_u8(out, s->pol->batch_flags | BATCH_FLAG_REPORT_ERROR);
	uint32_t count = 0;
	const step_key* prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const step_key* k = &keys[i];
		if (k->node != node) {
			continue;
		}
		count++;
		as_buf_put_u32be(out, (uint32_t)i);
		as_buf_put(out, k->key.digest, AS_DIGEST_SIZE);
		if (prev && same_row(prev, k)) {
			as_buf_put_u8(out, ROW_FLAG_REPEAT);
			continue;
		}
		prev = k;
		as_buf_put_u8(out, ROW_FLAGS_INFO_INFO4);
		as_buf_put_u8(out, s->info1);
		as_buf_put_u8(out, s->info2);
		as_buf_put_u8(out, s->info3);
		as_buf_put_u8(out, s->info4);
		size_t counts_at = out->len;
		as_buf_put_u32be(out, 0);
		as_msg_builder rb = {.buf = out};
		as_msg_field(&rb, AS_FIELD_NAMESPACE, s->v->ns, strlen(s->v->ns));
		as_msg_field(&rb, AS_FIELD_SET, k->key.set, k->key.set_len);
		as_txn_fields f = fields_of(s, k);
		as_txn_put_fields(&rb, &f, s->with_id ? AS_TXN_PUT_ID | AS_TXN_PUT_DEADLINE_IF_SET : 0);
		if (!out->oom) {
			as_write_u16be(out->data + counts_at, rb.n_fields);
		}
	}
	if (!out->oom) {
		as_write_u32be(out->data + count_at, count);
	}
	as_msg_field_end(&mb);
	return as_msg_end(&mb);
}

/* The rows of a batch answer: any row other than OK or not-found fails the step. */
static int parse_batch(const as_buf* resp, bool* failed, as_error* err)
{
	const uint8_t* p = resp->data;
	const uint8_t* end = p + resp->len;
	while (p < end) {
		as_msg m;
		size_t used = as_msg_parse(&m, p, end);
		if (used == 0) {
			return as_error_set(err, AS_ERR_CLIENT, "Malformed batch answer");
		}
		p += used;
		if (m.h.info3 & AS_INFO3_LAST) {
			return m.result_code ? server_error(err, m.result_code) : 0;
		}
		if (m.result_code != 0 && m.result_code != AS_ERR_RECORD_NOT_FOUND) {
			*failed = true;
		}
	}
	return 0;
}

/* Runs a step over the keys: grouped by node (in the order each node first
 * appears), one batch per node, or a single-record command for a node with
 * one key. Returns the first command error; *failed tells a refused key. */
static int run_step(as_cluster* c, const step* s, step_key* keys, size_t n, bool* failed,
	as_error* err)
{
	*failed = false;
	for (size_t i = 0; i < n; i++) {
		keys[i].node = as_cluster_get_node(c, s->v->ns, as_partition_id(keys[i].key.digest),
			s->pol->cmd.replica, 0, s->is_write, err);
		if (!keys[i].node) {
			return err->code;
		}
	}
	as_command_policy cp = s->pol->cmd;
	cp.is_write = s->is_write;
	uint8_t stack[4096];
	as_buf req, resp;
	as_buf_init(&req, stack, sizeof(stack));
	as_buf_init(&resp, NULL, 0);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		as_node* node = keys[i].node;
		size_t count = 0;
		bool first = true;
		for (size_t j = 0; j < n; j++) {
			if (keys[j].node == node) {
				first = first && j >= i;
				count++;
			}
		}
		if (!first) {
			continue;
		}
		if (count == 1) {
			rc = step_single(c, s, &keys[i], failed, err);
			continue;
		}
		req.len = 0;
		resp.len = 0;
		if (!encode_batch(s, keys, n, node, &req) || req.oom) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Out of memory");
			break;
		}
		rc = as_command_execute_stream(node, &cp, req.data, req.len, false, &resp, err);
		if (rc == 0) {
			rc = parse_batch(&resp, failed, err);
		}
	}
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	return rc;
}

static int verify(as_cluster* c, as_txn* t, const txn_view* v, const as_txn_policy* pol,
	as_error* err)
{
	step_key* keys;
	size_t n;
	if (!step_keys(t, false, &keys, &n)) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	if (n == 0) {
		return 0;
	}
	step s = {.info1 = AS_INFO1_READ | AS_INFO1_GET_NO_BINS,
		.info3 = AS_INFO3_SC_READ_TYPE,
		.info4 = AS_INFO4_TXN_VERIFY_READ,
		.v = v,
		.pol = pol};
	bool failed;
	int rc = run_step(c, &s, keys, n, &failed, err);
	release_keys(keys, n);
	if (rc == 0 && failed) {
		rc = as_error_set(err, AS_ERR_TXN_FAILED, "One or more read keys failed to verify");
	}
	return rc;
}

static int roll(as_cluster* c, as_txn* t, const txn_view* v, const as_txn_policy* pol,
	uint8_t info4, as_error* err)
{
	step_key* keys;
	size_t n;
	if (!step_keys(t, true, &keys, &n)) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	if (n == 0) {
		return 0;
	}
	step s = {.info2 = AS_INFO2_WRITE | AS_INFO2_DURABLE_DELETE,
		.info4 = info4,
		.with_id = true,
		.is_write = true,
		.v = v,
		.pol = pol};
	bool failed;
	int rc = run_step(c, &s, keys, n, &failed, err);
	release_keys(keys, n);
	if (rc == 0 && failed) {
		rc = as_error_set(err, AS_ERR_TXN_FAILED, "One or more keys failed to %s",
			info4 == AS_INFO4_TXN_ROLL_FORWARD ? "roll forward" : "roll back");
	}
	return rc;
}

/* A write to the monitor record: the "fwd" mark, or its delete (close). */
static int monitor_write(as_cluster* c, const txn_view* v, const as_txn_policy* pol, bool close,
	as_error* err)
{
	uint8_t md[AS_DIGEST_SIZE];
	monitor_digest(v->id, md);
	uint8_t req_stack[256], resp_stack[256];
	as_buf req, resp;
	as_buf_init(&req, req_stack, sizeof(req_stack));
	as_buf_init(&resp, resp_stack, sizeof(resp_stack));
	as_command_policy cp = pol->cmd;
	cp.is_write = true;
	as_msg_header h = {.info2 = AS_INFO2_WRITE};
	if (close) {
		h.info2 |= AS_INFO2_DELETE | AS_INFO2_DURABLE_DELETE;
	}
	h.transaction_ttl = as_command_server_timeout(&cp);
	as_msg_builder mb;
	as_msg_begin(&mb, &req, &h);
	as_msg_field(&mb, AS_FIELD_NAMESPACE, v->ns, strlen(v->ns));
	as_msg_field(&mb, AS_FIELD_SET, MONITOR_SET, MONITOR_SET_LEN);
	as_msg_field(&mb, AS_FIELD_DIGEST, md, AS_DIGEST_SIZE);
	if (!close) {
		as_msg_op_begin(&mb, AS_OP_WRITE, AS_PARTICLE_BOOL, "fwd", 3);
		as_buf_put_u8(&req, 1);
		as_msg_op_end(&mb);
	}
	as_msg_end(&mb);
	as_msg m;
	int rc = run_single(c, v->ns, md, &cp, &req, &resp, &m, err);
	/* A mark the server already has (an earlier try got through) is a success. */
	if (rc == 0 && m.result_code != 0 && !(!close && m.result_code == AS_ERR_MRT_COMMITTED)) {
		rc = server_error(err, m.result_code);
	}
	as_buf_destroy(&req);
	as_buf_destroy(&resp);
	return rc;
}

/* ---- commit and abort ------------------------------------------------------------ */

/* Appends "\n<what>: <message of e>" to err's message. */
static void append_failure(as_error* err, const char* what, const as_error* e)
{
	size_t len = strlen(err->message);
	snprintf(err->message + len, sizeof(err->message) - len, "\n%s: %s", what, e->message);
}

int as_txn_commit(as_cluster* c, as_txn* t, const as_txn_policy* verify_pol,
	const as_txn_policy* roll_pol, int* status, as_error* err)
{
	int state = as_txn_state(t);
	txn_view v;
	view_of(t, &v);
	*status = AS_COMMIT_OK;
	if (state == AS_TXN_COMMITTED) {
		*status = AS_COMMIT_ALREADY_COMMITTED;
		return 0;
	}
	if (state == AS_TXN_ABORTED) {
		return as_error_set(err, AS_ERR_TXN_ALREADY_ABORTED, "Transaction already aborted");
	}
	if (state == AS_TXN_OPEN) {
		as_error verr;
		as_error_reset(&verr);
		if (verify(c, t, &v, verify_pol, &verr) != 0) {
			set_state(t, AS_TXN_ABORTED, false);
			as_error_set(err, verr.code, "Txn aborted:\nVerify failed: %s", verr.message);
			as_error e;
			as_error_reset(&e);
			if (roll(c, t, &v, roll_pol, AS_INFO4_TXN_ROLL_BACK, &e) != 0) {
				append_failure(err, "Rollback abandoned", &e);
			}
			else if (v.close && monitor_write(c, &v, roll_pol, true, &e) != 0) {
				append_failure(err, "Close abandoned", &e);
			}
			return err->code;
		}
		set_state(t, AS_TXN_VERIFIED, false);
	}
	if (v.deadline) {
		as_error merr;
		as_error_reset(&merr);
		if (monitor_write(c, &v, roll_pol, false, &merr) != 0) {
			bool was_in_doubt = as_txn_in_doubt(t);
			bool in_doubt = false;
			if (merr.code == AS_ERR_MRT_ABORTED) {
				set_state(t, AS_TXN_ABORTED, false);
			}
			else if (merr.in_doubt || was_in_doubt) {
				in_doubt = true;
				set_state(t, AS_TXN_COMMIT_FAILED, true);
			}
			else {
				set_state(t, AS_TXN_VERIFIED, false);
			}
			as_error_set(err, merr.code, "Txn aborted:\nMark roll forward abandoned: %s",
				merr.message);
			err->in_doubt = in_doubt;
			return err->code;
		}
	}
	set_state(t, AS_TXN_COMMITTED, false);
	as_error e;
	as_error_reset(&e);
	if (roll(c, t, &v, roll_pol, AS_INFO4_TXN_ROLL_FORWARD, &e) != 0) {
		*status = AS_COMMIT_ROLL_FORWARD_ABANDONED;
		return 0;
	}
	if (v.close && monitor_write(c, &v, roll_pol, true, &e) != 0) {
		*status = AS_COMMIT_CLOSE_ABANDONED;
	}
	return 0;
}

int as_txn_abort(as_cluster* c, as_txn* t, const as_txn_policy* roll_pol, int* status,
	as_error* err)
{
	int state = as_txn_state(t);
	*status = AS_ABORT_OK;
	switch (state) {
	case AS_TXN_COMMITTED:
		return as_error_set(err, AS_ERR_TXN_ALREADY_COMMITTED, "Transaction already committed");
	case AS_TXN_ABORTED:
		*status = AS_ABORT_ALREADY_ABORTED;
		return 0;
	case AS_TXN_COMMIT_FAILED:
		return as_error_set(err, AS_ERR_TXN_FAILED,
			"Abort not allowed because a commit already failed on this transaction with an "
			"in-doubt outcome");
	default:
		break;
	}
	txn_view v;
	view_of(t, &v);
	set_state(t, AS_TXN_ABORTED, false);
	as_error e;
	as_error_reset(&e);
	if (roll(c, t, &v, roll_pol, AS_INFO4_TXN_ROLL_BACK, &e) != 0) {
		*status = AS_ABORT_ROLL_BACK_ABANDONED;
		return 0;
	}
	if (v.close && monitor_write(c, &v, roll_pol, true, &e) != 0) {
		*status = AS_ABORT_CLOSE_ABANDONED;
	}
	return 0;
}
