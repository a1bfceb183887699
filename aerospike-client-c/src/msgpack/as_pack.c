/*
 * as_pack.c: the msgpack packer, appending to an as_buf (as_msgpack.h,
 * protocol.md section 7). Integers and headers always take their smallest
 * standard form. The binding calls these while walking Python values; the
 * proto layer calls them for CDT operations and expressions.
 *
 * Each function reserves the whole token once and then writes it in place,
 * so a buffer that ran out of memory (b->oom) simply drops the token.
 */
#include <aerospike/as_msgpack.h>
#include <string.h>

/* Reserves n bytes and returns where they go, or NULL when out of memory.
 * The caller fills all n bytes. */
static inline uint8_t* take(as_buf* b, size_t n)
{
	if (!as_buf_reserve(b, n)) {
		return NULL;
	}
	uint8_t* p = b->data + b->len;
	b->len += n;
	return p;
}

/* Writes a one-byte marker followed by a 1, 2 or 4 byte big-endian length. */
static void put_marker_len(as_buf* b, uint8_t marker, size_t width, uint32_t len)
{
	uint8_t* p = take(b, 1 + width);
	if (!p) {
		return;
	}
	p[0] = marker;
	if (width == 1) {
		p[1] = (uint8_t)len;
	}
	else if (width == 2) {
		as_write_u16be(p + 1, (uint16_t)len);
	}
	else {
		as_write_u32be(p + 1, len);
	}
}

/* Writes the header of a family that has a fix form (fixarray, fixmap,
 * fixstr), then 16 and 32 bit forms, optionally an 8 bit one. */
static void put_family_header(as_buf* b, uint32_t n, uint8_t fix, uint32_t fix_max, int m8,
	uint8_t m16, uint8_t m32)
{
	if (n <= fix_max) {
		as_buf_put_u8(b, (uint8_t)(fix | n));
	}
	else if (m8 >= 0 && n <= 0xff) {
		put_marker_len(b, (uint8_t)m8, 1, n);
	}
	else if (n <= 0xffff) {
		put_marker_len(b, m16, 2, n);
	}
	else {
		put_marker_len(b, m32, 4, n);
	}
}

void as_pack_nil(as_buf* b)
{
	as_buf_put_u8(b, 0xc0);
}

void as_pack_bool(as_buf* b, bool v)
{
	as_buf_put_u8(b, v ? 0xc3 : 0xc2);
}

void as_pack_uint64(as_buf* b, uint64_t v)
{
	uint8_t* p;

	if (v < 0x80) {
		as_buf_put_u8(b, (uint8_t)v);
	}
	else if (v <= 0xff) {
		put_marker_len(b, 0xcc, 1, (uint32_t)v);
	}
	else if (v <= 0xffff) {
		put_marker_len(b, 0xcd, 2, (uint32_t)v);
	}
	else if (v <= 0xffffffff) {
		put_marker_len(b, 0xce, 4, (uint32_t)v);
	}
	else if ((p = take(b, 9)) != NULL) {
		p[0] = 0xcf;
		as_write_u64be(p + 1, v);
	}
}

void as_pack_int64(as_buf* b, int64_t v)
{
	uint8_t* p;

	if (v >= 0) {
		as_pack_uint64(b, (uint64_t)v);
	}
	else if (v >= -32) {
		/* Negative fixint: the byte is the value's two's complement. */
		as_buf_put_u8(b, (uint8_t)v);
	}
	else if (v >= INT8_MIN) {
		put_marker_len(b, 0xd0, 1, (uint32_t)v);
	}
	else if (v >= INT16_MIN) {
		put_marker_len(b, 0xd1, 2, (uint32_t)v);
	}
	else if (v >= INT32_MIN) {
		put_marker_len(b, 0xd2, 4, (uint32_t)v);
	}
	else if ((p = take(b, 9)) != NULL) {
		p[0] = 0xd3;
		as_write_u64be(p + 1, (uint64_t)v);
	}
}

void as_pack_double(as_buf* b, double v)
{
	uint64_t bits;
	uint8_t* p = take(b, 9);

	if (!p) {
		return;
	}
	memcpy(&bits, &v, sizeof(bits));
	p[0] = 0xcb;
	as_write_u64be(p + 1, bits);
}

void as_pack_array_header(as_buf* b, uint32_t n)
{
	put_family_header(b, n, 0x90, 15, -1, 0xdc, 0xdd);
}

void as_pack_map_header(as_buf* b, uint32_t n)
{
	put_family_header(b, n, 0x80, 15, -1, 0xde, 0xdf);
}

void as_pack_str_header(as_buf* b, uint32_t len)
{
	put_family_header(b, len, 0xa0, 31, 0xd9, 0xda, 0xdb);
}

void as_pack_bin_header(as_buf* b, uint32_t len)
{
	if (len <= 0xff) {
		put_marker_len(b, 0xc4, 1, len);
	}
	else if (len <= 0xffff) {
		put_marker_len(b, 0xc5, 2, len);
	}
	else {
		put_marker_len(b, 0xc6, 4, len);
	}
}

void as_pack_ext_header(as_buf* b, uint8_t type, uint32_t len)
{
	uint8_t fix;

	switch (len) {
	case 1:
		fix = 0xd4;
		break;
	case 2:
		fix = 0xd5;
		break;
	case 4:
		fix = 0xd6;
		break;
	case 8:
		fix = 0xd7;
		break;
	case 16:
		fix = 0xd8;
		break;
	default:
		fix = 0;
		break;
	}

	if (fix) {
		uint8_t* p = take(b, 2);
		if (p) {
			p[0] = fix;
			p[1] = type;
		}
		return;
	}

	if (len <= 0xff) {
		put_marker_len(b, 0xc7, 1, len);
	}
	else if (len <= 0xffff) {
		put_marker_len(b, 0xc8, 2, len);
	}
	else {
		put_marker_len(b, 0xc9, 4, len);
	}
	as_buf_put_u8(b, type);
}

void as_pack_particle(as_buf* b, uint8_t particle_type, const void* data, uint32_t len)
{
	/* The particle byte makes the payload one longer than the data; a
	 * payload that cannot be described in 32 bits is refused by marking the
	 * buffer failed, so the caller sees an error instead of bad bytes. */
	if (len == UINT32_MAX) {
		b->oom = true;
		return;
	}
	as_pack_str_header(b, len + 1);
	as_buf_put_u8(b, particle_type);
	as_buf_put(b, data, len);
}

void as_pack_raw_str(as_buf* b, const void* data, uint32_t len)
{
	as_pack_str_header(b, len);
	as_buf_put(b, data, len);
}

void as_pack_raw(as_buf* b, const void* data, size_t len)
{
	as_buf_put(b, data, len);
}
