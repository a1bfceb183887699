/*
 * batch.h: what the files of the batch commands share (private to
 * src/ext): the row and command structures, and the wire side that
 * batch_wire.c defines (encoding a node's rows, parsing its answer) for
 * batch.c, which builds rows from the Python arguments and runs them.
 */
#ifndef AS_BINDING_BATCH_H
#define AS_BINDING_BATCH_H

#include "binding.h"

enum { ROW_READ, ROW_WRITE, ROW_APPLY, ROW_REMOVE };

#define ROW_FLAG_REPEAT 0x01
#define ROW_FLAG_INFO 0x02
#define ROW_FLAG_GEN 0x04
#define ROW_FLAG_TTL 0x08
#define ROW_FLAG_INFO4 0x10
#define PARENT_ALLOW_INLINE 0x01
#define PARENT_ALLOW_INLINE_SSD 0x02
#define PARENT_RESPOND_ALL_KEYS 0x04
#define PARENT_REPORT_ERROR_RECORD 0x08

/* What a row asks for, before encoding. */
typedef struct batch_row {
	py_key key;
	int kind;
	PyObject* target;	  /* batch_write: the record object to fill in; else NULL */
	PyObject* ops;		  /* op dicts, or NULL */
	PyObject* bins;		  /* batch_read bin names, or NULL */
	bool read_all;		  /* batch_read with no bins / Read(read_all_bins=True) */
	bool header_only;	  /* batch_read(bins=[]) / Read with no ops */
	py_policy pol;		  /* the row's policy over the client's defaults */
	uint32_t ttl, gen;	  /* from meta / policy */
	PyObject* module;	  /* Apply */
	PyObject* function;
	PyObject* args;
	const void* same[3];  /* identities of its attribute sources (ops, policy, meta) */
	as_node* node;		  /* reserved while the batch runs */
	int result;
	bool is_write;		  /* a transaction's write row (known before the rows are sent) */
	bool done;
	bool in_doubt;
	PyObject* record;	  /* (key, meta, bins) or NULL */
} batch_row;

typedef struct batch_cmd {
	ClientObject* self;
	py_policy parent;	/* policy_batch */
	batch_row* rows;
	Py_ssize_t n;
	value_ctx vc;
	decode_ctx dc;
	int server_error; /* a LAST message's non-zero result: the batch stopped there */
} batch_cmd;

/* The request of a node's rows (REPEAT for rows that repeat the previous
 * one); false with a Python error set. */
bool batch_encode(batch_cmd* cmd, as_node* node, as_buf* out);

/* The header, ops and leading fields of one row, shared with the
 * single-record command a lone row becomes. */
void batch_row_header(const batch_row* r, as_msg_header* h, ops_result* res);
bool batch_row_ops(batch_cmd* cmd, const batch_row* r, as_buf* ops, uint16_t* n_ops, ops_result* res);
bool batch_row_fields(batch_cmd* cmd, const batch_row* r, as_msg_builder* mb);

/* A row's answer message into its record (and the transaction's versions). */
void batch_row_set_record(batch_cmd* cmd, batch_row* r, const as_msg* m);

/* Walks a node's answer; false with err (or a Python error) set. */
bool batch_parse_answer(batch_cmd* cmd, const as_buf* resp, as_error* err);

#endif
