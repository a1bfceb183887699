/*
 * as_ripemd160.c: RIPEMD-160 (Dobbertin, Bosselaers, Preneel, 1996), written
 * from the algorithm's definition. The record key digest (as_digest.c) is its
 * main caller; the C unit tests check it against the published vectors.
 *
 * The hash runs two parallel lines of 80 steps over each 64-byte block. Each
 * line has its own word order, rotation amounts, round constants and order of
 * boolean functions; the two results are mixed into the chaining state at the
 * end of the block. Words are read little-endian and the message is padded as
 * in MD4: a 0x80 byte, zeros, then the bit length as a 64-bit little-endian
 * number.
 */
#include <aerospike/as_crypto.h>
#include <string.h>

/* clang-format off */
/* Message word used by each step of the left line. */
static const uint8_t RL[80] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
	3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
	1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
	4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
};

/* Message word used by each step of the right line. */
static const uint8_t RR[80] = {
	5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
	6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
	15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
	8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
	12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
};

/* Left rotation of each step of the left line. */
static const uint8_t SL[80] = {
	11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
	7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
	11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
	11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
	9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
};

/* Left rotation of each step of the right line. */
static const uint8_t SR[80] = {
	8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
	9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
	9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
	15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
	8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
};

/* Round constants, one per group of 16 steps, for each line. */
static const uint32_t KL[5] = {0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
static const uint32_t KR[5] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000};
/* clang-format on */

static inline uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/*
 * The five boolean functions. Round r (steps 16r to 16r+15) of the left line
 * uses f_r; the same round of the right line uses f_(4-r).
 */
static inline uint32_t f0(uint32_t x, uint32_t y, uint32_t z)
{
	return x ^ y ^ z;
}

static inline uint32_t f1(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (~x & z);
}

static inline uint32_t f2(uint32_t x, uint32_t y, uint32_t z)
{
	return (x | ~y) ^ z;
}

static inline uint32_t f3(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & z) | (y & ~z);
}

static inline uint32_t f4(uint32_t x, uint32_t y, uint32_t z)
{
	return x ^ (y | ~z);
}

static inline uint32_t load_le32(const uint8_t* p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void store_le32(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Runs the compression function over one 64-byte block. */
static void compress(uint32_t h[5], const uint8_t* block)
{
	uint32_t x[16];

	for (int i = 0; i < 16; i++) {
		x[i] = load_le32(block + 4 * i);
	}

	uint32_t al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
	uint32_t ar = h[0], br = h[1], cr = h[2], dr = h[3], er = h[4];

	/*
	 * One step of both lines: step j of the left line uses function FL and
	 * constant KL[j / 16], the right line FR and KR[j / 16]. The five rounds
	 * are unrolled by function so that the choice costs nothing at run time.
	 */
#define STEPS(FL, FR)                                                                              \
	for (unsigned end = j + 16; j < end; j++) {                                                    \
		uint32_t t = rol(al + FL(bl, cl, dl) + x[RL[j]] + KL[j / 16], SL[j]) + el;                 \
		al = el;                                                                                   \
		el = dl;                                                                                   \
		dl = rol(cl, 10);                                                                          \
		cl = bl;                                                                                   \
		bl = t;                                                                                    \
		t = rol(ar + FR(br, cr, dr) + x[RR[j]] + KR[j / 16], SR[j]) + er;                          \
		ar = er;                                                                                   \
		er = dr;                                                                                   \
		dr = rol(cr, 10);                                                                          \
		cr = br;                                                                                   \
		br = t;                                                                                    \
	}

	unsigned j = 0;
	STEPS(f0, f4)
	STEPS(f1, f3)
	STEPS(f2, f2)
	STEPS(f3, f1)
	STEPS(f4, f0)
#undef STEPS

	uint32_t t = h[1] + cl + dr;
	h[1] = h[2] + dl + er;
	h[2] = h[3] + el + ar;
	h[3] = h[4] + al + br;
	h[4] = h[0] + bl + cr;
	h[0] = t;
}

void as_ripemd160_init(as_ripemd160_ctx* ctx)
{
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->h[4] = 0xc3d2e1f0;
	ctx->total = 0;
	ctx->fill = 0;
}

void as_ripemd160_update(as_ripemd160_ctx* ctx, const void* data, size_t len)
{
	const uint8_t* p = (const uint8_t*)data;

	if (len == 0) {
		return;
	}
	ctx->total += len;

	/* Tops up a partly filled block first. */
	if (ctx->fill > 0) {
		size_t take = 64 - ctx->fill;
		if (take > len) {
			take = len;
		}
		memcpy(ctx->block + ctx->fill, p, take);
		ctx->fill += (uint32_t)take;
		p += take;
		len -= take;
		if (ctx->fill < 64) {
			return;
		}
		compress(ctx->h, ctx->block);
		ctx->fill = 0;
	}

	/* Whole blocks are hashed straight from the caller's memory. */
	while (len >= 64) {
		compress(ctx->h, p);
		p += 64;
		len -= 64;
	}

	if (len > 0) {
		memcpy(ctx->block, p, len);
		ctx->fill = (uint32_t)len;
	}
}

void as_ripemd160_final(as_ripemd160_ctx* ctx, uint8_t out[AS_DIGEST_SIZE])
{
	uint64_t bits = ctx->total << 3;
	uint32_t fill = ctx->fill;

	ctx->block[fill++] = 0x80;

	/* The length needs the last 8 bytes of a block; spill over if full. */
	if (fill > 56) {
		memset(ctx->block + fill, 0, 64 - fill);
		compress(ctx->h, ctx->block);
		fill = 0;
	}
	memset(ctx->block + fill, 0, 56 - fill);
	store_le32(ctx->block + 56, (uint32_t)bits);
	store_le32(ctx->block + 60, (uint32_t)(bits >> 32));
	compress(ctx->h, ctx->block);

	for (int i = 0; i < 5; i++) {
		store_le32(out + 4 * i, ctx->h[i]);
	}

	/* Leaves no message-dependent state behind. */
	memset(ctx, 0, sizeof(*ctx));
}

void as_ripemd160(const void* data, size_t len, uint8_t out[AS_DIGEST_SIZE])
{
	as_ripemd160_ctx ctx;
	as_ripemd160_init(&ctx);
	as_ripemd160_update(&ctx, data, len);
	as_ripemd160_final(&ctx, out);
}
