/*
 * as_tls.h: TLS over as_socket with OpenSSL: a context built from the
 * client's `tls` config, the handshake (verifying the server's name
 * against tls_name) and deadline-bounded reads and writes. Callers:
 * as_socket.c and the cluster (context lifetime).
 */
#ifndef AS_TLS_H
#define AS_TLS_H

#include <aerospike/as_error.h>
#include <aerospike/as_socket.h>
#include <stdbool.h>

typedef struct as_tls_config {
	const char* cafile;
	const char* capath;
	const char* protocols; /* e.g. "TLSv1.2 TLSv1.3"; NULL for the default */
	const char* cipher_suite;
	const char* certfile;
	const char* keyfile;
	const char* keyfile_pw;
	bool crl_check;
	bool crl_check_all;
} as_tls_config;

as_tls_context* as_tls_context_create(const as_tls_config* cfg, as_error* err);
void as_tls_context_destroy(as_tls_context* ctx);

int as_tls_connect(as_tls_context* ctx, as_socket* s, const char* tls_name, uint64_t deadline_ms,
	as_error* err);
int as_tls_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err);
int as_tls_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err);
bool as_tls_pending(as_socket* s);
void as_tls_close(as_socket* s);

#endif
