/*
 * as_error.h: result codes and the error struct every core function fills.
 * Positive codes come from the server (protocol.md section 3), negative
 * codes are raised by the client. The binding maps codes to exception
 * classes at one place.
 */
#ifndef AS_ERROR_H
#define AS_ERROR_H

#include <stdbool.h>

typedef enum as_status {
	AS_OK = 0,
	AS_ERR_SERVER = 1,
	AS_ERR_RECORD_NOT_FOUND = 2,
	AS_ERR_RECORD_GENERATION = 3,
	AS_ERR_REQUEST_INVALID = 4,
	AS_ERR_RECORD_EXISTS = 5,
	AS_ERR_TIMEOUT = 9,
	AS_ERR_CLUSTER = 11,
	AS_ERR_DEVICE_OVERLOAD = 18,
	AS_ERR_NAMESPACE_NOT_FOUND = 20,
	AS_ERR_BIN_NAME = 21,
	AS_ERR_FILTERED_OUT = 27,
	AS_ERR_UDF = 100,
	AS_ERR_MRT_BLOCKED = 120,
	AS_ERR_MRT_VERSION_MISMATCH = 121,
	AS_ERR_MRT_EXPIRED = 122,
	AS_ERR_MRT_TOO_MANY_WRITES = 123,
	AS_ERR_MRT_COMMITTED = 124,
	AS_ERR_MRT_ABORTED = 125,
	AS_ERR_MRT_ALREADY_LOCKED = 126,
	AS_ERR_MRT_MONITOR_EXISTS = 127,
	AS_ERR_CLIENT = -1,
	AS_ERR_PARAM = -2,
	AS_ERR_INVALID_HOST = -4,
	AS_ERR_CLIENT_ABORT = -5,
	AS_ERR_NO_MORE_CONNECTIONS = -7,
	AS_ERR_INVALID_NODE = -8,
	AS_ERR_TLS = -9,
	AS_ERR_CONNECTION = -10,
	AS_ERR_MAX_RETRIES_EXCEEDED = -12,
	AS_ERR_MAX_ERROR_RATE = -14,
	AS_ERR_NO_RESPONSE = -15,
	AS_ERR_TXN_FAILED = -17,
	AS_ERR_TXN_ALREADY_COMMITTED = -18,
	AS_ERR_TXN_ALREADY_ABORTED = -19,
} as_status;

typedef struct as_error {
	int code;
	bool in_doubt;
	int line;
	const char* file;
	char message[256];
} as_error;

void as_error_reset(as_error* err);

/* Fills err and returns code, so callers can `return as_error_set(...)`. */
int as_error_set_at(as_error* err, int code, const char* file, int line, const char* fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define as_error_set(err, code, ...) as_error_set_at(err, code, __FILE__, __LINE__, __VA_ARGS__)

/* A short English text for a server result code ("Server error" for the
 * codes without one of their own). */
const char* as_status_text(int code);

#endif
