/*
 * as_stream.c: commands answered by a stream of messages (batch now; scans
 * and queries later): the request goes to one given node and every proto
 * of the answer is read until an AS_MSG with info3 LAST arrives (protocol
 * 9b). The bodies are appended to one buffer that the binding walks later,
 * under the GIL.
 */
#include <aerospike/as_command.h>
#include <aerospike/as_proto.h>
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

/* One attempt: send, then read protos until LAST. */
static int stream_once(as_node* n, const uint8_t* req, size_t len, uint64_t deadline, as_buf* resp,
	bool query, bool* sent, as_error* err)
{
	as_socket s;
	int rc = as_node_get_connection(n, deadline, &s, err);
	if (rc != 0) {
		return rc;
	}
	*sent = true;
	if ((rc = as_socket_write(&s, req, len, deadline, err)) != 0) {
		as_node_close_connection(n, &s);
		return rc;
	}
	uint8_t stack[4096];
	as_buf body;
	as_buf_init(&body, stack, sizeof(stack));
	for (;;) {
		uint8_t type;
		/* Each proto of a stream is read exactly: its header, then its body. */
		uint8_t header[AS_PROTO_HEADER_SIZE];
		uint64_t size;
		if ((rc = as_socket_read(&s, header, sizeof(header), deadline, err)) != 0) {
			break;
		}
		if (!as_proto_parse_header(header, &type, &size) ||
			(type != AS_PROTO_TYPE_MSG && type != AS_PROTO_TYPE_MSG_COMPRESSED)) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Invalid proto header in a stream answer");
			break;
		}
		body.len = 0;
		if (!as_buf_reserve(&body, size)) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Out of memory");
			break;
		}
		if ((rc = as_socket_read(&s, body.data, size, deadline, err)) != 0) {
			break;
		}
		body.len = size;
		if (type == AS_PROTO_TYPE_MSG_COMPRESSED &&
			(rc = as_command_inflate(body.data, body.len, &body, err)) != 0) {
			break;
		}
		int last = body_ends_stream(body.data, body.data + body.len, query);
		if (last < 0) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Malformed message in a stream answer");
			break;
		}
		as_buf_put(resp, body.data, body.len);
		if (resp->oom) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Out of memory");
			break;
		}
		if (last) {
			break;
		}
	}
	as_buf_destroy(&body);
	if (rc == 0) {
		as_node_put_connection(n, &s);
	}
	else {
		as_node_close_connection(n, &s);
		as_node_count_error(n, err->code);
	}
	return rc;
}

int as_command_execute_stream(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_buf* resp, as_error* err)
{
	uint64_t start = as_clock_ms();
	uint64_t deadline = p->total_timeout ? start + p->total_timeout : 0;
	uint32_t socket_timeout = as_command_socket_timeout(p);
	bool sent = false;
	for (uint32_t attempt = 0;; attempt++) {
		uint64_t now = as_clock_ms();
		uint64_t attempt_deadline = socket_timeout ? now + socket_timeout : 0;
		if (deadline && (!attempt_deadline || attempt_deadline > deadline)) {
			attempt_deadline = deadline;
		}
		size_t kept = resp->len;
		int rc = stream_once(n, req, len, attempt_deadline, resp, query, &sent, err);
		if (rc == 0) {
			return 0;
		}
		resp->len = kept; /* a retry starts the node's answer over */
		bool retryable = rc == AS_ERR_TIMEOUT || rc == AS_ERR_CONNECTION ||
			rc == AS_ERR_NO_MORE_CONNECTIONS;
		if (!retryable || attempt + 1 > p->max_retries) {
			break;
		}
		if (deadline && as_clock_ms() + p->sleep_between_retries >= deadline) {
			break;
		}
		if (p->sleep_between_retries) {
			as_sleep_ms(p->sleep_between_retries);
		}
	}
	err->in_doubt = p->is_write && sent;
	return err->code;
}
