/*
 * as_cluster_internal.h: the cluster struct and the helpers shared by the
 * files of src/cluster (node, partitions, peers, tend). Not installed.
 */
#ifndef AS_CLUSTER_INTERNAL_H
#define AS_CLUSTER_INTERNAL_H

#include <aerospike/as_cluster.h>
#include <aerospike/as_metrics.h>

typedef struct as_partition_table {
	char ns[AS_NS_NAME_MAX];
	uint8_t replica_count;
	bool sc;
	as_node* owners[AS_N_PARTITIONS][AS_MAX_REPLICAS];
	uint32_t regime[AS_N_PARTITIONS];
} as_partition_table;

/* Metrics state (as_metrics.c). The flags and settings the executors read
 * are atomics; the listener and the tend count are guarded by lock. */
typedef struct as_cluster_metrics {
	atomic_bool on;
	atomic_uint columns;
	atomic_uint shift;
	atomic_uint_fast64_t commands;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	as_metrics_listener listener;
	uint32_t interval;
	uint32_t tends; /* tends since metrics were enabled */
	bool busy;      /* the tend thread is in a listener call */
} as_cluster_metrics;

struct as_cluster {
	as_cluster_config cfg;
	as_tls_context* tls;

	/* Guards cfg.password_hash, which admin_change_password replaces while
	 * other threads log in on new connections. */
	pthread_mutex_t auth_lock;

	/* Guards nodes and tables. Commands take it shared, the tender
	 * exclusively when it changes either. */
	pthread_rwlock_t lock;
	as_node** nodes;
	uint32_t n_nodes;
	as_partition_table** tables;
	uint32_t n_tables;

	pthread_t tend_thread;
	bool tend_started;
	pthread_mutex_t tend_mutex;
	pthread_cond_t tend_cond;
	bool shutdown;
	uint32_t tend_count;
	atomic_uint round_robin;
	atomic_uint_fast64_t retry_count;
	atomic_bool map_suspect; /* a command found a partition without a node */
	as_cluster_metrics metrics;
};

/* Partition map (as_partition.c); callers hold the write lock. */
int as__partitions_apply(as_cluster* c, as_node* n, const char* replicas, size_t len);
void as__partitions_remove_node(as_cluster* c, as_node* n);
void as__partitions_destroy(as_cluster* c);
as_partition_table* as__partitions_find(as_cluster* c, const char* ns);

/* Metrics (as_metrics.c): set-up and teardown with the cluster, and the
 * tend thread's hooks, called with no lock held: after each tend, and
 * before a removed node's cluster reference is dropped. */
void as__metrics_init(as_cluster* c);
void as__metrics_destroy(as_cluster* c);
void as__metrics_tended(as_cluster* c);
void as__metrics_node_removed(as_cluster* c, as_node* n);

/* Peers (as_peers.c). */
typedef struct as_peer {
	char name[AS_NODE_NAME_MAX];
	char tls_name[256];
	char hosts[8][256];
	uint16_t ports[8];
	uint32_t n_hosts;
} as_peer;

/* Parses a peers-* reply. Returns the number of peers (written up to max)
 * or -1 when malformed; *generation gets the peers generation. */
int as__peers_parse(const char* text, size_t len, int64_t* generation, as_peer* out, int max);

#endif
