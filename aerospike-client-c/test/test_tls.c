/*
 * test_tls.c: the TLS layer without a server. Context creation from the
 * `tls` config (protocol words, ciphers, files that cannot be read, a
 * client certificate without its key) and the handshake's failures on a
 * socket pair whose other end stays silent, closes, or speaks no TLS: each
 * ends with the documented status, within the deadline.
 */
#include "as_test.h"

#include <aerospike/as_tls.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int create_status(as_tls_config* cfg, as_error* err)
{
	as_error_reset(err);
	as_tls_context* ctx = as_tls_context_create(cfg, err);
	if (ctx) {
		as_tls_context_destroy(ctx);
		return 0;
	}
	return err->code;
}

static void expect_protocols(const char* words, int want, const char* message_part)
{
	as_tls_config cfg = {.protocols = words};
	as_error err;
	int rc = create_status(&cfg, &err);
	ASSERT_MSG(rc == want, "protocols '%s': got %d (%s), want %d", words ? words : "(null)", rc,
		err.message, want);
	if (message_part) {
		ASSERT_MSG(strstr(err.message, message_part) != NULL, "protocols '%s': message '%s'",
			words, err.message);
	}
}

TEST(protocol_words)
{
	expect_protocols(NULL, 0, NULL);
	expect_protocols("", 0, NULL);
	expect_protocols("  ", 0, NULL);
	expect_protocols("TLSv1.2", 0, NULL);
	expect_protocols("+TLSv1.2", 0, NULL);
	expect_protocols("-all +TLSv1.2", 0, NULL);
	expect_protocols("all -TLSv1.1", 0, NULL);
	expect_protocols("TLSv1.2 TLSv1.3", 0, NULL);
	expect_protocols("tlsv1.3", 0, NULL);
	expect_protocols("bogus", AS_ERR_TLS, "unknown TLS protocol bogus");
	expect_protocols("+TLSv1.2 -TLSv1.9", AS_ERR_TLS, "unknown TLS protocol TLSv1.9");
	expect_protocols("SSLv3", AS_ERR_TLS, "SSLv3 not supported");
	expect_protocols("+SSLv2", AS_ERR_TLS, "SSLv2 not supported");
	expect_protocols("-all", AS_ERR_TLS, "enables no protocol");
	expect_protocols("TLSv1.2 -TLSv1.2", AS_ERR_TLS, "enables no protocol");
}

TEST(cipher_suites)
{
	as_error err;
	as_tls_config cfg = {.cipher_suite = "ECDHE-ECDSA-AES128-GCM-SHA256"};
	ASSERT_EQ(create_status(&cfg, &err), 0);
	cfg.cipher_suite = "TLS_AES_128_GCM_SHA256"; /* a TLSv1.3 suite */
	ASSERT_EQ(create_status(&cfg, &err), 0);
	cfg.cipher_suite = "NO-SUCH-CIPHER";
	ASSERT_EQ(create_status(&cfg, &err), AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "no compatible cipher") != NULL);
}

TEST(files_that_cannot_be_read)
{
	as_error err;
	as_tls_config cfg = {.cafile = "/nonexistent/ca.pem"};
	ASSERT_EQ(create_status(&cfg, &err), AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "Failed to load cafile /nonexistent/ca.pem") != NULL);

	as_tls_config bl = {.cert_blacklist = "/nonexistent/blacklist"};
	ASSERT_EQ(create_status(&bl, &err), AS_ERR_TLS);
	ASSERT_STR_EQ(err.message, "Failed to read certificate blacklist: /nonexistent/blacklist");

	as_tls_config half = {.certfile = "/nonexistent/client.pem"};
	ASSERT_EQ(create_status(&half, &err), AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "'certfile' needs 'keyfile'") != NULL);
	as_tls_config other_half = {.keyfile = "/nonexistent/client.key"};
	ASSERT_EQ(create_status(&other_half, &err), AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "'keyfile' needs 'certfile'") != NULL);

	as_tls_config missing = {.certfile = "/nonexistent/c.pem", .keyfile = "/nonexistent/c.key"};
	ASSERT_EQ(create_status(&missing, &err), AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "Failed to load certfile") != NULL);
}

TEST(blacklist_file_is_read)
{
	char path[] = "/tmp/as_tls_blacklistXXXXXX";
	int fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	const char text[] = "# comment\n\n867EC87482B2 /C=US/ST=CA/O=Acme/CN=Test CA\n5E12\n  ABCD  \n";
	ASSERT_EQ(write(fd, text, sizeof(text) - 1), (long)sizeof(text) - 1);
	close(fd);
	as_tls_config cfg = {.cert_blacklist = path};
	as_error err;
	int rc = create_status(&cfg, &err);
	unlink(path);
	ASSERT_EQ(rc, 0);
}

/* A context and a socket pair: s is the client's end, *peer the other. */
static as_tls_context* pair_setup(as_socket* s, int* peer)
{
	as_tls_config cfg = {0};
	as_error err;
	as_tls_context* ctx = as_tls_context_create(&cfg, &err);
	ASSERT_NOT_NULL(ctx);
	int sv[2];
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	memset(s, 0, sizeof(*s));
	s->fd = sv[0];
	*peer = sv[1];
	return ctx;
}

TEST(handshake_with_a_silent_peer_ends_at_the_deadline)
{
	as_socket s;
	int peer;
	as_tls_context* ctx = pair_setup(&s, &peer);
	as_error err;
	uint64_t start = as_clock_ms();
	int rc = as_tls_connect(ctx, &s, "node-name", "peer", start + 150, &err);
	uint64_t elapsed = as_clock_ms() - start;
	ASSERT_EQ(rc, AS_ERR_CONNECTION);
	ASSERT_STR_EQ(err.message, "TLS handshake with peer timed out");
	ASSERT_TRUE(elapsed >= 140 && elapsed < 1000);
	ASSERT_NULL(s.ssl);
	close(s.fd);
	close(peer);
	as_tls_context_destroy(ctx);
}

TEST(handshake_with_a_peer_that_closes)
{
	as_socket s;
	int peer;
	as_tls_context* ctx = pair_setup(&s, &peer);
	close(peer);
	as_error err;
	int rc = as_tls_connect(ctx, &s, "node-name", "peer", as_clock_ms() + 1000, &err);
	ASSERT_EQ(rc, AS_ERR_CONNECTION);
	ASSERT_TRUE(strstr(err.message, "TLS handshake with peer failed") != NULL);
	ASSERT_NULL(s.ssl);
	close(s.fd);
	as_tls_context_destroy(ctx);
}

TEST(handshake_with_a_peer_that_speaks_no_tls)
{
	as_socket s;
	int peer;
	as_tls_context* ctx = pair_setup(&s, &peer);
	/* An Aerospike info answer where a ServerHello should be. */
	static const char reply[] = "\x02\x01\x00\x00\x00\x00\x00\x05node\n";
	ASSERT_EQ(write(peer, reply, sizeof(reply) - 1), (long)sizeof(reply) - 1);
	as_error err;
	int rc = as_tls_connect(ctx, &s, "10.0.0.1", "peer", as_clock_ms() + 1000, &err);
	ASSERT_EQ(rc, AS_ERR_TLS);
	ASSERT_TRUE(strstr(err.message, "TLS handshake with peer failed: ") != NULL);
	close(s.fd);
	close(peer);
	as_tls_context_destroy(ctx);
}
