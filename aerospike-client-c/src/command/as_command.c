/*
 * as_command.c: the single-record command executor and proto reading (see
 * as_command.h). The retry loop follows protocol.md 12b: connection
 * errors, timeouts and results 11/18 are retried up to max_retries within
 * total_timeout; every other server result is returned to the caller.
 */
#include <aerospike/as_command.h>
#include <aerospike/as_log.h>
#include <aerospike/as_metrics.h>
#include <aerospike/as_proto.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int as_command_inflate(const uint8_t* body, uint64_t size, as_buf* resp, as_error* err)
{
	if (size < 8) {
		return as_error_set(err, AS_ERR_CLIENT, "Invalid compressed response");
	}
	uint64_t full = as_read_u64be(body);
	if (full < AS_PROTO_HEADER_SIZE || full > AS_PROTO_SIZE_MAX + AS_PROTO_HEADER_SIZE) {
		return as_error_set(err, AS_ERR_CLIENT, "Invalid compressed response size");
	}
	uint8_t* out = malloc(full);
	if (!out) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	uLongf out_len = (uLongf)full;
	int zrc = uncompress(out, &out_len, body + 8, (uLong)(size - 8));
	uint8_t type;
	uint64_t inner;
	if (zrc != Z_OK || out_len != full || !as_proto_parse_header(out, &type, &inner) ||
		inner + AS_PROTO_HEADER_SIZE != full) {
		free(out);
		return as_error_set(err, AS_ERR_CLIENT, "Failed to decompress response");
	}
	resp->len = 0;
	as_buf_put(resp, out + AS_PROTO_HEADER_SIZE, inner);
	free(out);
	if (resp->oom) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	return 0;
}

int as_command_read_proto(as_socket* s, uint64_t deadline_ms, as_buf* resp, uint8_t* type,
	as_error* err)
{
	/* One wait and one read usually bring the whole reply; the rest, if
	 * any, is read exactly. The server sends nothing after the reply of a
	 * single-record command, so reading ahead cannot swallow another. */
	resp->len = 0;
	if (!as_buf_reserve(resp, 4096)) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	size_t have = 0;
	while (have < AS_PROTO_HEADER_SIZE) {
		long n = as_socket_read_some(s, resp->data + have, resp->cap - have, deadline_ms, err);
		if (n < 0) {
			return err->code;
		}
		have += (size_t)n;
	}
	uint64_t size;
	if (!as_proto_parse_header(resp->data, type, &size)) {
		return as_error_set(err, AS_ERR_CLIENT, "Invalid proto header in response");
	}
	uint64_t total = AS_PROTO_HEADER_SIZE + size;
	if (have > total) {
		return as_error_set(err, AS_ERR_CLIENT, "Unexpected bytes after the response");
	}
	resp->len = have; /* so that growing keeps what was read */
	if (!as_buf_reserve(resp, total - have)) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	if (have < total) {
		int rc = as_socket_read(s, resp->data + have, total - have, deadline_ms, err);
		if (rc != 0) {
			return rc;
		}
	}
	memmove(resp->data, resp->data + AS_PROTO_HEADER_SIZE, size);
	resp->len = size;
	int rc = 0;
	if (*type == AS_PROTO_TYPE_MSG_COMPRESSED) {
		as_buf plain;
		as_buf_init(&plain, NULL, 0);
		rc = as_command_inflate(resp->data, resp->len, &plain, err);
		if (rc == 0) {
			resp->len = 0;
			as_buf_put(resp, plain.data, plain.len);
			*type = AS_PROTO_TYPE_MSG;
		}
		as_buf_destroy(&plain);
		return rc;
	}
	return 0;
}

static bool retryable_result(uint8_t rc)
{
	return rc == AS_ERR_CLUSTER || rc == AS_ERR_DEVICE_OVERLOAD;
}

/* Counts a failed attempt on the node and, with metrics on, its namespace. */
static void count_error(as_node* n, as_ns_metrics* m, int code)
{
	as_node_count_error(n, code);
	as_metrics_count_error(m, code);
}

int as_command_execute(as_cluster* c, const char* ns, uint32_t pid, const as_command_policy* p,
	const uint8_t* req, size_t req_len, as_buf* resp, as_error* err)
{
	uint64_t start = as_clock_ms();
	uint64_t deadline = p->total_timeout ? start + p->total_timeout : 0;
	uint32_t socket_timeout = as_command_socket_timeout(p);
	bool sent = false;
	as_error last;
	as_error_reset(&last);
	bool metrics = as_metrics_on(c);
	if (metrics) {
		as_metrics_count_command(c);
	}

	for (uint32_t attempt = 0;; attempt++) {
		as_node* n = as_cluster_get_node(c, ns, pid, p->replica, attempt, p->is_write, &last);
		if (!n) {
			if (last.code == AS_ERR_NAMESPACE_NOT_FOUND) {
				*err = last;
				return err->code;
			}
			goto retry;
		}
		as_ns_metrics* m = metrics ? as_node_ns_metrics(n, ns) : NULL;
		uint64_t begin = m ? as_metrics_now_ns() : 0;
		uint64_t now = as_clock_ms();
		uint64_t attempt_deadline = socket_timeout ? now + socket_timeout : 0;
		if (deadline && (!attempt_deadline || attempt_deadline > deadline)) {
			attempt_deadline = deadline;
		}
		as_socket s;
		if (as_node_get_connection(n, attempt_deadline, &s, &last) != 0) {
			count_error(n, m, last.code);
			as_node_release(n);
			goto retry;
		}
		if (m && s.opened_ns) {
			as_metrics_add_latency(c, m, AS_LATENCY_CONN, s.opened_ns);
		}
		if (as_socket_write(&s, req, req_len, attempt_deadline, &last) != 0) {
			as_node_close_connection(n, &s);
			count_error(n, m, last.code);
			as_node_release(n);
			sent = true;
			goto retry;
		}
		sent = true;
		as_metrics_add_bytes(m, 0, req_len);
		uint8_t type;
		if (as_command_read_proto(&s, attempt_deadline, resp, &type, &last) != 0) {
			as_node_close_connection(n, &s);
			count_error(n, m, last.code);
			as_node_release(n);
			goto retry;
		}
		if (type != AS_PROTO_TYPE_MSG || resp->len < AS_MSG_HEADER_SIZE) {
			as_node_close_connection(n, &s);
			as_node_release(n);
			as_error_set(err, AS_ERR_CLIENT, "Invalid response type %u", type);
			err->in_doubt = p->is_write;
			return err->code;
		}
		as_node_put_connection(n, &s);
		as_metrics_add_bytes(m, AS_PROTO_HEADER_SIZE + resp->len, 0);
		uint8_t result = resp->data[5];
		if (result == 0 || result == AS_ERR_RECORD_NOT_FOUND) {
			/* Latency is that of commands the server carried out (a missing
			 * record included); it is not an error, as for the reference. */
			if (m) {
				as_metrics_add_latency(c, m, p->is_write ? AS_LATENCY_WRITE : AS_LATENCY_READ,
					as_metrics_now_ns() - begin);
			}
		}
		else {
			count_error(n, m, result);
		}
		as_node_release(n);
		if (!retryable_result(result)) {
			return 0;
		}
		as_error_set(&last, result, "Server error %u", result);

	retry:
		if (attempt + 1 > p->max_retries) {
			break;
		}
		if (deadline) {
			uint64_t t = as_clock_ms();
			if (t + p->sleep_between_retries >= deadline) {
				break;
			}
		}
		if (p->sleep_between_retries && attempt > 0) {
			as_sleep_ms(p->sleep_between_retries);
		}
		as_cluster_count_retry(c);
	}
	*err = last;
	if (err->code == AS_ERR_TIMEOUT) {
		uint64_t elapsed = as_clock_ms() - start;
		as_error_set(err, AS_ERR_TIMEOUT,
			"Client timeout: socket=%u total=%u elapsed=%llu", p->socket_timeout,
			p->total_timeout, (unsigned long long)elapsed);
	}
	err->in_doubt = p->is_write && sent;
	return err->code;
}
