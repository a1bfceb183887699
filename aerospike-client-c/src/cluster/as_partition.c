/*
 * as_partition.c: the partition map, one table per namespace, built from
 * each node's `replicas` reply (protocol.md 2b, 2e). The tend thread
 * applies replies under the cluster's write lock; commands read the table
 * under the read lock in as_cluster_get_node().
 */
#include "as_cluster_internal.h"
#include <aerospike/as_crypto.h>
#include <aerospike/as_log.h>
#include <stdlib.h>
#include <string.h>

#define BITMAP_SIZE (AS_N_PARTITIONS / 8)
#define BITMAP_B64 684

as_partition_table* as__partitions_find(as_cluster* c, const char* ns)
{
	for (uint32_t i = 0; i < c->n_tables; i++) {
		if (strcmp(c->tables[i]->ns, ns) == 0) {
			return c->tables[i];
		}
	}
	return NULL;
}

static as_partition_table* table_get_or_create(as_cluster* c, const char* ns, size_t ns_len)
{
	char name[AS_NS_NAME_MAX];
	if (ns_len == 0 || ns_len >= sizeof(name)) {
		return NULL;
	}
	memcpy(name, ns, ns_len);
	name[ns_len] = '\0';
	as_partition_table* t = as__partitions_find(c, name);
	if (t) {
		return t;
	}
	as_partition_table** grown = realloc(c->tables, (c->n_tables + 1) * sizeof(*grown));
	if (!grown) {
		return NULL;
	}
	c->tables = grown;
	t = calloc(1, sizeof(*t));
	if (!t) {
		return NULL;
	}
	memcpy(t->ns, name, ns_len + 1);
	c->tables[c->n_tables++] = t;
	return t;
}

/* Applies one column's bitmap for node n. */
static void apply_column(as_partition_table* t, as_node* n, uint32_t column, uint32_t regime,
	const uint8_t* bitmap)
{
	for (uint32_t p = 0; p < AS_N_PARTITIONS; p++) {
		if (!(bitmap[p >> 3] & (0x80 >> (p & 7)))) {
			continue;
		}
		if (regime < t->regime[p]) {
			continue;
		}
		t->owners[p][column] = n;
		t->regime[p] = regime;
	}
}

int as__partitions_apply(as_cluster* c, as_node* n, const char* text, size_t len)
{
	const char* p = text;
	const char* end = text + len;
	while (end > p && (end[-1] == '\n' || end[-1] == ';')) {
		end--;
	}
	while (p < end) {
		const char* semi = memchr(p, ';', (size_t)(end - p));
		const char* stop = semi ? semi : end;
		const char* colon = memchr(p, ':', (size_t)(stop - p));
		if (!colon) {
			return -1;
		}
		as_partition_table* t = table_get_or_create(c, p, (size_t)(colon - p));
		if (!t) {
			return -1;
		}
		/* regime,count,b64[,b64...] */
		const char* q = colon + 1;
		char* after;
		unsigned long regime = strtoul(q, &after, 10);
		if (after == q || *after != ',') {
			return -1;
		}
		q = after + 1;
		unsigned long count = strtoul(q, &after, 10);
		if (after == q || (*after != ',' && after != stop)) {
			return -1;
		}
		q = after;
		uint32_t columns = count > AS_MAX_REPLICAS ? AS_MAX_REPLICAS : (uint32_t)count;
		t->replica_count = (uint8_t)(columns ? columns : 1);
		t->sc = regime != 0;
		for (uint32_t col = 0; col < count && q < stop; col++) {
			q++; /* the comma */
			const char* comma = memchr(q, ',', (size_t)(stop - q));
			const char* b64_end = comma ? comma : stop;
			if (b64_end - q != BITMAP_B64) {
				return -1;
			}
			uint8_t bitmap[BITMAP_SIZE + 3];
			size_t n_bytes = 0;
			if (!as_base64_decode(q, BITMAP_B64, bitmap, &n_bytes) || n_bytes != BITMAP_SIZE) {
				return -1;
			}
			if (col < AS_MAX_REPLICAS) {
				apply_column(t, n, col, (uint32_t)regime, bitmap);
			}
			q = b64_end;
		}
		p = semi ? semi + 1 : end;
	}
	return 0;
}

void as__partitions_remove_node(as_cluster* c, as_node* n)
{
	for (uint32_t i = 0; i < c->n_tables; i++) {
		as_partition_table* t = c->tables[i];
		for (uint32_t p = 0; p < AS_N_PARTITIONS; p++) {
			for (uint32_t r = 0; r < AS_MAX_REPLICAS; r++) {
				if (t->owners[p][r] == n) {
					t->owners[p][r] = NULL;
				}
			}
		}
	}
}

void as__partitions_destroy(as_cluster* c)
{
	for (uint32_t i = 0; i < c->n_tables; i++) {
		free(c->tables[i]);
	}
	free(c->tables);
	c->tables = NULL;
	c->n_tables = 0;
}
