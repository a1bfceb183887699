/*
 * as_metrics.h: client metrics (the reference's "extended metrics"):
 * per-node, per-namespace counters (bytes in and out, errors, timeouts,
 * key-busy errors) and latency histograms of five command groups, counted
 * by the command executors only while metrics are on, plus a listener the
 * tend thread calls every `interval` tends and when a node leaves. The
 * binding (src/ext/metrics.c) hands both to Python.
 *
 * Hot path: one relaxed load (as_metrics_on) per command when metrics are
 * off; when on, two clock reads, a short list walk and relaxed atomic adds.
 */
#ifndef AS_METRICS_H
#define AS_METRICS_H

#include <aerospike/as_cluster.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The command groups of the latency histograms, in report order. */
enum {
	AS_LATENCY_CONN,
	AS_LATENCY_WRITE,
	AS_LATENCY_READ,
	AS_LATENCY_BATCH,
	AS_LATENCY_QUERY,
	AS_LATENCY_TYPES
};

/* latency_columns is an unsigned 8-bit value in the reference's policy. */
#define AS_LATENCY_COLUMNS_MAX 255

/* The histogram column of an elapsed time. The time is rounded up to whole
 * milliseconds; column 0 holds <= 1 ms, column i (i > 0) holds
 * > 2^((i-1)*shift) ms up to 2^(i*shift) ms, and the last column everything
 * above. Returns `columns` (no column) when columns is 0. */
uint32_t as_latency_index(uint64_t elapsed_ns, uint32_t columns, uint32_t shift);

/* Monotonic nanoseconds. */
uint64_t as_metrics_now_ns(void);

/* The metrics of one namespace on one node. A node keeps a list of these,
 * appended to when a namespace is first used and freed with the node. The
 * counters accumulate over the node's life (while metrics are on); the
 * histograms start over at each as_cluster_enable_metrics. The namespace
 * "" collects batches (which may span namespaces) and tend traffic. */
typedef struct as_ns_metrics {
	struct as_ns_metrics* _Atomic next;
	char ns[AS_NS_NAME_MAX];
	atomic_uint_fast64_t bytes_in;
	atomic_uint_fast64_t bytes_out;
	atomic_uint_fast64_t error_count;
	atomic_uint_fast64_t timeout_count;
	atomic_uint_fast64_t key_busy_count;
	atomic_uint_fast64_t latency[AS_LATENCY_TYPES][AS_LATENCY_COLUMNS_MAX];
} as_ns_metrics;

/* The node's namespace metrics (NULL ns means ""), created on first use;
 * NULL only when out of memory. Lock-free: concurrent callers agree on one
 * entry per namespace. */
as_ns_metrics* as_node_ns_metrics(as_node* n, const char* ns);

/* The first entry of a node's list (follow ->next), for snapshots. */
as_ns_metrics* as_node_ns_metrics_first(as_node* n);

/* Frees a node's list (the node's last release). */
void as__node_metrics_free(as_node* n);

/* ---- counting, called by the executors ---------------------------------- */

/* True while metrics are on. */
bool as_metrics_on(as_cluster* c);

/* Counts one command (the executors call it only while metrics are on). */
void as_metrics_count_command(as_cluster* c);

/* Adds a latency to a histogram of m (m may be NULL). */
void as_metrics_add_latency(as_cluster* c, as_ns_metrics* m, int type, uint64_t elapsed_ns);

/* Counts a failed attempt in m (may be NULL) as error, timeout or key busy. */
void as_metrics_count_error(as_ns_metrics* m, int code);

static inline void as_metrics_add_bytes(as_ns_metrics* m, uint64_t in, uint64_t out)
{
	if (m) {
		atomic_fetch_add_explicit(&m->bytes_in, in, memory_order_relaxed);
		atomic_fetch_add_explicit(&m->bytes_out, out, memory_order_relaxed);
	}
}

/* ---- turning metrics on and off ------------------------------------------ */

/* Called by the tend thread with no lock held: `snapshot` after every
 * `interval` tends, `node_close` when a node leaves the cluster (the node
 * is still valid during the call). */
typedef struct as_metrics_listener {
	void (*snapshot)(void* udata, as_cluster* c);
	void (*node_close)(void* udata, as_cluster* c, as_node* n);
	void* udata;
} as_metrics_listener;

/* Turns metrics on (or changes the settings when already on): clears the
 * histograms of the current nodes and starts counting tends from zero. */
void as_cluster_enable_metrics(as_cluster* c, uint32_t interval, uint32_t columns, uint32_t shift,
	const as_metrics_listener* l);

/* Turns metrics off at once; false when they were off. A listener call
 * may still be running: as_cluster_metrics_wait() waits for its end. */
bool as_cluster_disable_metrics(as_cluster* c);

/* Returns when the tend thread is in no listener call (at once when called
 * from a listener, on the tend thread itself). */
void as_cluster_metrics_wait(as_cluster* c);

/* Commands counted while metrics were on, since the cluster was created. */
uint64_t as_cluster_command_count(as_cluster* c);

#endif
