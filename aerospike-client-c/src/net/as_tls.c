/*
 * as_tls.c: OpenSSL glue for as_socket (see as_tls.h). The socket stays
 * non-blocking; WANT_READ / WANT_WRITE turn into deadline-bounded polls.
 */
#include <aerospike/as_tls.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

struct as_tls_context {
	SSL_CTX* ctx;
};

int as__socket_wait(int fd, short events, uint64_t deadline_ms, as_error* err);

static int tls_error(as_error* err, const char* what)
{
	char buf[160];
	unsigned long e = ERR_get_error();
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return as_error_set(err, AS_ERR_TLS, "%s: %s", what, e ? buf : "unknown TLS error");
}

static int password_cb(char* buf, int size, int rwflag, void* userdata)
{
	(void)rwflag;
	const char* pw = userdata;
	int n = (int)strlen(pw);
	if (n > size) {
		n = size;
	}
	memcpy(buf, pw, (size_t)n);
	return n;
}

/* Maps the reference's protocol words to a min/max version range. */
static void apply_protocols(SSL_CTX* ctx, const char* protocols)
{
	if (!protocols || !*protocols) {
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		return;
	}
	int lo = 0, hi = 0;
	static const struct {
		const char* name;
		int version;
	} words[] = {{"TLSv1", TLS1_VERSION}, {"TLSv1.1", TLS1_1_VERSION}, {"TLSv1.2", TLS1_2_VERSION},
		{"TLSv1.3", TLS1_3_VERSION}};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char* p = protocols;
		size_t n = strlen(words[i].name);
		while ((p = strstr(p, words[i].name)) != NULL) {
			bool whole = p[n] == '\0' || p[n] == ' ' || p[n] == ',';
			bool minus = p > protocols && p[-1] == '-';
			if (whole && !minus) {
				if (!lo || words[i].version < lo) {
					lo = words[i].version;
				}
				if (words[i].version > hi) {
					hi = words[i].version;
				}
			}
			p += n;
		}
	}
	SSL_CTX_set_min_proto_version(ctx, lo ? lo : TLS1_2_VERSION);
	if (hi) {
		SSL_CTX_set_max_proto_version(ctx, hi);
	}
}

as_tls_context* as_tls_context_create(const as_tls_config* cfg, as_error* err)
{
	SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		tls_error(err, "SSL_CTX_new failed");
		return NULL;
	}
	apply_protocols(ctx, cfg->protocols);
	if (cfg->cipher_suite && SSL_CTX_set_cipher_list(ctx, cfg->cipher_suite) != 1) {
		tls_error(err, "Invalid cipher_suite");
		goto fail;
	}
	if (cfg->cafile || cfg->capath) {
		if (SSL_CTX_load_verify_locations(ctx, cfg->cafile, cfg->capath) != 1) {
			tls_error(err, "Failed to load cafile/capath");
			goto fail;
		}
	}
	else {
		SSL_CTX_set_default_verify_paths(ctx);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (cfg->keyfile_pw) {
		SSL_CTX_set_default_passwd_cb(ctx, password_cb);
		SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)cfg->keyfile_pw);
	}
	if (cfg->certfile && SSL_CTX_use_certificate_chain_file(ctx, cfg->certfile) != 1) {
		tls_error(err, "Failed to load certfile");
		goto fail;
	}
	if (cfg->keyfile && SSL_CTX_use_PrivateKey_file(ctx, cfg->keyfile, SSL_FILETYPE_PEM) != 1) {
		tls_error(err, "Failed to load keyfile");
		goto fail;
	}
	if (cfg->crl_check || cfg->crl_check_all) {
		X509_STORE* store = SSL_CTX_get_cert_store(ctx);
		X509_STORE_set_flags(store,
			X509_V_FLAG_CRL_CHECK | (cfg->crl_check_all ? X509_V_FLAG_CRL_CHECK_ALL : 0));
	}
	as_tls_context* t = malloc(sizeof(*t));
	if (!t) {
		as_error_set(err, AS_ERR_CLIENT, "Out of memory");
		goto fail;
	}
	t->ctx = ctx;
	return t;

fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void as_tls_context_destroy(as_tls_context* t)
{
	if (t) {
		SSL_CTX_free(t->ctx);
		free(t);
	}
}

/* Turns an SSL_ERROR_WANT_* into a poll; returns 0 to retry the call. */
static int tls_wait(as_socket* s, int rc, uint64_t deadline_ms, as_error* err, const char* what)
{
	int e = SSL_get_error(s->ssl, rc);
	if (e == SSL_ERROR_WANT_READ) {
		return as__socket_wait(s->fd, POLLIN, deadline_ms, err);
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		return as__socket_wait(s->fd, POLLOUT, deadline_ms, err);
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		return as_error_set(err, AS_ERR_CONNECTION, "Connection closed by the server");
	}
	return tls_error(err, what);
}

int as_tls_connect(as_tls_context* t, as_socket* s, const char* tls_name, uint64_t deadline_ms,
	as_error* err)
{
	SSL* ssl = SSL_new(t->ctx);
	if (!ssl) {
		return tls_error(err, "SSL_new failed");
	}
	SSL_set_fd(ssl, s->fd);
	if (tls_name && *tls_name) {
		SSL_set_tlsext_host_name(ssl, tls_name);
		X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
		X509_VERIFY_PARAM_set1_host(param, tls_name, 0);
	}
	s->ssl = ssl;
	for (;;) {
		int rc = SSL_connect(ssl);
		if (rc == 1) {
			return 0;
		}
		if (tls_wait(s, rc, deadline_ms, err, "TLS handshake failed") != 0) {
			SSL_free(ssl);
			s->ssl = NULL;
			return err->code;
		}
	}
}

int as_tls_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	const char* p = data;
	while (len > 0) {
		int rc = SSL_write(s->ssl, p, len > 1u << 30 ? 1 << 30 : (int)len);
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
			continue;
		}
		if (tls_wait(s, rc, deadline_ms, err, "TLS write failed") != 0) {
			return err->code;
		}
	}
	return 0;
}

int as_tls_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	char* p = data;
	while (len > 0) {
		int rc = SSL_read(s->ssl, p, len > 1u << 30 ? 1 << 30 : (int)len);
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
			continue;
		}
		if (tls_wait(s, rc, deadline_ms, err, "TLS read failed") != 0) {
			return err->code;
		}
	}
	return 0;
}

bool as_tls_pending(as_socket* s)
{
	return SSL_pending(s->ssl) > 0;
}

void as_tls_close(as_socket* s)
{
	SSL_free(s->ssl);
	s->ssl = NULL;
}
