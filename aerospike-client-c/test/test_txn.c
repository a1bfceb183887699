/*
 * test_txn.c: the transaction state of as_txn.h without a server: the key
 * sets' order (the reference client's hash-table walk, which decides the
 * rows of verify and roll messages), the fields commands carry, what replies
 * report back, and the checks a command makes.
 */
#include "as_test.h"

#include <aerospike/as_txn.h>
#include <stdio.h>

/* A digest whose first four bytes (little-endian) are `head`. */
static void digest_with(uint8_t d[20], uint32_t head, uint8_t tag)
{
	memset(d, tag, 20);
	d[0] = (uint8_t)head;
	d[1] = (uint8_t)(head >> 8);
	d[2] = (uint8_t)(head >> 16);
	d[3] = (uint8_t)(head >> 24);
}

static uint8_t tag_at(const as_txn_keys* k, size_t i)
{
	return k->items[i].digest[19];
}

TEST(keys_follow_the_reference_walk)
{
	as_txn_keys k;
	as_txn_keys_init(&k, 1); /* at least 16: 32 buckets */
	ASSERT_EQ(k.n_buckets, 32u);
	uint8_t a[20], b[20], c[20], d[20], e[20];
	digest_with(a, 3, 'a');
	digest_with(b, 32, 'b'); /* bucket 0 */
	digest_with(c, 35, 'c'); /* bucket 3 */
	digest_with(d, 67, 'd'); /* bucket 3 */
	digest_with(e, 99, 'e'); /* bucket 3 */
	as_txn_keys_put(&k, a, "s", 1, 0);
	as_txn_keys_put(&k, b, "s", 1, 0);
	as_txn_keys_put(&k, c, "s", 1, 0);
	as_txn_keys_put(&k, d, "s", 1, 0);
	/* bucket 0, then bucket 3: its first key, then the others newest first */
	ASSERT_EQ(k.n, (size_t)4);
	ASSERT_EQ(tag_at(&k, 0), 'b');
	ASSERT_EQ(tag_at(&k, 1), 'a');
	ASSERT_EQ(tag_at(&k, 2), 'd');
	ASSERT_EQ(tag_at(&k, 3), 'c');
	/* Removing a bucket's first key promotes the newest. */
	as_txn_keys_remove(&k, a);
	as_txn_keys_put(&k, e, "s", 1, 0);
	ASSERT_EQ(tag_at(&k, 1), 'd');
	ASSERT_EQ(tag_at(&k, 2), 'e');
	ASSERT_EQ(tag_at(&k, 3), 'c');
	/* A key stored again keeps its place and takes the new version. */
	as_txn_keys_put(&k, c, "s", 1, 42);
	ASSERT_EQ(tag_at(&k, 3), 'c');
	ASSERT_EQ(as_txn_keys_find(&k, c)->version, (uint64_t)42);
	ASSERT_NULL(as_txn_keys_find(&k, a));
	as_txn_keys_destroy(&k);

	as_txn_keys_init(&k, 100);
	ASSERT_EQ(k.n_buckets, 200u);
	as_txn_keys_destroy(&k);
}

TEST(fields_of_a_command)
{
	as_txn_fields f = {.id = 0x1122334455667788ull,
		.deadline = 0x01020304,
		.has_version = true,
		.version = 0x00aabbccddeeffull};
	uint8_t stack[256];
	as_buf b;
	as_buf_init(&b, stack, sizeof(stack));
	as_msg_builder mb = {.buf = &b};
	as_txn_put_fields(&mb, &f, AS_TXN_PUT_ID | AS_TXN_PUT_DEADLINE);
	static const uint8_t want[] = {0, 0, 0, 9, 5, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0,
		0, 0, 8, 3, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x00, 0, 0, 0, 5, 6, 4, 3, 2, 1};
	ASSERT_MEM_EQ(b.data, b.len, want, sizeof(want));
	ASSERT_EQ(mb.n_fields, 3);
	/* A batch row sends no deadline while the monitor has given none. */
	b.len = 0;
	mb.n_fields = 0;
	f.deadline = 0;
	f.has_version = false;
	as_txn_put_fields(&mb, &f, AS_TXN_PUT_ID | AS_TXN_PUT_DEADLINE_IF_SET);
	ASSERT_EQ(mb.n_fields, 1);
	as_buf_destroy(&b);
}

/* A reply AS_MSG with the given result and, when version != 0, field 3. */
static size_t reply(uint8_t* out, uint8_t result, uint64_t version)
{
	memset(out, 0, 22);
	out[0] = 22;
	out[5] = result;
	size_t len = 22;
	if (version) {
		out[19] = 1; /* n_fields */
		static const uint8_t head[] = {0, 0, 0, 8, 3};
		memcpy(out + len, head, 5);
		len += 5;
		for (int i = 0; i < 7; i++) {
			out[len++] = (uint8_t)(version >> (8 * i));
		}
	}
	return len;
}

TEST(replies_move_keys_between_reads_and_writes)
{
	as_txn t;
	as_txn_init(&t, 128, 128);
	ASSERT_NE(t.id, (uint64_t)0);
	uint8_t d[20], buf[64];
	digest_with(d, 7, 'x');
	as_msg m;
	size_t len = reply(buf, 0, 0x123456);
	ASSERT_EQ(as_msg_parse(&m, buf, buf + len), len);
	as_txn_on_reply(&t, d, "set", 3, false, &m);
	as_txn_fields f;
	as_txn_fields_for(&t, d, &f);
	ASSERT_TRUE(f.has_version);
	ASSERT_EQ(f.version, (uint64_t)0x123456);
	ASSERT_TRUE(as_txn_needs_monitor(&t, d));
	/* A write that succeeded without a version: no longer verified, now rolled. */
	len = reply(buf, 0, 0);
	as_msg_parse(&m, buf, buf + len);
	as_txn_on_reply(&t, d, "set", 3, true, &m);
	as_txn_fields_for(&t, d, &f);
	ASSERT_FALSE(f.has_version);
	ASSERT_FALSE(as_txn_needs_monitor(&t, d));
	ASSERT_EQ(t.writes.n, (size_t)1);
	ASSERT_EQ(t.writes.items[0].set_len, 3);
	/* A failed write answers a version: the key is verified at commit. */
	uint8_t d2[20];
	digest_with(d2, 8, 'y');
	len = reply(buf, 5, 77);
	as_msg_parse(&m, buf, buf + len);
	as_txn_on_reply(&t, d2, "set", 3, true, &m);
	ASSERT_EQ(t.reads.n, (size_t)1);
	ASSERT_TRUE(as_txn_needs_monitor(&t, d2));
	as_txn_on_write_in_doubt(&t, d2, "set", 3);
	ASSERT_EQ(t.reads.n, (size_t)0);
	ASSERT_TRUE(t.write_in_doubt);
	as_txn_destroy(&t);
}

TEST(commands_check_state_and_namespace)
{
	as_txn t;
	as_txn_init(&t, 0, 0);
	as_error err;
	as_error_reset(&err);
	ASSERT_EQ(as_txn_begin_command(&t, "test", &err), 0);
	ASSERT_EQ(as_txn_begin_command(&t, "bar", &err), AS_ERR_PARAM);
	ASSERT_TRUE(strstr(err.message, "orig: test new: bar") != NULL);
	t.state = AS_TXN_COMMIT_FAILED;
	ASSERT_EQ(as_txn_begin_command(&t, "test", &err), AS_ERR_PARAM);
	ASSERT_TRUE(strstr(err.message, "in-doubt outcome") != NULL);
	t.state = AS_TXN_ABORTED;
	as_txn_begin_command(&t, "test", &err);
	ASSERT_TRUE(strstr(err.message, "has been aborted") != NULL);
	as_txn_destroy(&t);
}
