/*
 * as_log.h: the core's logging hook. The core formats a message and hands
 * it to one process-wide callback (the binding bridges it to Python's
 * logging module). Levels match aerospike.LOG_LEVEL_*: -1 off, 0 error,
 * 1 warn, 2 info, 3 debug, 4 trace.
 */
#ifndef AS_LOG_H
#define AS_LOG_H

typedef void (*as_log_callback)(int level, const char* func, const char* file, int line,
	const char* msg);

#define AS_LOG_OFF -1
#define AS_LOG_ERROR 0
#define AS_LOG_WARN 1
#define AS_LOG_INFO 2
#define AS_LOG_DEBUG 3
#define AS_LOG_TRACE 4

void as_log_set_level(int level);
void as_log_set_callback(as_log_callback cb);
int as_log_level(void);
void as_log_write(int level, const char* func, const char* file, int line, const char* fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define as_log(level, ...)                                                                     \
	do {                                                                                       \
		if ((level) <= as_log_level()) {                                                       \
			as_log_write(level, __func__, __FILE__, __LINE__, __VA_ARGS__);                    \
		}                                                                                      \
	} while (0)

#endif
