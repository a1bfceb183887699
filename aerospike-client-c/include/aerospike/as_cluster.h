/*
 * as_cluster.h: the cluster as the client sees it: nodes (with their
 * connection pools), the partition map per namespace, and the tend thread
 * that keeps both current (protocol.md 2f). Commands pick a node with
 * as_cluster_get_node() and hold it with reserve/release.
 */
#ifndef AS_CLUSTER_H
#define AS_CLUSTER_H

#include <aerospike/as_buf.h>
#include <aerospike/as_error.h>
#include <aerospike/as_socket.h>
#include <aerospike/as_tls.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define AS_MAX_REPLICAS 3
#define AS_NODE_NAME_MAX 32
#define AS_NS_NAME_MAX 32
#define AS_N_PARTITIONS 4096

/* Replica policies (aerospike.POLICY_REPLICA_*). */
#define AS_REPLICA_MASTER 0
#define AS_REPLICA_ANY 1
#define AS_REPLICA_SEQUENCE 2
#define AS_REPLICA_PREFER_RACK 3
#define AS_REPLICA_RANDOM 4

typedef struct as_host {
	char* name;
	uint16_t port;
	char* tls_name;
} as_host;

typedef struct as_cluster_config {
	as_host* seeds;
	uint32_t n_seeds;
	uint32_t conn_timeout_ms;  /* default 1000 */
	uint32_t tend_interval_ms; /* default 1000 */
	uint32_t max_conns_per_node;
	uint32_t min_conns_per_node;
	uint32_t max_socket_idle_s; /* 0: keep forever */
	uint32_t max_error_rate;	/* 0: no circuit breaker */
	uint32_t error_rate_window;
	uint32_t login_timeout_ms;
	char* cluster_name;
	char* user;
	char* password_hash; /* bcrypt of the password, computed by the caller */
	char* user_agent;	 /* "1,<lang>-<version>,<app id>", told to nodes of server 8.1+ */
	bool use_services_alternate;
	bool fail_if_seed_unreachable; /* connect fails when any seed is unreachable */
	bool tls_enable;
	as_tls_config tls;
} as_cluster_config;

typedef struct as_cluster as_cluster;
struct as_ns_metrics;

typedef struct as_node {
	atomic_int ref;
	char name[AS_NODE_NAME_MAX];
	as_address addr;
	char* tls_name;
	as_cluster* cluster;
	atomic_bool active;

	/* Connection pool: idle sockets on a LIFO stack. */
	pthread_mutex_t pool_lock;
	as_socket* idle;
	uint32_t n_idle;
	uint32_t n_open; /* idle + in use */

	/* Tend state: touched by the tend thread only. */
	as_socket tend_sock;
	int64_t partition_generation;
	int64_t peers_generation;
	uint32_t failures;
	uint32_t peers_count;
	bool partitions_changed;
	bool peers_changed;
	bool referenced; /* listed by a peer in the current peers refresh */

	/* Statistics. */
	atomic_uint_fast64_t conns_opened;
	atomic_uint_fast64_t conns_closed;
	atomic_uint_fast64_t error_count;
	atomic_uint_fast64_t timeout_count;
	atomic_uint_fast64_t key_busy_count;
	atomic_uint error_rate; /* errors in the current window */

	/* Namespace metrics while client metrics are on (as_metrics.h). */
	struct as_ns_metrics* _Atomic ns_metrics;
} as_node;

/* ---- lifecycle ------------------------------------------------------- */

/* Copies cfg, connects to the seeds, runs the first tend synchronously and
 * starts the tend thread. Returns NULL with err filled when no node could
 * be reached (-10 "Failed to connect"). */
as_cluster* as_cluster_create(const as_cluster_config* cfg, as_error* err);

/* Stops the tend thread, closes every connection and frees everything. */
void as_cluster_destroy(as_cluster* c);

void as_cluster_config_destroy(as_cluster_config* cfg);

/* ---- nodes ----------------------------------------------------------- */

static inline void as_node_reserve(as_node* n)
{
	atomic_fetch_add_explicit(&n->ref, 1, memory_order_relaxed);
}
void as_node_release(as_node* n);

/* Picks the node serving (ns, partition) for this attempt of a command,
 * reserved. Errors: 20 when the namespace is unknown, -8 when no node. */
as_node* as_cluster_get_node(as_cluster* c, const char* ns, uint32_t pid, int replica,
	uint32_t attempt, bool is_write, as_error* err);

/* Any active node, reserved (round robin). NULL with -8 when none. */
as_node* as_cluster_random_node(as_cluster* c, as_error* err);

/* A node by name or by "host:port", reserved, or NULL. */
as_node* as_cluster_find_node(as_cluster* c, const char* name_or_addr);

/* A reserved snapshot of the active nodes. Free with as_nodes_release. */
uint32_t as_cluster_nodes(as_cluster* c, as_node*** out);
void as_nodes_release(as_node** nodes, uint32_t n);

/* True while at least one active node is known. */
bool as_cluster_is_connected(as_cluster* c);

/* After a user's password changed: when user is the cluster's configured
 * user, new connections log in with this password hash from now on. */
void as_cluster_change_password(as_cluster* c, const char* user, const char* hash);

/* ---- connections ----------------------------------------------------- */

int as_node_get_connection(as_node* n, uint64_t deadline_ms, as_socket* out, as_error* err);
void as_node_put_connection(as_node* n, as_socket* s);
void as_node_close_connection(as_node* n, as_socket* s);

/* One info request/response on a pooled connection. `text` holds one or
 * more commands each ended by '\n'. The reply body (without the proto
 * header) is left in resp. */
int as_node_info(as_node* n, const char* text, size_t len, uint64_t deadline_ms, as_buf* resp,
	as_error* err);

/* Counts an error for the node's circuit breaker and statistics. */
void as_node_count_error(as_node* n, int code);

/* A node's connection and error counts (client.get_stats()). */
typedef struct as_node_stats {
	uint32_t in_use;
	uint32_t in_pool;
	uint64_t opened;
	uint64_t closed;
	uint64_t error_count;
	uint64_t timeout_count;
	uint64_t key_busy_count;
} as_node_stats;
void as_node_get_stats(as_node* n, as_node_stats* out);

/* Commands retried since the cluster was created (every attempt after the
 * first), and the counter the command executors bump. */
uint64_t as_cluster_retry_count(as_cluster* c);
void as_cluster_count_retry(as_cluster* c);

/* ---- internals shared by the cluster's files ------------------------- */

as_node* as__node_create(as_cluster* c, const char* name, const as_address* addr,
	const char* tls_name);
void as__node_close_idle(as_node* n, uint64_t older_than_ms);
int as__node_tend_info(as_node* n, const char* text, size_t len, as_buf* resp, as_error* err);
int as__info_on_socket(as_socket* s, const char* text, size_t len, uint64_t deadline_ms,
	as_buf* resp, as_error* err);
int as__cluster_connect_socket(as_cluster* c, const as_address* addr, const char* tls_name,
	uint64_t deadline_ms, as_socket* s, as_error* err);

#endif
