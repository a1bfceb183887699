/*
 * command.c: what every single-record command shares: the header bits a
 * policy implies (protocol.md 3, 12), the meta dict, the leading fields
 * (with a transaction's), request compression, and running the request
 * through the core executor with the GIL released (a transaction hears of
 * the reply). Called by record.c, operate.c and batch.c.
 */
#include "binding.h"
#include <aerospike/as_crypto.h>
#include <zlib.h>

#define COMPRESS_THRESHOLD 128

bool meta_parse(PyObject* meta, const py_policy* p, uint32_t* ttl, uint32_t* gen)
{
	*ttl = p->ttl;
	*gen = 0;
	if (!meta || meta == Py_None) {
		return true;
	}
	if (!PyDict_Check(meta)) {
		raise_param("meta must be a dict");
		return false;
	}
	PyObject* v = PyDict_GetItemWithError(meta, g_str.ttl);
	if (v) {
		if (!PyLong_Check(v) || PyBool_Check(v)) {
			raise_param("meta: 'ttl' must be an integer");
			return false;
		}
		long long t = PyLong_AsLongLong(v);
		if (PyErr_Occurred() || t < INT32_MIN || t > (long long)UINT32_MAX) {
			PyErr_Clear();
			raise_param("meta: 'ttl' is out of range");
			return false;
		}
		uint32_t u = (uint32_t)t;
		if (u != 0xFFFFFFFDu) { /* TTL_CLIENT_DEFAULT keeps the policy ttl */
			*ttl = u;
		}
	}
	else if (PyErr_Occurred()) {
		return false;
	}
	v = PyDict_GetItemWithError(meta, g_str.gen);
	if (v) {
		if (!PyLong_Check(v) || PyBool_Check(v)) {
			raise_param("meta: 'gen' must be an integer");
			return false;
		}
		unsigned long long g = PyLong_AsUnsignedLongLong(v);
		if (PyErr_Occurred() || g > UINT32_MAX) {
			PyErr_Clear();
			raise_param("meta: 'gen' is out of range");
			return false;
		}
		*gen = (uint32_t)g;
	}
	else if (PyErr_Occurred()) {
		return false;
	}
	return true;
}

bool command_args(ClientObject* self, PyObject* key_obj, int kind, PyObject* policy,
	PyObject* meta, py_key* k, py_policy* p, uint32_t* ttl, uint32_t* gen)
{
	return key_parse(k, key_obj) && policy_parse(p, &self->defaults[kind], policy, "policy") &&
		meta_parse(meta, p, ttl, gen);
}

void header_for_write(as_msg_header* h, const py_policy* p, uint32_t ttl, uint32_t gen)
{
	h->info2 |= AS_INFO2_WRITE;
	if (p->gen == 1) {
		h->info2 |= AS_INFO2_GENERATION;
		h->generation = gen;
	}
	else if (p->gen == 2) {
		h->info2 |= AS_INFO2_GENERATION_GT;
		h->generation = gen;
	}
	if (p->durable_delete) {
		h->info2 |= AS_INFO2_DURABLE_DELETE;
	}
	switch (p->exists) {
	case 1:
		h->info2 |= AS_INFO2_CREATE_ONLY;
		break;
	case 2:
		h->info3 |= AS_INFO3_UPDATE_ONLY;
		break;
	case 3:
		h->info3 |= AS_INFO3_REPLACE_ONLY;
		break;
	case 4:
		h->info3 |= AS_INFO3_CREATE_OR_REPLACE;
		break;
	default:
		break;
	}
	if (p->commit_level == 1) {
		h->info3 |= AS_INFO3_COMMIT_MASTER;
	}
	if (p->on_locking_only) {
		h->info4 |= AS_INFO4_TXN_ON_LOCKING_ONLY;
	}
	h->record_ttl = ttl;
}

void header_for_read(as_msg_header* h, const py_policy* p)
{
	h->info1 |= AS_INFO1_READ;
	if (p->read_mode_ap == 1) {
		h->info1 |= AS_INFO1_READ_MODE_AP_ALL;
	}
	if (p->compress) {
		h->info1 |= AS_INFO1_COMPRESS_RESPONSE;
	}
	static const uint8_t sc_bits[] = {0, AS_INFO3_SC_READ_TYPE, AS_INFO3_SC_READ_RELAX,
		AS_INFO3_SC_READ_TYPE | AS_INFO3_SC_READ_RELAX};
	h->info3 |= sc_bits[p->read_mode_sc & 3];
}

bool record_begin(as_msg_builder* mb, as_buf* buf, const py_key* k, const py_policy* p,
	as_msg_header* h, ClientObject* self)
{
	if (p->txn && !txn_prepare(self, k, p)) {
		return false;
	}
	h->transaction_ttl = as_command_server_timeout(&p->cmd);
	as_msg_begin(mb, buf, h);
	as_msg_field(mb, AS_FIELD_NAMESPACE, k->ns, strlen(k->ns));
	as_msg_field(mb, AS_FIELD_SET, k->set, k->set_len);
	as_msg_field(mb, AS_FIELD_DIGEST, k->digest, 20);
	if (p->txn) {
		/* Writes always carry the deadline, 0 when the monitor gave none. */
		txn_put_fields(mb, k, p, AS_TXN_PUT_ID | (p->cmd.is_write ? AS_TXN_PUT_DEADLINE : 0));
	}
	if (p->key == 1 && k->key_type) {
		as_msg_field_begin(mb, AS_FIELD_KEY);
		as_buf_put_u8(buf, k->key_type);
		as_buf_put(buf, k->key_data, k->key_len);
		as_msg_field_end(mb);
	}
	if (p->expressions) {
		as_msg_field_begin(mb, AS_FIELD_FILTER);
		if (!expr_pack(buf, p->expressions)) {
			return false;
		}
		as_msg_field_end(mb);
	}
	return true;
}

/* Replaces req with its compressed form (protocol.md 1, type 4). */
static bool compress_request(as_buf* req)
{
	uLongf bound = compressBound((uLong)req->len);
	as_buf out;
	as_buf_init(&out, NULL, 0);
	if (!as_buf_reserve(&out, 16 + bound)) {
		PyErr_NoMemory();
		return false;
	}
	uLongf zlen = bound;
	if (compress2(out.data + 16, &zlen, req->data, (uLong)req->len, Z_BEST_SPEED) != Z_OK) {
		as_buf_destroy(&out);
		raise_code(AS_ERR_CLIENT, "Failed to compress the request");
		return false;
	}
	as_proto_write_header(out.data, AS_PROTO_TYPE_MSG_COMPRESSED, 8 + zlen);
	as_write_u64be(out.data + 8, req->len);
	out.len = 16 + zlen;
	as_buf_destroy(req);
	*req = out;
	return true;
}

py_cluster* client_cluster(ClientObject* self)
{
	py_cluster* h = self->holder;
	if (!h) {
		raise_code(AS_ERR_CLUSTER, "No connection to the cluster: call connect() first");
		return NULL;
	}
	atomic_fetch_add(&h->ref, 1);
	return h;
}

void cluster_release(py_cluster* h)
{
	if (atomic_fetch_sub(&h->ref, 1) == 1) {
		as_cluster_destroy(h->cluster);
		free(h);
	}
}

bool command_run(ClientObject* self, const py_key* k, const py_policy* p, as_buf* req,
	as_buf* resp, as_msg* msg)
{
	if (req->oom) {
		PyErr_NoMemory();
		return false;
	}
	if (p->compress && req->len > COMPRESS_THRESHOLD && !compress_request(req)) {
		return false;
	}
	py_cluster* h = client_cluster(self);
	if (!h) {
		return false;
	}
	as_error err;
	as_error_reset(&err);
	uint32_t pid = as_partition_id(k->digest);
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = as_command_execute(h->cluster, k->ns, pid, &p->cmd, req->data, req->len, resp, &err);
	cluster_release(h);
	Py_END_ALLOW_THREADS
	if (rc != 0) {
		if (p->txn && p->cmd.is_write && err.in_doubt) {
			as_txn_on_write_in_doubt(p->txn, k->digest, k->set, k->set_len);
		}
		raise_error(&err);
		return false;
	}
	if (as_msg_parse(msg, resp->data, resp->data + resp->len) == 0) {
		raise_code(AS_ERR_CLIENT, "Malformed reply from the server");
		return false;
	}
	if (p->txn) {
		as_txn_on_reply(p->txn, k->digest, k->set, k->set_len, p->cmd.is_write, msg);
	}
	return true;
}

void client_value_ctx(ClientObject* self, value_ctx* vc, int serializer_mode)
{
	vc->serializer = self->serializer;
	vc->serializer_mode = serializer_mode;
	vc->send_bool_as_int = self->send_bool_as_int;
}

void client_decode_ctx(ClientObject* self, const py_policy* p, decode_ctx* dc)
{
	dc->deserialize = p ? p->deserialize : true;
	dc->deserializer = self->deserializer;
}
