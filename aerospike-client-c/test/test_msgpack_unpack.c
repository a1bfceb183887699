/*
 * test_msgpack_unpack.c: unit tests of the msgpack unpacker
 * (src/msgpack/as_unpack.c): decoding of every msgpack form, malformed and
 * hostile input (which must make it return -1 without reading outside its
 * range), the skip depth limit, and a complex message that must round-trip
 * and whose every truncation must be rejected. test_fuzz_unpack.c adds
 * randomised inputs.
 */
#include "as_test.h"

#include <aerospike/as_msgpack.h>
#include <math.h>
#include <stdlib.h>

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

/* Expects as_unpack_skip to reject the bytes and, when `first_token_bad`,
 * as_unpack_next too (a container's header can be fine while an element
 * is not). */
static void check_bad_value(const char* hex, bool first_token_bad)
{
	uint8_t tmp[64];
	long n = as_test_unhex(hex, tmp, sizeof(tmp));
	ASSERT_TRUE(n >= 0);

	/* An exact-size heap copy lets the sanitizers see any over-read. */
	uint8_t* data = malloc(n ? (size_t)n : 1);
	ASSERT_NOT_NULL(data);
	memcpy(data, tmp, (size_t)n);

	as_unpacker u;
	as_mp_obj o;
	as_unpacker_init(&u, data, (size_t)n);
	int rc1 = as_unpack_next(&u, &o);
	as_unpacker_init(&u, data, (size_t)n);
	int rc2 = as_unpack_skip(&u);
	free(data);
	if (first_token_bad) {
		ASSERT_MSG(rc1 == -1, "as_unpack_next accepted %s", hex);
	}
	ASSERT_MSG(rc2 == -1, "as_unpack_skip accepted %s", hex);
}

static void check_bad(const char* hex)
{
	check_bad_value(hex, true);
}

TEST(unpack_every_int_form)
{
	static const struct {
		const char* hex;
		int64_t want;
	} cases[] = {
		{"00", 0},
		{"7f", 127},
		{"e0", -32},
		{"ff", -1},
		{"cc 00", 0},
		{"cc ff", 255},
		{"cd 00 05", 5},
		{"cd ff ff", 65535},
		{"ce 00 00 00 05", 5},
		{"ce ff ff ff ff", 4294967295LL},
		{"cf 00 00 00 00 00 00 00 05", 5},
		{"cf 7f ff ff ff ff ff ff ff", INT64_MAX},
		{"d0 05", 5},
		{"d0 ff", -1},
		{"d0 80", -128},
		{"d0 7f", 127},
		{"d1 ff ff", -1},
		{"d1 80 00", -32768},
		{"d1 00 05", 5},
		{"d2 ff ff ff ff", -1},
		{"d2 80 00 00 00", INT32_MIN},
		{"d2 7f ff ff ff", INT32_MAX},
		{"d3 ff ff ff ff ff ff ff ff", -1},
		{"d3 80 00 00 00 00 00 00 00", INT64_MIN},
		{"d3 00 00 00 00 00 00 00 05", 5},
	};
	uint8_t st[16];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		as_mp_obj o = unpack_one(cases[i].hex, st, sizeof(st));
		ASSERT_MSG(o.type == AS_MP_INT, "%s: type %d", cases[i].hex, (int)o.type);
		ASSERT_MSG(o.v.i == cases[i].want, "%s: got %lld, want %lld", cases[i].hex,
			(long long)o.v.i, (long long)cases[i].want);
	}
}

TEST(unpack_scalars)
{
	uint8_t st[32];
	as_mp_obj o = unpack_one("c0", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_NIL);
	o = unpack_one("c2", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_BOOL);
	ASSERT_FALSE(o.v.b);
	o = unpack_one("c3", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_BOOL);
	ASSERT_TRUE(o.v.b);

	/* float32 widens to double. */
	o = unpack_one("ca 3f c0 00 00", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_DOUBLE);
	ASSERT_EQ_DBL(o.v.d, 1.5);
	o = unpack_one("ca c1 20 00 00", st, sizeof(st));
	ASSERT_EQ_DBL(o.v.d, -10.0);
	o = unpack_one("ca 3d cc cc cd", st, sizeof(st));
	ASSERT_EQ_DBL(o.v.d, (double)0.1f);
	o = unpack_one("ca 7f 80 00 00", st, sizeof(st));
	ASSERT_TRUE(isinf(o.v.d) && o.v.d > 0);
	o = unpack_one("ca 00 00 00 01", st, sizeof(st));
	ASSERT_EQ_DBL(o.v.d, 1.401298464324817e-45);
	o = unpack_one("ca 7f c0 00 00", st, sizeof(st));
	ASSERT_TRUE(isnan(o.v.d));
	o = unpack_one("cb 40 08 00 00 00 00 00 00", st, sizeof(st));
	ASSERT_EQ_DBL(o.v.d, 3.0);
}

/* Checks a str/bin token: type, length and that ptr points into st. */
static void check_bytes(const char* hex, as_mp_type type, uint32_t len, size_t header)
{
	uint8_t st[32];
	as_mp_obj o = unpack_one(hex, st, sizeof(st));
	ASSERT_EQ(o.type, type);
	ASSERT_EQ(o.v.bytes.len, len);
	ASSERT_TRUE(o.v.bytes.ptr == st + header);
}

TEST(unpack_str_and_bin_forms)
{
	check_bytes("a0", AS_MP_STR, 0, 1);
	check_bytes("a3 61 62 63", AS_MP_STR, 3, 1);
	check_bytes("d9 00", AS_MP_STR, 0, 2);
	check_bytes("d9 03 61 62 63", AS_MP_STR, 3, 2);
	check_bytes("da 00 03 61 62 63", AS_MP_STR, 3, 3);
	check_bytes("db 00 00 00 03 61 62 63", AS_MP_STR, 3, 5);
	check_bytes("c4 00", AS_MP_BIN, 0, 2);
	check_bytes("c4 02 00 ff", AS_MP_BIN, 2, 2);
	check_bytes("c5 00 02 00 ff", AS_MP_BIN, 2, 3);
	check_bytes("c6 00 00 00 02 00 ff", AS_MP_BIN, 2, 5);

	/* A particle string keeps its particle byte in the payload. */
	uint8_t st[8];
	as_mp_obj o = unpack_one("a3 03 68 69", st, sizeof(st));
	ASSERT_EQ(o.v.bytes.ptr[0], AS_MP_PARTICLE_STRING);
	ASSERT_MEM_EQ(o.v.bytes.ptr + 1, o.v.bytes.len - 1, "hi", 2);
}

static void check_ext(const char* hex, int8_t type, uint32_t len, size_t header)
{
	uint8_t st[32];
	as_mp_obj o = unpack_one(hex, st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_EXT);
	ASSERT_EQ(o.v.ext.type, type);
	ASSERT_EQ(o.v.ext.len, len);
	ASSERT_TRUE(o.v.ext.ptr == st + header);
}

TEST(unpack_ext_forms)
{
	check_ext("d4 ff 00", -1, 1, 2);
	check_ext("d4 01 aa", 1, 1, 2);
	check_ext("d5 02 aa bb", 2, 2, 2);
	check_ext("d6 7f 00 01 02 03", 127, 4, 2);
	check_ext("d7 80 00 01 02 03 04 05 06 07", -128, 8, 2);
	check_ext("d8 05 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f", 5, 16, 2);
	check_ext("c7 00 01", 1, 0, 3);
	check_ext("c7 03 05 aa bb cc", 5, 3, 3);
	check_ext("c8 00 02 fe aa bb", -2, 2, 4);
	check_ext("c9 00 00 00 01 05 aa", 5, 1, 6);
}

TEST(unpack_containers)
{
	uint8_t st[64];
	as_mp_obj o = unpack_one("90", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_ARRAY);
	ASSERT_EQ(o.v.count, 0);
	o = unpack_one("80", st, sizeof(st));
	ASSERT_EQ(o.type, AS_MP_MAP);
	ASSERT_EQ(o.v.count, 0);

	/* as_unpack_next yields only the header; the elements follow. */
	as_unpacker u;
	long n = as_test_unhex("9f 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e", st, sizeof(st));
	as_unpacker_init(&u, st, (size_t)n);
	ASSERT_EQ(as_unpack_next(&u, &o), 0);
	ASSERT_EQ(o.type, AS_MP_ARRAY);
	ASSERT_EQ(o.v.count, 15);
	for (int i = 0; i < 15; i++) {
		ASSERT_EQ(as_unpack_next(&u, &o), 0);
		ASSERT_EQ(o.v.i, i);
	}
	ASSERT_TRUE(u.p == u.end);

	static const struct {
		const char* hex;
		as_mp_type type;
		uint32_t count;
	} headers[] = {
		{"8f", AS_MP_MAP, 15},
		{"dc 00 02", AS_MP_ARRAY, 2},
		{"dd 00 00 00 02", AS_MP_ARRAY, 2},
		{"de 00 01", AS_MP_MAP, 1},
		{"df 00 00 00 01", AS_MP_MAP, 1},
	};
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		n = as_test_unhex(headers[i].hex, st, sizeof(st));
		/* Pads with enough nils for the elements to fit. */
		memset(st + n, 0xc0, 30);
		as_unpacker_init(&u, st, (size_t)n + 30);
		ASSERT_EQ(as_unpack_next(&u, &o), 0);
		ASSERT_EQ(o.type, headers[i].type);
		ASSERT_EQ(o.v.count, headers[i].count);
		ASSERT_TRUE(u.p == st + n);
	}
}

TEST(unpack_rejects_malformed)
{
	check_bad("");
	check_bad("c1"); /* reserved */
	/* Truncated fixed-size values. */
	check_bad("cc");
	check_bad("cd 01");
	check_bad("ce 01 02 03");
	check_bad("cf 01 02 03 04 05 06 07");
	check_bad("d0");
	check_bad("d3 80 00");
	check_bad("ca 3f c0 00");
	check_bad("cb 3f f0 00 00 00 00 00");
	/* Lengths past the end. */
	check_bad("a3 61 62");
	check_bad("d9");
	check_bad("d9 05 61");
	check_bad("da 00");
	check_bad("db ff ff ff ff 61");
	check_bad("c4 01");
	check_bad("c5 00 02 00");
	check_bad("c6 ff ff ff ff 00");
	check_bad("d4");
	check_bad("d4 01");
	check_bad("d8 01 00 01 02");
	check_bad("c7 01 05");
	check_bad("c7 01");
	check_bad("c8 00");
	check_bad("c9 ff ff ff ff 05 00");
	/* Counts that cannot fit in what remains. */
	check_bad("91");
	check_bad("92 01");
	check_bad("81 01");
	check_bad("dc 00");
	check_bad("dc 00 03 01 02");
	check_bad("dd ff ff ff ff 00 00 00");
	check_bad("de 00 02 01 02 03");
	check_bad("df 80 00 00 00 01");
	check_bad("df ff ff ff ff c0 c0");
}

/* A container whose count fits the bytes but whose elements do not parse. */
TEST(unpack_skip_rejects_bad_elements)
{
	check_bad_value("92 01 c1", false);
	check_bad_value("92 c0 a5 61 62", false);
	check_bad_value("81 c0 91", false);
	check_bad_value("93 91 91 91", false);
	check_bad_value("92 d9 01", false);
}

static uint8_t* nested(size_t depth, uint8_t header, size_t* len)
{
	uint8_t* p = malloc(depth * 2 + 1);
	size_t n = 0;
	for (size_t i = 0; i < depth; i++) {
		p[n++] = header;
		if (header == 0x81) {
			p[n++] = 0xc0; /* the key; the value is the next level */
		}
	}
	p[n++] = 0xc0;
	*len = n;
	return p;
}

TEST(unpack_skip_depth_limit)
{
	static const uint8_t headers[] = {0x91, 0x81};
	for (size_t h = 0; h < 2; h++) {
		size_t len;
		as_unpacker u;

		uint8_t* ok = nested(AS_MP_MAX_DEPTH, headers[h], &len);
		as_unpacker_init(&u, ok, len);
		ASSERT_EQ(as_unpack_skip(&u), 0);
		ASSERT_TRUE(u.p == u.end);
		free(ok);

		uint8_t* deep = nested(AS_MP_MAX_DEPTH + 1, headers[h], &len);
		as_unpacker_init(&u, deep, len);
		ASSERT_EQ(as_unpack_skip(&u), -1);
		free(deep);
	}
}

TEST(unpack_skip_values)
{
	/* Two values back to back: each skip takes exactly one. */
	uint8_t st[64];
	const char* hex =
		"82 a1 61 92 01 cb 00 00 00 00 00 00 00 00 c0 90 | 93 80 c4 01 ff d4 ff 01 | 05";
	long n = as_test_unhex(hex, st, sizeof(st));
	as_unpacker u;
	as_unpacker_init(&u, st, (size_t)n);
	ASSERT_EQ(as_unpack_skip(&u), 0);
	ASSERT_EQ(u.p - st, 16);
	ASSERT_EQ(as_unpack_skip(&u), 0);
	ASSERT_EQ(u.p - st, 24);
	ASSERT_EQ(as_unpack_skip(&u), 0);
	ASSERT_TRUE(u.p == u.end);
	ASSERT_EQ(as_unpack_skip(&u), -1);

	/* A wide flat array: 65536 nils under a 32-bit header. */
	size_t wide = 65536;
	uint8_t* big = malloc(5 + wide);
	ASSERT_NOT_NULL(big);
	big[0] = 0xdd;
	as_write_u32be(big + 1, (uint32_t)wide);
	memset(big + 5, 0xc0, wide);
	as_unpacker_init(&u, big, 5 + wide);
	ASSERT_EQ(as_unpack_skip(&u), 0);
	ASSERT_TRUE(u.p == u.end);
	as_unpacker_init(&u, big, 4 + wide);
	ASSERT_EQ(as_unpack_skip(&u), -1);
	free(big);
}

/* One expected token of the complex message below. */
typedef struct token {
	as_mp_type type;
	int64_t i;        /* INT value, or count for ARRAY / MAP, or ext type */
	uint64_t u;       /* UINT value */
	double d;         /* DOUBLE value */
	const char* data; /* STR / BIN / EXT payload */
	uint32_t len;
} token;

/* Builds a message that uses every packer function and most encodings, and
 * records the tokens a reader must see. */
static size_t build_complex(as_buf* b, token* t)
{
	size_t n = 0;
	static char s40[41] = "0123456789012345678901234567890123456789";
	static char wide[300];
	memset(wide, 'w', sizeof(wide));

#define EXPECT(ty, ...) t[n++] = (token){.type = (ty), __VA_ARGS__}
	as_pack_map_header(b, 17);
	EXPECT(AS_MP_MAP, .i = 17);
	/* 1: an ordered-map flag entry. */
	as_pack_ext_header(b, 1, 0);
	EXPECT(AS_MP_EXT, .i = 1, .data = "", .len = 0);
	as_pack_nil(b);
	EXPECT(AS_MP_NIL, .len = 0);
	/* 2: "ints" -> every integer boundary. */
	static const int64_t ints[] = {0, 127, 128, 255, 256, 65535, 65536, 4294967295LL, 4294967296LL,
		INT64_MAX, -1, -32, -33, -128, -129, -32768, -32769, (int64_t)INT32_MIN - 1, INT64_MIN};
	size_t n_ints = sizeof(ints) / sizeof(ints[0]);
	as_pack_particle(b, AS_MP_PARTICLE_STRING, "ints", 4);
	EXPECT(AS_MP_STR, .data = "\x03ints", .len = 5);
	as_pack_array_header(b, (uint32_t)n_ints + 1);
	EXPECT(AS_MP_ARRAY, .i = (int64_t)n_ints + 1);
	for (size_t i = 0; i < n_ints; i++) {
		as_pack_int64(b, ints[i]);
		EXPECT(AS_MP_INT, .i = ints[i]);
	}
	as_pack_uint64(b, UINT64_MAX);
	EXPECT(AS_MP_UINT, .u = UINT64_MAX);
	/* 3: 1.5 -> -0.25 (doubles as key and value). */
	as_pack_double(b, 1.5);
	EXPECT(AS_MP_DOUBLE, .d = 1.5);
	as_pack_double(b, -0.25);
	EXPECT(AS_MP_DOUBLE, .d = -0.25);
	/* 4: true -> false. */
	as_pack_bool(b, true);
	EXPECT(AS_MP_BOOL, .i = 1);
	as_pack_bool(b, false);
	EXPECT(AS_MP_BOOL, .i = 0);
	/* 5: blob particle -> bin. */
	as_pack_particle(b, AS_MP_PARTICLE_BLOB, "\x00\x01", 2);
	EXPECT(AS_MP_STR, .data = "\x04\x00\x01", .len = 3);
	as_pack_bin_header(b, 3);
	as_pack_raw(b, "\xff\x00\xfe", 3);
	EXPECT(AS_MP_BIN, .data = "\xff\x00\xfe", .len = 3);
	/* 6: a raw str of 40 bytes (d9) -> a wildcard ext. */
	as_pack_raw_str(b, s40, 40);
	EXPECT(AS_MP_STR, .data = s40, .len = 40);
	as_pack_ext_header(b, AS_MP_EXT_CDT, 1);
	as_pack_raw(b, "\x00", 1);
	EXPECT(AS_MP_EXT, .i = -1, .data = "\x00", .len = 1);
	/* 7: -7 -> nested [[[], {}], [nil]]. */
	as_pack_int64(b, -7);
	EXPECT(AS_MP_INT, .i = -7);
	as_pack_array_header(b, 2);
	EXPECT(AS_MP_ARRAY, .i = 2);
	as_pack_array_header(b, 2);
	EXPECT(AS_MP_ARRAY, .i = 2);
	as_pack_array_header(b, 0);
	EXPECT(AS_MP_ARRAY, .i = 0);
	as_pack_map_header(b, 0);
	EXPECT(AS_MP_MAP, .i = 0);
	as_pack_array_header(b, 1);
	EXPECT(AS_MP_ARRAY, .i = 1);
	as_pack_nil(b);
	EXPECT(AS_MP_NIL, .len = 0);
	/* 8: GeoJSON -> a 300-byte string (da) inside a one-entry map. */
	as_pack_particle(b, AS_MP_PARTICLE_GEOJSON, "{}", 2);
	EXPECT(AS_MP_STR, .data = "\x17{}", .len = 3);
	as_pack_map_header(b, 1);
	EXPECT(AS_MP_MAP, .i = 1);
	as_pack_int64(b, 0);
	EXPECT(AS_MP_INT, .i = 0);
	as_pack_raw_str(b, wide, sizeof(wide));
	EXPECT(AS_MP_STR, .data = wide, .len = sizeof(wide));
	/* 9..17: fixext 2/4/8/16 and ext 8 payloads, keyed by small ints. */
	static const uint32_t ext_lens[] = {2, 4, 8, 16, 5, 0, 1, 3, 17};
	for (size_t i = 0; i < sizeof(ext_lens) / sizeof(ext_lens[0]); i++) {
		as_pack_int64(b, (int64_t)i);
		EXPECT(AS_MP_INT, .i = (int64_t)i);
		as_pack_ext_header(b, (uint8_t)(i + 10), ext_lens[i]);
		as_pack_raw(b, s40, ext_lens[i]);
		EXPECT(AS_MP_EXT, .i = (int64_t)i + 10, .data = s40, .len = ext_lens[i]);
	}
#undef EXPECT
	return n;
}

/* Reads the tokens of a message and compares them with the expectation. */
static void check_tokens(const uint8_t* data, size_t len, const token* t, size_t n)
{
	as_unpacker u;
	as_unpacker_init(&u, data, len);
	for (size_t k = 0; k < n; k++) {
		as_mp_obj o;
		ASSERT_MSG(as_unpack_next(&u, &o) == 0, "token %zu failed", k);
		ASSERT_MSG(o.type == t[k].type, "token %zu: type %d, want %d", k, (int)o.type,
			(int)t[k].type);
		switch (o.type) {
		case AS_MP_BOOL:
			ASSERT_EQ(o.v.b, t[k].i);
			break;
		case AS_MP_INT:
			ASSERT_EQ(o.v.i, t[k].i);
			break;
		case AS_MP_UINT:
			ASSERT_EQ_U64(o.v.u, t[k].u);
			break;
		case AS_MP_DOUBLE:
			ASSERT_EQ_DBL(o.v.d, t[k].d);
			break;
		case AS_MP_ARRAY:
		case AS_MP_MAP:
			ASSERT_EQ(o.v.count, t[k].i);
			break;
		case AS_MP_STR:
		case AS_MP_BIN:
			ASSERT_MEM_EQ(o.v.bytes.ptr, o.v.bytes.len, t[k].data, t[k].len);
			break;
		case AS_MP_EXT:
			ASSERT_EQ(o.v.ext.type, t[k].i);
			ASSERT_MEM_EQ(o.v.ext.ptr, o.v.ext.len, t[k].data, t[k].len);
			break;
		case AS_MP_NIL:
			break;
		}
	}
	ASSERT_TRUE(u.p == u.end);
}

/* Reads tokens until the input ends or fails; returns 0 or -1. Containers
 * are followed by counting, so a short message is noticed. */
static int walk(const uint8_t* data, size_t len)
{
	as_unpacker u;
	as_mp_obj o;
	uint64_t pending = 1;

	as_unpacker_init(&u, data, len);
	while (pending > 0) {
		if (as_unpack_next(&u, &o) < 0) {
			return -1;
		}
		pending--;
		if (o.type == AS_MP_ARRAY) {
			pending += o.v.count;
		}
		else if (o.type == AS_MP_MAP) {
			pending += (uint64_t)o.v.count * 2;
		}
	}
	return 0;
}

TEST(unpack_complex_round_trip_and_truncation)
{
	token t[128];
	as_buf b;
	as_buf_init(&b, NULL, 0);
	size_t n = build_complex(&b, t);
	ASSERT_TRUE(n <= sizeof(t) / sizeof(t[0]));
	ASSERT_FALSE(b.oom);

	check_tokens(b.data, b.len, t, n);
	as_unpacker u;
	as_unpacker_init(&u, b.data, b.len);
	ASSERT_EQ(as_unpack_skip(&u), 0);
	ASSERT_TRUE(u.p == u.end);
	ASSERT_EQ(walk(b.data, b.len), 0);

	/* Every proper prefix is rejected, read from an exact-size heap copy
	 * so that an over-read would be caught by the sanitizers. */
	for (size_t k = 0; k < b.len; k++) {
		uint8_t* copy = malloc(k ? k : 1);
		ASSERT_NOT_NULL(copy);
		memcpy(copy, b.data, k);
		as_unpacker_init(&u, copy, k);
		int rc_skip = as_unpack_skip(&u);
		int rc_walk = walk(copy, k);
		free(copy);
		ASSERT_MSG(rc_skip == -1, "skip accepted a prefix of %zu of %zu bytes", k, b.len);
		ASSERT_MSG(rc_walk == -1, "walk accepted a prefix of %zu of %zu bytes", k, b.len);
	}
	as_buf_destroy(&b);
}
