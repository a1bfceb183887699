/*
 * as_tls.h: TLS over as_socket with OpenSSL: a context built from the
 * client's `tls` config (trusted CAs, protocols, ciphers, client
 * certificate, CRL checks, certificate blacklist), the handshake that
 * verifies the server's certificate against the TLS name, and
 * deadline-bounded reads and writes. Callers: as_socket.c (handshake and
 * I/O) and the cluster (context lifetime).
 */
#ifndef AS_TLS_H
#define AS_TLS_H

#include <aerospike/as_error.h>
#include <aerospike/as_socket.h>
#include <stdbool.h>

typedef struct as_tls_config {
	const char* cafile;
	const char* capath;
	/* Apache SSLProtocol words ("-all +TLSv1.2", "TLSv1.2 TLSv1.3", ...);
	 * NULL or empty for the reference's default, TLSv1.2 only. */
	const char* protocols;
	const char* cipher_suite; /* an OpenSSL cipher list */
	const char* certfile;	  /* client certificate chain, for mutual TLS */
	const char* keyfile;
	const char* keyfile_pw;
	/* Lines of "<serial in hex> [<issuer as /K=V/K=V>]": certificates the
	 * handshake refuses. */
	const char* cert_blacklist;
	bool crl_check;
	bool crl_check_all;
	bool log_session_info; /* logs version and cipher of each session at INFO */
} as_tls_config;

/* Builds a context; fails with AS_ERR_TLS (a file that cannot be read, a
 * key that does not match, an unknown protocol word, no usable cipher). */
as_tls_context* as_tls_context_create(const as_tls_config* cfg, as_error* err);
void as_tls_context_destroy(as_tls_context* ctx);

/* Runs the handshake on the connected socket s. The server certificate
 * must chain to a trusted CA and name tls_name (a DNS name, or an IP
 * address literal checked against the certificate's IP addresses).
 * `where` names the peer in messages. Fails with AS_ERR_TLS (refused
 * certificate, no common protocol or cipher) or AS_ERR_CONNECTION (the
 * peer closed, or the deadline passed: a connect failure, as the reference
 * client reports a handshake that does not finish in time). */
int as_tls_connect(as_tls_context* ctx, as_socket* s, const char* tls_name, const char* where,
	uint64_t deadline_ms, as_error* err);

/* After the handshake, failures are AS_ERR_CONNECTION or AS_ERR_TIMEOUT, as
 * on a plain socket. */
int as_tls_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err);
int as_tls_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err);
long as_tls_read_some(as_socket* s, void* data, size_t cap, uint64_t deadline_ms, as_error* err);

/* True when the idle connection was closed by the peer or holds
 * unexpected application data (TLS 1.3 session tickets do not count). */
bool as_tls_is_stale(as_socket* s);
void as_tls_close(as_socket* s);

#endif
