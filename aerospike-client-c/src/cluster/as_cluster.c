/*
 * as_cluster.c: cluster lifecycle, seeding, node selection for commands,
 * and the tend thread (protocol.md 2f): every tend_interval it refreshes
 * each node, discovers peers, applies changed partition maps and drops
 * nodes that went away.
 */
#include "as_cluster_internal.h"
#include <aerospike/as_admin.h>
#include <aerospike/as_crypto.h>
#include <aerospike/as_proto.h>
#include <aerospike/as_info.h>
#include <aerospike/as_log.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NODE_FAILURES 5
#define MAX_SEED_ADDRESSES 8
#define MAX_PEERS 128

/* ---- config --------------------------------------------------------- */

static char* dup_or_null(const char* s)
{
	return s ? strdup(s) : NULL;
}

static void config_copy(as_cluster_config* dst, const as_cluster_config* src)
{
	*dst = *src;
	dst->seeds = calloc(src->n_seeds ? src->n_seeds : 1, sizeof(as_host));
	for (uint32_t i = 0; i < src->n_seeds; i++) {
		dst->seeds[i].name = dup_or_null(src->seeds[i].name);
		dst->seeds[i].port = src->seeds[i].port;
		dst->seeds[i].tls_name = dup_or_null(src->seeds[i].tls_name);
	}
	dst->cluster_name = dup_or_null(src->cluster_name);
	dst->user = dup_or_null(src->user);
	dst->password_hash = dup_or_null(src->password_hash);
	dst->user_agent = dup_or_null(src->user_agent);
	dst->tls.cafile = dup_or_null(src->tls.cafile);
	dst->tls.capath = dup_or_null(src->tls.capath);
	dst->tls.protocols = dup_or_null(src->tls.protocols);
	dst->tls.cipher_suite = dup_or_null(src->tls.cipher_suite);
	dst->tls.certfile = dup_or_null(src->tls.certfile);
	dst->tls.keyfile = dup_or_null(src->tls.keyfile);
	dst->tls.keyfile_pw = dup_or_null(src->tls.keyfile_pw);
	dst->tls.cert_blacklist = dup_or_null(src->tls.cert_blacklist);
	if (!dst->conn_timeout_ms) {
		dst->conn_timeout_ms = 1000;
	}
	if (!dst->tend_interval_ms) {
		dst->tend_interval_ms = 1000;
	}
}

void as_cluster_config_destroy(as_cluster_config* cfg)
{
	for (uint32_t i = 0; i < cfg->n_seeds; i++) {
		free(cfg->seeds[i].name);
		free(cfg->seeds[i].tls_name);
	}
	free(cfg->seeds);
	free(cfg->cluster_name);
	free(cfg->user);
	free(cfg->password_hash);
	free(cfg->user_agent);
	free((char*)cfg->tls.cafile);
	free((char*)cfg->tls.capath);
	free((char*)cfg->tls.protocols);
	free((char*)cfg->tls.cipher_suite);
	free((char*)cfg->tls.certfile);
	free((char*)cfg->tls.keyfile);
	free((char*)cfg->tls.keyfile_pw);
	free((char*)cfg->tls.cert_blacklist);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- sockets --------------------------------------------------------- */

/* Logs in on a fresh connection (protocol.md 11): LOGIN with the user and
 * the password hash; a server without security answers 52, which is fine. */
static int login(as_cluster* c, as_socket* s, uint64_t deadline_ms, as_error* err)
{
	uint8_t stack[256];
	as_buf b;
	as_buf_init(&b, stack, sizeof(stack));
	pthread_mutex_lock(&c->auth_lock);
	as_admin_login_request(&b, c->cfg.user, c->cfg.password_hash);
	pthread_mutex_unlock(&c->auth_lock);
	int rc = b.oom ? as_error_set(err, AS_ERR_CLIENT, "Out of memory")
				   : as_socket_write(s, b.data, b.len, deadline_ms, err);
	as_buf_destroy(&b);
	uint8_t header[AS_ADMIN_HEADER_SIZE];
	if (rc == 0) {
		rc = as_socket_read(s, header, sizeof(header), deadline_ms, err);
	}
	if (rc == 0) {
		uint8_t type;
		uint64_t size;
		if (!as_proto_parse_header(header, &type, &size) || type != AS_PROTO_TYPE_ADMIN ||
			size < AS_ADMIN_HEADER_SIZE - 8) {
			return as_error_set(err, AS_ERR_CLIENT, "Invalid login reply");
		}
		rc = as_admin_check_result(header, err);
		/* The session token and its TTL follow; a fresh LOGIN on each new
		 * connection needs neither, so they are read and dropped. */
		uint64_t rest = size - (AS_ADMIN_HEADER_SIZE - 8);
		uint8_t sink[512];
		while (rc == 0 && rest > 0) {
			size_t n = rest > sizeof(sink) ? sizeof(sink) : (size_t)rest;
			rc = as_socket_read(s, sink, n, deadline_ms, err);
			rest -= n;
		}
	}
	return rc;
}

void as_cluster_change_password(as_cluster* c, const char* user, const char* hash)
{
	pthread_mutex_lock(&c->auth_lock);
	if (c->cfg.user && strcmp(c->cfg.user, user) == 0) {
		char* copy = strdup(hash);
		if (copy) {
			free(c->cfg.password_hash);
			c->cfg.password_hash = copy;
		}
	}
	pthread_mutex_unlock(&c->auth_lock);
}

int as__cluster_connect_socket(as_cluster* c, const as_address* addr, const char* tls_name,
	uint64_t deadline_ms, as_socket* s, as_error* err)
{
	uint64_t connect_deadline = as_clock_ms() + c->cfg.conn_timeout_ms;
	if (deadline_ms && deadline_ms < connect_deadline) {
		connect_deadline = deadline_ms;
	}
	int rc = as_socket_connect(s, addr, c->tls, tls_name, connect_deadline, err);
	if (rc == 0 && c->cfg.user && *c->cfg.user) {
		uint64_t login_deadline = as_clock_ms() + c->cfg.login_timeout_ms;
		rc = login(c, s, login_deadline, err);
		if (rc != 0) {
			as_socket_close(s);
			s->fd = -1;
		}
	}
	return rc;
}

/* ---- node list -------------------------------------------------------- */

static as_node* find_by_name(as_cluster* c, const char* name)
{
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		if (strcmp(c->nodes[i]->name, name) == 0) {
			return c->nodes[i];
		}
	}
	return NULL;
}

static void add_node(as_cluster* c, as_node* n)
{
	pthread_rwlock_wrlock(&c->lock);
	as_node** grown = realloc(c->nodes, (c->n_nodes + 1) * sizeof(as_node*));
	if (grown) {
		c->nodes = grown;
		c->nodes[c->n_nodes++] = n;
	}
	pthread_rwlock_unlock(&c->lock);
	if (!grown) {
		as_node_release(n);
		return;
	}
	char where[300];
	as_address_format(&n->addr, where, sizeof(where));
	as_log(AS_LOG_INFO, "Add node %s %s", n->name, where);
}

static void remove_node(as_cluster* c, as_node* n)
{
	char where[300];
	as_address_format(&n->addr, where, sizeof(where));
	as_log(AS_LOG_INFO, "Remove node %s %s", n->name, where);
	atomic_store(&n->active, false);
	pthread_rwlock_wrlock(&c->lock);
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		if (c->nodes[i] == n) {
			memmove(&c->nodes[i], &c->nodes[i + 1], (c->n_nodes - i - 1) * sizeof(as_node*));
			c->n_nodes--;
			break;
		}
	}
	as__partitions_remove_node(c, n);
	pthread_rwlock_unlock(&c->lock);
	as__node_close_idle(n, 0);
	as__metrics_node_removed(c, n);
	as_node_release(n);
}

/* ---- validation of a new host ------------------------------------------ */

static bool value_of(const as_buf* resp, const char* name, char* out, size_t cap)
{
	const char* v;
	size_t vlen;
	if (!as_info_find((const char*)resp->data, resp->len, name, &v, &vlen) || vlen >= cap) {
		return false;
	}
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return true;
}

/* A node name is the node id in upper-case hex (protocol.md 2b); anything
 * else is a damaged reply. */
static bool valid_node_name(const char* name)
{
	if (!name[0]) {
		return false;
	}
	for (const char* p = name; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F'))) {
			return false;
		}
	}
	return true;
}

/* Servers from 8.1 keep each client's user agent (lang, version, app id)
 * for `show-user-agents`; the client tells it once per node on the tend
 * socket, as the reference does. resp holds the node's `build` answer. A
 * refusal is ignored. */
static void tell_user_agent(as_cluster* c, as_socket* s, as_buf* resp, uint64_t deadline)
{
	char build[32];
	int major = 0, minor = 0;
	if (!c->cfg.user_agent || !value_of(resp, "build", build, sizeof(build)) ||
		sscanf(build, "%d.%d", &major, &minor) != 2 || major < 8 || (major == 8 && minor < 1)) {
		return;
	}
	size_t len = strlen(c->cfg.user_agent);
	char cmd[512];
	static const char head[] = "user-agent-set:value=";
	if (sizeof(head) + as_base64_encoded_len(len) + 1 > sizeof(cmd)) {
		return;
	}
	memcpy(cmd, head, sizeof(head) - 1);
	char* p = cmd + sizeof(head) - 1;
	as_base64_encode((const uint8_t*)c->cfg.user_agent, len, p);
	p += as_base64_encoded_len(len);
	*p++ = '\n';
	uint8_t stack[256];
	as_buf reply;
	as_buf_init(&reply, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	as__info_on_socket(s, cmd, (size_t)(p - cmd), deadline, &reply, &err);
	as_buf_destroy(&reply);
}

/* Connects to addr and checks it is a usable node (protocol.md 2f step 1).
 * On success returns a new node that owns the connection as its tend
 * socket. `expected` (may be NULL) is the node name a peer list gave. */
static as_node* validate_host(as_cluster* c, const as_address* addr, const char* tls_name,
	const char* expected, as_error* err)
{
	as_socket s;
	uint64_t deadline = as_clock_ms() + c->cfg.conn_timeout_ms;
	if (as__cluster_connect_socket(c, addr, tls_name, deadline, &s, err) != 0) {
		return NULL;
	}
	char cmd[128] = "node\npartition-generation\nbuild\n";
	if (c->cfg.cluster_name && *c->cfg.cluster_name) {
		strcat(cmd, "cluster-name\n");
	}
	uint8_t stack[512];
	as_buf resp;
	as_buf_init(&resp, stack, sizeof(stack));
	as_node* n = NULL;
	char name[AS_NODE_NAME_MAX], gen[32], text[256];
	if (as__info_on_socket(&s, cmd, strlen(cmd), deadline, &resp, err) != 0 ||
		as_info_check_error((const char*)resp.data, resp.len, err) != 0) {
		goto done; /* e.g. 80 from a secured server we did not log in to */
	}
	if (!value_of(&resp, "node", name, sizeof(name)) || !valid_node_name(name)) {
		as_error_set(err, AS_ERR_INVALID_NODE, "No valid node name returned by %s", addr->host);
		goto done;
	}
	if (expected && strcmp(name, expected) != 0) {
		as_error_set(err, AS_ERR_INVALID_NODE, "Node name %s differs from the peer's %s", name,
			expected);
		goto done;
	}
	if (!value_of(&resp, "partition-generation", gen, sizeof(gen)) || strcmp(gen, "-1") == 0) {
		as_error_set(err, AS_ERR_INVALID_NODE, "Node %s is not ready", name);
		goto done;
	}
	if (c->cfg.cluster_name && *c->cfg.cluster_name) {
		if (!value_of(&resp, "cluster-name", text, sizeof(text)) ||
			strcmp(text, c->cfg.cluster_name) != 0) {
			as_error_set(err, AS_ERR_INVALID_NODE, "Cluster name mismatch: expected %s",
				c->cfg.cluster_name);
			goto done;
		}
	}
	tell_user_agent(c, &s, &resp, deadline);
	n = as__node_create(c, name, addr, tls_name);
	if (n) {
		n->tend_sock = s;
		s.fd = -1;
	}

done:
	if (s.fd >= 0) {
		as_socket_close(&s);
	}
	as_buf_destroy(&resp);
	return n;
}

/* Tries each address of host:port; adds the first valid node not yet in
 * the cluster. Returns true when the host answered as a node. */
static bool seed_host(as_cluster* c, const char* host, uint16_t port, const char* tls_name,
	const char* expected, as_error* err)
{
	as_address addrs[MAX_SEED_ADDRESSES];
	int n = as_address_resolve(host, port, addrs, MAX_SEED_ADDRESSES, err);
	for (int i = 0; i < n; i++) {
		as_node* node = validate_host(c, &addrs[i], tls_name, expected, err);
		if (!node) {
			continue;
		}
		if (find_by_name(c, node->name)) {
			as_node_release(node);
		}
		else {
			add_node(c, node);
		}
		return true;
	}
	return false;
}

/* Seeds the cluster. Returns how many seed hosts answered; *failed gets the
 * first one that did not (NULL when all did). */
static uint32_t seed(as_cluster* c, as_error* err, const as_host** failed)
{
	uint32_t answered = 0;
	*failed = NULL;
	for (uint32_t i = 0; i < c->cfg.n_seeds; i++) {
		as_host* h = &c->cfg.seeds[i];
		if (seed_host(c, h->name, h->port, h->tls_name, NULL, err)) {
			answered++;
		}
		else if (!*failed) {
			*failed = h;
		}
	}
	return answered;
}

/* ---- tending ----------------------------------------------------------- */

static bool parse_i64(const as_buf* resp, const char* name, int64_t* out)
{
	char text[32];
	if (!value_of(resp, name, text, sizeof(text))) {
		return false;
	}
	char* stop;
	*out = strtoll(text, &stop, 10);
	return stop != text;
}

/* Step 2 of tending for one node. Returns false when the node failed. */
static bool refresh_node(as_cluster* c, as_node* n, uint8_t* stack, size_t cap)
{
	static const char cmd[] = "node\npeers-generation\npartition-generation\n";
	as_buf resp;
	as_buf_init(&resp, stack, cap);
	as_error err;
	as_error_reset(&err);
	bool ok = false;
	char name[AS_NODE_NAME_MAX];
	int64_t peers_gen, part_gen;
	if (as__node_tend_info(n, cmd, sizeof(cmd) - 1, &resp, &err) != 0) {
		as_log(AS_LOG_DEBUG, "Node %s refresh failed: %s", n->name, err.message);
		goto done;
	}
	if (!value_of(&resp, "node", name, sizeof(name)) || strcmp(name, n->name) != 0) {
		as_log(AS_LOG_WARN, "Node %s changed its name to %s", n->name, name);
		goto done;
	}
	if (!parse_i64(&resp, "peers-generation", &peers_gen) ||
		!parse_i64(&resp, "partition-generation", &part_gen)) {
		goto done;
	}
	if (peers_gen != n->peers_generation) {
		n->peers_changed = true;
	}
	if (part_gen != n->partition_generation && part_gen != -1) {
		n->partitions_changed = true;
	}
	ok = true;

done:
	as_buf_destroy(&resp);
	(void)c;
	return ok;
}

/* Step 3: fetches a node's peers and adds the unknown ones. */
static void refresh_peers(as_cluster* c, as_node* n, uint8_t* stack, size_t cap)
{
	const char* cmd = c->cfg.use_services_alternate ? "peers-clear-alt\n" : "peers-clear-std\n";
	if (c->tls) {
		cmd = c->cfg.use_services_alternate ? "peers-tls-alt\n" : "peers-tls-std\n";
	}
	as_buf resp;
	as_buf_init(&resp, stack, cap);
	as_error err;
	as_error_reset(&err);
	as_peer* peers = NULL;
	if (as__node_tend_info(n, cmd, strlen(cmd), &resp, &err) != 0) {
		n->failures++;
		goto done;
	}
	const char* value;
	size_t vlen;
	char name[32];
	snprintf(name, sizeof(name), "%.*s", (int)strlen(cmd) - 1, cmd);
	if (!as_info_find((const char*)resp.data, resp.len, name, &value, &vlen)) {
		goto done;
	}
	peers = calloc(MAX_PEERS, sizeof(as_peer));
	if (!peers) {
		goto done;
	}
	int64_t gen;
	int count = as__peers_parse(value, vlen, &gen, peers, MAX_PEERS);
	if (count < 0) {
		as_log(AS_LOG_WARN, "Invalid peers reply from %s", n->name);
		goto done;
	}
	bool all_added = true;
	for (int i = 0; i < count && i < MAX_PEERS; i++) {
		as_node* known = find_by_name(c, peers[i].name);
		if (known) {
			known->referenced = true;
			continue;
		}
		bool added = false;
		for (uint32_t h = 0; h < peers[i].n_hosts && !added; h++) {
			const char* tls_name = peers[i].tls_name[0] ? peers[i].tls_name : NULL;
			added = seed_host(c, peers[i].hosts[h], peers[i].ports[h], tls_name, peers[i].name,
				&err);
		}
		if (added) {
			as_node* fresh = find_by_name(c, peers[i].name);
			if (fresh) {
				fresh->referenced = true;
			}
		}
		else {
			all_added = false;
		}
	}
	n->peers_count = (uint32_t)count;
	if (all_added) {
		n->peers_generation = gen;
		n->peers_changed = false;
	}

done:
	free(peers);
	as_buf_destroy(&resp);
}

/* Step 2's follow-up: fetches and applies a node's partition map. */
static void refresh_partitions(as_cluster* c, as_node* n, uint8_t* stack, size_t cap)
{
	static const char cmd[] = "partition-generation\nreplicas\n";
	as_buf resp;
	as_buf_init(&resp, stack, cap);
	as_error err;
	as_error_reset(&err);
	int64_t gen;
	const char* value;
	size_t vlen;
	if (as__node_tend_info(n, cmd, sizeof(cmd) - 1, &resp, &err) != 0) {
		n->failures++;
		goto done;
	}
	if (!parse_i64(&resp, "partition-generation", &gen) ||
		!as_info_find((const char*)resp.data, resp.len, "replicas", &value, &vlen)) {
		goto done;
	}
	pthread_rwlock_wrlock(&c->lock);
	int rc = as__partitions_apply(c, n, value, vlen);
	pthread_rwlock_unlock(&c->lock);
	if (rc != 0) {
		as_log(AS_LOG_WARN, "Invalid replicas reply from %s", n->name);
		goto done;
	}
	n->partition_generation = gen;
	n->partitions_changed = false;

done:
	as_buf_destroy(&resp);
}

static void trim_and_fill_pools(as_cluster* c)
{
	uint64_t now = as_clock_ms();
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		as_node* n = c->nodes[i];
		if (c->cfg.max_socket_idle_s) {
			uint64_t idle_ms = (uint64_t)c->cfg.max_socket_idle_s * 1000;
			if (now > idle_ms) {
				as__node_close_idle(n, now - idle_ms);
			}
		}
		while (c->cfg.min_conns_per_node) {
			pthread_mutex_lock(&n->pool_lock);
			bool need = n->n_open < c->cfg.min_conns_per_node;
			pthread_mutex_unlock(&n->pool_lock);
			if (!need) {
				break;
			}
			as_socket s;
			as_error err;
			if (as_node_get_connection(n, now + c->cfg.conn_timeout_ms, &s, &err) != 0) {
				break;
			}
			as_node_put_connection(n, &s);
		}
		atomic_store(&n->error_rate, 0);
	}
}

static void tend(as_cluster* c)
{
	uint8_t stack[16384];
	as_error err;
	as_error_reset(&err);
	if (c->n_nodes == 0) {
		const as_host* failed;
		seed(c, &err, &failed);
	}
	bool peers_changed = false;
	uint32_t n_before = c->n_nodes;
	bool refetch_maps = atomic_exchange(&c->map_suspect, false);
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		as_node* n = c->nodes[i];
		n->referenced = false;
		n->partitions_changed |= refetch_maps;
		if (refresh_node(c, n, stack, sizeof(stack))) {
			n->failures = 0;
			peers_changed |= n->peers_changed;
		}
		else {
			n->failures++;
		}
	}
	/* Peers: refresh every answering node while new nodes keep appearing. */
	bool peers_refreshed = false;
	if (peers_changed) {
		for (uint32_t i = 0; i < c->n_nodes; i++) {
			as_node* n = c->nodes[i];
			if (n->failures == 0) {
				refresh_peers(c, n, stack, sizeof(stack));
				peers_refreshed = true;
			}
		}
	}
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		as_node* n = c->nodes[i];
		if (i >= n_before) {
			/* A node found in this tend: take its generations now. */
			if (refresh_node(c, n, stack, sizeof(stack)) && n->peers_changed) {
				refresh_peers(c, n, stack, sizeof(stack));
			}
		}
		if (n->failures == 0 && n->partitions_changed) {
			refresh_partitions(c, n, stack, sizeof(stack));
		}
	}
	/* Step 4: drop nodes that went away. */
	bool dropped = false;
	for (uint32_t i = c->n_nodes; i-- > 0;) {
		as_node* n = c->nodes[i];
		bool drop = n->failures >= MAX_NODE_FAILURES && c->n_nodes > 1;
		if (!drop && peers_refreshed && c->n_nodes > 1 && !n->referenced && n->peers_count == 0) {
			drop = n->failures > 0;
		}
		if (drop) {
			remove_node(c, n);
			dropped = true;
		}
	}
	if (dropped) {
		/* A node dropped for failing may still be alive and listed by its
		 * peers, whose generation will not change: ask them again. */
		for (uint32_t i = 0; i < c->n_nodes; i++) {
			c->nodes[i]->peers_changed = true;
		}
	}
	trim_and_fill_pools(c);
	c->tend_count++;
	as__metrics_tended(c);
}

static void* tend_main(void* arg)
{
	as_cluster* c = arg;
	pthread_mutex_lock(&c->tend_mutex);
	while (!c->shutdown) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)c->cfg.tend_interval_ms * 1000000u;
		ts.tv_sec += (time_t)(ns / 1000000000u);
		ts.tv_nsec = (long)(ns % 1000000000u);
		int rc = 0;
		while (!c->shutdown && rc != ETIMEDOUT) {
			rc = pthread_cond_timedwait(&c->tend_cond, &c->tend_mutex, &ts);
		}
		if (c->shutdown) {
			break;
		}
		pthread_mutex_unlock(&c->tend_mutex);
		tend(c);
		pthread_mutex_lock(&c->tend_mutex);
	}
	pthread_mutex_unlock(&c->tend_mutex);
	return NULL;
}

/* ---- lifecycle ---------------------------------------------------------- */

as_cluster* as_cluster_create(const as_cluster_config* cfg, as_error* err)
{
	as_cluster* c = calloc(1, sizeof(as_cluster));
	if (!c) {
		as_error_set(err, AS_ERR_CLIENT, "Out of memory");
		return NULL;
	}
	config_copy(&c->cfg, cfg);
	pthread_rwlock_init(&c->lock, NULL);
	pthread_mutex_init(&c->auth_lock, NULL);
	pthread_mutex_init(&c->tend_mutex, NULL);
	pthread_cond_init(&c->tend_cond, NULL);
	as__metrics_init(c);
	if (cfg->tls_enable) {
		c->tls = as_tls_context_create(&c->cfg.tls, err);
		if (!c->tls) {
			as_cluster_destroy(c);
			return NULL;
		}
	}
	as_error seed_err;
	as_error_reset(&seed_err);
	const as_host* failed;
	if (!seed(c, &seed_err, &failed)) {
		if (seed_err.code > 0) {
			*err = seed_err; /* the server refused: a login result, say */
		}
		else {
			as_error_set(err, AS_ERR_CONNECTION, "Failed to connect%s%s",
				seed_err.message[0] ? ": " : "", seed_err.message);
		}
		as_cluster_destroy(c);
		return NULL;
	}
	if (failed && c->cfg.fail_if_seed_unreachable) {
		/* As the reference client does with fail_if_not_connected (the
		 * default): every configured seed must answer at connect time. */
		as_error_set(err, AS_ERR_CLIENT, "Peers not reachable: %s:%u (%s)", failed->name,
			(unsigned)failed->port, seed_err.message);
		as_cluster_destroy(c);
		return NULL;
	}
	tend(c);
	if (pthread_create(&c->tend_thread, NULL, tend_main, c) != 0) {
		as_error_set(err, AS_ERR_CLIENT, "Failed to start the tend thread");
		as_cluster_destroy(c);
		return NULL;
	}
	c->tend_started = true;
	return c;
}

void as_cluster_destroy(as_cluster* c)
{
	if (c->tend_started) {
		pthread_mutex_lock(&c->tend_mutex);
		c->shutdown = true;
		pthread_cond_signal(&c->tend_cond);
		pthread_mutex_unlock(&c->tend_mutex);
		pthread_join(c->tend_thread, NULL);
	}
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		atomic_store(&c->nodes[i]->active, false);
		as__node_close_idle(c->nodes[i], 0);
		as_node_release(c->nodes[i]);
	}
	free(c->nodes);
	as__partitions_destroy(c);
	as_tls_context_destroy(c->tls);
	as_cluster_config_destroy(&c->cfg);
	pthread_rwlock_destroy(&c->lock);
	pthread_mutex_destroy(&c->auth_lock);
	pthread_mutex_destroy(&c->tend_mutex);
	pthread_cond_destroy(&c->tend_cond);
	as__metrics_destroy(c);
	free(c);
}

/* ---- node selection ----------------------------------------------------- */

static as_node* pick(as_partition_table* t, uint32_t pid, uint32_t start, bool master_only)
{
	uint32_t count = master_only ? 1 : t->replica_count;
	for (uint32_t i = 0; i < count; i++) {
		as_node* n = t->owners[pid][(start + i) % count];
		if (n && atomic_load_explicit(&n->active, memory_order_relaxed)) {
			return n;
		}
	}
	return NULL;
}

as_node* as_cluster_get_node(as_cluster* c, const char* ns, uint32_t pid, int replica,
	uint32_t attempt, bool is_write, as_error* err)
{
	pthread_rwlock_rdlock(&c->lock);
	as_partition_table* t = as__partitions_find(c, ns);
	if (!t) {
		pthread_rwlock_unlock(&c->lock);
		as_error_set(err, AS_ERR_NAMESPACE_NOT_FOUND, "Namespace not found in partition map: %s",
			ns);
		return NULL;
	}
	as_node* n;
	if (is_write && (replica == AS_REPLICA_MASTER || replica == AS_REPLICA_RANDOM)) {
		n = pick(t, pid, 0, true);
	}
	else if (replica == AS_REPLICA_MASTER) {
		n = pick(t, pid, 0, true);
	}
	else if (!is_write && (replica == AS_REPLICA_ANY || replica == AS_REPLICA_RANDOM)) {
		n = pick(t, pid, atomic_fetch_add(&c->round_robin, 1) + attempt, false);
	}
	else {
		n = pick(t, pid, attempt, false);
	}
	if (n) {
		as_node_reserve(n);
	}
	pthread_rwlock_unlock(&c->lock);
	if (!n) {
		/* The map of a live cluster covers every partition: refetch it. */
		atomic_store(&c->map_suspect, true);
		as_error_set(err, AS_ERR_INVALID_NODE, "Node not found for partition %s:%u", ns, pid);
	}
	return n;
}

as_node* as_cluster_random_node(as_cluster* c, as_error* err)
{
	as_node* n = NULL;
	pthread_rwlock_rdlock(&c->lock);
	for (uint32_t i = 0; i < c->n_nodes && !n; i++) {
		as_node* cand = c->nodes[(atomic_fetch_add(&c->round_robin, 1)) % c->n_nodes];
		if (atomic_load(&cand->active)) {
			n = cand;
			as_node_reserve(n);
		}
	}
	pthread_rwlock_unlock(&c->lock);
	if (!n) {
		as_error_set(err, AS_ERR_INVALID_NODE, "Cluster is empty");
	}
	return n;
}

as_node* as_cluster_find_node(as_cluster* c, const char* key)
{
	as_node* n = NULL;
	pthread_rwlock_rdlock(&c->lock);
	for (uint32_t i = 0; i < c->n_nodes && !n; i++) {
		char where[300];
		as_address_format(&c->nodes[i]->addr, where, sizeof(where));
		if (strcmp(c->nodes[i]->name, key) == 0 || strcmp(where, key) == 0) {
			n = c->nodes[i];
			as_node_reserve(n);
		}
	}
	pthread_rwlock_unlock(&c->lock);
	return n;
}

uint32_t as_cluster_nodes(as_cluster* c, as_node*** out)
{
	pthread_rwlock_rdlock(&c->lock);
	uint32_t n = c->n_nodes;
	*out = calloc(n ? n : 1, sizeof(as_node*));
	if (!*out) {
		pthread_rwlock_unlock(&c->lock);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		(*out)[i] = c->nodes[i];
		as_node_reserve(c->nodes[i]);
	}
	pthread_rwlock_unlock(&c->lock);
	return n;
}

void as_nodes_release(as_node** nodes, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		as_node_release(nodes[i]);
	}
	free(nodes);
}

bool as_cluster_is_connected(as_cluster* c)
{
	pthread_rwlock_rdlock(&c->lock);
	bool any = c->n_nodes > 0;
	pthread_rwlock_unlock(&c->lock);
	return any;
}

uint64_t as_cluster_retry_count(as_cluster* c)
{
	return atomic_load_explicit(&c->retry_count, memory_order_relaxed);
}

void as_cluster_count_retry(as_cluster* c)
{
	atomic_fetch_add_explicit(&c->retry_count, 1, memory_order_relaxed);
}
