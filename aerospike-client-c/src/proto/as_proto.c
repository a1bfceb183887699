/* as_proto.c: building and parsing AS_MSG messages (see as_proto.h). */
#include <aerospike/as_proto.h>

bool as_proto_parse_header(const uint8_t* p, uint8_t* type, uint64_t* size)
{
	uint64_t v = as_read_u64be(p);
	*type = (uint8_t)(v >> 48);
	*size = v & 0xFFFFFFFFFFFFull;
	return (v >> 56) == AS_PROTO_VERSION && *type >= 1 && *type <= 4 && *size <= AS_PROTO_SIZE_MAX;
}

void as_msg_begin(as_msg_builder* mb, as_buf* buf, const as_msg_header* h)
{
	mb->buf = buf;
	mb->start = buf->len;
	mb->mark = 0;
	mb->n_fields = 0;
	mb->n_ops = 0;
	if (!as_buf_reserve(buf, AS_HEADER_SIZE)) {
		return;
	}
	uint8_t* p = buf->data + buf->len;
	memset(p, 0, AS_HEADER_SIZE);
	p[8] = AS_MSG_HEADER_SIZE;
	p[9] = h->info1;
	p[10] = h->info2;
	p[11] = h->info3;
	p[12] = h->info4;
	as_write_u32be(p + 14, h->generation);
	as_write_u32be(p + 18, h->record_ttl);
	as_write_u32be(p + 22, h->transaction_ttl);
	buf->len += AS_HEADER_SIZE;
}

void as_msg_field(as_msg_builder* mb, uint8_t type, const void* data, size_t len)
{
	as_buf_put_u32be(mb->buf, (uint32_t)len + 1);
	as_buf_put_u8(mb->buf, type);
	as_buf_put(mb->buf, data, len);
	mb->n_fields++;
}

void as_msg_field_begin(as_msg_builder* mb, uint8_t type)
{
	mb->mark = mb->buf->len;
	as_buf_put_u32be(mb->buf, 0);
	as_buf_put_u8(mb->buf, type);
}

void as_msg_field_end(as_msg_builder* mb)
{
	if (!mb->buf->oom) {
		as_write_u32be(mb->buf->data + mb->mark, (uint32_t)(mb->buf->len - mb->mark - 4));
	}
	mb->n_fields++;
}

void as_msg_op_begin(
	as_msg_builder* mb, uint8_t op, uint8_t particle_type, const char* name, size_t name_len)
{
	mb->mark = mb->buf->len;
	if (!as_buf_reserve(mb->buf, AS_OP_HEADER_SIZE + name_len)) {
		return;
	}
	uint8_t* p = mb->buf->data + mb->buf->len;
	p[4] = op;
	p[5] = particle_type;
	p[6] = 0;
	p[7] = (uint8_t)name_len;
	if (name_len) {
		memcpy(p + 8, name, name_len);
	}
	mb->buf->len += AS_OP_HEADER_SIZE + name_len;
}

void as_msg_op_end(as_msg_builder* mb)
{
	if (!mb->buf->oom) {
		as_write_u32be(mb->buf->data + mb->mark, (uint32_t)(mb->buf->len - mb->mark - 4));
	}
	mb->n_ops++;
}

bool as_msg_end(as_msg_builder* mb)
{
	as_buf* b = mb->buf;
	if (b->oom) {
		return false;
	}
	uint64_t size = b->len - mb->start - AS_PROTO_HEADER_SIZE;
	if (size > AS_PROTO_SIZE_MAX) {
		return false;
	}
	uint8_t* p = b->data + mb->start;
	as_proto_write_header(p, AS_PROTO_TYPE_MSG, size);
	as_write_u16be(p + 26, mb->n_fields);
	as_write_u16be(p + 28, mb->n_ops);
	return true;
}

size_t as_msg_parse(as_msg* m, const uint8_t* p, const uint8_t* end)
{
	if (end - p < AS_MSG_HEADER_SIZE || p[0] != AS_MSG_HEADER_SIZE) {
		return 0;
	}
	m->h.info1 = p[1];
	m->h.info2 = p[2];
	m->h.info3 = p[3];
	m->h.info4 = p[4];
	m->result_code = p[5];
	m->h.generation = as_read_u32be(p + 6);
	m->h.record_ttl = as_read_u32be(p + 10);
	m->h.transaction_ttl = as_read_u32be(p + 14);
	m->n_fields = as_read_u16be(p + 18);
	m->n_ops = as_read_u16be(p + 20);
	const uint8_t* q = p + AS_MSG_HEADER_SIZE;
	m->fields = q;
	for (uint32_t i = 0; i < m->n_fields; i++) {
		if (end - q < AS_FIELD_HEADER_SIZE) {
			return 0;
		}
		uint32_t sz = as_read_u32be(q);
		if (sz < 1 || (uint64_t)(end - q - 4) < sz) {
			return 0;
		}
		q += 4 + sz;
	}
	m->ops = q;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		if (end - q < AS_OP_HEADER_SIZE) {
			return 0;
		}
		uint32_t sz = as_read_u32be(q);
		if (sz < 4 || (uint64_t)(end - q - 4) < sz || (uint32_t)q[7] > sz - 4) {
			return 0;
		}
		q += 4 + sz;
	}
	m->end = q;
	return (size_t)(q - p);
}

void as_msg_next_field(const uint8_t** cursor, as_msg_field_view* f)
{
	const uint8_t* q = *cursor;
	uint32_t sz = as_read_u32be(q);
	f->type = q[4];
	f->data = q + 5;
	f->len = sz - 1;
	*cursor = q + 4 + sz;
}

void as_msg_next_op(const uint8_t** cursor, as_msg_op_view* op)
{
	const uint8_t* q = *cursor;
	uint32_t sz = as_read_u32be(q);
	op->op = q[4];
	op->particle_type = q[5];
	op->name_len = q[7];
	op->name = (const char*)q + 8;
	op->value = q + 8 + op->name_len;
	op->value_len = sz - 4 - op->name_len;
	*cursor = q + 4 + sz;
}

uint32_t as_void_time_to_ttl(uint32_t void_time, uint32_t now_unix)
{
	if (void_time == 0) {
		return 0xFFFFFFFFu;
	}
	uint32_t now = now_unix > AS_CITRUSLEAF_EPOCH ? now_unix - AS_CITRUSLEAF_EPOCH : 0;
	return void_time > now ? void_time - now : 1;
}
