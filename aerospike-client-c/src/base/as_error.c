/* as_error.c: filling the core's error struct (see as_error.h). */
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
