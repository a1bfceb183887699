/*
 * test_cluster_parse.c: unit tests of the tend thread's parsers without a
 * server: peers-* replies (protocol.md 2c) and `replicas` partition maps
 * (2b, 2e), including malformed input.
 */
#include "../src/cluster/as_cluster_internal.h"
#include "as_test.h"
#include <aerospike/as_crypto.h>
#include <stdio.h>
#include <stdlib.h>

TEST(peers_example)
{
	const char* text =
		"12,3000,[[BB9040011AC4202,,[172.17.0.4]],[BB9050011AC4202,,[10.0.0.5:3100]]]";
	as_peer peers[4];
	int64_t gen = 0;
	ASSERT_EQ(as__peers_parse(text, strlen(text), &gen, peers, 4), 2);
	ASSERT_EQ(gen, 12);
	ASSERT_STR_EQ(peers[0].name, "BB9040011AC4202");
	ASSERT_EQ(peers[0].n_hosts, 1);
	ASSERT_STR_EQ(peers[0].hosts[0], "172.17.0.4");
	ASSERT_EQ(peers[0].ports[0], 3000);
	ASSERT_STR_EQ(peers[1].hosts[0], "10.0.0.5");
	ASSERT_EQ(peers[1].ports[0], 3100);
}

TEST(peers_ipv6_tls_and_empty)
{
	const char* text = "3,4333,[[A1,tls-a,[[::1]:4000,[fe80::2]]]]\n";
	as_peer peers[2];
	int64_t gen;
	ASSERT_EQ(as__peers_parse(text, strlen(text), &gen, peers, 2), 1);
	ASSERT_STR_EQ(peers[0].tls_name, "tls-a");
	ASSERT_EQ(peers[0].n_hosts, 2);
	ASSERT_STR_EQ(peers[0].hosts[0], "::1");
	ASSERT_EQ(peers[0].ports[0], 4000);
	ASSERT_STR_EQ(peers[0].hosts[1], "fe80::2");
	ASSERT_EQ(peers[0].ports[1], 4333);
	const char* none = "7,3000,[]";
	ASSERT_EQ(as__peers_parse(none, strlen(none), &gen, peers, 2), 0);
	ASSERT_EQ(gen, 7);
}

TEST(peers_malformed)
{
	static const char* const bad[] = {"", "x,3000,[]", "1,3000,[", "1,3000,[[A,,[h:0]]]",
		"1,3000,[[A,,[h]]", "1,99999,[]", "1,3000,[[A,,[h:70000]]]"};
	as_peer peers[2];
	int64_t gen;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_MSG(as__peers_parse(bad[i], strlen(bad[i]), &gen, peers, 2) < 0, "accepted '%s'",
			bad[i]);
	}
}

static char* replicas_text(const char* ns, int owned_every)
{
	uint8_t bitmap[512];
	memset(bitmap, 0, sizeof(bitmap));
	for (int p = 0; p < 4096; p += owned_every) {
		bitmap[p >> 3] |= (uint8_t)(0x80 >> (p & 7));
	}
	char b64[700];
	as_base64_encode(bitmap, sizeof(bitmap), b64);
	b64[684] = '\0';
	char* text = malloc(800);
	snprintf(text, 800, "%s:0,1,%s;", ns, b64);
	return text;
}

TEST(replicas_apply_and_remove)
{
	as_cluster c;
	memset(&c, 0, sizeof(c));
	as_node n1;
	memset(&n1, 0, sizeof(n1));
	atomic_init(&n1.active, true);
	char* text = replicas_text("test", 2);
	ASSERT_EQ(as__partitions_apply(&c, &n1, text, strlen(text)), 0);
	as_partition_table* t = as__partitions_find(&c, "test");
	ASSERT_NOT_NULL(t);
	ASSERT_EQ(t->replica_count, 1);
	ASSERT_TRUE(t->owners[0][0] == &n1);
	ASSERT_NULL(t->owners[1][0]);
	ASSERT_TRUE(t->owners[4094][0] == &n1);
	ASSERT_NULL(as__partitions_find(&c, "bar"));
	as__partitions_remove_node(&c, &n1);
	ASSERT_NULL(t->owners[0][0]);
	as__partitions_destroy(&c);
	free(text);
}

TEST(replicas_malformed)
{
	as_cluster c;
	memset(&c, 0, sizeof(c));
	as_node n1;
	memset(&n1, 0, sizeof(n1));
	static const char* const bad[] = {"test", "test:0", "test:x,1,AAAA", "test:0,1,AAAA",
		"test:0,1,!!!"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_MSG(as__partitions_apply(&c, &n1, bad[i], strlen(bad[i])) != 0, "accepted '%s'",
			bad[i]);
	}
	as__partitions_destroy(&c);
}
