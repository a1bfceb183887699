/*
 * as_txn.c: the state of a multi-record transaction (as_txn.h): its key
 * sets in the reference client's hash-table order, the checks every command
 * makes, the fields commands carry and what their replies report. The
 * network steps (monitor, verify, roll, close) are in as_txn_roll.c.
 */
#include <aerospike/as_txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* ---- key sets ---------------------------------------------------------------- */

void as_txn_keys_init(as_txn_keys* k, uint32_t capacity)
{
	memset(k, 0, sizeof(*k));
	if (capacity < 16) {
		capacity = 16;
	}
	/* Twice the capacity, as the reference sizes its table; the bucket
	 * count only orders the keys, no array of that size is allocated. */
	uint64_t buckets = (uint64_t)capacity * 2;
	k->n_buckets = buckets > UINT32_MAX ? UINT32_MAX : (uint32_t)buckets;
}

void as_txn_keys_destroy(as_txn_keys* k)
{
	free(k->items);
	k->items = NULL;
	k->n = k->cap = 0;
}

static uint32_t bucket_of(const as_txn_keys* k, const uint8_t* digest)
{
	uint32_t h = (uint32_t)digest[0] | ((uint32_t)digest[1] << 8) | ((uint32_t)digest[2] << 16) |
		((uint32_t)digest[3] << 24);
	return h % k->n_buckets;
}

/* The first index whose bucket is >= b (the keys are ordered by bucket). */
static size_t lower_bound(const as_txn_keys* k, uint32_t b)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->items[mid].bucket < b) {
			lo = mid + 1;
		}
		else {
			hi = mid;
		}
	}
	return lo;
}

as_txn_key* as_txn_keys_find(as_txn_keys* k, const uint8_t* digest)
{
	uint32_t b = bucket_of(k, digest);
	for (size_t i = lower_bound(k, b); i < k->n && k->items[i].bucket == b; i++) {
		if (memcmp(k->items[i].digest, digest, AS_DIGEST_SIZE) == 0) {
			return &k->items[i];
		}
	}
	return NULL;
}

bool as_txn_keys_put(as_txn_keys* k, const uint8_t* digest, const char* set, size_t set_len,
	uint64_t version)
{
	if (set_len > AS_SET_MAX) {
		set_len = AS_SET_MAX;
	}
	as_txn_key* found = as_txn_keys_find(k, digest);
	if (found) {
		found->version = version;
		return true;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		as_txn_key* items = realloc(k->items, cap * sizeof(*items));
		if (!items) {
			return false;
		}
		k->items = items;
		k->cap = cap;
	}
	uint32_t b = bucket_of(k, digest);
	size_t at = lower_bound(k, b);
	if (at < k->n && k->items[at].bucket == b) {
		at++; /* the bucket's first key stays first; newer ones follow it, newest first */
	}
	memmove(&k->items[at + 1], &k->items[at], (k->n - at) * sizeof(*k->items));
	as_txn_key* item = &k->items[at];
	memset(item, 0, sizeof(*item));
	memcpy(item->digest, digest, AS_DIGEST_SIZE);
	item->bucket = b;
	item->version = version;
	item->set_len = (uint8_t)set_len;
	memcpy(item->set, set, set_len);
	k->n++;
	return true;
}

void as_txn_keys_remove(as_txn_keys* k, const uint8_t* digest)
{
	as_txn_key* found = as_txn_keys_find(k, digest);
	if (!found) {
		return;
	}
	size_t at = (size_t)(found - k->items);
	memmove(&k->items[at], &k->items[at + 1], (k->n - at - 1) * sizeof(*k->items));
	k->n--;
}

/* ---- the transaction ------------------------------------------------------------ */

void as_txn_init(as_txn* t, uint32_t reads_capacity, uint32_t writes_capacity)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	while (t->id == 0) {
		uint64_t id = 0;
		if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
			/* No kernel randomness: fall back on the address and the clock. */
			id = (uint64_t)(uintptr_t)t ^ ((uint64_t)rand() << 32) ^ (uint64_t)rand();
		}
		t->id = id;
	}
	t->state = AS_TXN_OPEN;
	as_txn_keys_init(&t->reads, reads_capacity);
	as_txn_keys_init(&t->writes, writes_capacity);
}

void as_txn_destroy(as_txn* t)
{
	as_txn_keys_destroy(&t->reads);
	as_txn_keys_destroy(&t->writes);
	pthread_mutex_destroy(&t->lock);
}

int as_txn_begin_command(as_txn* t, const char* ns, as_error* err)
{
	static const char* const why[] = {
		[AS_TXN_VERIFIED] = "it is currently being committed",
		[AS_TXN_COMMITTED] = "it has been committed",
		[AS_TXN_ABORTED] = "it has been aborted",
		[AS_TXN_COMMIT_FAILED] = "a commit failed on it with an in-doubt outcome",
	};
	int rc = 0;
	pthread_mutex_lock(&t->lock);
	if (t->state != AS_TXN_OPEN) {
		rc = as_error_set(err, AS_ERR_PARAM,
			"Issuing commands to this transaction is forbidden because %s.", why[t->state]);
	}
	else if (t->ns[0] == '\0') {
		snprintf(t->ns, sizeof(t->ns), "%s", ns);
	}
	else if (strcmp(t->ns, ns) != 0) {
		rc = as_error_set(err, AS_ERR_PARAM,
			"Namespace must be the same for all commands in the transaction. orig: %s new: %s",
			t->ns, ns);
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

bool as_txn_needs_monitor(as_txn* t, const uint8_t* digest)
{
	pthread_mutex_lock(&t->lock);
	bool needs = as_txn_keys_find(&t->writes, digest) == NULL;
	pthread_mutex_unlock(&t->lock);
	return needs;
}

void as_txn_fields_for(as_txn* t, const uint8_t* digest, as_txn_fields* out)
{
	pthread_mutex_lock(&t->lock);
	out->id = t->id;
	out->deadline = t->deadline;
	as_txn_key* read = as_txn_keys_find(&t->reads, digest);
	out->has_version = read != NULL;
	out->version = read ? read->version : 0;
	pthread_mutex_unlock(&t->lock);
}

static void put_le(as_msg_builder* mb, uint8_t type, uint64_t v, size_t n)
{
	uint8_t b[8];
	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)(v >> (8 * i));
	}
	as_msg_field(mb, type, b, n);
}

void as_txn_put_fields(as_msg_builder* mb, const as_txn_fields* f, int what)
{
	if (what & AS_TXN_PUT_ID) {
		put_le(mb, AS_FIELD_TXN_ID, f->id, 8);
	}
	if (f->has_version) {
		put_le(mb, AS_FIELD_RECORD_VERSION, f->version, 7);
	}
	if ((what & AS_TXN_PUT_DEADLINE) || ((what & AS_TXN_PUT_DEADLINE_IF_SET) && f->deadline)) {
		put_le(mb, AS_FIELD_TXN_DEADLINE, f->deadline, 4);
	}
}

bool as_txn_reply_version(const as_msg* m, uint64_t* version)
{
	const uint8_t* cur = m->fields;
	for (uint16_t i = 0; i < m->n_fields; i++) {
		as_msg_field_view f;
		as_msg_next_field(&cur, &f);
		if (f.type == AS_FIELD_RECORD_VERSION && f.len == 7) {
			uint64_t v = 0;
			for (int j = 6; j >= 0; j--) {
				v = (v << 8) | f.data[j];
			}
			*version = v;
			return true;
		}
	}
	return false;
}

void as_txn_on_reply(as_txn* t, const uint8_t* digest, const char* set, size_t set_len,
	bool is_write, const as_msg* m)
{
	uint64_t version = 0;
	bool has_version = as_txn_reply_version(m, &version);
	pthread_mutex_lock(&t->lock);
	if (has_version) {
		as_txn_keys_put(&t->reads, digest, set, set_len, version);
	}
	else if (is_write && m->result_code == 0) {
		as_txn_keys_remove(&t->reads, digest);
		as_txn_keys_put(&t->writes, digest, set, set_len, 0);
	}
	pthread_mutex_unlock(&t->lock);
}

void as_txn_on_write_in_doubt(as_txn* t, const uint8_t* digest, const char* set, size_t set_len)
{
	pthread_mutex_lock(&t->lock);
	t->write_in_doubt = true;
	as_txn_keys_remove(&t->reads, digest);
	as_txn_keys_put(&t->writes, digest, set, set_len, 0);
	pthread_mutex_unlock(&t->lock);
}

int as_txn_state(as_txn* t)
{
	pthread_mutex_lock(&t->lock);
	int s = t->state;
	pthread_mutex_unlock(&t->lock);
	return s;
}

bool as_txn_in_doubt(as_txn* t)
{
	pthread_mutex_lock(&t->lock);
	bool d = t->in_doubt;
	pthread_mutex_unlock(&t->lock);
	return d;
}

uint32_t as_txn_timeout(as_txn* t)
{
	pthread_mutex_lock(&t->lock);
	uint32_t v = t->timeout;
	pthread_mutex_unlock(&t->lock);
	return v;
}

void as_txn_set_timeout(as_txn* t, uint32_t seconds)
{
	pthread_mutex_lock(&t->lock);
	t->timeout = seconds;
	pthread_mutex_unlock(&t->lock);
}

bool as_txn_keys_copy(as_txn* t, bool writes, as_txn_key** out, size_t* n)
{
	pthread_mutex_lock(&t->lock);
	as_txn_keys* k = writes ? &t->writes : &t->reads;
	*n = k->n;
	*out = NULL;
	bool ok = true;
	if (k->n) {
		*out = malloc(k->n * sizeof(**out));
		if (*out) {
			memcpy(*out, k->items, k->n * sizeof(**out));
		}
		else {
			ok = false;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}
