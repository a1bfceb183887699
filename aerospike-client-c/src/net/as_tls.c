/*
 * as_tls.c: OpenSSL glue for as_socket (see as_tls.h). The socket stays
 * non-blocking; WANT_READ / WANT_WRITE turn into deadline-bounded polls,
 * so a TLS socket honours the same deadlines as a plain one. Writes go
 * through a small BIO that sends with MSG_NOSIGNAL: a server that closed
 * the connection must not kill the process with SIGPIPE.
 */
#include <aerospike/as_log.h>
#include <aerospike/as_tls.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct blacklist_entry {
	char* serial; /* hex as written: compared with OpenSSL's upper-case form */
	char* issuer; /* NULL: any issuer */
} blacklist_entry;

struct as_tls_context {
	SSL_CTX* ctx;
	blacklist_entry* blacklist;
	size_t n_blacklist;
	bool log_session_info;
};

int as__socket_wait(int fd, short events, uint64_t deadline_ms, as_error* err);

/* The text of the oldest queued OpenSSL error (the queue is cleared). */
static const char* queued_error(char* buf, size_t cap)
{
	unsigned long e = ERR_get_error();
	ERR_clear_error();
	if (!e) {
		snprintf(buf, cap, "unknown TLS error");
		return buf;
	}
	const char* reason = ERR_reason_error_string(e);
	if (reason) {
		snprintf(buf, cap, "%s", reason);
	}
	else {
		ERR_error_string_n(e, buf, cap);
	}
	return buf;
}

static int tls_error(as_error* err, const char* what)
{
	char buf[160];
	return as_error_set(err, AS_ERR_TLS, "%s: %s", what, queued_error(buf, sizeof(buf)));
}

/* ---- a write BIO that never raises SIGPIPE ----------------------------- */

static BIO_METHOD* nosig_method;
static pthread_once_t nosig_once = PTHREAD_ONCE_INIT;

static int nosig_write(BIO* b, const char* data, int len)
{
	int fd = (int)(intptr_t)BIO_get_data(b);
	BIO_clear_retry_flags(b);
	ssize_t n = send(fd, data, (size_t)len, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		BIO_set_retry_write(b);
	}
	return (int)n;
}

static long nosig_ctrl(BIO* b, int cmd, long num, void* ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int nosig_create(BIO* b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void nosig_init(void)
{
	BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "as_nosig_write");
	if (m && BIO_meth_set_write(m, nosig_write) == 1 && BIO_meth_set_ctrl(m, nosig_ctrl) == 1 &&
		BIO_meth_set_create(m, nosig_create) == 1) {
		nosig_method = m;
	}
	else if (m) {
		BIO_meth_free(m);
	}
}

/* ---- protocols ----------------------------------------------------------- */

enum { P_TLS1 = 1, P_TLS1_1 = 2, P_TLS1_2 = 4, P_TLS1_3 = 8 };

static const struct {
	const char* name;
	unsigned bits;
} protocol_words[] = {
	/* "all" is TLSv1 to TLSv1.2, as for the reference client. */
	{"all", P_TLS1 | P_TLS1_1 | P_TLS1_2},
	{"TLSv1", P_TLS1},
	{"TLSv1.1", P_TLS1_1},
	{"TLSv1.2", P_TLS1_2},
	{"TLSv1.3", P_TLS1_3},
};

static const struct {
	unsigned bit;
	int version;
	long no_option;
} protocol_versions[] = {
	{P_TLS1, TLS1_VERSION, SSL_OP_NO_TLSv1},
	{P_TLS1_1, TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
	{P_TLS1_2, TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
	{P_TLS1_3, TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
};

/* Parses Apache SSLProtocol words: "+word" and "word" enable, "-word"
 * disables, from an empty set. */
static int parse_protocols(const char* text, unsigned* mask, as_error* err)
{
	*mask = P_TLS1_2;
	if (!text) {
		return 0;
	}
	const char* p = text;
	bool any = false;
	unsigned set = 0;
	while (*p) {
		while (*p && (isspace((unsigned char)*p) || *p == ',')) {
			p++;
		}
		if (!*p) {
			break;
		}
		char sign = (*p == '+' || *p == '-') ? *p++ : '+';
		const char* start = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',') {
			p++;
		}
		size_t n = (size_t)(p - start);
		if ((n == 5 && strncasecmp(start, "SSLv2", 5) == 0) ||
			(n == 5 && strncasecmp(start, "SSLv3", 5) == 0)) {
			return as_error_set(err, AS_ERR_TLS, "tls protocols: %.5s not supported", start);
		}
		unsigned bits = 0;
		for (size_t i = 0; i < sizeof(protocol_words) / sizeof(protocol_words[0]); i++) {
			if (strlen(protocol_words[i].name) == n &&
				strncasecmp(start, protocol_words[i].name, n) == 0) {
				bits = protocol_words[i].bits;
			}
		}
		if (!bits) {
			return as_error_set(err, AS_ERR_TLS, "tls protocols: unknown TLS protocol %.*s",
				(int)(n > 40 ? 40 : n), start);
		}
		set = sign == '-' ? (set & ~bits) : (set | bits);
		any = true;
	}
	if (!any) {
		return 0; /* blank: the default */
	}
	if (!set) {
		return as_error_set(err, AS_ERR_TLS, "tls protocols: '%s' enables no protocol", text);
	}
	*mask = set;
	return 0;
}

/* Limits the context to the versions in mask (min, max, and holes). */
static void apply_protocols(SSL_CTX* ctx, unsigned mask)
{
	size_t n = sizeof(protocol_versions) / sizeof(protocol_versions[0]);
	int lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (mask & protocol_versions[i].bit) {
			if (!lo) {
				lo = protocol_versions[i].version;
			}
			hi = protocol_versions[i].version;
		}
	}
	SSL_CTX_set_min_proto_version(ctx, lo);
	SSL_CTX_set_max_proto_version(ctx, hi);
	for (size_t i = 0; i < n; i++) {
		int v = protocol_versions[i].version;
		if (v > lo && v < hi && !(mask & protocol_versions[i].bit)) {
			SSL_CTX_set_options(ctx, protocol_versions[i].no_option);
		}
	}
}

/* ---- certificate blacklist ----------------------------------------------- */

static void blacklist_free(as_tls_context* t)
{
	for (size_t i = 0; i < t->n_blacklist; i++) {
		free(t->blacklist[i].serial);
		free(t->blacklist[i].issuer);
	}
	free(t->blacklist);
	t->blacklist = NULL;
	t->n_blacklist = 0;
}

static int blacklist_load(as_tls_context* t, const char* path, as_error* err)
{
	FILE* f = fopen(path, "r");
	if (!f) {
		return as_error_set(err, AS_ERR_TLS, "Failed to read certificate blacklist: %s", path);
	}
	char line[1024];
	size_t cap = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		char* p = line;
		while (isspace((unsigned char)*p)) {
			p++;
		}
		if (!*p || *p == '#') {
			continue;
		}
		char* serial = p;
		while (*p && !isspace((unsigned char)*p)) {
			p++;
		}
		if (*p) {
			*p++ = '\0';
		}
		while (isspace((unsigned char)*p)) {
			p++;
		}
		char* issuer = p;
		size_t len = strlen(issuer);
		while (len && isspace((unsigned char)issuer[len - 1])) {
			issuer[--len] = '\0';
		}
		if (t->n_blacklist == cap) {
			cap = cap ? cap * 2 : 8;
			blacklist_entry* grown = realloc(t->blacklist, cap * sizeof(*grown));
			if (!grown) {
				rc = as_error_set(err, AS_ERR_CLIENT, "Out of memory");
				break;
			}
			t->blacklist = grown;
		}
		blacklist_entry* e = &t->blacklist[t->n_blacklist++];
		/* Serials compare exactly, as in the reference client: "5E12"
		 * matches, "5e12" does not. */
		e->serial = strdup(serial);
		e->issuer = len ? strdup(issuer) : NULL;
		if (!e->serial || (len && !e->issuer)) {
			rc = as_error_set(err, AS_ERR_CLIENT, "Out of memory");
			break;
		}
	}
	fclose(f);
	return rc;
}

static bool blacklisted(const as_tls_context* t, X509* cert)
{
	BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char* hex = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if (!hex) {
		return false;
	}
	char issuer[512];
	X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof(issuer));
	bool hit = false;
	for (size_t i = 0; i < t->n_blacklist && !hit; i++) {
		const blacklist_entry* e = &t->blacklist[i];
		hit = strcmp(e->serial, hex) == 0 &&
			(!e->issuer || strcmp(e->issuer, issuer) == 0);
	}
	OPENSSL_free(hex);
	return hit;
}

/* Runs after OpenSSL's own check of each certificate of the chain. */
static int verify_callback(int ok, X509_STORE_CTX* store)
{
	if (!ok) {
		return 0;
	}
	SSL* ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	const as_tls_context* t = ssl ? SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) : NULL;
	X509* cert = X509_STORE_CTX_get_current_cert(store);
	if (t && t->n_blacklist && cert && blacklisted(t, cert)) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	return 1;
}

/* ---- context --------------------------------------------------------------- */

/* Gives OpenSSL keyfile_pw; without one an encrypted key fails to load
 * (OpenSSL's default would ask on the terminal). */
static int password_cb(char* buf, int size, int rwflag, void* userdata)
{
	(void)rwflag;
	const char* pw = userdata;
	if (!pw) {
		return 0;
	}
	int n = (int)strlen(pw);
	if (n > size) {
		n = size;
	}
	memcpy(buf, pw, (size_t)n);
	return n;
}

static int load_client_cert(SSL_CTX* ctx, const as_tls_config* cfg, as_error* err)
{
	if (!cfg->certfile && !cfg->keyfile) {
		return 0;
	}
	if (!cfg->certfile || !cfg->keyfile) {
		return as_error_set(err, AS_ERR_TLS, "tls: '%s' needs '%s' (mutual TLS)",
			cfg->certfile ? "certfile" : "keyfile", cfg->certfile ? "keyfile" : "certfile");
	}
	char what[200];
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->certfile) != 1) {
		snprintf(what, sizeof(what), "Failed to load certfile %.150s", cfg->certfile);
		return tls_error(err, what);
	}
	SSL_CTX_set_default_passwd_cb(ctx, password_cb);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)cfg->keyfile_pw);
	int ok = SSL_CTX_use_PrivateKey_file(ctx, cfg->keyfile, SSL_FILETYPE_PEM);
	SSL_CTX_set_default_passwd_cb(ctx, NULL);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (ok != 1) {
		snprintf(what, sizeof(what), "Failed to load keyfile %.150s%s", cfg->keyfile,
			cfg->keyfile_pw ? "" : " (no keyfile_pw)");
		return tls_error(err, what);
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		return tls_error(err, "keyfile does not match certfile");
	}
	return 0;
}

as_tls_context* as_tls_context_create(const as_tls_config* cfg, as_error* err)
{
	pthread_once(&nosig_once, nosig_init);
	if (!nosig_method) {
		as_error_set(err, AS_ERR_TLS, "Failed to set up the TLS socket layer");
		return NULL;
	}
	as_tls_context* t = calloc(1, sizeof(*t));
	if (!t) {
		as_error_set(err, AS_ERR_CLIENT, "Out of memory");
		return NULL;
	}
	unsigned protocols;
	if (parse_protocols(cfg->protocols, &protocols, err) != 0) {
		goto fail;
	}
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx) {
		tls_error(err, "SSL_CTX_new failed");
		goto fail;
	}
	SSL_CTX_set_app_data(t->ctx, t);
	apply_protocols(t->ctx, protocols);
	if (cfg->cipher_suite) {
		/* The list governs TLSv1.2 and below; TLSv1.3 suite names are
		 * accepted too. Neither matching is an error. */
		bool ok12 = SSL_CTX_set_cipher_list(t->ctx, cfg->cipher_suite) == 1;
		bool ok13 = SSL_CTX_set_ciphersuites(t->ctx, cfg->cipher_suite) == 1;
		ERR_clear_error();
		if (!ok12 && !ok13) {
			as_error_set(err, AS_ERR_TLS, "tls cipher_suite: no compatible cipher found in '%.80s'",
				cfg->cipher_suite);
			goto fail;
		}
	}
	if (cfg->cafile || cfg->capath) {
		if (SSL_CTX_load_verify_locations(t->ctx, cfg->cafile, cfg->capath) != 1) {
			char what[200];
			snprintf(what, sizeof(what), "Failed to load %s %.150s", cfg->cafile ? "cafile" : "capath",
				cfg->cafile ? cfg->cafile : cfg->capath);
			tls_error(err, what);
			goto fail;
		}
	}
	else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		tls_error(err, "Failed to load the system's trusted certificates");
		goto fail;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, verify_callback);
	if (load_client_cert(t->ctx, cfg, err) != 0) {
		goto fail;
	}
	if (cfg->crl_check || cfg->crl_check_all) {
		X509_STORE* store = SSL_CTX_get_cert_store(t->ctx);
		X509_STORE_set_flags(store,
			X509_V_FLAG_CRL_CHECK | (cfg->crl_check_all ? X509_V_FLAG_CRL_CHECK_ALL : 0));
	}
	if (cfg->cert_blacklist && blacklist_load(t, cfg->cert_blacklist, err) != 0) {
		goto fail;
	}
	t->log_session_info = cfg->log_session_info;
	return t;

fail:
	as_tls_context_destroy(t);
	return NULL;
}

void as_tls_context_destroy(as_tls_context* t)
{
	if (t) {
		SSL_CTX_free(t->ctx);
		blacklist_free(t);
		free(t);
	}
}

/* ---- I/O ---------------------------------------------------------------------- */

/* Waits as OpenSSL asks after a call on s returned rc <= 0 (errno as that
 * call left it). Returns 0 to retry the call, else the status set in err:
 * `fail_code` for a TLS failure, AS_ERR_CONNECTION when the peer closed. */
static int tls_wait(as_socket* s, int rc, int saved_errno, uint64_t deadline_ms, int fail_code,
	const char* what, as_error* err)
{
	int e = SSL_get_error(s->ssl, rc);
	if (e == SSL_ERROR_WANT_READ) {
		return as__socket_wait(s->fd, POLLIN, deadline_ms, err);
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		return as__socket_wait(s->fd, POLLOUT, deadline_ms, err);
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		ERR_clear_error();
		return as_error_set(err, AS_ERR_CONNECTION, "%s: connection closed by the server", what);
	}
	unsigned long queued = ERR_peek_error();
	if (e == SSL_ERROR_SYSCALL && !queued) {
		ERR_clear_error();
		if (saved_errno) {
			return as_error_set(err, AS_ERR_CONNECTION, "%s: %s", what, strerror(saved_errno));
		}
		return as_error_set(err, AS_ERR_CONNECTION, "%s: connection closed by the server", what);
	}
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
	if (ERR_GET_REASON(queued) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		return as_error_set(err, AS_ERR_CONNECTION, "%s: connection closed by the server", what);
	}
#endif
	char buf[160];
	return as_error_set(err, fail_code, "%s: %s", what, queued_error(buf, sizeof(buf)));
}

static bool is_ip_literal(const char* name)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

/* Fills err after a failed handshake, naming the certificate problem when
 * verification is what failed. */
static int handshake_failed(as_socket* s, int rc, int saved_errno, const char* tls_name,
	const char* what, as_error* err)
{
	long vr = SSL_get_verify_result(s->ssl);
	if (rc <= 0 && SSL_get_error(s->ssl, rc) == SSL_ERROR_SSL && vr != X509_V_OK) {
		ERR_clear_error();
		if (vr == X509_V_ERR_APPLICATION_VERIFICATION) {
			return as_error_set(err, AS_ERR_TLS, "%s: certificate is in cert_blacklist", what);
		}
		if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH) {
			return as_error_set(err, AS_ERR_TLS,
				"%s: certificate verify failed: the certificate is not for TLS name '%.64s'", what,
				tls_name);
		}
		return as_error_set(err, AS_ERR_TLS, "%s: certificate verify failed: %s", what,
			X509_verify_cert_error_string(vr));
	}
	return tls_wait(s, rc, saved_errno, 0, AS_ERR_TLS, what, err);
}

int as_tls_connect(as_tls_context* t, as_socket* s, const char* tls_name, const char* where,
	uint64_t deadline_ms, as_error* err)
{
	char what[160];
	snprintf(what, sizeof(what), "TLS handshake with %.100s failed", where);
	SSL* ssl = SSL_new(t->ctx);
	if (!ssl) {
		return tls_error(err, what);
	}
	BIO* wbio = BIO_new(nosig_method);
	if (!wbio || SSL_set_rfd(ssl, s->fd) != 1) {
		BIO_free(wbio);
		SSL_free(ssl);
		return tls_error(err, what);
	}
	BIO_set_data(wbio, (void*)(intptr_t)s->fd);
	SSL_set0_wbio(ssl, wbio);
	X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
	if (is_ip_literal(tls_name)) {
		X509_VERIFY_PARAM_set1_ip_asc(param, tls_name);
	}
	else {
		SSL_set_tlsext_host_name(ssl, tls_name);
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		X509_VERIFY_PARAM_set1_host(param, tls_name, 0);
	}
	s->ssl = ssl;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int rc = SSL_connect(ssl);
		if (rc == 1) {
			break;
		}
		int saved_errno = errno;
		int e = SSL_get_error(ssl, rc);
		int status;
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			status = tls_wait(s, rc, saved_errno, deadline_ms, AS_ERR_TLS, what, err);
			if (status == AS_ERR_TIMEOUT) {
				/* A connect failure, as the reference client reports it. */
				status = as_error_set(err, AS_ERR_CONNECTION, "TLS handshake with %.100s timed out",
					where);
			}
		}
		else {
			status = handshake_failed(s, rc, saved_errno, tls_name, what, err);
		}
		if (status != 0) {
			SSL_free(ssl);
			s->ssl = NULL;
			return status;
		}
	}
	if (t->log_session_info) {
		as_log(AS_LOG_INFO, "TLS session with %s (%s): %s %s, %d bits", where, tls_name,
			SSL_get_version(ssl), SSL_get_cipher_name(ssl), SSL_get_cipher_bits(ssl, NULL));
	}
	return 0;
}

static int chunk(size_t len)
{
	return len > INT_MAX ? INT_MAX : (int)len;
}

int as_tls_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	const char* p = data;
	while (len > 0) {
		ERR_clear_error();
		errno = 0;
		int rc = SSL_write(s->ssl, p, chunk(len));
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
			continue;
		}
		/* A retry repeats the same buffer and length, as OpenSSL requires. */
		if (tls_wait(s, rc, errno, deadline_ms, AS_ERR_CONNECTION, "TLS write failed", err) != 0) {
			return err->code;
		}
	}
	return 0;
}

long as_tls_read_some(as_socket* s, void* data, size_t cap, uint64_t deadline_ms, as_error* err)
{
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int rc = SSL_read(s->ssl, data, chunk(cap));
		if (rc > 0) {
			return rc;
		}
		if (tls_wait(s, rc, errno, deadline_ms, AS_ERR_CONNECTION, "TLS read failed", err) != 0) {
			return -1;
		}
	}
}

int as_tls_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	char* p = data;
	while (len > 0) {
		long n = as_tls_read_some(s, p, len, deadline_ms, err);
		if (n < 0) {
			return err->code;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool as_tls_is_stale(as_socket* s)
{
	if (SSL_pending(s->ssl) > 0) {
		return true;
	}
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	if (poll(&pfd, 1, 0) == 0) {
		return false;
	}
	/* Bytes arrived while the socket was idle: TLS 1.3 servers send session
	 * tickets after the handshake, which SSL_peek consumes without
	 * returning data. Anything else (data, an alert, EOF) means stale. */
	char byte;
	ERR_clear_error();
	int rc = SSL_peek(s->ssl, &byte, 1);
	int e = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(s->ssl, rc);
	ERR_clear_error();
	return e != SSL_ERROR_WANT_READ;
}

void as_tls_close(as_socket* s)
{
	SSL_free(s->ssl);
	s->ssl = NULL;
}
