/*
 * test_metrics.c: client metrics without a server: the latency histogram
 * column of elapsed times (milliseconds rounded up, <= 1 ms first, powers
 * of 2^shift after, the last column open-ended, large shifts saturating)
 * and a node's list of namespace metrics (one entry per namespace, in the
 * order of first use, shared by concurrent threads).
 */
#include "as_test.h"
#include <aerospike/as_metrics.h>
#include <pthread.h>
#include <stdlib.h>

#define MS 1000000ull

TEST(latency_index_default_columns)
{
	/* latency_columns=7, latency_shift=1: <=1 >1 >2 >4 >8 >16 >32 ms. */
	static const struct {
		uint64_t ns;
		uint32_t column;
	} cases[] = {
		{0, 0},
		{1, 0},
		{MS, 0},
		{MS + 1, 1}, /* 1.000001 ms rounds up to 2 ms */
		{2 * MS, 1},
		{2 * MS + 1, 2},
		{4 * MS, 2},
		{5 * MS, 3},
		{8 * MS, 3},
		{9 * MS, 4},
		{16 * MS, 4},
		{17 * MS, 5},
		{32 * MS, 5},
		{33 * MS, 6},
		{60000 * MS, 6},
		{UINT64_MAX, 6},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t got = as_latency_index(cases[i].ns, 7, 1);
		ASSERT_EQ(got, cases[i].column);
	}
}

TEST(latency_index_shift_three)
{
	/* latency_columns=5, latency_shift=3: <=1 >1 >8 >64 >512 ms. */
	ASSERT_EQ(as_latency_index(MS, 5, 3), 0);
	ASSERT_EQ(as_latency_index(8 * MS, 5, 3), 1);
	ASSERT_EQ(as_latency_index(9 * MS, 5, 3), 2);
	ASSERT_EQ(as_latency_index(64 * MS, 5, 3), 2);
	ASSERT_EQ(as_latency_index(65 * MS, 5, 3), 3);
	ASSERT_EQ(as_latency_index(512 * MS, 5, 3), 3);
	ASSERT_EQ(as_latency_index(513 * MS, 5, 3), 4);
}

TEST(latency_index_edge_settings)
{
	/* No columns: nothing to count in (the caller skips). */
	ASSERT_EQ(as_latency_index(5 * MS, 0, 1), 0);
	/* One column holds everything. */
	ASSERT_EQ(as_latency_index(0, 1, 1), 0);
	ASSERT_EQ(as_latency_index(UINT64_MAX, 1, 1), 0);
	/* Shift 0: every limit is 1 ms, so above 1 ms is the last column. */
	ASSERT_EQ(as_latency_index(MS, 7, 0), 0);
	ASSERT_EQ(as_latency_index(2 * MS, 7, 0), 6);
	/* Shifts of 64 and more saturate instead of overflowing: past the
	 * first column every time fits the second. */
	ASSERT_EQ(as_latency_index(2 * MS, 7, 64), 1);
	ASSERT_EQ(as_latency_index(UINT64_MAX, 7, 70), 1);
	ASSERT_EQ(as_latency_index(UINT64_MAX, 7, 255), 1);
	/* A shift of 40: 2^40 ms fits column 1, beyond it column 2. */
	ASSERT_EQ(as_latency_index((1ull << 40) * MS, 7, 40), 1);
	ASSERT_EQ(as_latency_index(((1ull << 40) + 1) * MS, 7, 40), 2);
	/* The widest histogram: 255 columns, shift 1. */
	ASSERT_EQ(as_latency_index(UINT64_MAX, 255, 1), 45); /* 1.8e13 ms <= 2^45 */
	ASSERT_EQ(as_latency_index(3 * MS, 255, 1), 2);
}

TEST(ns_metrics_list_order_and_identity)
{
	as_node n;
	memset(&n, 0, sizeof(n));
	as_ns_metrics* test = as_node_ns_metrics(&n, "test");
	as_ns_metrics* none = as_node_ns_metrics(&n, NULL);
	as_ns_metrics* bar = as_node_ns_metrics(&n, "bar");
	ASSERT_TRUE(test && none && bar);
	ASSERT_TRUE(as_node_ns_metrics(&n, "test") == test);
	ASSERT_TRUE(as_node_ns_metrics(&n, "") == none);
	ASSERT_TRUE(as_node_ns_metrics(&n, "bar") == bar);
	as_ns_metrics* m = as_node_ns_metrics_first(&n);
	ASSERT_STR_EQ(m->ns, "test");
	m = atomic_load(&m->next);
	ASSERT_STR_EQ(m->ns, "");
	m = atomic_load(&m->next);
	ASSERT_STR_EQ(m->ns, "bar");
	ASSERT_TRUE(atomic_load(&m->next) == NULL);

	as_metrics_add_bytes(test, 30, 87);
	as_metrics_add_bytes(NULL, 1, 1); /* metrics off: nothing to count in */
	as_metrics_count_error(test, AS_ERR_TIMEOUT);
	as_metrics_count_error(test, 14);
	as_metrics_count_error(test, AS_ERR_FILTERED_OUT);
	as_metrics_count_error(NULL, AS_ERR_TIMEOUT);
	ASSERT_EQ(atomic_load(&test->bytes_in), 30);
	ASSERT_EQ(atomic_load(&test->bytes_out), 87);
	ASSERT_EQ(atomic_load(&test->timeout_count), 1);
	ASSERT_EQ(atomic_load(&test->key_busy_count), 1);
	ASSERT_EQ(atomic_load(&test->error_count), 1);
	as__node_metrics_free(&n);
	ASSERT_TRUE(as_node_ns_metrics_first(&n) == NULL);
}

typedef struct {
	as_node* node;
	as_ns_metrics* got[4];
} racer;

static void* race_all(void* arg)
{
	racer* r = arg;
	static const char* names[] = {"a", "b", "c", "d"};
	for (int i = 0; i < 4; i++) {
		r->got[i] = as_node_ns_metrics(r->node, names[i]);
		atomic_fetch_add(&r->got[i]->bytes_in, 1);
	}
	return NULL;
}

TEST(ns_metrics_concurrent_first_use)
{
	as_node n;
	memset(&n, 0, sizeof(n));
	enum { THREADS = 8 };
	racer rs[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		rs[i].node = &n;
		ASSERT_EQ(pthread_create(&t[i], NULL, race_all, &rs[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
	}
	/* Every thread got the same four entries, and the list holds four. */
	for (int i = 1; i < THREADS; i++) {
		ASSERT_TRUE(memcmp(rs[i].got, rs[0].got, sizeof(rs[0].got)) == 0);
	}
	int count = 0;
	for (as_ns_metrics* m = as_node_ns_metrics_first(&n); m; m = atomic_load(&m->next)) {
		ASSERT_EQ(atomic_load(&m->bytes_in), THREADS);
		count++;
	}
	ASSERT_EQ(count, 4);
	as__node_metrics_free(&n);
}
