/*
 * as_buf.h: a growable byte buffer that starts in caller-provided storage
 * (usually a stack array) and moves to the heap only when it must grow.
 * Every encoder of the core writes into one; the binding owns it.
 */
#ifndef AS_BUF_H
#define AS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct as_buf {
	uint8_t* data;
	size_t len;
	size_t cap;
	bool heap; /* data was malloc'ed by the buffer and must be freed */
	bool oom;  /* a grow failed; every later write is dropped */
} as_buf;

/* Starts an empty buffer over `storage` (may be NULL with cap 0). */
void as_buf_init(as_buf* b, uint8_t* storage, size_t cap);

/* Frees heap storage, if any. The buffer may be re-initialised after. */
void as_buf_destroy(as_buf* b);

/* Makes room for `extra` more bytes; returns false (and sets oom) when
 * memory is exhausted. */
bool as_buf__grow(as_buf* b, size_t extra);

static inline bool as_buf_reserve(as_buf* b, size_t extra)
{
	if (b->len + extra <= b->cap && !b->oom) {
		return true;
	}
	return as_buf__grow(b, extra);
}

static inline void as_buf_put(as_buf* b, const void* src, size_t n)
{
	if (n == 0 || !as_buf_reserve(b, n)) {
		return;
	}
	memcpy(b->data + b->len, src, n);
	b->len += n;
}

static inline void as_buf_put_u8(as_buf* b, uint8_t v)
{
	if (as_buf_reserve(b, 1)) {
		b->data[b->len++] = v;
	}
}

static inline void as_write_u16be(uint8_t* p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void as_write_u32be(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void as_write_u64be(uint8_t* p, uint64_t v)
{
	as_write_u32be(p, (uint32_t)(v >> 32));
	as_write_u32be(p + 4, (uint32_t)v);
}

static inline uint16_t as_read_u16be(const uint8_t* p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t as_read_u32be(const uint8_t* p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t as_read_u64be(const uint8_t* p)
{
	return ((uint64_t)as_read_u32be(p) << 32) | as_read_u32be(p + 4);
}

static inline void as_buf_put_u16be(as_buf* b, uint16_t v)
{
	if (as_buf_reserve(b, 2)) {
		as_write_u16be(b->data + b->len, v);
		b->len += 2;
	}
}

static inline void as_buf_put_u32be(as_buf* b, uint32_t v)
{
	if (as_buf_reserve(b, 4)) {
		as_write_u32be(b->data + b->len, v);
		b->len += 4;
	}
}

static inline void as_buf_put_u64be(as_buf* b, uint64_t v)
{
	if (as_buf_reserve(b, 8)) {
		as_write_u64be(b->data + b->len, v);
		b->len += 8;
	}
}

#endif
