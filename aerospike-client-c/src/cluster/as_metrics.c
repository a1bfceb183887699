/*
 * as_metrics.c: client metrics (see as_metrics.h): latency bucketing, each
 * node's list of namespace metrics, the counters the command executors
 * bump, and turning metrics on and off with the listener the tend thread
 * calls (as_cluster.c calls the as__metrics_* hooks).
 */
#include "as_cluster_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint32_t as_latency_index(uint64_t elapsed_ns, uint32_t columns, uint32_t shift)
{
	if (columns == 0) {
		return 0;
	}
	uint64_t ms = elapsed_ns / 1000000u + (elapsed_ns % 1000000u != 0);
	uint32_t last = columns - 1;
	uint64_t limit = 1;
	for (uint32_t i = 0; i < last; i++) {
		if (ms <= limit) {
			return i;
		}
		/* A limit past 2^64 ms holds every time: saturate. */
		limit = shift >= 64 || limit > (UINT64_MAX >> shift) ? UINT64_MAX : limit << shift;
	}
	return last;
}

uint64_t as_metrics_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- a node's namespace metrics ------------------------------------------ */

as_ns_metrics* as_node_ns_metrics(as_node* n, const char* ns)
{
	if (!ns) {
		ns = "";
	}
	as_ns_metrics* _Atomic* link = &n->ns_metrics;
	as_ns_metrics* fresh = NULL;
	for (;;) {
		as_ns_metrics* m = atomic_load_explicit(link, memory_order_acquire);
		if (!m) {
			if (!fresh) {
				fresh = calloc(1, sizeof(as_ns_metrics));
				if (!fresh) {
					return NULL;
				}
				snprintf(fresh->ns, sizeof(fresh->ns), "%s", ns);
			}
			as_ns_metrics* expected = NULL;
			if (atomic_compare_exchange_strong_explicit(link, &expected, fresh,
					memory_order_acq_rel, memory_order_acquire)) {
				return fresh;
			}
			continue; /* another thread appended first: look at its entry */
		}
		if (strncmp(m->ns, ns, sizeof(m->ns) - 1) == 0) {
			free(fresh);
			return m;
		}
		link = &m->next;
	}
}

as_ns_metrics* as_node_ns_metrics_first(as_node* n)
{
	return atomic_load_explicit(&n->ns_metrics, memory_order_acquire);
}

void as__node_metrics_free(as_node* n)
{
	as_ns_metrics* m = atomic_load(&n->ns_metrics);
	while (m) {
		as_ns_metrics* next = atomic_load(&m->next);
		free(m);
		m = next;
	}
	atomic_store(&n->ns_metrics, NULL);
}

/* ---- counting ------------------------------------------------------------ */

bool as_metrics_on(as_cluster* c)
{
	return atomic_load_explicit(&c->metrics.on, memory_order_relaxed);
}

void as_metrics_count_command(as_cluster* c)
{
	atomic_fetch_add_explicit(&c->metrics.commands, 1, memory_order_relaxed);
}

void as_metrics_add_latency(as_cluster* c, as_ns_metrics* m, int type, uint64_t elapsed_ns)
{
	uint32_t columns = atomic_load_explicit(&c->metrics.columns, memory_order_relaxed);
	if (!m || columns == 0) {
		return;
	}
	uint32_t shift = atomic_load_explicit(&c->metrics.shift, memory_order_relaxed);
	uint32_t i = as_latency_index(elapsed_ns, columns, shift);
	atomic_fetch_add_explicit(&m->latency[type][i], 1, memory_order_relaxed);
}

void as_metrics_count_error(as_ns_metrics* m, int code)
{
	if (!m) {
		return;
	}
	if (code == AS_ERR_TIMEOUT) {
		atomic_fetch_add_explicit(&m->timeout_count, 1, memory_order_relaxed);
	}
	else if (code == 14) { /* KEY_BUSY */
		atomic_fetch_add_explicit(&m->key_busy_count, 1, memory_order_relaxed);
	}
	else {
		atomic_fetch_add_explicit(&m->error_count, 1, memory_order_relaxed);
	}
}

uint64_t as_cluster_command_count(as_cluster* c)
{
	return atomic_load_explicit(&c->metrics.commands, memory_order_relaxed);
}

/* ---- on and off ---------------------------------------------------------- */

void as__metrics_init(as_cluster* c)
{
	pthread_mutex_init(&c->metrics.lock, NULL);
	pthread_cond_init(&c->metrics.idle, NULL);
}

void as__metrics_destroy(as_cluster* c)
{
	pthread_mutex_destroy(&c->metrics.lock);
	pthread_cond_destroy(&c->metrics.idle);
}

static void clear_histograms(as_node* n)
{
	for (as_ns_metrics* m = as_node_ns_metrics_first(n); m; m = atomic_load(&m->next)) {
		for (int t = 0; t < AS_LATENCY_TYPES; t++) {
			for (int i = 0; i < AS_LATENCY_COLUMNS_MAX; i++) {
				atomic_store_explicit(&m->latency[t][i], 0, memory_order_relaxed);
			}
		}
	}
}

void as_cluster_enable_metrics(as_cluster* c, uint32_t interval, uint32_t columns, uint32_t shift,
	const as_metrics_listener* l)
{
	atomic_store(&c->metrics.on, false);
	as_node** nodes;
	uint32_t n = as_cluster_nodes(c, &nodes);
	for (uint32_t i = 0; i < n; i++) {
		clear_histograms(nodes[i]);
	}
	as_nodes_release(nodes, n);
	pthread_mutex_lock(&c->metrics.lock);
	c->metrics.listener = *l;
	c->metrics.interval = interval ? interval : 1;
	c->metrics.tends = 0;
	atomic_store(&c->metrics.columns,
		columns > AS_LATENCY_COLUMNS_MAX ? AS_LATENCY_COLUMNS_MAX : columns);
	atomic_store(&c->metrics.shift, shift);
	atomic_store(&c->metrics.on, true);
	pthread_mutex_unlock(&c->metrics.lock);
}

static bool on_tend_thread(as_cluster* c)
{
	return c->tend_started && pthread_equal(pthread_self(), c->tend_thread);
}

bool as_cluster_disable_metrics(as_cluster* c)
{
	return atomic_exchange(&c->metrics.on, false);
}

void as_cluster_metrics_wait(as_cluster* c)
{
	if (on_tend_thread(c)) {
		return;
	}
	pthread_mutex_lock(&c->metrics.lock);
	while (c->metrics.busy) {
		pthread_cond_wait(&c->metrics.idle, &c->metrics.lock);
	}
	pthread_mutex_unlock(&c->metrics.lock);
}

/* Runs one listener call outside the lock, marked busy so that disabling
 * waits for it. Called with the lock held; returns with it held. */
static void call_listener(as_cluster* c, as_node* n)
{
	as_metrics_listener l = c->metrics.listener;
	c->metrics.busy = true;
	pthread_mutex_unlock(&c->metrics.lock);
	if (n) {
		if (l.node_close) {
			l.node_close(l.udata, c, n);
		}
	}
	else if (l.snapshot) {
		l.snapshot(l.udata, c);
	}
	pthread_mutex_lock(&c->metrics.lock);
	c->metrics.busy = false;
	pthread_cond_broadcast(&c->metrics.idle);
}

void as__metrics_tended(as_cluster* c)
{
	if (!as_metrics_on(c)) {
		return;
	}
	pthread_mutex_lock(&c->metrics.lock);
	if (atomic_load(&c->metrics.on) && ++c->metrics.tends >= c->metrics.interval) {
		c->metrics.tends = 0;
		call_listener(c, NULL);
	}
	pthread_mutex_unlock(&c->metrics.lock);
}

void as__metrics_node_removed(as_cluster* c, as_node* n)
{
	if (!as_metrics_on(c)) {
		return;
	}
	pthread_mutex_lock(&c->metrics.lock);
	if (atomic_load(&c->metrics.on)) {
		call_listener(c, n);
	}
	pthread_mutex_unlock(&c->metrics.lock);
}
