/*
 * cdt_table.c: the list, map, bit and HLL op table (see cdt_table.h).
 * Codes from protocol.md 7d-7g; argument layouts checked against the wire
 * vectors (list.jsonl, map.jsonl, bit.jsonl, hll.jsonl).
 */
#include "cdt_table.h"
#include <stddef.h>

#define L(id, code, mod, ...) {id, FAM_LIST, code, mod, false, {__VA_ARGS__}}
#define M(id, code, mod, ...) {id, FAM_MAP, code, mod, false, {__VA_ARGS__}}
#define B(id, code, mod, ...) {id, FAM_BIT, code, mod, false, {__VA_ARGS__}}
#define H(id, code, mod, ...) {id, FAM_HLL, code, mod, false, {__VA_ARGS__}}

static const cdt_def table[] = {
	/* Lists (ids 1001-1041). */
	L(1001, 1, true, A_VAL, A_LIST_POLICY),
	L(1002, 2, true, A_VAL, A_LIST_POLICY),
	L(1003, 3, true, A_INDEX, A_VAL, A_LIST_FLAGS),
	L(1004, 4, true, A_INDEX, A_VAL, A_LIST_FLAGS),
	L(1005, 5, true, A_INDEX),
	L(1006, 6, true, A_INDEX, A_VAL_COUNT),
	L(1007, 7, true, A_INDEX),
	L(1008, 8, true, A_INDEX, A_VAL_COUNT),
	L(1009, 11, true, A_END),
	L(1010, 9, true, A_INDEX, A_VAL, A_LIST_FLAGS),
	L(1011, 17, false, A_INDEX),
	L(1012, 18, false, A_INDEX, A_VAL_COUNT_OPT),
	L(1013, 10, true, A_INDEX, A_VAL_COUNT),
	L(1014, 16, false, A_END),
	L(1015, 12, true, A_INDEX, A_VAL, A_LIST_POLICY),
	L(1016, 19, false, A_RT, A_INDEX),
	L(1017, 24, false, A_RT, A_INDEX, A_COUNT_OPT),
	L(1018, 21, false, A_RT, A_RANK),
	L(1019, 26, false, A_RT, A_RANK, A_COUNT_OPT),
	L(1020, 22, false, A_RT, A_VAL),
	L(1021, 23, false, A_RT, A_VALUE_LIST),
	L(1022, 25, false, A_RT, A_BEGIN, A_END_OPT),
	L(1023, 32, true, A_RT, A_INDEX),
	L(1024, 37, true, A_RT, A_INDEX, A_COUNT_OPT),
	L(1025, 34, true, A_RT, A_RANK),
	L(1026, 39, true, A_RT, A_RANK, A_COUNT_OPT),
	L(1027, 35, true, A_RT, A_VAL),
	L(1028, 36, true, A_RT, A_VALUE_LIST),
	L(1029, 38, true, A_RT, A_BEGIN, A_END_OPT),
	L(1030, 0, true, A_LIST_ORDER),
	L(1031, 13, true, A_SORT_FLAGS),
	L(1032, 40, true, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	L(1033, 27, false, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	/* The *_TO_END ids exist for expressions only. */
	L(1034, 27, false, A_RT, A_VAL, A_RANK),
	L(1035, 24, false, A_RT, A_INDEX),
	L(1036, 26, false, A_RT, A_RANK),
	L(1037, 40, true, A_RT, A_VAL, A_RANK),
	L(1038, 40, true, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	L(1039, 37, true, A_RT, A_INDEX),
	L(1040, 39, true, A_RT, A_RANK),
	{1041, FAM_LIST, 0, true, true, {A_END}},

	/* Maps (ids 1101-1144). */
	M(1101, 64, true, A_MAP_SET),
	M(1102, 67, true, A_KEY, A_VAL, A_MAP_PUT),
	M(1103, 68, true, A_VAL, A_MAP_PUT),
	M(1104, 73, true, A_KEY, A_VAL, A_MAP_ATTR),
	M(1105, 74, true, A_KEY, A_VAL, A_MAP_ATTR),
	M(1106, 96, false, A_END),
	M(1107, 75, true, A_END),
	M(1108, 76, true, A_RT, A_KEY),
	M(1109, 81, true, A_RT, A_VAL),
	M(1110, 84, true, A_RT, A_KEY, A_VAL_OR_NIL),
	M(1111, 82, true, A_RT, A_VAL),
	M(1112, 83, true, A_RT, A_VAL),
	M(1113, 86, true, A_RT, A_VAL, A_RANGE_OR_NIL),
	M(1114, 77, true, A_RT, A_INDEX),
	M(1115, 85, true, A_RT, A_INDEX, A_VAL_COUNT_OPT),
	M(1116, 79, true, A_RT, A_INDEX),
	M(1117, 87, true, A_RT, A_INDEX, A_VAL_COUNT_OPT),
	M(1118, 97, false, A_RT, A_KEY),
	M(1119, 103, false, A_RT, A_KEY, A_RANGE_OR_NIL),
	M(1120, 102, false, A_RT, A_VAL),
	M(1121, 105, false, A_RT, A_VAL, A_RANGE_OR_NIL),
	M(1122, 98, false, A_RT, A_INDEX),
	M(1123, 104, false, A_RT, A_INDEX, A_VAL_COUNT_OPT),
	M(1124, 100, false, A_RT, A_INDEX),
	M(1125, 106, false, A_RT, A_INDEX, A_VAL_COUNT_OPT),
	M(1126, 108, false, A_RT, A_VAL),
	M(1127, 107, false, A_RT, A_VAL),
	M(1128, 89, true, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	M(1129, 88, true, A_RT, A_KEY, A_INDEX, A_COUNT_OPT),
	M(1130, 110, false, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	M(1131, 109, false, A_RT, A_KEY, A_INDEX, A_COUNT_OPT),
	/* Expression-only ids. */
	M(1132, 88, true, A_RT, A_KEY, A_INDEX),
	M(1133, 89, true, A_RT, A_VAL, A_RANK),
	M(1134, 85, true, A_RT, A_INDEX),
	M(1135, 87, true, A_RT, A_INDEX),
	M(1136, 109, false, A_RT, A_KEY, A_INDEX),
	M(1137, 88, true, A_RT, A_KEY, A_INDEX, A_COUNT_OPT),
	M(1138, 89, true, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	M(1139, 89, true, A_RT, A_VAL, A_RANK, A_COUNT_OPT),
	M(1140, 109, false, A_RT, A_KEY, A_INDEX, A_COUNT_OPT),
	M(1141, 110, false, A_RT, A_VAL, A_RANK),
	M(1142, 104, false, A_RT, A_INDEX),
	M(1143, 106, false, A_RT, A_INDEX),
	{1144, FAM_MAP, 64, true, true, {A_END}},

	/* Bits (ids 2000-2017). */
	B(2000, 0, true, A_BYTE_SIZE, A_BIT_POLICY, A_RESIZE_FLAGS),
	B(2001, 1, true, A_BYTE_OFF, A_BIT_BYTES, A_BIT_POLICY),
	B(2002, 2, true, A_BYTE_OFF, A_BYTE_SIZE, A_BIT_POLICY),
	B(2003, 3, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_BYTES, A_BIT_POLICY),
	B(2004, 4, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_BYTES, A_BIT_POLICY),
	B(2005, 5, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_BYTES, A_BIT_POLICY),
	B(2006, 6, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_BYTES, A_BIT_POLICY),
	B(2007, 7, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_POLICY),
	B(2008, 8, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_INT, A_BIT_POLICY),
	B(2009, 9, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_INT, A_BIT_POLICY),
	B(2010, 10, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_INT, A_BIT_POLICY, A_BIT_ACTION),
	B(2011, 11, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_INT, A_BIT_POLICY, A_BIT_ACTION),
	B(2012, 54, false, A_BIT_OFF, A_BIT_SIZE, A_BIT_SIGN_OPT),
	B(2013, 12, true, A_BIT_OFF, A_BIT_SIZE, A_BIT_INT, A_BIT_POLICY),
	B(2014, 50, false, A_BIT_OFF, A_BIT_SIZE),
	B(2015, 51, false, A_BIT_OFF, A_BIT_SIZE),
	B(2016, 52, false, A_BIT_OFF, A_BIT_SIZE, A_BIT_BOOL),
	B(2017, 53, false, A_BIT_OFF, A_BIT_SIZE, A_BIT_BOOL),

	/* HyperLogLogs (ids 2100-2110; 2111 has no helper). */
	H(2100, 1, true, A_HLL_LIST, A_HLL_IB, A_HLL_MH, A_HLL_FLAGS),
	H(2101, 55, false, A_END),
	H(2102, 4, true, A_HLL_IB),
	H(2103, 50, false, A_END),
	H(2104, 53, false, A_HLL_LIST),
	H(2105, 54, false, A_HLL_LIST),
	H(2106, 51, false, A_HLL_LIST),
	H(2107, 52, false, A_HLL_LIST),
	H(2108, 0, true, A_HLL_IB, A_HLL_MH, A_HLL_FLAGS),
	H(2109, 3, true, A_END),
	H(2110, 2, true, A_HLL_LIST, A_HLL_FLAGS),
};

const cdt_def* cdt_lookup(long id)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].id == id) {
			return &table[i];
		}
	}
	return NULL;
}
