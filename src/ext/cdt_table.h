/*
 * cdt_table.h: one table describing every list, map, bit and HLL op id of
 * aerospike_helpers (operations.md 1b): its family, its wire code
 * (protocol.md 7d-7g), whether it modifies, and how the operate() dict's
 * entries become the op's arguments. The operate encoder (ops_cdt.c) and
 * the expression encoder (expr.c) both read it.
 */
#ifndef AS_CDT_TABLE_H
#define AS_CDT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

enum { FAM_LIST, FAM_MAP, FAM_BIT, FAM_HLL };

/* How one argument is read from an op dict and packed. */
typedef enum cdt_arg {
	A_END = 0,
	A_RT,		   /* return_type | 0x10000 when inverted (required) */
	A_VAL,		   /* 'val', any value (required) */
	A_KEY,		   /* 'key', any value (required) */
	A_INDEX,	   /* 'index', int (required) */
	A_RANK,		   /* 'rank', int (required) */
	A_VAL_COUNT,   /* 'val' as an int count (required) */
	A_VAL_COUNT_OPT, /* 'val' as an int count, left off when absent */
	A_COUNT_OPT,   /* 'count', int, left off when absent */
	A_VALUE_LIST,  /* 'value_list', a list (required) */
	A_BEGIN,	   /* 'value_begin', nil when absent */
	A_END_OPT,	   /* 'value_end', left off when absent */
	A_VAL_OR_NIL,  /* 'val', nil when absent or None */
	A_RANGE_OR_NIL, /* 'range', nil when absent or None */
	A_LIST_POLICY, /* list_policy -> order, flags (only when given) */
	A_LIST_FLAGS,  /* list_policy -> flags (only when given) */
	A_LIST_ORDER,  /* 'list_order', int (required) */
	A_SORT_FLAGS,  /* 'sort_flags', int (0 when absent) */
	A_MAP_PUT,	   /* map_policy -> attr [, flags when non-zero]; 0 when absent */
	A_MAP_ATTR,	   /* map_policy -> attr; 0 when absent */
	A_MAP_SET,	   /* map_policy -> attr (required) */
	A_BIT_OFF,	   /* 'bit_offset', int */
	A_BIT_SIZE,	   /* 'bit_size', uint32 */
	A_BYTE_OFF,	   /* 'byte_offset', int */
	A_BYTE_SIZE,   /* 'byte_size', uint32 */
	A_BIT_BYTES,   /* 'value_byte_size' bytes of 'value', as a blob */
	A_BIT_POLICY,  /* policy -> bit_write_flags (0 when None) */
	A_RESIZE_FLAGS, /* 'resize_flags', int (0 when absent) */
	A_BIT_INT,	   /* 'value', int */
	A_BIT_ACTION,  /* 'action' | 1 when 'sign' */
	A_BIT_SIGN_OPT, /* trailing 1 when 'sign' is True */
	A_BIT_BOOL,	   /* 'value', bool */
	A_HLL_LIST,	   /* 'value_list', a list (required) */
	A_HLL_IB,	   /* 'index_bit_count', int (-1 when absent or None) */
	A_HLL_MH,	   /* 'mh_bit_count', int (-1 when absent or None) */
	A_HLL_FLAGS,   /* hll_policy -> flags (0 when absent) */
} cdt_arg;

#define CDT_MAX_ARGS 6

typedef struct cdt_def {
	uint16_t id;	/* aerospike.OP_* */
	uint8_t family; /* FAM_* */
	uint8_t code;	/* wire CDT / bit / HLL op code */
	bool modify;
	bool create;	/* list_create / map_create: set-type with a create ctx */
	uint8_t args[CDT_MAX_ARGS];
} cdt_def;

/* The entry for an op id, or NULL. */
const cdt_def* cdt_lookup(long id);

/* Wire op type (protocol.md 5) of a family for a read or a modify. */
static inline uint8_t cdt_wire_op(const cdt_def* d)
{
	static const uint8_t ops[4][2] = {{3, 4}, {3, 4}, {12, 13}, {15, 16}};
	return ops[d->family][d->modify];
}

#endif
