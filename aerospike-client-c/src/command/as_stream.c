/*
 * as_stream.c: commands answered by a stream of messages (batches, scans,
 * queries): the request goes to one given node and every proto of the
 * answer is read until an AS_MSG with info3 LAST arrives (protocol 9b,
 * 10b). Each body goes to a sink: a buffer the binding walks later (batch),
 * or the binding itself, proto by proto (scans and queries, so a large
 * answer is never held whole).
 */
#include <aerospike/as_command.h>
#include <aerospike/as_metrics.h>
#include <aerospike/as_proto.h>
#include <stdlib.h>
#include <string.h>

/* True when the body ends the stream: it holds the LAST message or, for a
 * scan/query, a message with an error that is not a partition's status.
 * -1 when it is malformed. */
static int body_ends_stream(const uint8_t* p, const uint8_t* end, bool query)
{
	while (p < end) {
		as_msg m;
		size_t n = as_msg_parse(&m, p, end);
		if (n == 0) {
			return -1;
		}
		if (m.h.info3 & AS_INFO3_LAST) {
			return 1;
		}
		if (query && m.result_code != 0 && !(m.h.info3 & AS_INFO3_PARTITION_DONE)) {
			return 1;
		}
		p += n;
	}
	return 0;
}

/* A read-ahead buffer over the connection: a stream answer comes as many
 * small protos (a scan sends one per partition), so reading what the
 * kernel holds at once saves two recv calls per proto. */
typedef struct {
	as_socket* s;
	uint8_t* data;
	size_t cap;
	size_t start; /* first unread byte */
	size_t end;   /* end of the bytes read */
	uint32_t socket_timeout;
	uint64_t deadline;
} reader;

#define READ_AHEAD (64 * 1024)

/* Makes `need` unread bytes available at r->data + r->start. Each read is
 * bounded by the socket timeout (an idle server) and all of them by the
 * total deadline. */
static int reader_fill(reader* r, size_t need, as_error* err)
{
	if (r->end - r->start >= need) {
		return 0;
	}
	if (r->start + need > r->cap) {
		/* Move the unread bytes to the front, growing for a large proto. */
		size_t have = r->end - r->start;
		size_t cap = need > READ_AHEAD ? need : READ_AHEAD;
		if (cap > r->cap) {
			uint8_t* grown = malloc(cap);
			if (!grown) {
				return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
			}
			if (have > 0) { /* r->data is NULL before the first fill */
				memcpy(grown, r->data + r->start, have);
			}
			free(r->data);
			r->data = grown;
			r->cap = cap;
		}
		else {
			memmove(r->data, r->data + r->start, have);
		}
		r->start = 0;
		r->end = have;
	}
	while (r->end - r->start < need) {
		uint64_t limit = r->deadline;
		if (r->socket_timeout) {
			uint64_t idle = as_clock_ms() + r->socket_timeout;
			if (!limit || idle < limit) {
				limit = idle;
			}
		}
		size_t missing = need - (r->end - r->start);
		if (r->s->ssl) {
			/* TLS: read exactly what is missing (OpenSSL buffers records). */
			int rc = as_socket_read(r->s, r->data + r->end, missing, limit, err);
			if (rc != 0) {
				return rc;
			}
			r->end += missing;
			continue;
		}
		long n = as_socket_read_some(r->s, r->data + r->end, r->cap - r->end, limit, err);
		if (n < 0) {
			return err->code;
		}
		r->end += (size_t)n;
	}
	return 0;
}

/* The namespace field of a request (a scan or query has one), or "" (a
 * batch, whose rows name theirs): where its metrics are counted. */
static void request_ns(const uint8_t* req, size_t len, char* out, size_t cap)
{
	out[0] = '\0';
	uint8_t type;
	uint64_t size;
	as_msg m;
	if (len < AS_PROTO_HEADER_SIZE || !as_proto_parse_header(req, &type, &size) ||
		type != AS_PROTO_TYPE_MSG || size > len - AS_PROTO_HEADER_SIZE ||
		as_msg_parse(&m, req + AS_PROTO_HEADER_SIZE, req + AS_PROTO_HEADER_SIZE + size) == 0) {
		return;
	}
	const uint8_t* cursor = m.fields;
	for (uint16_t i = 0; i < m.n_fields; i++) {
		as_msg_field_view f;
		as_msg_next_field(&cursor, &f);
		if (f.type == AS_FIELD_NAMESPACE && f.len < cap) {
			memcpy(out, f.data, f.len);
			out[f.len] = '\0';
			return;
		}
	}
}

/* One attempt: send, then hand protos to the sink until the stream ends.
 * m is the namespace metrics of the command when metrics are on. */
static int stream_once(as_node* n, const uint8_t* req, size_t len, uint32_t socket_timeout,
	uint64_t deadline, bool query, as_stream_sink sink, void* udata, bool* sent, bool* delivered,
	as_ns_metrics* m, as_error* err)
{
	uint64_t begin = m ? as_metrics_now_ns() : 0;
	uint64_t connect_deadline = deadline;
	if (socket_timeout) {
		uint64_t idle = as_clock_ms() + socket_timeout;
		if (!connect_deadline || idle < connect_deadline) {
			connect_deadline = idle;
		}
	}
	as_socket s;
	int rc = as_node_get_connection(n, connect_deadline, &s, err);
	if (rc != 0) {
		as_metrics_count_error(m, rc);
		return rc;
	}
	if (m && s.opened_ns) {
		as_metrics_add_latency(n->cluster, m, AS_LATENCY_CONN, s.opened_ns);
	}
	*sent = true;
	if ((rc = as_socket_write(&s, req, len, connect_deadline, err)) != 0) {
		as_node_close_connection(n, &s);
		as_metrics_count_error(m, rc);
		return rc;
	}
	as_metrics_add_bytes(m, 0, len);
	reader r = {.s = &s, .socket_timeout = socket_timeout, .deadline = deadline};
	as_buf inflated;
	as_buf_init(&inflated, NULL, 0);
	for (;;) {
		uint8_t type;
		uint64_t size;
		if ((rc = reader_fill(&r, AS_PROTO_HEADER_SIZE, err)) != 0) {
			break;
		}
		if (!as_proto_parse_header(r.data + r.start, &type, &size) ||
			(type != AS_PROTO_TYPE_MSG && type != AS_PROTO_TYPE_MSG_COMPRESSED)) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Invalid proto header in a stream answer");
			break;
		}
		if ((rc = reader_fill(&r, AS_PROTO_HEADER_SIZE + size, err)) != 0) {
			break;
		}
		const uint8_t* body = r.data + r.start + AS_PROTO_HEADER_SIZE;
		r.start += AS_PROTO_HEADER_SIZE + size;
		as_metrics_add_bytes(m, AS_PROTO_HEADER_SIZE + size, 0);
		if (type == AS_PROTO_TYPE_MSG_COMPRESSED) {
			if ((rc = as_command_inflate(body, size, &inflated, err)) != 0) {
				break;
			}
			body = inflated.data;
			size = inflated.len;
		}
		int last = body_ends_stream(body, body + size, query);
		if (last < 0) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Malformed message in a stream answer");
			break;
		}
		*delivered = true;
		if ((rc = sink(udata, body, size, err)) != 0 || last) {
			break;
		}
	}
	free(r.data);
	as_buf_destroy(&inflated);
	if (rc == 0) {
		as_node_put_connection(n, &s);
		if (m) {
			as_metrics_add_latency(n->cluster, m, query ? AS_LATENCY_QUERY : AS_LATENCY_BATCH,
				as_metrics_now_ns() - begin);
		}
	}
	else {
		as_node_close_connection(n, &s);
		as_node_count_error(n, err->code);
		as_metrics_count_error(m, err->code);
	}
	return rc;
}

int as_command_execute_stream_to(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_stream_sink sink, void* udata, as_error* err)
{
	uint64_t deadline = p->total_timeout ? as_clock_ms() + p->total_timeout : 0;
	uint32_t socket_timeout = as_command_socket_timeout(p);
	bool sent = false;
	as_ns_metrics* m = NULL;
	if (as_metrics_on(n->cluster)) {
		char ns[AS_NS_NAME_MAX];
		request_ns(req, len, ns, sizeof(ns));
		as_metrics_count_command(n->cluster);
		m = as_node_ns_metrics(n, ns);
	}
	for (uint32_t attempt = 0;; attempt++) {
		bool delivered = false;
		int rc = stream_once(n, req, len, socket_timeout, deadline, query, sink, udata, &sent,
			&delivered, m, err);
		if (rc == 0) {
			return 0;
		}
		bool retryable = rc == AS_ERR_TIMEOUT || rc == AS_ERR_CONNECTION ||
			rc == AS_ERR_NO_MORE_CONNECTIONS;
		if (!retryable || attempt + 1 > p->max_retries) {
			break;
		}
		if (deadline && as_clock_ms() + p->sleep_between_retries >= deadline) {
			break;
		}
		if (delivered) {
			as_error again;
			if (sink(udata, NULL, 0, &again) != 0) {
				break; /* the consumer cannot start over */
			}
		}
		if (p->sleep_between_retries) {
			as_sleep_ms(p->sleep_between_retries);
		}
		as_cluster_count_retry(n->cluster);
	}
	err->in_doubt = p->is_write && sent;
	return err->code;
}

typedef struct {
	as_buf* resp;
	size_t start;
} buf_sink;

static int append_body(void* udata, const uint8_t* body, size_t len, as_error* err)
{
	buf_sink* b = udata;
	if (!body) {
		b->resp->len = b->start; /* a retry starts the node's answer over */
		return 0;
	}
	as_buf_put(b->resp, body, len);
	return b->resp->oom ? as_error_set(err, AS_ERR_CLIENT, "Out of memory") : 0;
}

int as_command_execute_stream(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_buf* resp, as_error* err)
{
	buf_sink b = {resp, resp->len};
	return as_command_execute_stream_to(n, p, req, len, query, append_body, &b, err);
}
