/*
 * as_node.c: a cluster node: its reference count, its connection pool and
 * info requests on pooled or tend connections (see as_cluster.h).
 */
#include "as_cluster_internal.h"
#include <aerospike/as_info.h>
#include <aerospike/as_log.h>
#include <aerospike/as_proto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long an idle pooled socket is used without a liveness check. */
#define AS_SOCKET_TRUST_MS 100

as_node* as__node_create(as_cluster* c, const char* name, const as_address* addr,
	const char* tls_name)
{
	as_node* n = calloc(1, sizeof(as_node));
	if (!n) {
		return NULL;
	}
	atomic_init(&n->ref, 1);
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->addr = *addr;
	n->tls_name = tls_name ? strdup(tls_name) : NULL;
	n->cluster = c;
	atomic_init(&n->active, true);
	pthread_mutex_init(&n->pool_lock, NULL);
	n->tend_sock.fd = -1;
	n->partition_generation = -1;
	n->peers_generation = -1;
	return n;
}

void as_node_release(as_node* n)
{
	if (atomic_fetch_sub_explicit(&n->ref, 1, memory_order_acq_rel) != 1) {
		return;
	}
	for (uint32_t i = 0; i < n->n_idle; i++) {
		as_socket_close(&n->idle[i]);
	}
	free(n->idle);
	if (n->tend_sock.fd >= 0) {
		as_socket_close(&n->tend_sock);
	}
	pthread_mutex_destroy(&n->pool_lock);
	as__node_metrics_free(n);
	free(n->tls_name);
	free(n);
}

int as_node_get_connection(as_node* n, uint64_t deadline_ms, as_socket* out, as_error* err)
{
	for (;;) {
		pthread_mutex_lock(&n->pool_lock);
		if (n->n_idle == 0) {
			break;
		}
		*out = n->idle[--n->n_idle];
		pthread_mutex_unlock(&n->pool_lock);
		out->opened_ns = 0;
		/* A socket used moments ago is trusted; an older one is checked
		 * for a close by the server (restart, idle timeout) first. */
		if (as_clock_ms() - out->last_used_ms < AS_SOCKET_TRUST_MS || !as_socket_is_stale(out)) {
			return 0;
		}
		as_node_close_connection(n, out);
	}
	/* No idle socket: open one if the node's limit allows. */
	uint32_t max = n->cluster->cfg.max_conns_per_node;
	if (max && n->n_open >= max) {
		pthread_mutex_unlock(&n->pool_lock);
		return as_error_set(err, AS_ERR_NO_MORE_CONNECTIONS,
			"Max node %s connections would be exceeded: %u", n->name, max);
	}
	n->n_open++;
	pthread_mutex_unlock(&n->pool_lock);
	uint64_t start = as_metrics_now_ns();
	int rc = as__cluster_connect_socket(n->cluster, &n->addr, n->tls_name, deadline_ms, out, err);
	out->opened_ns = as_metrics_now_ns() - start;
	if (rc != 0) {
		pthread_mutex_lock(&n->pool_lock);
		n->n_open--;
		pthread_mutex_unlock(&n->pool_lock);
	}
	else {
		atomic_fetch_add_explicit(&n->conns_opened, 1, memory_order_relaxed);
	}
	return rc;
}

/* Closes a pooled socket the node counted as open; the caller has already
 * taken it out of n_open. */
static void close_counted(as_node* n, as_socket* s)
{
	as_socket_close(s);
	atomic_fetch_add_explicit(&n->conns_closed, 1, memory_order_relaxed);
}

void as_node_get_stats(as_node* n, as_node_stats* out)
{
	pthread_mutex_lock(&n->pool_lock);
	out->in_pool = n->n_idle;
	out->in_use = n->n_open - n->n_idle;
	pthread_mutex_unlock(&n->pool_lock);
	out->opened = atomic_load_explicit(&n->conns_opened, memory_order_relaxed);
	out->closed = atomic_load_explicit(&n->conns_closed, memory_order_relaxed);
	out->error_count = atomic_load_explicit(&n->error_count, memory_order_relaxed);
	out->timeout_count = atomic_load_explicit(&n->timeout_count, memory_order_relaxed);
	out->key_busy_count = atomic_load_explicit(&n->key_busy_count, memory_order_relaxed);
}

void as_node_put_connection(as_node* n, as_socket* s)
{
	s->last_used_ms = as_clock_ms();
	pthread_mutex_lock(&n->pool_lock);
	if (atomic_load(&n->active)) {
		if (n->n_idle % 16 == 0) {
			as_socket* grown = realloc(n->idle, (n->n_idle + 16) * sizeof(as_socket));
			if (!grown) {
				n->n_open--;
				pthread_mutex_unlock(&n->pool_lock);
				close_counted(n, s);
				return;
			}
			n->idle = grown;
		}
		n->idle[n->n_idle++] = *s;
		pthread_mutex_unlock(&n->pool_lock);
		return;
	}
	n->n_open--;
	pthread_mutex_unlock(&n->pool_lock);
	close_counted(n, s);
}

void as_node_close_connection(as_node* n, as_socket* s)
{
	close_counted(n, s);
	pthread_mutex_lock(&n->pool_lock);
	n->n_open--;
	pthread_mutex_unlock(&n->pool_lock);
}

void as__node_close_idle(as_node* n, uint64_t older_than_ms)
{
	pthread_mutex_lock(&n->pool_lock);
	uint32_t kept = 0;
	for (uint32_t i = 0; i < n->n_idle; i++) {
		if (older_than_ms == 0 || n->idle[i].last_used_ms < older_than_ms) {
			close_counted(n, &n->idle[i]);
			n->n_open--;
		}
		else {
			n->idle[kept++] = n->idle[i];
		}
	}
	n->n_idle = kept;
	pthread_mutex_unlock(&n->pool_lock);
}

void as_node_count_error(as_node* n, int code)
{
	if (code == AS_ERR_TIMEOUT) {
		atomic_fetch_add(&n->timeout_count, 1);
	}
	else if (code == 14) {
		atomic_fetch_add(&n->key_busy_count, 1);
	}
	else {
		atomic_fetch_add(&n->error_count, 1);
	}
	atomic_fetch_add(&n->error_rate, 1);
}

int as__info_on_socket(as_socket* s, const char* text, size_t len, uint64_t deadline_ms,
	as_buf* resp, as_error* err)
{
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_info_request(&req, text, len);
	if (req.oom) {
		as_buf_destroy(&req);
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	int rc = as_socket_write(s, req.data, req.len, deadline_ms, err);
	as_buf_destroy(&req);
	if (rc != 0) {
		return rc;
	}
	uint8_t header[8];
	if ((rc = as_socket_read(s, header, 8, deadline_ms, err)) != 0) {
		return rc;
	}
	uint8_t type;
	uint64_t size;
	if (!as_proto_parse_header(header, &type, &size) || type != AS_PROTO_TYPE_INFO) {
		return as_error_set(err, AS_ERR_CLIENT, "Invalid info response header");
	}
	resp->len = 0;
	if (!as_buf_reserve(resp, size + 1)) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	if ((rc = as_socket_read(s, resp->data, size, deadline_ms, err)) != 0) {
		return rc;
	}
	resp->len = size;
	resp->data[size] = '\0'; /* callers may treat the reply as a C string */
	return 0;
}

int as_node_info(as_node* n, const char* text, size_t len, uint64_t deadline_ms, as_buf* resp,
	as_error* err)
{
	as_socket s;
	int rc = as_node_get_connection(n, deadline_ms, &s, err);
	if (rc != 0) {
		return rc;
	}
	rc = as__info_on_socket(&s, text, len, deadline_ms, resp, err);
	if (rc == 0) {
		as_node_put_connection(n, &s);
	}
	else {
		as_node_close_connection(n, &s);
	}
	return rc;
}

int as__node_tend_info(as_node* n, const char* text, size_t len, as_buf* resp, as_error* err)
{
	as_cluster* c = n->cluster;
	if (n->tend_sock.fd < 0) {
		uint64_t deadline = as_clock_ms() + c->cfg.conn_timeout_ms;
		int rc = as__cluster_connect_socket(c, &n->addr, n->tls_name, deadline, &n->tend_sock, err);
		if (rc != 0) {
			n->tend_sock.fd = -1;
			return rc;
		}
	}
	int rc = as__info_on_socket(
		&n->tend_sock, text, len, as_clock_ms() + c->cfg.conn_timeout_ms, resp, err);
	if (as_metrics_on(c)) {
		/* Tend traffic counts in the node's "" namespace, as the reference's does. */
		as_metrics_add_bytes(as_node_ns_metrics(n, NULL),
			rc == 0 ? AS_PROTO_HEADER_SIZE + resp->len : 0, AS_PROTO_HEADER_SIZE + len);
	}
	if (rc != 0) {
		as_socket_close(&n->tend_sock);
		n->tend_sock.fd = -1;
	}
	return rc;
}
