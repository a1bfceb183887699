/*
 * as_unpack.c: the msgpack pull parser (as_msgpack.h, protocol.md section 7).
 * The binding calls it to turn CDT values in server replies into Python
 * objects; the proto layer and the C unit tests call it too.
 *
 * Input is untrusted. Every read is checked against u->end before it is
 * made, lengths are compared with the bytes that remain rather than added to
 * pointers, and a container whose element count could not possibly fit in
 * the remaining bytes (each element takes at least one byte) is rejected, so
 * a caller may size an allocation by .count without trusting the sender.
 */
#include <aerospike/as_msgpack.h>
#include <string.h>

static inline size_t remaining(const as_unpacker* u)
{
	return (size_t)(u->end - u->p);
}

/* Reads an n-byte big-endian unsigned integer (n is 1, 2, 4 or 8). */
static inline int read_uint(as_unpacker* u, size_t n, uint64_t* out)
{
	if (remaining(u) < n) {
		return -1;
	}
	const uint8_t* p = u->p;
	switch (n) {
	case 1:
		*out = p[0];
		break;
	case 2:
		*out = as_read_u16be(p);
		break;
	case 4:
		*out = as_read_u32be(p);
		break;
	default:
		*out = as_read_u64be(p);
		break;
	}
	u->p += n;
	return 0;
}

/* Reads an n-byte big-endian two's complement integer and sign-extends it. */
static inline int read_int(as_unpacker* u, size_t n, int64_t* out)
{
	uint64_t v;
	if (read_uint(u, n, &v) < 0) {
		return -1;
	}
	switch (n) {
	case 1:
		*out = (int8_t)v;
		break;
	case 2:
		*out = (int16_t)v;
		break;
	case 4:
		*out = (int32_t)v;
		break;
	default:
		*out = (int64_t)v;
		break;
	}
	return 0;
}

/* Takes a payload of len bytes that starts at u->p. */
static inline int take_bytes(as_unpacker* u, uint32_t len, const uint8_t** ptr)
{
	if (remaining(u) < len) {
		return -1;
	}
	*ptr = u->p;
	u->p += len;
	return 0;
}

/* Reads a str or bin token whose length field is `width` bytes wide. */
static int read_bytes(as_unpacker* u, size_t width, as_mp_type type, as_mp_obj* obj)
{
	uint64_t len;
	if (read_uint(u, width, &len) < 0) {
		return -1;
	}
	obj->type = type;
	obj->v.bytes.len = (uint32_t)len;
	return take_bytes(u, (uint32_t)len, &obj->v.bytes.ptr);
}

/* Reads an ext token: an optional `width`-byte length (0 for fixext, whose
 * length is given), then the type byte, then the payload. */
static int read_ext(as_unpacker* u, size_t width, uint32_t len, as_mp_obj* obj)
{
	if (width > 0) {
		uint64_t l;
		if (read_uint(u, width, &l) < 0) {
			return -1;
		}
		len = (uint32_t)l;
	}
	if (remaining(u) < 1) {
		return -1;
	}
	obj->type = AS_MP_EXT;
	obj->v.ext.type = (int8_t)*u->p++;
	obj->v.ext.len = len;
	return take_bytes(u, len, &obj->v.ext.ptr);
}

/* Sets an array or map token after checking that its elements can fit. */
static int set_container(as_unpacker* u, as_mp_type type, uint32_t count, as_mp_obj* obj)
{
	uint64_t min_bytes = type == AS_MP_MAP ? (uint64_t)count * 2 : count;
	if (min_bytes > remaining(u)) {
		return -1;
	}
	obj->type = type;
	obj->v.count = count;
	return 0;
}

/* Reads an array or map token whose count field is `width` bytes wide. */
static int read_container(as_unpacker* u, size_t width, as_mp_type type, as_mp_obj* obj)
{
	uint64_t n;
	if (read_uint(u, width, &n) < 0) {
		return -1;
	}
	return set_container(u, type, (uint32_t)n, obj);
}

static int set_uint(as_mp_obj* obj, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX) {
		obj->type = AS_MP_UINT;
		obj->v.u = v;
	}
	else {
		obj->type = AS_MP_INT;
		obj->v.i = (int64_t)v;
	}
	return 0;
}

int as_unpack_next(as_unpacker* u, as_mp_obj* obj)
{
	if (u->p >= u->end) {
		return -1;
	}

	uint8_t c = *u->p++;

	/* The fix forms carry their value or length in the marker byte. */
	if (c <= 0x7f) {
		obj->type = AS_MP_INT;
		obj->v.i = c;
		return 0;
	}
	if (c >= 0xe0) {
		obj->type = AS_MP_INT;
		obj->v.i = (int8_t)c;
		return 0;
	}
	if (c <= 0x8f) {
		return set_container(u, AS_MP_MAP, c & 0x0f, obj);
	}
	if (c <= 0x9f) {
		return set_container(u, AS_MP_ARRAY, c & 0x0f, obj);
	}
	if (c <= 0xbf) {
		obj->type = AS_MP_STR;
		obj->v.bytes.len = c & 0x1f;
		return take_bytes(u, c & 0x1f, &obj->v.bytes.ptr);
	}

	uint64_t uv;
	int64_t iv;

	switch (c) {
	case 0xc0:
		obj->type = AS_MP_NIL;
		return 0;
	case 0xc2:
	case 0xc3:
		obj->type = AS_MP_BOOL;
		obj->v.b = c == 0xc3;
		return 0;
	case 0xc4:
		return read_bytes(u, 1, AS_MP_BIN, obj);
	case 0xc5:
		return read_bytes(u, 2, AS_MP_BIN, obj);
	case 0xc6:
		return read_bytes(u, 4, AS_MP_BIN, obj);
	case 0xc7:
		return read_ext(u, 1, 0, obj);
	case 0xc8:
		return read_ext(u, 2, 0, obj);
	case 0xc9:
		return read_ext(u, 4, 0, obj);
	case 0xca: {
		/* float32 is widened to double. */
		if (read_uint(u, 4, &uv) < 0) {
			return -1;
		}
		uint32_t bits = (uint32_t)uv;
		float f;
		memcpy(&f, &bits, sizeof(f));
		obj->type = AS_MP_DOUBLE;
		obj->v.d = f;
		return 0;
	}
	case 0xcb: {
		if (read_uint(u, 8, &uv) < 0) {
			return -1;
		}
		double d;
		memcpy(&d, &uv, sizeof(d));
		obj->type = AS_MP_DOUBLE;
		obj->v.d = d;
		return 0;
	}
	case 0xcc:
	case 0xcd:
	case 0xce:
	case 0xcf:
		/* uint8 / 16 / 32 / 64: the low two bits give log2 of the width. */
		if (read_uint(u, (size_t)1 << (c - 0xcc), &uv) < 0) {
			return -1;
		}
		return set_uint(obj, uv);
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3:
		if (read_int(u, (size_t)1 << (c - 0xd0), &iv) < 0) {
			return -1;
		}
		obj->type = AS_MP_INT;
		obj->v.i = iv;
		return 0;
	case 0xd4:
	case 0xd5:
	case 0xd6:
	case 0xd7:
	case 0xd8:
		/* fixext 1 / 2 / 4 / 8 / 16. */
		return read_ext(u, 0, (uint32_t)1 << (c - 0xd4), obj);
	case 0xd9:
		return read_bytes(u, 1, AS_MP_STR, obj);
	case 0xda:
		return read_bytes(u, 2, AS_MP_STR, obj);
	case 0xdb:
		return read_bytes(u, 4, AS_MP_STR, obj);
	case 0xdc:
		return read_container(u, 2, AS_MP_ARRAY, obj);
	case 0xdd:
		return read_container(u, 4, AS_MP_ARRAY, obj);
	case 0xde:
		return read_container(u, 2, AS_MP_MAP, obj);
	case 0xdf:
		return read_container(u, 4, AS_MP_MAP, obj);
	default:
		/* 0xc1 is reserved and never valid. */
		return -1;
	}
}

int as_unpack_skip(as_unpacker* u)
{
	/* left[k] counts the elements still to read in the k-th open container
	 * (a map's count is doubled to cover keys and values). */
	uint64_t left[AS_MP_MAX_DEPTH];
	int depth = 0;
	as_mp_obj obj;

	do {
		if (as_unpack_next(u, &obj) < 0) {
			return -1;
		}

		uint64_t n = 0;
		if (obj.type == AS_MP_ARRAY) {
			n = obj.v.count;
		}
		else if (obj.type == AS_MP_MAP) {
			n = (uint64_t)obj.v.count * 2;
		}

		if (n > 0) {
			if (depth == AS_MP_MAX_DEPTH) {
				return -1;
			}
			left[depth++] = n;
			continue;
		}

		/* A complete value ends one element of the innermost container,
		 * which may complete that container, and so on outwards. */
		while (depth > 0) {
			if (--left[depth - 1] > 0) {
				break;
			}
			depth--;
		}
	} while (depth > 0);

	return 0;
}

uint32_t as_unpack_count(const void* data, size_t len)
{
	as_unpacker u;
	as_unpacker_init(&u, data, len);
	uint32_t n = 0;
	while (u.p < u.end && as_unpack_skip(&u) == 0) {
		n++;
	}
	return n;
}
