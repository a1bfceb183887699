/*
 * as_digest.c: the record key digest, RIPEMD-160 over the set name, the key's
 * particle type byte and the key bytes (protocol.md section 6). The binding
 * calls it for every key it sends; the partition id is derived from the
 * result by as_partition_id() in as_crypto.h.
 */
#include <aerospike/as_crypto.h>

void as_digest_compute(const char* set, size_t set_len, uint8_t key_type, const void* key,
	size_t key_len, uint8_t out[AS_DIGEST_SIZE])
{
	as_ripemd160_ctx ctx;

	as_ripemd160_init(&ctx);
	if (set_len > 0) {
		as_ripemd160_update(&ctx, set, set_len);
	}
	as_ripemd160_update(&ctx, &key_type, 1);
	if (key_len > 0) {
		as_ripemd160_update(&ctx, key, key_len);
	}
	as_ripemd160_final(&ctx, out);
}

void as_digest_compute_int64(const char* set, size_t set_len, int64_t key,
	uint8_t out[AS_DIGEST_SIZE])
{
	uint64_t u = (uint64_t)key;
	uint8_t be[8];

	/* Integer keys are hashed as 8 big-endian two's complement bytes. */
	for (int i = 7; i >= 0; i--) {
		be[i] = (uint8_t)u;
		u >>= 8;
	}
	as_digest_compute(set, set_len, AS_KEY_TYPE_INTEGER, be, sizeof(be), out);
}
