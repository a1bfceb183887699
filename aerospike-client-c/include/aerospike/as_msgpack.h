/*
 * as_msgpack.h: msgpack as Aerospike uses it. The packer appends to an
 * as_buf (one pass; the buffer grows from caller storage). The unpacker is
 * a pull parser over a byte range: each call yields one token, containers
 * yield their element count and their elements follow as later tokens.
 * Callers: the binding (Python values <-> msgpack), the proto layer (CDT
 * ops, expressions), the core's C unit tests.
 */
#ifndef AS_MSGPACK_H
#define AS_MSGPACK_H

#include <aerospike/as_buf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Particle type bytes that follow a msgpack str header (protocol.md 7a). */
#define AS_MP_PARTICLE_STRING 3
#define AS_MP_PARTICLE_BLOB 4
#define AS_MP_PARTICLE_GEOJSON 23

/* Ext type used for the CDT wildcard / infinity markers. */
#define AS_MP_EXT_CDT 0xff

/* ---- packer ---------------------------------------------------------- */

void as_pack_nil(as_buf* b);
void as_pack_bool(as_buf* b, bool v);
/* Smallest encoding: fixint / uint8..64 for v >= 0, fixneg / int8..64. */
void as_pack_int64(as_buf* b, int64_t v);
void as_pack_uint64(as_buf* b, uint64_t v);
void as_pack_double(as_buf* b, double v); /* always 0xcb + 8 bytes */
void as_pack_array_header(as_buf* b, uint32_t n);
void as_pack_map_header(as_buf* b, uint32_t n);
/* str-family header (fixstr a0-bf, d9, da, db) for a payload of `len`. */
void as_pack_str_header(as_buf* b, uint32_t len);
/* bin-family header (c4, c5, c6). */
void as_pack_bin_header(as_buf* b, uint32_t len);
/* ext header: fixext 1/2/4/8/16 when len fits, else ext8/16/32. */
void as_pack_ext_header(as_buf* b, uint8_t type, uint32_t len);
/* Aerospike "particle string": str header of len+1, the particle type
 * byte, then the bytes. Used for strings (3), blobs (4), GeoJSON (23),
 * HLL (18) inside CDT values. */
void as_pack_particle(as_buf* b, uint8_t particle_type, const void* data, uint32_t len);
/* Plain msgpack str without a particle byte (names inside expressions). */
void as_pack_raw_str(as_buf* b, const void* data, uint32_t len);
/* Appends already-encoded msgpack bytes. */
void as_pack_raw(as_buf* b, const void* data, size_t len);

/* ---- unpacker -------------------------------------------------------- */

typedef enum as_mp_type {
	AS_MP_NIL,
	AS_MP_BOOL,
	AS_MP_INT,    /* fits int64: value in .i */
	AS_MP_UINT,   /* uint64 above INT64_MAX: value in .u */
	AS_MP_DOUBLE, /* float32 or float64, widened: .d */
	AS_MP_STR,    /* str family: .bytes (raw payload, particle byte included) */
	AS_MP_BIN,    /* bin family: .bytes */
	AS_MP_ARRAY,  /* .count elements follow */
	AS_MP_MAP,    /* .count key/value pairs follow */
	AS_MP_EXT     /* .ext */
} as_mp_type;

typedef struct as_mp_obj {
	as_mp_type type;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double d;
		uint32_t count;
		struct {
			const uint8_t* ptr;
			uint32_t len;
		} bytes;
		struct {
			int8_t type;
			const uint8_t* ptr;
			uint32_t len;
		} ext;
	} v;
} as_mp_obj;

typedef struct as_unpacker {
	const uint8_t* p;
	const uint8_t* end;
} as_unpacker;

static inline void as_unpacker_init(as_unpacker* u, const void* data, size_t len)
{
	u->p = (const uint8_t*)data;
	u->end = u->p + len;
}

/* Reads one token. Returns 0, or -1 when the input is malformed or
 * truncated (u is then left at an unspecified position). An array or map
 * whose count could not fit in the bytes that remain (each element takes at
 * least one byte) counts as malformed, so .count may size an allocation. */
int as_unpack_next(as_unpacker* u, as_mp_obj* obj);

/* Skips one whole value, containers included. Returns 0 or -1. Nesting
 * deeper than AS_MP_MAX_DEPTH is treated as malformed. */
#define AS_MP_MAX_DEPTH 256
int as_unpack_skip(as_unpacker* u);

/* The number of whole values in a byte range of packed msgpack (stops at
 * the first malformed one). */
uint32_t as_unpack_count(const void* data, size_t len);

#endif
