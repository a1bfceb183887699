/*
 * as_socket.h: blocking TCP (optionally TLS) sockets whose every wait is
 * bounded by an absolute deadline, and host name resolution. Callers: the
 * connection pool and the tend thread. Deadlines are monotonic
 * milliseconds from as_clock_ms(); 0 means "no deadline".
 */
#ifndef AS_SOCKET_H
#define AS_SOCKET_H

#include <aerospike/as_error.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct as_tls_context as_tls_context;

typedef struct as_address {
	struct sockaddr_storage addr;
	socklen_t len;
	uint16_t port;
	char host[256]; /* as given or as printed */
} as_address;

typedef struct as_socket {
	int fd;
	void* ssl; /* SSL* when TLS is on */
	uint64_t last_used_ms;
	uint32_t rcv_timeout_ms; /* SO_RCVTIMEO now set on a plain socket (0: none) */
	uint32_t snd_timeout_ms; /* SO_SNDTIMEO likewise */
	uint64_t opened_ns;		 /* time it took to open, when new from the pool, else 0 */
} as_socket;

uint64_t as_clock_ms(void);

/* Resolves host:port into up to `max` addresses. Returns the count (> 0) or
 * a negative status with err filled. */
int as_address_resolve(const char* host, uint16_t port, as_address* out, int max, as_error* err);

/* Formats "host:port" ("[v6]:port" for IPv6) of a resolved address. */
void as_address_format(const as_address* a, char* out, size_t cap);

int as_socket_connect(as_socket* s, const as_address* a, as_tls_context* tls, const char* tls_name,
	uint64_t deadline_ms, as_error* err);
int as_socket_write(as_socket* s, const void* data, size_t len, uint64_t deadline_ms, as_error* err);
int as_socket_read(as_socket* s, void* data, size_t len, uint64_t deadline_ms, as_error* err);
void as_socket_close(as_socket* s);

/* Waits until data can be read, then reads what is there, up to cap bytes
 * (at least one). Returns the byte count, or -1 with err filled. For a
 * reply that the peer sends whole, this saves the recv that would find
 * nothing right after a request. */
long as_socket_read_some(as_socket* s, void* data, size_t cap, uint64_t deadline_ms, as_error* err);

/* True when the peer has closed the idle socket or sent unexpected bytes. */
bool as_socket_is_stale(as_socket* s);

/* Sleeps for ms milliseconds. */
void as_sleep_ms(uint32_t ms);

#endif
