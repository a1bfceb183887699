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

/* Receives the answer of a stream command proto by proto: body is the
 * (decompressed) body of one proto. Returns 0 to go on, or an error code
 * with err filled to stop reading (the connection is then closed). Called
 * with body NULL before a retry starts the answer over: returning non-zero
 * then refuses the retry (the consumer has already handed records on). */
typedef int (*as_stream_sink)(void* udata, const uint8_t* body, size_t len, as_error* err);

/* Runs a command whose answer is a stream of messages (a batch, scan or
 * query) on node n: sends req and hands every proto of the answer to sink,
 * up to and including the AS_MSG with info3 LAST or, for a scan/query
 * (`query`), one carrying an error that is not a partition status. The
 * socket timeout bounds each read (an idle server), the total timeout the
 * whole command. Connection errors and timeouts are retried on the same
 * node within the policy's limits. On failure err is filled (in_doubt for
 * writes). */
int as_command_execute_stream_to(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_stream_sink sink, void* udata, as_error* err);

/* The same, appending every proto body to resp (a retry starts resp over). */
int as_command_execute_stream(as_node* n, const as_command_policy* p, const uint8_t* req,
	size_t len, bool query, as_buf* resp, as_error* err);

/* Inflates a type-4 proto body (protocol.md 1) into out (replacing it). */
int as_command_inflate(const uint8_t* body, uint64_t size, as_buf* out, as_error* err);

/* Reads one proto message from s: its header, then its body into resp
 * (decompressing type 4). *type gets the proto type. */
int as_command_read_proto(as_socket* s, uint64_t deadline_ms, as_buf* resp, uint8_t* type,
	as_error* err);

#endif
