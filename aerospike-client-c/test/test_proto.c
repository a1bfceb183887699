/*
 * test_proto.c: unit tests of the wire-format layer without a server: the
 * AS_MSG builder against the worked examples of protocol.md 6 and bytes from
 * the wire vectors, the parser's bounds checks, void time -> TTL, info
 * requests, reply parsing and error detection.
 */
#include "as_test.h"
#include <aerospike/as_crypto.h>
#include <aerospike/as_info.h>
#include <aerospike/as_proto.h>

static void build_get(as_buf* b)
{
	uint8_t digest[20];
	as_digest_compute("demo", 4, 3, "key1", 4, digest);
	as_msg_header h = {.info1 = AS_INFO1_READ | AS_INFO1_GET_ALL, .transaction_ttl = 1000};
	as_msg_builder mb;
	as_msg_begin(&mb, b, &h);
	as_msg_field(&mb, AS_FIELD_NAMESPACE, "test", 4);
	as_msg_field(&mb, AS_FIELD_SET, "demo", 4);
	as_msg_field(&mb, AS_FIELD_DIGEST, digest, 20);
	ASSERT_TRUE(as_msg_end(&mb));
}

TEST(get_all_bins_matches_worked_example)
{
	as_buf b;
	as_buf_init(&b, NULL, 0);
	build_get(&b);
	ASSERT_HEX_EQ(b.data, b.len,
		"02 03 000000000041 | 16 03 00 00 00 00 00000000 00000000 000003e8 0003 0000 |"
		"00000005 00 74657374 | 00000005 01 64656d6f |"
		"00000015 04 ec91192d4b7f8ce35d5d78d34bca65cbaaaac960");
	as_buf_destroy(&b);
}

TEST(put_ops_match_worked_example)
{
	as_buf b;
	as_buf_init(&b, NULL, 0);
	as_msg_header h = {.info2 = AS_INFO2_WRITE};
	as_msg_builder mb;
	as_msg_begin(&mb, &b, &h);
	size_t ops_at = b.len;
	as_msg_op_begin(&mb, AS_OP_WRITE, AS_PARTICLE_INTEGER, "a", 1);
	as_buf_put_u64be(&b, 7);
	as_msg_op_end(&mb);
	as_msg_op_begin(&mb, AS_OP_WRITE, AS_PARTICLE_STRING, "s", 1);
	as_buf_put(&b, "hi", 2);
	as_msg_op_end(&mb);
	ASSERT_TRUE(as_msg_end(&mb));
	ASSERT_HEX_EQ(b.data + ops_at, b.len - ops_at,
		"0000000d 02 01 00 01 61 0000000000000007 00000007 02 03 00 01 73 6869");
	ASSERT_EQ(as_read_u16be(b.data + 28), 2);
	as_buf_destroy(&b);
}

TEST(field_written_in_place)
{
	uint8_t stack[16]; /* small on purpose: forces growth mid-message */
	as_buf b;
	as_buf_init(&b, stack, sizeof(stack));
	as_msg_header h = {0};
	as_msg_builder mb;
	as_msg_begin(&mb, &b, &h);
	as_msg_field_begin(&mb, AS_FIELD_FILTER);
	as_buf_put(&b, "\x93\x01\x93\x51\x02\xa1\x61\x07", 8);
	as_msg_field_end(&mb);
	ASSERT_TRUE(as_msg_end(&mb));
	ASSERT_TRUE(b.heap);
	ASSERT_HEX_EQ(b.data + 30, b.len - 30, "00000009 2b 930193510 2a16107");
	as_buf_destroy(&b);
}

TEST(parse_reply_with_bins)
{
	/* A get reply from kv/get-bool: two BOOL bins, generation 1. */
	uint8_t msg[64];
	long n = as_test_unhex("160000000000000000010000000000000000000000020000000601110001740100"
						   "000006011100016600",
		msg, sizeof(msg));
	ASSERT_EQ(n, 42);
	as_msg m;
	ASSERT_EQ(as_msg_parse(&m, msg, msg + n), (size_t)n);
	ASSERT_EQ(m.result_code, 0);
	ASSERT_EQ(m.h.generation, 1);
	ASSERT_EQ(m.n_ops, 2);
	const uint8_t* cur = m.ops;
	as_msg_op_view op;
	as_msg_next_op(&cur, &op);
	ASSERT_EQ(op.op, AS_OP_READ);
	ASSERT_EQ(op.particle_type, AS_PARTICLE_BOOL);
	ASSERT_EQ(op.name_len, 1);
	ASSERT_EQ(op.name[0], 't');
	ASSERT_EQ(op.value_len, 1);
	ASSERT_EQ(op.value[0], 1);
	as_msg_next_op(&cur, &op);
	ASSERT_EQ(op.name[0], 'f');
	ASSERT_EQ(op.value[0], 0);
	ASSERT_TRUE(cur == msg + n);
}

TEST(parse_rejects_truncation_and_lies)
{
	uint8_t msg[64];
	long n = as_test_unhex("160000000000000000010000000000000000000000010000000d0101000169000000"
						   "000000002a",
		msg, sizeof(msg));
	ASSERT_TRUE(n > 0);
	as_msg m;
	ASSERT_EQ(as_msg_parse(&m, msg, msg + n), (size_t)n);
	for (long cut = 0; cut < n; cut++) {
		ASSERT_EQ(as_msg_parse(&m, msg, msg + cut), 0);
	}
	msg[0] = 21; /* header size must be 22 */
	ASSERT_EQ(as_msg_parse(&m, msg, msg + n), 0);
	msg[0] = 22;
	msg[30] = 3; /* op name longer than the op */
	msg[25] = 0x02;
	ASSERT_EQ(as_msg_parse(&m, msg, msg + n), 0);
}

TEST(proto_header_validation)
{
	uint8_t p[8];
	uint8_t type;
	uint64_t size;
	as_proto_write_header(p, AS_PROTO_TYPE_MSG, 22);
	ASSERT_TRUE(as_proto_parse_header(p, &type, &size));
	ASSERT_EQ(type, 3);
	ASSERT_EQ(size, 22);
	p[0] = 1;
	ASSERT_FALSE(as_proto_parse_header(p, &type, &size));
	as_proto_write_header(p, 9, 22);
	ASSERT_FALSE(as_proto_parse_header(p, &type, &size));
	as_proto_write_header(p, AS_PROTO_TYPE_MSG, (uint64_t)AS_PROTO_SIZE_MAX + 1);
	ASSERT_FALSE(as_proto_parse_header(p, &type, &size));
}

TEST(void_time_to_ttl)
{
	uint32_t now = AS_CITRUSLEAF_EPOCH + 1000;
	ASSERT_EQ_U64(as_void_time_to_ttl(0, now), 0xFFFFFFFFu);
	ASSERT_EQ(as_void_time_to_ttl(1500, now), 500);
	ASSERT_EQ(as_void_time_to_ttl(900, now), 1);
	ASSERT_EQ(as_void_time_to_ttl(1000, now), 1);
}

TEST(info_request_framing)
{
	as_buf b;
	as_buf_init(&b, NULL, 0);
	as_info_request(&b, "node\npartition-generation\n", 26);
	ASSERT_HEX_EQ(b.data, 8, "02 01 00000000001a");
	ASSERT_MEM_EQ(b.data + 8, b.len - 8, "node\npartition-generation\n", 26);
	as_buf_destroy(&b);
}

TEST(info_reply_lines)
{
	const char* reply = "node\tBB9\npartition-generation\t7\nbogus-line\n";
	const char* v;
	size_t vlen;
	ASSERT_TRUE(as_info_find(reply, strlen(reply), "partition-generation", &v, &vlen));
	ASSERT_MEM_EQ(v, vlen, "7", 1);
	ASSERT_TRUE(as_info_find(reply, strlen(reply), "node", &v, &vlen));
	ASSERT_MEM_EQ(v, vlen, "BB9", 3);
	ASSERT_FALSE(as_info_find(reply, strlen(reply), "build", &v, &vlen));
}

TEST(info_error_detection)
{
	as_error err;
	as_error_reset(&err);
	const char* ok = "sindex-exists:namespace=test;indexname=x\tfalse\n";
	ASSERT_EQ(as_info_check_error(ok, strlen(ok), &err), 0);
	const char* bad = "no-such-command\tERROR:4:unrecognized command\n";
	ASSERT_EQ(as_info_check_error(bad, strlen(bad), &err), 4);
	ASSERT_STR_EQ(err.message, "unrecognized command");
	const char* found = "sindex-create:x\tERROR:200:'indexname' already exists\n";
	ASSERT_EQ(as_info_check_error(found, strlen(found), &err), 200);
	const char* nocode = "ERROR::something odd";
	ASSERT_EQ(as_info_check_error(nocode, strlen(nocode), &err), 1);
	const char* udf = "udf-put:filename=a.lua\terror=compile_error;file=a.lua\n";
	ASSERT_EQ(as_info_check_error(udf, strlen(udf), &err), 100);
	ASSERT_STR_EQ(err.message, "error=compile_error;file=a.lua");
	/* The compiler's message comes in base64 and is shown decoded. */
	const char* compile =
		"udf-put:filename=b.lua\terror=compile_error;file=b.lua;line=2;message=YjoyOiBvb3Bz\n";
	ASSERT_EQ(as_info_check_error(compile, strlen(compile), &err), 100);
	ASSERT_STR_EQ(err.message, "error=compile_error;file=b.lua;line=2;message=b:2: oops");
	const char* fail = "x\tFAIL:22:forbidden\n";
	ASSERT_EQ(as_info_check_error(fail, strlen(fail), &err), 22);
}
