/*
 * as_crypto.h: RIPEMD-160, the record key digest and the partition id
 * (protocol.md section 6), and base64 (info protocol payloads).
 * Callers: the binding (key digests), cluster tending (replicas bitmaps),
 * the C unit tests.
 */
#ifndef AS_CRYPTO_H
#define AS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AS_DIGEST_SIZE 20
#define AS_N_PARTITIONS 4096

typedef struct as_ripemd160_ctx {
	uint32_t h[5];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[64];
	uint32_t fill; /* bytes waiting in block */
} as_ripemd160_ctx;

void as_ripemd160_init(as_ripemd160_ctx* ctx);
void as_ripemd160_update(as_ripemd160_ctx* ctx, const void* data, size_t len);
void as_ripemd160_final(as_ripemd160_ctx* ctx, uint8_t out[AS_DIGEST_SIZE]);
void as_ripemd160(const void* data, size_t len, uint8_t out[AS_DIGEST_SIZE]);

/* Key type bytes hashed into the digest (particle types, protocol.md 5). */
#define AS_KEY_TYPE_INTEGER 1
#define AS_KEY_TYPE_STRING 3
#define AS_KEY_TYPE_BLOB 4

/* digest = RIPEMD160(set || key_type || key_bytes). The namespace is not
 * part of it. `set` may be NULL when set_len is 0. */
void as_digest_compute(const char* set, size_t set_len, uint8_t key_type, const void* key,
	size_t key_len, uint8_t out[AS_DIGEST_SIZE]);

/* The digest of an integer key: its 8 big-endian two's complement bytes
 * with key type AS_KEY_TYPE_INTEGER. */
void as_digest_compute_int64(const char* set, size_t set_len, int64_t key,
	uint8_t out[AS_DIGEST_SIZE]);

/* (digest[0] | digest[1] << 8) & 4095 */
static inline uint32_t as_partition_id(const uint8_t* digest)
{
	return ((uint32_t)digest[0] | ((uint32_t)digest[1] << 8)) & (AS_N_PARTITIONS - 1);
}

/* Standard base64 with '=' padding. encoded_len includes no terminator. */
static inline size_t as_base64_encoded_len(size_t n)
{
	return ((n + 2) / 3) * 4;
}
void as_base64_encode(const uint8_t* in, size_t n, char* out);

/* Decodes `n` chars of base64 into `out` (room for n/4*3 bytes). Returns
 * false on a bad character or length; *out_len gets the byte count. */
bool as_base64_decode(const char* in, size_t n, uint8_t* out, size_t* out_len);

#endif
