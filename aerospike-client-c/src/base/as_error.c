/* as_error.c: filling the core's error struct, and the texts of server
 * result codes (see as_error.h). */
#include <aerospike/as_error.h>
#include <stdarg.h>
#include <stdio.h>

void as_error_reset(as_error* err)
{
	err->code = AS_OK;
	err->in_doubt = false;
	err->line = 0;
	err->file = NULL;
	err->message[0] = '\0';
}

int as_error_set_at(as_error* err, int code, const char* file, int line, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = code;
	err->file = file;
	err->line = line;
	return code;
}

const char* as_status_text(int code)
{
	static const char* const names[] = {
		[1] = "Server error",
		[2] = "Record not found",
		[3] = "Record generation mismatch",
		[4] = "Invalid request",
		[5] = "Record already exists",
		[6] = "Bin already exists",
		[7] = "Cluster key mismatch",
		[8] = "Server full",
		[9] = "Timeout",
		[10] = "Operation forbidden",
		[11] = "Partition unavailable",
		[12] = "Bin type error",
		[13] = "Record too big",
		[14] = "Record busy",
		[15] = "Scan aborted",
		[16] = "Unsupported feature",
		[17] = "Bin not found",
		[18] = "Device overload",
		[19] = "Key mismatch",
		[20] = "Namespace not found",
		[21] = "Bin name error",
		[22] = "Operation forbidden",
		[23] = "Element not found",
		[24] = "Element exists",
		[25] = "Enterprise only",
		[26] = "Operation not applicable",
		[27] = "Filtered out",
		[28] = "Lost conflict",
		[120] = "Transaction record blocked by a different transaction",
		[121] = "Transaction read version mismatch",
		[122] = "Transaction deadline reached without a commit or abort",
		[123] = "Transaction write limit exceeded",
		[124] = "Transaction already committed",
		[125] = "Transaction already aborted",
		[126] = "Record already locked by this transaction",
		[127] = "Transaction monitor already exists",
	};
	if (code > 0 && code < (int)(sizeof(names) / sizeof(names[0])) && names[code]) {
		return names[code];
	}
	return "Server error";
}
