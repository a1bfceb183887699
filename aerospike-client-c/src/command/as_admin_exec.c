/*
 * as_admin_exec.c: runs one security-protocol request (as_admin.h) on a
 * node of the cluster. The request goes out on a pooled connection, which
 * logged in when it was opened like every connection of a secured cluster;
 * the reply is one message for a command, or a stream of messages ended by
 * a QUERY_END record for a query. Called by the binding without the GIL.
 */
#include <aerospike/as_admin.h>
#include <aerospike/as_cluster.h>
#include <aerospike/as_info.h>
#include <aerospike/as_proto.h>
#include <stdio.h>
#include <string.h>

/* Asks the node for its build and fails when it is older than min. */
static int check_version(as_node* n, const char* min, uint64_t deadline, as_error* err)
{
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	int rc = as_node_info(n, "build\n", 6, deadline, &resp, err);
	if (rc == 0) {
		const char* v;
		size_t vlen;
		char build[64];
		if (!as_info_find((const char*)resp.data, resp.len, "build", &v, &vlen) ||
			vlen >= sizeof(build)) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Node %s did not report its version", n->name);
		}
		else {
			memcpy(build, v, vlen);
			build[vlen] = '\0';
			if (as_admin_version_cmp(build, min) < 0) {
				rc = as_error_set(err, AS_ERR_CLIENT,
					"Node version %s is less than required minimum version %s", build, min);
			}
		}
	}
	as_buf_destroy(&resp);
	return rc;
}

/* Reads the reply messages into resp. For a command, the one message's
 * result is the answer; for a query, messages are read until a record
 * carries a nonzero result. */
static int read_reply(as_socket* s, bool query, uint64_t deadline, as_buf* resp, bool* in_step,
	as_error* err)
{
	*in_step = false;
	for (;;) {
		uint8_t header[8];
		int rc = as_socket_read(s, header, sizeof(header), deadline, err);
		if (rc != 0) {
			return rc;
		}
		uint8_t type;
		uint64_t size;
		if (!as_proto_parse_header(header, &type, &size) || type != AS_PROTO_TYPE_ADMIN ||
			size > AS_PROTO_SIZE_MAX) {
			return as_error_set(err, AS_ERR_CLIENT, "Invalid admin reply header");
		}
		if (size == 0) {
			continue;
		}
		size_t start = resp->len;
		if (!as_buf_reserve(resp, size)) {
			return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
		}
		if ((rc = as_socket_read(s, resp->data + start, size, deadline, err)) != 0) {
			return rc;
		}
		resp->len = start + size;
		if (!query) {
			if (size < AS_ADMIN_RECORD_HEADER_SIZE) {
				return as_error_set(err, AS_ERR_CLIENT, "Invalid admin reply");
			}
			uint8_t result = resp->data[start + 1];
			*in_step = true;
			return result ? as_admin_result_error(result, err) : 0;
		}
		int result = as_admin_scan(resp->data + start, size);
		if (result < 0) {
			return as_error_set(err, AS_ERR_CLIENT, "Malformed admin reply");
		}
		if (result != 0) {
			*in_step = true;
			return result == AS_SEC_QUERY_END ? 0 : as_admin_result_error(result, err);
		}
	}
}

int as_admin_execute(as_cluster* c, const uint8_t* req, size_t len, const as_admin_policy* policy,
	as_buf* resp, as_error* err)
{
	uint64_t deadline = policy->timeout_ms ? as_clock_ms() + policy->timeout_ms : 0;
	as_node* n = as_cluster_random_node(c, err);
	if (!n) {
		return err->code;
	}
	int rc = 0;
	if (policy->min_version) {
		rc = check_version(n, policy->min_version, deadline, err);
	}
	as_socket s;
	if (rc == 0) {
		rc = as_node_get_connection(n, deadline, &s, err);
		if (rc == 0) {
			rc = as_socket_write(&s, req, len, deadline, err);
			bool in_step = false;
			if (rc == 0) {
				rc = read_reply(&s, policy->query, deadline, resp, &in_step, err);
			}
			/* A whole reply leaves the connection in step; a failure on the
			 * way (timeout, bad bytes) does not. */
			if (in_step) {
				as_node_put_connection(n, &s);
			}
			else {
				as_node_close_connection(n, &s);
			}
		}
	}
	if (rc == AS_ERR_TIMEOUT || rc == AS_ERR_CONNECTION) {
		as_node_count_error(n, rc);
	}
	as_node_release(n);
	return rc;
}
