/* as_buf.c: growth of the core's byte buffer (see as_buf.h). */
#include <aerospike/as_buf.h>
#include <stdlib.h>

void as_buf_init(as_buf* b, uint8_t* storage, size_t cap)
{
	b->data = storage;
	b->len = 0;
	b->cap = storage ? cap : 0;
	b->heap = false;
	b->oom = false;
}

void as_buf_destroy(as_buf* b)
{
	if (b->heap) {
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
	b->heap = false;
}

bool as_buf__grow(as_buf* b, size_t extra)
{
	if (b->oom) {
		return false;
	}
	size_t need = b->len + extra;
	size_t cap = b->cap ? b->cap * 2 : 256;
	while (cap < need) {
		cap *= 2;
	}
	uint8_t* p;
	if (b->heap) {
		p = realloc(b->data, cap);
	}
	else {
		p = malloc(cap);
		if (p && b->len) {
			memcpy(p, b->data, b->len);
		}
	}
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	b->heap = true;
	return true;
}
