/*
 * as_proto.h: the Aerospike wire format without any I/O: the 8-byte proto
 * header, the AS_MSG header, its fields and ops (protocol.md sections 1,
 * 3, 4 and 5). The builder appends a message to an as_buf; the parser
 * walks a received message in place. Callers: the binding (requests and
 * replies), the command executor (framing), the tend thread (info).
 */
#ifndef AS_PROTO_H
#define AS_PROTO_H

#include <aerospike/as_buf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AS_PROTO_VERSION 2
#define AS_PROTO_TYPE_INFO 1
#define AS_PROTO_TYPE_ADMIN 2
#define AS_PROTO_TYPE_MSG 3
#define AS_PROTO_TYPE_MSG_COMPRESSED 4
#define AS_PROTO_SIZE_MAX (128u * 1024u * 1024u)
#define AS_PROTO_HEADER_SIZE 8
#define AS_MSG_HEADER_SIZE 22
#define AS_HEADER_SIZE 30 /* proto header + AS_MSG header */
#define AS_FIELD_HEADER_SIZE 5
#define AS_OP_HEADER_SIZE 8
#define AS_BIN_NAME_MAX 15
#define AS_NS_MAX 31
#define AS_SET_MAX 63

/* info1 */
#define AS_INFO1_READ 0x01
#define AS_INFO1_GET_ALL 0x02
#define AS_INFO1_SHORT_QUERY 0x04
#define AS_INFO1_BATCH 0x08
#define AS_INFO1_GET_NO_BINS 0x20
#define AS_INFO1_READ_MODE_AP_ALL 0x40
#define AS_INFO1_COMPRESS_RESPONSE 0x80
/* info2 */
#define AS_INFO2_WRITE 0x01
#define AS_INFO2_DELETE 0x02
#define AS_INFO2_GENERATION 0x04
#define AS_INFO2_GENERATION_GT 0x08
#define AS_INFO2_DURABLE_DELETE 0x10
#define AS_INFO2_CREATE_ONLY 0x20
#define AS_INFO2_RELAX_AP_LONG_QUERY 0x40
#define AS_INFO2_RESPOND_ALL_OPS 0x80
/* info3 */
#define AS_INFO3_LAST 0x01
#define AS_INFO3_COMMIT_MASTER 0x02
#define AS_INFO3_PARTITION_DONE 0x04
#define AS_INFO3_UPDATE_ONLY 0x08
#define AS_INFO3_CREATE_OR_REPLACE 0x10
#define AS_INFO3_REPLACE_ONLY 0x20
#define AS_INFO3_SC_READ_TYPE 0x40
#define AS_INFO3_SC_READ_RELAX 0x80

/* field types */
#define AS_FIELD_NAMESPACE 0
#define AS_FIELD_SET 1
#define AS_FIELD_KEY 2
#define AS_FIELD_DIGEST 4
#define AS_FIELD_TASK_ID 7
#define AS_FIELD_SOCKET_TIMEOUT 9
#define AS_FIELD_RPS 10
#define AS_FIELD_PID_ARRAY 11
#define AS_FIELD_DIGEST_ARRAY 12
#define AS_FIELD_MAX_RECORDS 13
#define AS_FIELD_BVAL_ARRAY 15
#define AS_FIELD_INDEX_NAME 21
#define AS_FIELD_INDEX_RANGE 22
#define AS_FIELD_INDEX_CONTEXT 23
#define AS_FIELD_INDEX_EXPRESSION 24
#define AS_FIELD_INDEX_TYPE 26
#define AS_FIELD_UDF_PACKAGE_NAME 30
#define AS_FIELD_UDF_FUNCTION 31
#define AS_FIELD_UDF_ARGLIST 32
#define AS_FIELD_UDF_OP 33
#define AS_FIELD_QUERY_BINS 40
#define AS_FIELD_BATCH_INDEX 41
#define AS_FIELD_FILTER 43

/* wire op types */
#define AS_OP_READ 1
#define AS_OP_WRITE 2
#define AS_OP_CDT_READ 3
#define AS_OP_CDT_MODIFY 4
#define AS_OP_INCR 5
#define AS_OP_EXP_READ 7
#define AS_OP_EXP_MODIFY 8
#define AS_OP_APPEND 9
#define AS_OP_PREPEND 10
#define AS_OP_TOUCH 11
#define AS_OP_BITS_READ 12
#define AS_OP_BITS_MODIFY 13
#define AS_OP_DELETE 14
#define AS_OP_HLL_READ 15
#define AS_OP_HLL_MODIFY 16

/* particle types */
#define AS_PARTICLE_NULL 0
#define AS_PARTICLE_INTEGER 1
#define AS_PARTICLE_FLOAT 2
#define AS_PARTICLE_STRING 3
#define AS_PARTICLE_BLOB 4
#define AS_PARTICLE_JAVA_BLOB 7
#define AS_PARTICLE_CSHARP_BLOB 8
#define AS_PARTICLE_PYTHON_BLOB 9
#define AS_PARTICLE_RUBY_BLOB 10
#define AS_PARTICLE_PHP_BLOB 11
#define AS_PARTICLE_ERLANG_BLOB 12
#define AS_PARTICLE_BOOL 17
#define AS_PARTICLE_HLL 18
#define AS_PARTICLE_MAP 19
#define AS_PARTICLE_LIST 20
#define AS_PARTICLE_GEOJSON 23

/* Seconds between the Unix epoch and the Aerospike epoch (2010-01-01). */
#define AS_CITRUSLEAF_EPOCH 1262304000u

/* ---- proto header ---------------------------------------------------- */

static inline void as_proto_write_header(uint8_t* p, uint8_t type, uint64_t size)
{
	as_write_u64be(p, ((uint64_t)AS_PROTO_VERSION << 56) | ((uint64_t)type << 48) | size);
}

/* Validates version and size; returns false for a header no server sends. */
bool as_proto_parse_header(const uint8_t* p, uint8_t* type, uint64_t* size);

/* ---- AS_MSG builder -------------------------------------------------- */

typedef struct as_msg_header {
	uint8_t info1;
	uint8_t info2;
	uint8_t info3;
	uint8_t info4;
	uint32_t generation;
	uint32_t record_ttl;
	uint32_t transaction_ttl;
} as_msg_header;

typedef struct as_msg_builder {
	as_buf* buf;
	size_t start;	 /* offset of the proto header in buf */
	size_t mark;	 /* offset of the field or op being written */
	uint16_t n_fields;
	uint16_t n_ops;
} as_msg_builder;

/* Writes the proto and AS_MSG headers with zero counts and sizes. */
void as_msg_begin(as_msg_builder* mb, as_buf* buf, const as_msg_header* h);

/* A whole field whose data is known. */
void as_msg_field(as_msg_builder* mb, uint8_t type, const void* data, size_t len);

/* A field whose data the caller appends to mb->buf between these calls. */
void as_msg_field_begin(as_msg_builder* mb, uint8_t type);
void as_msg_field_end(as_msg_builder* mb);

/* An op; the caller appends its value to mb->buf, then calls op_end. */
void as_msg_op_begin(
	as_msg_builder* mb, uint8_t op, uint8_t particle_type, const char* name, size_t name_len);
void as_msg_op_end(as_msg_builder* mb);

/* Patches the proto size and the field/op counts. Returns false when the
 * buffer ran out of memory or the message is too large. */
bool as_msg_end(as_msg_builder* mb);

/* ---- AS_MSG parser --------------------------------------------------- */

typedef struct as_msg {
	as_msg_header h;
	uint8_t result_code;
	uint16_t n_fields;
	uint16_t n_ops;
	const uint8_t* fields; /* first field */
	const uint8_t* ops;	   /* first op */
	const uint8_t* end;	   /* end of this message */
} as_msg;

typedef struct as_msg_field_view {
	uint8_t type;
	const uint8_t* data;
	uint32_t len;
} as_msg_field_view;

typedef struct as_msg_op_view {
	uint8_t op;
	uint8_t particle_type;
	uint8_t name_len;
	const char* name;
	const uint8_t* value;
	uint32_t value_len;
} as_msg_op_view;

/* Parses one AS_MSG starting at p (its 22-byte header) and validates that
 * all fields and ops lie within [p, end). Returns the message's total size
 * in bytes, or 0 when malformed. */
size_t as_msg_parse(as_msg* m, const uint8_t* p, const uint8_t* end);

/* Reads the field or op at *cursor and advances it. The cursor starts at
 * m->fields or m->ops; the counts come from the message. as_msg_parse has
 * already validated the bounds, so these cannot fail on a parsed message. */
void as_msg_next_field(const uint8_t** cursor, as_msg_field_view* f);
void as_msg_next_op(const uint8_t** cursor, as_msg_op_view* op);

/* Remaining TTL from a void time (seconds since the Aerospike epoch):
 * 0 means never expires (0xFFFFFFFF); a past time floors at 1. */
uint32_t as_void_time_to_ttl(uint32_t void_time, uint32_t now_unix);

#endif
