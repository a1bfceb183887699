/*
 * as_peers.c: parsing the peers-* info reply (protocol.md 2c):
 * `<gen>,<default-port>,[[<id>,<tls-name>,[<addr>[:port],...]],...]`.
 * Called by the tend thread.
 */
#include "as_cluster_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct cursor {
	const char* p;
	const char* end;
} cursor;

static bool eat(cursor* c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* Copies characters up to one of `stops` (not consumed). */
static bool token(cursor* c, const char* stops, char* out, size_t cap)
{
	size_t n = 0;
	while (c->p < c->end && !strchr(stops, *c->p)) {
		if (n + 1 >= cap) {
			return false;
		}
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return true;
}

static bool parse_int(cursor* c, int64_t* out)
{
	char buf[24];
	if (!token(c, ",]", buf, sizeof(buf)) || !buf[0]) {
		return false;
	}
	char* stop;
	*out = strtoll(buf, &stop, 10);
	return *stop == '\0';
}

/* One address: `host`, `host:port`, `[v6]` or `[v6]:port`. */
static bool parse_address(cursor* c, uint16_t default_port, char* host, size_t cap,
	uint16_t* port)
{
	if (eat(c, '[')) {
		if (!token(c, "]", host, cap) || !eat(c, ']')) {
			return false;
		}
	}
	else if (!token(c, ":,]", host, cap)) {
		return false;
	}
	*port = default_port;
	if (eat(c, ':')) {
		int64_t v;
		if (!parse_int(c, &v) || v <= 0 || v > 65535) {
			return false;
		}
		*port = (uint16_t)v;
	}
	return host[0] != '\0';
}

int as__peers_parse(const char* text, size_t len, int64_t* generation, as_peer* out, int max)
{
	cursor c = {text, text + len};
	while (c.end > c.p && (c.end[-1] == '\n' || c.end[-1] == ' ')) {
		c.end--;
	}
	int64_t port = 3000;
	if (!parse_int(&c, generation) || !eat(&c, ',')) {
		return -1;
	}
	if (c.p < c.end && *c.p != ',') {
		if (!parse_int(&c, &port) || port <= 0 || port > 65535) {
			return -1;
		}
	}
	if (!eat(&c, ',') || !eat(&c, '[')) {
		return -1;
	}
	int n = 0;
	while (c.p < c.end && *c.p != ']') {
		as_peer tmp;
		as_peer* peer = n < max ? &out[n] : &tmp;
		memset(peer, 0, sizeof(*peer));
		if (!eat(&c, '[') || !token(&c, ",", peer->name, sizeof(peer->name)) || !eat(&c, ',')) {
			return -1;
		}
		if (!token(&c, ",", peer->tls_name, sizeof(peer->tls_name)) || !eat(&c, ',')) {
			return -1;
		}
		if (!eat(&c, '[')) {
			return -1;
		}
		while (c.p < c.end && *c.p != ']') {
			char host[256];
			uint16_t p;
			if (!parse_address(&c, (uint16_t)port, host, sizeof(host), &p)) {
				return -1;
			}
			if (peer->n_hosts < 8) {
				memcpy(peer->hosts[peer->n_hosts], host, sizeof(host));
				peer->ports[peer->n_hosts] = p;
				peer->n_hosts++;
			}
			eat(&c, ',');
		}
		if (!eat(&c, ']') || !eat(&c, ']')) {
			return -1;
		}
		eat(&c, ',');
		n++;
	}
	if (!eat(&c, ']')) {
		return -1;
	}
	return n;
}
