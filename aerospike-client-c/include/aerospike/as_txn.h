/*
 * as_txn.h: multi-record transactions (Aerospike 8 "MRT"; protocol.md 3, 4).
 * A transaction keeps, between its commands, its id, its namespace, the
 * deadline its monitor record was given, the versions of the records it
 * read and the keys it wrote. Its commands carry fields 5 (id), 3 (the
 * version read earlier) and 6 (deadline); their replies report versions
 * back here. Commit verifies the versions read, marks the monitor for
 * roll-forward, rolls the writes forward and closes the monitor; abort rolls
 * the writes back and closes the monitor.
 * Callers: the binding (fields into each command, replies back, commit and
 * abort with the GIL released). Every function takes the transaction's lock
 * itself, so threads may share a transaction.
 */
#ifndef AS_TXN_H
#define AS_TXN_H

#include <aerospike/as_buf.h>
#include <aerospike/as_cluster.h>
#include <aerospike/as_command.h>
#include <aerospike/as_crypto.h>
#include <aerospike/as_error.h>
#include <aerospike/as_proto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define AS_FIELD_RECORD_VERSION 3
#define AS_FIELD_TXN_ID 5
#define AS_FIELD_TXN_DEADLINE 6

#define AS_INFO4_TXN_VERIFY_READ 0x01
#define AS_INFO4_TXN_ROLL_FORWARD 0x02
#define AS_INFO4_TXN_ROLL_BACK 0x04
#define AS_INFO4_TXN_ON_LOCKING_ONLY 0x10

/* Transaction states (the TXN_STATE_* constants). */
enum {
	AS_TXN_OPEN = 0,
	AS_TXN_VERIFIED = 1,
	AS_TXN_COMMITTED = 2,
	AS_TXN_ABORTED = 3,
	AS_TXN_COMMIT_FAILED = 4,
};

/* What commit and abort return (COMMIT_* and ABORT_*). */
enum {
	AS_COMMIT_OK = 0,
	AS_COMMIT_ALREADY_COMMITTED = 1,
	AS_COMMIT_ROLL_FORWARD_ABANDONED = 5,
	AS_COMMIT_CLOSE_ABANDONED = 6,
	AS_ABORT_OK = 0,
	AS_ABORT_ALREADY_ABORTED = 1,
	AS_ABORT_ROLL_BACK_ABANDONED = 3,
	AS_ABORT_CLOSE_ABANDONED = 4,
};

/* One key the transaction read (with the version the server reported) or
 * wrote. */
typedef struct as_txn_key {
	uint8_t digest[AS_DIGEST_SIZE];
	uint32_t bucket;
	uint64_t version;
	uint8_t set_len;
	char set[AS_SET_MAX + 1];
} as_txn_key;

/* The keys of a set, in the order the reference client walks its hash
 * table: by bucket (the digest's first 4 bytes, little-endian, modulo twice
 * the capacity, at least 32 buckets), and within a bucket the first key
 * stored, then the others newest first. That order decides how verify and
 * roll messages list their rows. */
typedef struct as_txn_keys {
	as_txn_key* items;
	size_t n;
	size_t cap;
	uint32_t n_buckets;
} as_txn_keys;

typedef struct as_txn {
	pthread_mutex_t lock;
	uint64_t id;
	char ns[AS_NS_MAX + 1];
	uint32_t timeout;  /* seconds; 0 = the server's default */
	uint32_t deadline; /* from the monitor's reply; 0 = no monitor yet */
	int state;
	bool in_doubt;
	bool write_in_doubt; /* a write may have been applied: the monitor is left to expire */
	as_txn_keys reads;
	as_txn_keys writes;
} as_txn;

/* The values one command writes into its transaction fields. */
typedef struct as_txn_fields {
	uint64_t id;
	uint32_t deadline;
	bool has_version;
	uint64_t version;
} as_txn_fields;

/* Which transaction fields a message carries (as_txn_put_fields). */
#define AS_TXN_PUT_ID 0x01
#define AS_TXN_PUT_DEADLINE 0x02        /* always (single-record writes) */
#define AS_TXN_PUT_DEADLINE_IF_SET 0x04 /* only when there is one (batch rows) */

/* A random non-zero id; capacities size the key tables (as the reference's). */
void as_txn_init(as_txn* t, uint32_t reads_capacity, uint32_t writes_capacity);
void as_txn_destroy(as_txn* t);

/* Before a command on namespace ns: the transaction must be open, and all
 * its commands on one namespace. AS_ERR_PARAM with the reference's text. */
int as_txn_begin_command(as_txn* t, const char* ns, as_error* err);

/* Whether a write of this key needs the monitor told first (the key is not
 * among the transaction's writes yet). */
bool as_txn_needs_monitor(as_txn* t, const uint8_t* digest);

/* The field values for a command on this key. */
void as_txn_fields_for(as_txn* t, const uint8_t* digest, as_txn_fields* out);

/* Appends the transaction fields: id (when `what` has AS_TXN_PUT_ID), the
 * version when there is one, the deadline as `what` says. */
void as_txn_put_fields(as_msg_builder* mb, const as_txn_fields* f, int what);

/* A reply to a command of the transaction on this key: a read keeps the
 * version the server reported; a write that succeeded without one moves the
 * key to the writes, a reply with a version keeps it among the reads. */
void as_txn_on_reply(as_txn* t, const uint8_t* digest, const char* set, size_t set_len,
	bool is_write, const as_msg* m);

/* A write that may have been applied: the key goes to the writes. */
void as_txn_on_write_in_doubt(as_txn* t, const uint8_t* digest, const char* set, size_t set_len);

/* The version field of a reply; false when it has none. */
bool as_txn_reply_version(const as_msg* m, uint64_t* version);

/* Snapshots under the lock (for tests and the binding's attributes). */
int as_txn_state(as_txn* t);
bool as_txn_in_doubt(as_txn* t);
uint32_t as_txn_timeout(as_txn* t);
void as_txn_set_timeout(as_txn* t, uint32_t seconds);

/* Copies the keys of a set under the lock; the caller frees *out. */
bool as_txn_keys_copy(as_txn* t, bool writes, as_txn_key** out, size_t* n);

/* Key-set operations (no locking: the caller holds the lock). */
void as_txn_keys_init(as_txn_keys* k, uint32_t capacity);
void as_txn_keys_destroy(as_txn_keys* k);
as_txn_key* as_txn_keys_find(as_txn_keys* k, const uint8_t* digest);
bool as_txn_keys_put(as_txn_keys* k, const uint8_t* digest, const char* set, size_t set_len,
	uint64_t version);
void as_txn_keys_remove(as_txn_keys* k, const uint8_t* digest);

/* ---- network steps (as_txn_roll.c), run without the GIL --------------------- */

/* The policy of verify and roll commands: timeouts and retries, and the
 * batch parent flags (protocol.md 9a). */
typedef struct as_txn_policy {
	as_command_policy cmd;
	uint8_t batch_flags;
} as_txn_policy;

/* Tells the monitor record of the transaction about keys it is about to
 * write (one key: list append; a batch: append-items of every write row's
 * digest), creating the monitor on the first call. Keeps the deadline the
 * server answers. `p` is the command's own policy. */
int as_txn_monitor_add(as_cluster* c, as_txn* t, const as_command_policy* p, const uint8_t* digests,
	size_t n, bool batch, as_error* err);

/* Commits: *status gets an AS_COMMIT_* value; errors (verify failed, the
 * monitor could not be marked, already aborted) return non-zero. */
int as_txn_commit(as_cluster* c, as_txn* t, const as_txn_policy* verify, const as_txn_policy* roll,
	int* status, as_error* err);

/* Aborts: *status gets an AS_ABORT_* value; errors (already committed, a
 * commit in doubt) return non-zero. */
int as_txn_abort(as_cluster* c, as_txn* t, const as_txn_policy* roll, int* status, as_error* err);

#endif
