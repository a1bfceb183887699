/* as_log.c: the process-wide log level and callback (see as_log.h). */
#include <aerospike/as_log.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int g_level = AS_LOG_OFF;
static _Atomic(as_log_callback) g_callback = NULL;

void as_log_set_level(int level)
{
	atomic_store(&g_level, level);
}

void as_log_set_callback(as_log_callback cb)
{
	atomic_store(&g_callback, cb);
}

int as_log_level(void)
{
	return atomic_load_explicit(&g_level, memory_order_relaxed);
}

void as_log_write(int level, const char* func, const char* file, int line, const char* fmt, ...)
{
	as_log_callback cb = atomic_load(&g_callback);
	if (!cb) {
		return;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cb(level, func, file, line, msg);
}
