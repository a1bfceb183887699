/*
 * as_command.h: the command executor (protocol.md 12a, 12b). Given a fully
 * encoded request, it picks the node for the key's partition, sends the
 * request, reads the reply and retries on the errors the reference client
 * retries, within the policy's timeouts. It does no encoding of its own.
 * Callers: the binding, with the GIL released.
 */
#ifndef AS_COMMAND_H
#define AS_COMMAND_H

#include <aerospike/as_buf.h>
#include <aerospike/as_cluster.h>
#include <aerospike/as_error.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct as_command_policy {
	uint32_t socket_timeout;
	uint32_t total_timeout;
	uint32_t max_retries;
	uint32_t sleep_between_retries;
	int replica;
	bool is_write;
} as_command_policy;

/* Runs a single-record command. `req` is a whole proto message. On return
 * 0, resp holds the reply's AS_MSG (without the 8-byte proto header, after
 * decompression) and the caller reads its result code; 11 and 18 have
 * already been retried. On failure err is filled (in_doubt set for writes
 * that may have been applied). */
int as_command_execute(as_cluster* c, const char* ns, uint32_t pid, const as_command_policy* p,
	const uint8_t* req, size_t req_len, as_buf* resp, as_error* err);

/* Effective per-attempt socket timeout (12a). */
static inline uint32_t as_command_socket_timeout(const as_command_policy* p)
{
	if (p->total_timeout && (p->socket_timeout == 0 || p->socket_timeout > p->total_timeout)) {
		return p->total_timeout;
	}
	return p->socket_timeout;
}

/* The transaction_ttl a single-record command sends (12a). */
static inline uint32_t as_command_server_timeout(const as_command_policy* p)
{
	if (p->socket_timeout && p->socket_timeout < p->total_timeout) {
		return p->socket_timeout;
	}
	return p->total_timeout;
}

/* Runs a command whose answer is a stream of messages (a batch, scan or
 * query) on node n: sends req and appends the body of every proto of the
 * answer (after decompression) to resp, up to and including the AS_MSG
 * with info3 LAST or, for a scan/query (`query`), one carrying an error
 * that is not a partition status. Connection errors and timeouts are
 * retried on the same node within the policy's limits. On failure err is
 * filled (in_doubt for writes). */
int as_command_execute_stream(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_buf* resp, as_error* err);

/* Inflates a type-4 proto body (protocol.md 1) into out (replacing it). */
int as_command_inflate(const uint8_t* body, uint64_t size, as_buf* out, as_error* err);

/* Reads one proto message from s: its header, then its body into resp
 * (decompressing type 4). *type gets the proto type. */
int as_command_read_proto(as_socket* s, uint64_t deadline_ms, as_buf* resp, uint8_t* type,
	as_error* err);

#endif
