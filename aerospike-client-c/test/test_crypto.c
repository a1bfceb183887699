/*
 * test_crypto.c: unit tests of src/crypto: RIPEMD-160 against the published
 * test vectors and padding boundaries, the record key digest and partition
 * id against the known answers of protocol.md section 6, and base64.
 */
#include "as_test.h"

#include <aerospike/as_crypto.h>
#include <stdio.h>
#include <stdlib.h>

/* Hashes len bytes in one call and checks the hex digest. */
static void check_ripemd(const void* data, size_t len, const char* want)
{
	uint8_t out[AS_DIGEST_SIZE];
	as_ripemd160(data, len, out);
	ASSERT_HEX_EQ(out, sizeof(out), want);
}

static void check_ripemd_str(const char* s, const char* want)
{
	check_ripemd(s, strlen(s), want);
}

/* The vectors published with the RIPEMD-160 specification. */
TEST(ripemd160_standard_vectors)
{
	check_ripemd_str("", "9c1185a5c5e9fc54612808977ee8f548b2258d31");
	check_ripemd_str("a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe");
	check_ripemd_str("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
	check_ripemd_str("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36");
	check_ripemd_str("abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc");
	check_ripemd_str("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		"12a053384a9c0c88e405a06c27dcf49ada62eb2b");
	check_ripemd_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		"b0e20b6e3116640286ed3a87a5713079b21f5189");
	check_ripemd_str("1234567890123456789012345678901234567890"
					 "1234567890123456789012345678901234567890",
		"9b752e45573d4b39f4dbd3323cab82bf63326bfb");
}

TEST(ripemd160_million_a)
{
	const char* want = "52783243c1697bdbe16d37f97f68f08325dc1528";
	size_t n = 1000000;
	char* a = malloc(n);
	ASSERT_NOT_NULL(a);
	memset(a, 'a', n);
	check_ripemd(a, n, want);

	/* The same message fed in uneven pieces through the streaming API. */
	as_ripemd160_ctx ctx;
	uint8_t out[AS_DIGEST_SIZE];
	as_ripemd160_init(&ctx);
	size_t done = 0, piece = 1;
	while (done < n) {
		size_t k = n - done < piece ? n - done : piece;
		as_ripemd160_update(&ctx, a + done, k);
		done += k;
		piece = piece * 3 % 997 + 1;
	}
	as_ripemd160_final(&ctx, out);
	free(a);
	ASSERT_HEX_EQ(out, sizeof(out), want);
}

/* Lengths around the 56-byte padding limit and the 64-byte block, where
 * the length field does or does not spill into an extra block. The answers
 * were computed with an independent implementation (Python hashlib) over
 * bytes (7 * i + 3) mod 256. */
TEST(ripemd160_padding_boundaries)
{
	static const struct {
		size_t len;
		const char* want;
	} cases[] = {
		{55, "ced4a416d2eddc4c54a59c57fa299bc86af70de9"},
		{56, "581330764dcfaa5bbe4de58601aa56a838cc58d7"},
		{57, "9694d882853e0ed51a4f81fe71c5c4ffe5bc8480"},
		{63, "f946627df85129e38a6142b694aed087f2f85d71"},
		{64, "6049fc18acb2ba0205d12fbf2ebc57628031d28c"},
		{65, "a03bc7711af42632ce8e675adbdc1d690a850f07"},
		{119, "22d9d4f2a6368b58145202e9ffa1479f0a13fd11"},
		{120, "c7ca324844fcb190fb8a9e7d843251391e2556de"},
		{127, "0c8d2fd036279a926ff6a4e51a2c0aa6e2f7306f"},
		{128, "0612b629dd5aedbd608df63782bac221b62336df"},
	};
	uint8_t msg[128];
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(7 * i + 3);
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		check_ripemd(msg, cases[c].len, cases[c].want);
	}
}

/* Any split of a message into two updates gives the one-call answer. */
TEST(ripemd160_streaming_splits)
{
	uint8_t msg[200], whole[AS_DIGEST_SIZE], part[AS_DIGEST_SIZE];
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 31 + 11);
	}
	for (size_t len = 0; len <= sizeof(msg); len += 13) {
		as_ripemd160(msg, len, whole);
		for (size_t cut = 0; cut <= len; cut++) {
			as_ripemd160_ctx ctx;
			as_ripemd160_init(&ctx);
			as_ripemd160_update(&ctx, msg, cut);
			as_ripemd160_update(&ctx, NULL, 0);
			as_ripemd160_update(&ctx, msg + cut, len - cut);
			as_ripemd160_final(&ctx, part);
			ASSERT_MEM_EQ(part, sizeof(part), whole, sizeof(whole));
		}
	}
}

static void be64(int64_t v, uint8_t out[8])
{
	uint64_t u = (uint64_t)v;
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)u;
		u >>= 8;
	}
}

/* An integer key: checks both the generic call with 8 big-endian bytes and
 * the int64 convenience call, then the partition id when one is given. */
static void check_int_key(int64_t key, const char* want, int pid)
{
	uint8_t bytes[8], d1[AS_DIGEST_SIZE], d2[AS_DIGEST_SIZE];
	be64(key, bytes);
	as_digest_compute("set", 3, AS_KEY_TYPE_INTEGER, bytes, 8, d1);
	ASSERT_HEX_EQ(d1, sizeof(d1), want);
	as_digest_compute_int64("set", 3, key, d2);
	ASSERT_MEM_EQ(d2, sizeof(d2), d1, sizeof(d1));
	if (pid >= 0) {
		ASSERT_EQ(as_partition_id(d1), pid);
	}
}

static void check_key(const char* set, uint8_t type, const void* key, size_t key_len,
	const char* want, int pid)
{
	uint8_t d[AS_DIGEST_SIZE];
	as_digest_compute(set, set ? strlen(set) : 0, type, key, key_len, d);
	ASSERT_HEX_EQ(d, sizeof(d), want);
	if (pid >= 0) {
		ASSERT_EQ(as_partition_id(d), pid);
	}
}

/* The known answers of protocol.md section 6. Partition ids the table does
 * not give are derived from its digests by the formula of section 6. */
TEST(digest_known_answers)
{
	check_int_key(0, "93d943aae37b017ad7e011b0c1d2e2143c2fb37d", 2451);
	check_int_key(-1, "22116d253745e29fc63fdf760b6e26f7e197e01d", 290);
	check_int_key(INT64_MIN, "7185c2a47fb02c996daed26b4e01b83240aee9d4", 1393);
	check_int_key(INT64_MAX, "1698328974afa62c8e069860c1516f780d63dbb8", 2070);

	check_key("set", AS_KEY_TYPE_STRING, "", 0, "2819b1ff6e346a43b4f5f6b77a88bc3eaac22a83", 2344);
	check_key("set", AS_KEY_TYPE_STRING, "aaaaaaaaaa", 10,
		"5979fb32a80da070ff356f7695455592272e36c2", 2393);
	check_key("set", AS_KEY_TYPE_BLOB, NULL, 0, "327e2877b8815c7aeede0d5a8620d4ef8df4a4b4", 3634);
	check_key("set", AS_KEY_TYPE_BLOB, "s", 1, "ca2d96dc9a184d15a7fa2927565e844e9254e001", 3530);
	check_key("demo", AS_KEY_TYPE_STRING, "key1", 4, "ec91192d4b7f8ce35d5d78d34bca65cbaaaac960",
		492);
}

/* An absent set (NULL, 0) and an empty one hash the same: nothing. */
TEST(digest_without_set)
{
	uint8_t a[AS_DIGEST_SIZE], b[AS_DIGEST_SIZE], c[AS_DIGEST_SIZE];
	as_digest_compute(NULL, 0, AS_KEY_TYPE_STRING, "key1", 4, a);
	as_digest_compute("", 0, AS_KEY_TYPE_STRING, "key1", 4, b);
	ASSERT_MEM_EQ(a, sizeof(a), b, sizeof(b));
	ASSERT_HEX_EQ(a, sizeof(a), "579f05ecf9e6a9e796f4da2ab0b1323364df5c10");

	/* The digest is RIPEMD-160 of the concatenation, nothing more. */
	as_ripemd160("\x03key1", 5, c);
	ASSERT_MEM_EQ(a, sizeof(a), c, sizeof(c));
}

TEST(partition_id_formula)
{
	uint8_t d[AS_DIGEST_SIZE] = {0};
	ASSERT_EQ(as_partition_id(d), 0);
	d[0] = 0xff;
	d[1] = 0xff;
	ASSERT_EQ(as_partition_id(d), 4095);
	d[0] = 0x34;
	d[1] = 0x12;
	ASSERT_EQ(as_partition_id(d), 0x234);
	d[2] = 0xff; /* later bytes do not matter */
	ASSERT_EQ(as_partition_id(d), 0x234);
}

static void check_b64(const char* raw, const char* enc)
{
	size_t n = strlen(raw);
	char out[64];
	uint8_t back[64];
	size_t back_len = 99;

	ASSERT_EQ(as_base64_encoded_len(n), strlen(enc));
	memset(out, 0, sizeof(out));
	as_base64_encode((const uint8_t*)raw, n, out);
	ASSERT_STR_EQ(out, enc);
	ASSERT_TRUE(as_base64_decode(enc, strlen(enc), back, &back_len));
	ASSERT_MEM_EQ(back, back_len, raw, n);
}

/* RFC 4648 section 10. */
TEST(base64_rfc4648_vectors)
{
	check_b64("", "");
	check_b64("f", "Zg==");
	check_b64("fo", "Zm8=");
	check_b64("foo", "Zm9v");
	check_b64("foob", "Zm9vYg==");
	check_b64("fooba", "Zm9vYmE=");
	check_b64("foobar", "Zm9vYmFy");
}

TEST(base64_round_trips)
{
	uint8_t raw[300], back[300];
	char enc[400];

	for (size_t i = 0; i < sizeof(raw); i++) {
		raw[i] = (uint8_t)(255 - i * 7);
	}
	/* Every byte value appears, with lengths covering each remainder. */
	for (size_t n = 0; n <= sizeof(raw); n++) {
		size_t m = as_base64_encoded_len(n), back_len = 0;
		as_base64_encode(raw, n, enc);
		ASSERT_EQ(m % 4, 0);
		ASSERT_TRUE(as_base64_decode(enc, m, back, &back_len));
		ASSERT_MEM_EQ(back, back_len, raw, n);
	}

	uint8_t all[3] = {0xfb, 0xff, 0xbf};
	as_base64_encode(all, 3, enc);
	ASSERT_MEM_EQ(enc, 4, "+/+/", 4);
}

static void check_reject(const char* enc, size_t n)
{
	uint8_t out[64];
	size_t out_len = 99;
	ASSERT_MSG(!as_base64_decode(enc, n, out, &out_len), "accepted bad base64 \"%.*s\"", (int)n,
		enc);
	ASSERT_EQ(out_len, 0);
}

TEST(base64_rejects)
{
	check_reject("Z", 1);   /* length not a multiple of 4 */
	check_reject("Zg=", 3); /* unpadded remainder */
	check_reject("Zm9vY", 5);
	check_reject("Zg=a", 4); /* data after padding */
	check_reject("Z===", 4); /* three padding characters */
	check_reject("====", 4);
	check_reject("=Zm9", 4);
	check_reject("Zm=v", 4);
	check_reject("Zg==Zm9v", 8); /* padding before the last group */
	check_reject("Zm8=Zm9v", 8);
	check_reject("Zh==", 4); /* discarded bits not zero */
	check_reject("Zm9=", 4);
	check_reject("Zm9v\n", 5); /* whitespace */
	check_reject("Zm 9", 4);
	check_reject("Zm-v", 4); /* URL-safe alphabet */
	check_reject("Zm_v", 4);
	check_reject("Zm\0v", 4);   /* embedded NUL */
	check_reject("Zm\xc3v", 4); /* high byte */

	/* A NULL out_len is allowed. */
	uint8_t out[8];
	ASSERT_TRUE(as_base64_decode("Zm9v", 4, out, NULL));
	ASSERT_FALSE(as_base64_decode("Zm9", 3, out, NULL));
}

/* Every one of the 256 byte values in any position of a group is either a
 * valid character that decodes consistently or a rejection. */
TEST(base64_every_byte)
{
	const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int c = 0; c < 256; c++) {
		char enc[4] = {'Q', 'U', 'J', 'D'}; /* "ABC" */
		uint8_t out[3];
		size_t len;
		enc[3] = (char)c;
		bool ok = as_base64_decode(enc, 4, out, &len);
		const char* pos = c ? strchr(alphabet, c) : NULL;
		if (pos) {
			ASSERT_TRUE(ok);
			ASSERT_EQ(len, 3);
			ASSERT_EQ(out[2], (9 & 3) << 6 | (pos - alphabet)); /* J = 9 */
		}
		else {
			/* Includes '=': "QUJ=" has non-zero discarded bits (J = 9). */
			ASSERT_FALSE(ok);
		}
	}
}
