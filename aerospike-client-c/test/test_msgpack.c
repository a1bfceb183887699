/*
 * test_msgpack.c: unit tests of the msgpack packer (src/msgpack/as_pack.c):
 * golden bytes for every encoding boundary (protocol.md section 7), the
 * particle-string form, ext headers and the Aerospike shapes built from
 * them. The unpacker has its own file, test_msgpack_unpack.c.
 */
#include "as_test.h"

#include <aerospike/as_msgpack.h>
#include <math.h>
#include <stdlib.h>

/* Runs one packer call on a fresh buffer `b` and compares with a golden. */
#define CHECK_PACK(call, hex)                                                                      \
	do {                                                                                           \
		uint8_t st_[8];                                                                            \
		as_buf b;                                                                                  \
		as_buf_init(&b, st_, sizeof(st_));                                                         \
		call;                                                                                      \
		ASSERT_FALSE(b.oom);                                                                       \
		ASSERT_HEX_EQ(b.data, b.len, hex);                                                         \
		as_buf_destroy(&b);                                                                        \
	} while (0)

/* Unpacks exactly one token from hex and checks that it used every byte. */
static as_mp_obj unpack_one(const char* hex, uint8_t* storage, size_t cap)
{
	long n = as_test_unhex(hex, storage, cap);
	ASSERT_TRUE(n >= 0);
	as_unpacker u;
	as_mp_obj o;
	as_unpacker_init(&u, storage, (size_t)n);
	ASSERT_MSG(as_unpack_next(&u, &o) == 0, "failed to unpack %s", hex);
	ASSERT_MSG(u.p == u.end, "unpacking %s left %zu bytes", hex, (size_t)(u.end - u.p));
	return o;
}

/* Packs v as int64 and checks the golden, then decodes it back. */
static void check_int(int64_t v, const char* hex)
{
	CHECK_PACK(as_pack_int64(&b, v), hex);
	uint8_t st[16];
	as_mp_obj o = unpack_one(hex, st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_INT);
	ASSERT_EQ(o.v.i, v);
	if (v >= 0) {
		CHECK_PACK(as_pack_uint64(&b, (uint64_t)v), hex);
	}
}

TEST(pack_int_boundaries)
{
	check_int(0, "00");
	check_int(1, "01");
	check_int(127, "7f");
	check_int(128, "cc 80");
	check_int(255, "cc ff");
	check_int(256, "cd 01 00");
	check_int(65535, "cd ff ff");
	check_int(65536, "ce 00 01 00 00");
	check_int(4294967295LL, "ce ff ff ff ff");
	check_int(4294967296LL, "cf 00 00 00 01 00 00 00 00");
	check_int(INT64_MAX, "cf 7f ff ff ff ff ff ff ff");

	check_int(-1, "ff");
	check_int(-32, "e0");
	check_int(-33, "d0 df");
	check_int(-128, "d0 80");
	check_int(-129, "d1 ff 7f");
	check_int(-32768, "d1 80 00");
	check_int(-32769, "d2 ff ff 7f ff");
	check_int(INT32_MIN, "d2 80 00 00 00");
	check_int((int64_t)INT32_MIN - 1, "d3 ff ff ff ff 7f ff ff ff");
	check_int(INT64_MIN, "d3 80 00 00 00 00 00 00 00");
}

TEST(pack_uint64_above_int64)
{
	CHECK_PACK(as_pack_uint64(&b, (uint64_t)INT64_MAX + 1), "cf 80 00 00 00 00 00 00 00");
	CHECK_PACK(as_pack_uint64(&b, UINT64_MAX), "cf ff ff ff ff ff ff ff ff");

	uint8_t st[16];
	as_mp_obj o = unpack_one("cf ff ff ff ff ff ff ff ff", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_UINT);
	ASSERT_EQ_U64(o.v.u, UINT64_MAX);
	o = unpack_one("cf 80 00 00 00 00 00 00 00", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_UINT);
	ASSERT_EQ_U64(o.v.u, (uint64_t)1 << 63);
}

TEST(pack_nil_bool)
{
	CHECK_PACK(as_pack_nil(&b), "c0");
	CHECK_PACK(as_pack_bool(&b, true), "c3");
	CHECK_PACK(as_pack_bool(&b, false), "c2");
}

TEST(pack_double)
{
	CHECK_PACK(as_pack_double(&b, 0.0), "cb 00 00 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, -0.0), "cb 80 00 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, 1.0), "cb 3f f0 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, 1.5), "cb 3f f8 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, -2.5), "cb c0 04 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, 0.1), "cb 3f b9 99 99 99 99 99 9a");
	CHECK_PACK(as_pack_double(&b, INFINITY), "cb 7f f0 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, -INFINITY), "cb ff f0 00 00 00 00 00 00");
	CHECK_PACK(as_pack_double(&b, 1.7976931348623157e308), "cb 7f ef ff ff ff ff ff ff");
	CHECK_PACK(as_pack_double(&b, 4.9406564584124654e-324), "cb 00 00 00 00 00 00 00 01");
	/* Whole numbers stay doubles: no shrinking to an int form. */
	CHECK_PACK(as_pack_double(&b, 3.0), "cb 40 08 00 00 00 00 00 00");

	uint8_t st[16];
	as_mp_obj o = unpack_one("cb 3f b9 99 99 99 99 99 9a", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_DOUBLE);
	ASSERT_EQ_DBL(o.v.d, 0.1);
	o = unpack_one("cb 80 00 00 00 00 00 00 00", st, sizeof(st));
	ASSERT_TRUE(o.v.d == 0.0 && signbit(o.v.d));

	/* NaN keeps its bits through a round trip. */
	uint8_t buf[16];
	as_buf b;
	as_buf_init(&b, buf, sizeof(buf));
	as_pack_double(&b, NAN);
	ASSERT_EQ(b.len, 9);
	ASSERT_EQ(b.data[0], 0xcb);
	as_unpacker u;
	as_unpacker_init(&u, b.data, b.len);
	ASSERT_EQ(as_unpack_next(&u, &o), 0);
	ASSERT_TRUE(isnan(o.v.d));
	as_buf_destroy(&b);
}

TEST(pack_str_header_boundaries)
{
	CHECK_PACK(as_pack_str_header(&b, 0), "a0");
	CHECK_PACK(as_pack_str_header(&b, 31), "bf");
	CHECK_PACK(as_pack_str_header(&b, 32), "d9 20");
	CHECK_PACK(as_pack_str_header(&b, 255), "d9 ff");
	CHECK_PACK(as_pack_str_header(&b, 256), "da 01 00");
	CHECK_PACK(as_pack_str_header(&b, 65535), "da ff ff");
	CHECK_PACK(as_pack_str_header(&b, 65536), "db 00 01 00 00");
	CHECK_PACK(as_pack_str_header(&b, UINT32_MAX), "db ff ff ff ff");
	CHECK_PACK(as_pack_raw_str(&b, "abc", 3), "a3 61 62 63");
	CHECK_PACK(as_pack_raw_str(&b, NULL, 0), "a0");
}

TEST(pack_bin_header_boundaries)
{
	CHECK_PACK(as_pack_bin_header(&b, 0), "c4 00");
	CHECK_PACK(as_pack_bin_header(&b, 255), "c4 ff");
	CHECK_PACK(as_pack_bin_header(&b, 256), "c5 01 00");
	CHECK_PACK(as_pack_bin_header(&b, 65535), "c5 ff ff");
	CHECK_PACK(as_pack_bin_header(&b, 65536), "c6 00 01 00 00");
}

TEST(pack_array_map_header_boundaries)
{
	CHECK_PACK(as_pack_array_header(&b, 0), "90");
	CHECK_PACK(as_pack_array_header(&b, 15), "9f");
	CHECK_PACK(as_pack_array_header(&b, 16), "dc 00 10");
	CHECK_PACK(as_pack_array_header(&b, 65535), "dc ff ff");
	CHECK_PACK(as_pack_array_header(&b, 65536), "dd 00 01 00 00");
	CHECK_PACK(as_pack_array_header(&b, UINT32_MAX), "dd ff ff ff ff");

	CHECK_PACK(as_pack_map_header(&b, 0), "80");
	CHECK_PACK(as_pack_map_header(&b, 15), "8f");
	CHECK_PACK(as_pack_map_header(&b, 16), "de 00 10");
	CHECK_PACK(as_pack_map_header(&b, 65535), "de ff ff");
	CHECK_PACK(as_pack_map_header(&b, 65536), "df 00 01 00 00");
}

TEST(pack_ext_headers)
{
	CHECK_PACK(as_pack_ext_header(&b, 0xff, 1), "d4 ff");
	CHECK_PACK(as_pack_ext_header(&b, 0xff, 2), "d5 ff");
	CHECK_PACK(as_pack_ext_header(&b, 0xff, 4), "d6 ff");
	CHECK_PACK(as_pack_ext_header(&b, 0xff, 8), "d7 ff");
	CHECK_PACK(as_pack_ext_header(&b, 0xff, 16), "d8 ff");
	CHECK_PACK(as_pack_ext_header(&b, 0x01, 0), "c7 00 01");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 3), "c7 03 05");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 17), "c7 11 05");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 255), "c7 ff 05");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 256), "c8 01 00 05");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 65535), "c8 ff ff 05");
	CHECK_PACK(as_pack_ext_header(&b, 0x05, 65536), "c9 00 01 00 00 05");

	/* The CDT wildcard and infinity markers of protocol.md 7a. */
	uint8_t zero = 0, one = 1;
	CHECK_PACK((as_pack_ext_header(&b, AS_MP_EXT_CDT, 1), as_pack_raw(&b, &zero, 1)), "d4 ff 00");
	CHECK_PACK((as_pack_ext_header(&b, AS_MP_EXT_CDT, 1), as_pack_raw(&b, &one, 1)), "d4 ff 01");
}

TEST(pack_particle)
{
	CHECK_PACK(as_pack_particle(&b, AS_MP_PARTICLE_STRING, "abc", 3), "a4 03 61 62 63");
	CHECK_PACK(as_pack_particle(&b, AS_MP_PARTICLE_STRING, "", 0), "a1 03");
	CHECK_PACK(as_pack_particle(&b, AS_MP_PARTICLE_BLOB, NULL, 0), "a1 04");
	CHECK_PACK(as_pack_particle(&b, AS_MP_PARTICLE_BLOB, "\x00\xff", 2), "a3 04 00 ff");
	CHECK_PACK(as_pack_particle(&b, AS_MP_PARTICLE_GEOJSON, "{}", 2), "a3 17 7b 7d");

	/* The header counts the particle byte, so boundaries move down by one. */
	static const struct {
		uint32_t len;
		const char* head;
	} cases[] = {
		{30, "bf 03"},
		{31, "d9 20 03"},
		{254, "d9 ff 03"},
		{255, "da 01 00 03"},
		{65534, "da ff ff 03"},
		{65535, "db 00 01 00 00 03"},
	};
	char* text = malloc(65535);
	ASSERT_NOT_NULL(text);
	memset(text, 'x', 65535);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		as_buf b;
		as_buf_init(&b, NULL, 0);
		as_pack_particle(&b, AS_MP_PARTICLE_STRING, text, cases[i].len);
		uint8_t head[8];
		long hl = as_test_unhex(cases[i].head, head, sizeof(head));
		ASSERT_EQ(b.len, (size_t)hl + cases[i].len);
		ASSERT_MEM_EQ(b.data, (size_t)hl, head, (size_t)hl);
		ASSERT_TRUE(memcmp(b.data + hl, text, cases[i].len) == 0);

		as_unpacker u;
		as_mp_obj o;
		as_unpacker_init(&u, b.data, b.len);
		ASSERT_EQ(as_unpack_next(&u, &o), 0);
		ASSERT_EQ(o.type, AS_MP_STR);
		ASSERT_EQ(o.v.bytes.len, cases[i].len + 1);
		ASSERT_EQ(o.v.bytes.ptr[0], AS_MP_PARTICLE_STRING);
		ASSERT_TRUE(u.p == u.end);
		as_buf_destroy(&b);
	}
	free(text);
}

TEST(pack_raw_and_growth)
{
	/* Starts in 4 bytes of caller storage and must move to the heap. */
	uint8_t st[4];
	as_buf b;
	as_buf_init(&b, st, sizeof(st));
	as_pack_raw(&b, "\x92", 1);
	as_pack_int64(&b, 1000);
	as_pack_particle(&b, AS_MP_PARTICLE_STRING, "hello world", 11);
	ASSERT_FALSE(b.oom);
	ASSERT_TRUE(b.heap);
	ASSERT_HEX_EQ(b.data, b.len, "92 cd 03 e8 ac 03 68 65 6c 6c 6f 20 77 6f 72 6c 64");
	as_buf_destroy(&b);

	CHECK_PACK(as_pack_raw(&b, NULL, 0), "");
}

/* An ordered map {"a": 1} in the form of protocol.md 7b, and a CDT op with
 * context, [0xff, [0x22, "k"], [op, arg]]. */
TEST(pack_aerospike_shapes)
{
	CHECK_PACK((as_pack_map_header(&b, 2), as_pack_ext_header(&b, 1, 0), as_pack_nil(&b),
				   as_pack_particle(&b, AS_MP_PARTICLE_STRING, "a", 1), as_pack_int64(&b, 1)),
		"82 c7 00 01 c0 a2 03 61 01");
	CHECK_PACK((as_pack_array_header(&b, 3), as_pack_int64(&b, 0xff), as_pack_array_header(&b, 2),
				   as_pack_int64(&b, 0x22), as_pack_particle(&b, AS_MP_PARTICLE_STRING, "k", 1),
				   as_pack_array_header(&b, 2), as_pack_int64(&b, 1), as_pack_int64(&b, -5)),
		"93 cc ff 92 22 a2 03 6b 92 01 fb");
}
