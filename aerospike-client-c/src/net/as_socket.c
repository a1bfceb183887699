/*
 * as_socket.c: TCP sockets with deadlines (see as_socket.h). A socket
 * connects non-blocking (the wait goes through poll()). A plain socket then
 * turns blocking and bounds each read and write with SO_RCVTIMEO /
 * SO_SNDTIMEO, set only when the time left changes, so a command costs one
 * send and one recv. TLS sockets stay non-blocking; their reads and writes
 * are delegated to as_tls.c, which polls with the same deadlines.
 */
#include <aerospike/as_socket.h>
#include <aerospike/as_tls.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

uint64_t as_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void as_sleep_ms(uint32_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

int as_address_resolve(const char* host, uint16_t port, as_address* out, int max, as_error* err)
{
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	struct addrinfo* res = NULL;
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		hints.ai_flags = 0;
		rc = getaddrinfo(host, portstr, &hints, &res);
	}
	if (rc != 0) {
		return as_error_set(err, AS_ERR_INVALID_HOST, "Invalid hostname %s: %s", host, gai_strerror(rc));
	}
	int n = 0;
	for (struct addrinfo* ai = res; ai && n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out[n].addr)) {
			continue;
		}
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n].addr, ai->ai_addr, ai->ai_addrlen);
		out[n].len = ai->ai_addrlen;
		out[n].port = port;
		snprintf(out[n].host, sizeof(out[n].host), "%s", host);
		n++;
	}
	freeaddrinfo(res);
	if (n == 0) {
		return as_error_set(err, AS_ERR_INVALID_HOST, "Invalid hostname %s", host);
	}
	return n;
}

void as_address_format(const as_address* a, char* out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (a->addr.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in*)&a->addr)->sin_addr, ip, sizeof(ip));
		snprintf(out, cap, "%s:%u", ip, (unsigned)a->port);
	}
	else if (a->addr.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6*)&a->addr)->sin6_addr, ip, sizeof(ip));
		snprintf(out, cap, "[%s]:%u", ip, (unsigned)a->port);
	}
	else {
		snprintf(out, cap, "%s:%u", a->host, (unsigned)a->port);
	}
}

/* Waits for `events` on fd until the deadline. Returns 0 when ready. */
int as__socket_wait(int fd, short events, uint64_t deadline_ms, as_error* err)
{
	for (;;) {
		int timeout = -1;
		if (deadline_ms) {
			uint64_t now = as_clock_ms();
			if (now >= deadline_ms) {
				return as_error_set(err, AS_ERR_TIMEOUT, "Client timeout");
			}
			timeout = (int)(deadline_ms - now);
		}
		struct pollfd pfd = {.fd = fd, .events = events};
		int rc = poll(&pfd, 1, timeout);
		if (rc > 0) {
			return 0;
		}
		if (rc == 0) {
			return as_error_set(err, AS_ERR_TIMEOUT, "Client timeout");
		}
		if (errno != EINTR) {
			return as_error_set(err, AS_ERR_CONNECTION, "poll failed: %s", strerror(errno));
		}
	}
}

int as_socket_connect(as_socket* s, const as_address* a, as_tls_context* tls, const char* tls_name,
	uint64_t deadline_ms, as_error* err)
{
	char where[300];
	s->ssl = NULL;
	s->fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		return as_error_set(err, AS_ERR_CONNECTION, "socket() failed: %s", strerror(errno));
	}
	int one = 1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s->fd, (const struct sockaddr*)&a->addr, a->len) != 0) {
		if (errno != EINPROGRESS) {
			as_address_format(a, where, sizeof(where));
			as_error_set(err, AS_ERR_CONNECTION, "Failed to connect to %s: %s", where, strerror(errno));
			goto fail;
		}
		if (as__socket_wait(s->fd, POLLOUT, deadline_ms, err) != 0) {
			goto fail;
		}
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
		if (soerr != 0) {
			as_address_format(a, where, sizeof(where));
			as_error_set(err, AS_ERR_CONNECTION, "Failed to connect to %s: %s", where, strerror(soerr));
			goto fail;
		}
	}
	if (tls) {
		/* Without a TLS name the certificate must name the host as it was
		 * given (a DNS name or an address), as the reference client checks. */
		as_address_format(a, where, sizeof(where));
		const char* name = tls_name && *tls_name ? tls_name : a->host;
		if (as_tls_connect(tls, s, name, where, deadline_ms, err) != 0) {
			goto fail;
		}
	}
	else {
		int flags = fcntl(s->fd, F_GETFL);
		fcntl(s->fd, F_SETFL, flags & ~O_NONBLOCK);
	}
	s->rcv_timeout_ms = 0;
	s->snd_timeout_ms = 0;
	s->last_used_ms = as_clock_ms();
	return 0;

fail:
	close(s->fd);
	s->fd = -1;
	return err->code;
}

/* Bounds the next blocking wait of a plain socket by the deadline. The
 * socket's current timeout is kept when it ends no earlier than the
 * deadline and at most 20 ms after it, which spares a system call on most
 * commands (each starts with the same time left). */
static int bound_wait(as_socket* s, int opt, uint32_t* current, uint64_t deadline_ms, as_error* err)
{
	uint32_t want = 0;
	if (deadline_ms) {
		uint64_t now = as_clock_ms();
		if (now >= deadline_ms) {
			return as_error_set(err, AS_ERR_TIMEOUT, "Client timeout");
		}
		want = (uint32_t)(deadline_ms - now);
	}
	if (*current == want || (want && *current >= want && *current - want <= 20)) {
		return 0;
	}
	struct timeval tv = {.tv_sec = want / 1000, .tv_usec = (suseconds_t)(want % 1000) * 1000};
	if (setsockopt(s->fd, SOL_SOCKET, opt, &tv, sizeof(tv)) != 0) {
		return as_error_set(err, AS_ERR_CONNECTION, "setsockopt failed: %s", strerror(errno));
	}
	*current = want;
	return 0;
}

/* Maps a failed send/recv on a plain socket to a status. */
static int io_error(as_error* err, const char* what)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		return as_error_set(err, AS_ERR_TIMEOUT, "Client timeout");
	}
	return as_error_set(err, AS_ERR_CONNECTION, "Socket %s failed: %s", what, strerror(errno));
}

int as_socket_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	if (s->ssl) {
		return as_tls_write(s, data, len, deadline_ms, err);
	}
	const uint8_t* p = data;
	while (len > 0) {
		if (bound_wait(s, SO_SNDTIMEO, &s->snd_timeout_ms, deadline_ms, err) != 0) {
			return err->code;
		}
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
		else if (n < 0 && errno != EINTR) {
			return io_error(err, "write");
		}
	}
	return 0;
}

int as_socket_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err)
{
	if (s->ssl) {
		return as_tls_read(s, data, len, deadline_ms, err);
	}
	uint8_t* p = data;
	while (len > 0) {
		long n = as_socket_read_some(s, p, len, deadline_ms, err);
		if (n < 0) {
			return err->code;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long as_socket_read_some(as_socket* s, void* data, size_t cap, uint64_t deadline_ms, as_error* err)
{
	if (s->ssl) {
		return as_tls_read_some(s, data, cap, deadline_ms, err);
	}
	for (;;) {
		if (bound_wait(s, SO_RCVTIMEO, &s->rcv_timeout_ms, deadline_ms, err) != 0) {
			return -1;
		}
		ssize_t n = recv(s->fd, data, cap, 0);
		if (n > 0) {
			return (long)n;
		}
		if (n == 0) {
			as_error_set(err, AS_ERR_CONNECTION, "Connection closed by the server");
			return -1;
		}
		if (errno != EINTR) {
			io_error(err, "read");
			return -1;
		}
	}
}

void as_socket_close(as_socket* s)
{
	if (s->ssl) {
		as_tls_close(s);
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

bool as_socket_is_stale(as_socket* s)
{
	if (s->ssl) {
		return as_tls_is_stale(s);
	}
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	int rc = poll(&pfd, 1, 0);
	return rc != 0;
}
