/*
 * as_info.h: the info protocol's text (protocol.md section 2) without I/O:
 * building a request, walking the `name\tvalue\n` lines of a reply, and
 * telling an error reply from a good one. Callers: the tend thread and the
 * binding's info commands.
 */
#ifndef AS_INFO_H
#define AS_INFO_H

#include <aerospike/as_buf.h>
#include <aerospike/as_error.h>
#include <stdbool.h>
#include <stddef.h>

/* Appends a whole info request (proto type 1) carrying `text`, which holds
 * one or more commands each ended by '\n'. */
void as_info_request(as_buf* buf, const char* text, size_t len);

typedef struct as_info_line {
	const char* name;
	size_t name_len;
	const char* value;
	size_t value_len;
} as_info_line;

/* Reads the next line of a reply; false at the end. A line without a tab
 * has an empty name and the whole line as its value. */
bool as_info_next_line(const char** cursor, const char* end, as_info_line* line);

/* Finds the value for command `name` in a reply. */
bool as_info_find(const char* reply, size_t len, const char* name, const char** value,
	size_t* value_len);

/* Detects an error reply (ERROR:, FAIL: or error= after a tab, or a
 * leading ERROR:) and fills err. Returns 0 for a good reply, else the code
 * (a server result code, 100 for UDF errors, 1 when none is given). */
int as_info_check_error(const char* reply, size_t len, as_error* err);

#endif
