/*
 * test_fuzz_unpack.c: deterministic fuzzing of the msgpack unpacker
 * (src/msgpack/as_unpack.c). Random byte strings biased towards msgpack
 * markers, random valid messages built with the packer, and mutations of
 * those (truncation, byte flips) are fed to as_unpack_next and
 * as_unpack_skip. Every input lives in an exact-size heap block, so under
 * -fsanitize=address any read past the end is caught. The properties: no
 * crash, every token lies inside the input, valid messages round-trip and
 * are consumed exactly, and a truncated valid message is always rejected.
 */
#include "as_test.h"

#include <aerospike/as_msgpack.h>
#include <stdlib.h>

/* xorshift64*: a small deterministic generator, so failures reproduce.
 * Each draw is its own statement: two draws in one expression would be
 * made in an order the compiler chooses, changing the sequence. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, n). */
static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng_next() % n);
}

/* Copies bytes into a block of exactly len bytes (the caller frees it). */
static uint8_t* exact_copy(const uint8_t* src, size_t len)
{
	uint8_t* p = malloc(len ? len : 1);
	if (p && len) {
		memcpy(p, src, len);
	}
	return p;
}

/* Checks that a token's payload, if any, lies inside [start, end). */
static void check_token_bounds(const as_mp_obj* o, const uint8_t* start, const uint8_t* end)
{
	const uint8_t* ptr = NULL;
	uint32_t len = 0;

	if (o->type == AS_MP_STR || o->type == AS_MP_BIN) {
		ptr = o->v.bytes.ptr;
		len = o->v.bytes.len;
	}
	else if (o->type == AS_MP_EXT) {
		ptr = o->v.ext.ptr;
		len = o->v.ext.len;
	}
	else {
		return;
	}
	ASSERT_TRUE(ptr >= start && ptr <= end);
	ASSERT_TRUE(len <= (size_t)(end - ptr));
}

/* Reads tokens until failure or the end; every token must be in bounds and
 * the read position must never pass the end. Returns the token count. */
static size_t drain_tokens(const uint8_t* data, size_t len)
{
	as_unpacker u;
	as_mp_obj o;
	size_t n = 0;

	as_unpacker_init(&u, data, len);
	while (u.p < u.end) {
		const uint8_t* before = u.p;
		if (as_unpack_next(&u, &o) < 0) {
			break;
		}
		ASSERT_TRUE(u.p > before && u.p <= u.end);
		check_token_bounds(&o, data, data + len);
		if (o.type == AS_MP_ARRAY) {
			ASSERT_TRUE(o.v.count <= (size_t)(u.end - u.p));
		}
		else if (o.type == AS_MP_MAP) {
			ASSERT_TRUE((uint64_t)o.v.count * 2 <= (size_t)(u.end - u.p));
		}
		n++;
	}
	return n;
}

/* Skips values until failure or the end, checking the position. */
static void drain_skips(const uint8_t* data, size_t len)
{
	as_unpacker u;
	as_unpacker_init(&u, data, len);
	while (u.p < u.end) {
		const uint8_t* before = u.p;
		if (as_unpack_skip(&u) < 0) {
			break;
		}
		ASSERT_TRUE(u.p > before && u.p <= u.end);
	}
}

/* Marker bytes worth hitting often: every non-fix form and fix edges. */
static const uint8_t MARKERS[] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
	0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
	0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x80, 0x81, 0x8f, 0x90, 0x91, 0x9f, 0xa0, 0xa1, 0xbf, 0x00, 0x7f,
	0xe0, 0xff};

static uint8_t random_byte(void)
{
	switch (rng_below(4)) {
	case 0:
		return MARKERS[rng_below(sizeof(MARKERS))];
	case 1:
		return (uint8_t)rng_below(4); /* small lengths and counts */
	default:
		return (uint8_t)rng_next();
	}
}

TEST(fuzz_random_bytes)
{
	uint8_t tmp[96];

	rng_seed(1);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rng_below(sizeof(tmp) + 1);
		for (size_t i = 0; i < len; i++) {
			tmp[i] = random_byte();
		}
		uint8_t* data = exact_copy(tmp, len);
		ASSERT_NOT_NULL(data);
		drain_tokens(data, len);
		drain_skips(data, len);
		free(data);
	}
}

/* Packs a random value of at most `depth` levels and returns its tokens. */
static size_t pack_random(as_buf* b, int depth)
{
	static const uint8_t filler[300] = {0};
	size_t tokens = 1;

	switch (rng_below(depth > 0 ? 12 : 9)) {
	case 0:
		as_pack_nil(b);
		break;
	case 1:
		as_pack_bool(b, rng_below(2));
		break;
	case 2: {
		/* Integers of every width, both signs (negated without overflow). */
		uint64_t v = rng_next();
		v >>= rng_below(64);
		as_pack_int64(b, (int64_t)(rng_below(2) ? v : 0 - v));
		break;
	}
	case 3: {
		uint64_t v = rng_next();
		as_pack_uint64(b, v >> rng_below(64));
		break;
	}
	case 4:
		as_pack_double(b, (double)(int64_t)rng_next() / 1024.0);
		break;
	case 5: {
		uint8_t particle = (uint8_t)rng_below(24);
		as_pack_particle(b, particle, filler, rng_below(300));
		break;
	}
	case 6: {
		uint32_t len = rng_below(300);
		as_pack_bin_header(b, len);
		as_pack_raw(b, filler, len);
		break;
	}
	case 7: {
		uint32_t len = rng_below(20);
		as_pack_ext_header(b, (uint8_t)rng_next(), len);
		as_pack_raw(b, filler, len);
		break;
	}
	case 8:
		as_pack_raw_str(b, filler, rng_below(40));
		break;
	case 9:
	case 10: {
		uint32_t n = rng_below(rng_below(4) ? 5 : 20);
		as_pack_array_header(b, n);
		for (uint32_t i = 0; i < n; i++) {
			tokens += pack_random(b, depth - 1);
		}
		break;
	}
	default: {
		uint32_t n = rng_below(rng_below(4) ? 4 : 18);
		as_pack_map_header(b, n);
		for (uint32_t i = 0; i < 2 * n; i++) {
			tokens += pack_random(b, depth - 1);
		}
		break;
	}
	}
	return tokens;
}

TEST(fuzz_valid_messages_and_mutations)
{
	rng_seed(2);
	for (int iter = 0; iter < 3000; iter++) {
		as_buf b;
		as_buf_init(&b, NULL, 0);
		size_t want_tokens = pack_random(&b, (int)rng_below(6));
		ASSERT_FALSE(b.oom);
		size_t len = b.len;
		uint8_t* data = exact_copy(b.data, len);
		as_buf_destroy(&b);
		ASSERT_NOT_NULL(data);

		/* The whole message: one skip consumes it; the tokens match. */
		as_unpacker u;
		as_unpacker_init(&u, data, len);
		ASSERT_EQ(as_unpack_skip(&u), 0);
		ASSERT_TRUE(u.p == u.end);
		ASSERT_EQ(drain_tokens(data, len), want_tokens);

		/* A random proper prefix is always rejected. */
		size_t cut = rng_below((uint32_t)len);
		uint8_t* prefix = exact_copy(data, cut);
		ASSERT_NOT_NULL(prefix);
		as_unpacker_init(&u, prefix, cut);
		ASSERT_EQ(as_unpack_skip(&u), -1);
		drain_tokens(prefix, cut);
		free(prefix);

		/* Random byte flips may or may not stay valid; nothing may crash
		 * and nothing may be read outside the input. */
		for (int m = 0; m < 4; m++) {
			uint8_t* mutant = exact_copy(data, len);
			ASSERT_NOT_NULL(mutant);
			int flips = 1 + (int)rng_below(3);
			for (int f = 0; f < flips; f++) {
				size_t at = rng_below((uint32_t)len);
				mutant[at] = random_byte();
			}
			size_t keep = rng_below(4) ? len : rng_below((uint32_t)len + 1);
			drain_tokens(mutant, keep);
			drain_skips(mutant, keep);
			as_unpacker_init(&u, mutant, keep);
			if (as_unpack_skip(&u) == 0) {
				ASSERT_TRUE(u.p <= u.end);
			}
			free(mutant);
		}
		free(data);
	}
}

/* Deep and wide nesting built from random headers: skip must terminate
 * within the depth limit and never overflow its stack. */
TEST(fuzz_deep_nesting)
{
	size_t cap = 4 * AS_MP_MAX_DEPTH + 64;
	uint8_t* tmp = malloc(cap);
	ASSERT_NOT_NULL(tmp);

	rng_seed(3);
	for (int iter = 0; iter < 2000; iter++) {
		size_t len = 0;
		size_t levels = rng_below(2 * AS_MP_MAX_DEPTH);
		for (size_t i = 0; i < levels && len + 3 < cap; i++) {
			switch (rng_below(3)) {
			case 0:
				tmp[len++] = 0x91;
				break;
			case 1:
				tmp[len++] = 0x81;
				tmp[len++] = 0xc0;
				break;
			default:
				tmp[len++] = (uint8_t)(0x90 | rng_below(16));
				break;
			}
		}
		size_t tail = rng_below(64);
		for (size_t i = 0; i < tail && len < cap; i++) {
			tmp[len++] = rng_below(2) ? 0xc0 : random_byte();
		}
		uint8_t* data = exact_copy(tmp, len);
		ASSERT_NOT_NULL(data);
		drain_skips(data, len);
		drain_tokens(data, len);
		free(data);
	}
	free(tmp);
}
