/*
 * as_admin.h: the security protocol (proto type 2, protocol.md 11). No I/O
 * here except as_admin_execute: the password hash, LOGIN, the encoders of
 * the user and role administration commands, the walk of a reply stream,
 * and the parsers of the QUERY_USERS / QUERY_ROLES records, which hand each
 * record to a callback as slices of the reply buffer.
 *
 * Callers: the cluster (LOGIN on every new connection when a user is
 * configured) and the binding's admin_* methods (encode a request under the
 * GIL, run as_admin_execute without it, parse the reply under it again).
 */
#ifndef AS_ADMIN_H
#define AS_ADMIN_H

#include <aerospike/as_buf.h>
#include <aerospike/as_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AS_ADMIN_HEADER_SIZE 24 /* proto header + 16 bytes */
#define AS_ADMIN_RECORD_HEADER_SIZE 16
#define AS_PASSWORD_HASH_SIZE 60
#define AS_ADMIN_NAME_MAX 63 /* users and passwords are shorter than 64 bytes */

/* Commands (byte 10 of a request). */
#define AS_ADMIN_AUTHENTICATE 0
#define AS_ADMIN_CREATE_USER 1
#define AS_ADMIN_DROP_USER 2
#define AS_ADMIN_SET_PASSWORD 3
#define AS_ADMIN_CHANGE_PASSWORD 4
#define AS_ADMIN_GRANT_ROLES 5
#define AS_ADMIN_REVOKE_ROLES 6
#define AS_ADMIN_QUERY_USERS 9
#define AS_ADMIN_CREATE_ROLE 10
#define AS_ADMIN_DROP_ROLE 11
#define AS_ADMIN_GRANT_PRIVILEGES 12
#define AS_ADMIN_REVOKE_PRIVILEGES 13
#define AS_ADMIN_SET_WHITELIST 14
#define AS_ADMIN_SET_QUOTAS 15
#define AS_ADMIN_QUERY_ROLES 16
#define AS_ADMIN_LOGIN 20

/* Field ids. */
#define AS_ADMIN_FIELD_USER 0
#define AS_ADMIN_FIELD_PASSWORD 1
#define AS_ADMIN_FIELD_OLD_PASSWORD 2
#define AS_ADMIN_FIELD_CREDENTIAL 3
#define AS_ADMIN_FIELD_CLEAR_PASSWORD 4
#define AS_ADMIN_FIELD_SESSION_TOKEN 5
#define AS_ADMIN_FIELD_SESSION_TTL 6
#define AS_ADMIN_FIELD_ROLES 10
#define AS_ADMIN_FIELD_ROLE 11
#define AS_ADMIN_FIELD_PRIVILEGES 12
#define AS_ADMIN_FIELD_WHITELIST 13
#define AS_ADMIN_FIELD_READ_QUOTA 14
#define AS_ADMIN_FIELD_WRITE_QUOTA 15
#define AS_ADMIN_FIELD_READ_INFO 16
#define AS_ADMIN_FIELD_WRITE_INFO 17
#define AS_ADMIN_FIELD_CONNECTIONS 18

/* Result codes with a meaning of their own in this protocol. */
#define AS_SEC_QUERY_END 50
#define AS_SEC_NOT_SUPPORTED 51
#define AS_SEC_NOT_ENABLED 52

/* Privilege codes (aerospike.PRIV_*). Codes from READ up carry a
 * namespace and set scope on the wire; the others are global. */
#define AS_PRIV_USER_ADMIN 0
#define AS_PRIV_SYS_ADMIN 1
#define AS_PRIV_DATA_ADMIN 2
#define AS_PRIV_UDF_ADMIN 3
#define AS_PRIV_SINDEX_ADMIN 4
#define AS_PRIV_READ 10
#define AS_PRIV_READ_WRITE 11
#define AS_PRIV_READ_WRITE_UDF 12
#define AS_PRIV_WRITE 13
#define AS_PRIV_TRUNCATE 14

/* The oldest server that knows PKI users. */
#define AS_ADMIN_PKI_MIN_VERSION "8.1.0.0"

/* ---- login ------------------------------------------------------------ */

/* bcrypt of the password with the protocol's fixed salt ("$2a$10$..."),
 * written NUL-terminated into out (at least 61 bytes). */
bool as_password_hash(const char* password, char* out, as_error* err);

/* Appends a LOGIN request for user with the password hash. */
void as_admin_login_request(as_buf* b, const char* user, const char* credential);

/* Checks the result byte of an admin reply header: 0 for success or a
 * server without security (52), else the code with err filled. */
int as_admin_check_result(const uint8_t* header, as_error* err);

/* ---- requests ---------------------------------------------------------- */

/* A privilege to encode. ns and set may be NULL or "" (no scope). */
typedef struct as_privilege {
	int code;
	const char* ns;
	const char* set;
} as_privilege;

/*
 * Each encoder appends one whole request (proto header included) to b and
 * returns 0, or AS_ERR_PARAM with err filled when an argument cannot be
 * encoded: a name longer than the protocol allows, more than 255 roles or
 * privileges, a scope on a global privilege. Password arguments are
 * hashes (as_password_hash). Lists may be empty (n = 0, pointer unused).
 * On an error b may hold a partial request; callers discard it.
 */
int as_admin_create_user(as_buf* b, const char* user, const char* hash, const char* const* roles,
	uint32_t n_roles, as_error* err);
int as_admin_drop_user(as_buf* b, const char* user, as_error* err);
int as_admin_set_password(as_buf* b, const char* user, const char* hash, as_error* err);
int as_admin_change_password(as_buf* b, const char* user, const char* old_hash, const char* hash,
	as_error* err);
int as_admin_grant_roles(as_buf* b, const char* user, const char* const* roles, uint32_t n_roles,
	as_error* err);
int as_admin_revoke_roles(as_buf* b, const char* user, const char* const* roles, uint32_t n_roles,
	as_error* err);
/* user NULL: every user. */
int as_admin_query_users(as_buf* b, const char* user, as_error* err);

/* The privileges field is left out when n_privs is 0, the whitelist when
 * n_whitelist is 0, and each quota unless it is above 0 (as the reference
 * client does). */
int as_admin_create_role(as_buf* b, const char* role, const as_privilege* privs, uint32_t n_privs,
	const char* const* whitelist, uint32_t n_whitelist, int32_t read_quota, int32_t write_quota,
	as_error* err);
int as_admin_drop_role(as_buf* b, const char* role, as_error* err);
int as_admin_grant_privileges(as_buf* b, const char* role, const as_privilege* privs,
	uint32_t n_privs, as_error* err);
int as_admin_revoke_privileges(as_buf* b, const char* role, const as_privilege* privs,
	uint32_t n_privs, as_error* err);
/* n_whitelist 0 clears the role's whitelist. */
int as_admin_set_whitelist(as_buf* b, const char* role, const char* const* whitelist,
	uint32_t n_whitelist, as_error* err);
/* Both quotas are always sent (as 32-bit values; negative ones wrap). */
int as_admin_set_quotas(as_buf* b, const char* role, int32_t read_quota, int32_t write_quota,
	as_error* err);
/* role NULL: every role. */
int as_admin_query_roles(as_buf* b, const char* role, as_error* err);

/* ---- replies ------------------------------------------------------------ */

/* The name of a result code as the reference client reports it
 * ("AEROSPIKE_INVALID_USER"), or NULL for a code it does not name. */
const char* as_admin_result_name(int code);

/* Fills err for a nonzero result code of an admin reply and returns it. */
int as_admin_result_error(int code, as_error* err);

/* Walks the records of one reply body (16-byte header, then fields each).
 * Returns the result of the first record whose result is not 0 (QUERY_END
 * for a finished query stream), 0 when every record succeeded (more
 * messages follow), or -1 when the body is malformed. */
int as_admin_scan(const uint8_t* body, size_t len);

/* A slice of the reply buffer; not NUL-terminated. */
typedef struct as_admin_slice {
	const char* ptr;
	uint32_t len;
} as_admin_slice;

#define AS_ADMIN_LIST_MAX 255 /* counts are one byte on the wire */

typedef struct as_admin_user {
	as_admin_slice name;
	uint32_t n_roles;
	as_admin_slice roles[AS_ADMIN_LIST_MAX];
	int32_t n_read_info; /* -1 when the field is absent */
	uint32_t read_info[AS_ADMIN_LIST_MAX];
	int32_t n_write_info;
	uint32_t write_info[AS_ADMIN_LIST_MAX];
	uint32_t conns_in_use;
} as_admin_user;

typedef struct as_admin_privilege {
	uint8_t code;
	as_admin_slice ns; /* empty for a global privilege */
	as_admin_slice set;
} as_admin_privilege;

typedef struct as_admin_role {
	as_admin_slice name;
	uint32_t n_privileges;
	as_admin_privilege privileges[AS_ADMIN_LIST_MAX];
	as_admin_slice whitelist; /* addresses joined by commas; see as_admin_whitelist_next */
	uint32_t read_quota;
	uint32_t write_quota;
} as_admin_role;

/* A callback returns 0 to go on; any other value stops the parse, which
 * returns that value (err untouched, the callback reports its own error). */
typedef int (*as_admin_user_fn)(const as_admin_user* user, void* udata);
typedef int (*as_admin_role_fn)(const as_admin_role* role, void* udata);

/*
 * Parse the records of a query reply: `data` holds the bodies of the
 * reply's messages back to back (as as_admin_execute leaves them). Each
 * successful record goes to fn; the parse stops at QUERY_END and returns 0,
 * or at a record with another nonzero result and returns it with err
 * filled. A malformed record returns AS_ERR_CLIENT.
 */
int as_admin_parse_users(const uint8_t* data, size_t len, as_admin_user_fn fn, void* udata,
	as_error* err);
int as_admin_parse_roles(const uint8_t* data, size_t len, as_admin_role_fn fn, void* udata,
	as_error* err);

/* Iterates the comma-separated entries of a whitelist: *pos starts at 0;
 * each call yields the next entry (empty entries are skipped). Returns
 * false at the end. */
bool as_admin_whitelist_next(as_admin_slice whitelist, uint32_t* pos, as_admin_slice* item);

/* Compares two dotted version strings ("8.1.2.0") numerically, part by
 * part; a missing part counts as 0. Returns <0, 0 or >0. */
int as_admin_version_cmp(const char* a, const char* b);

/* ---- execution ------------------------------------------------------------ */

struct as_cluster;

typedef struct as_admin_policy {
	uint32_t timeout_ms;     /* 0: no deadline */
	bool query;              /* the reply is a record stream ended by QUERY_END */
	const char* min_version; /* NULL, or the oldest server build the command needs */
} as_admin_policy;

/*
 * Sends one admin request to a node of the cluster, on a pooled connection
 * (which has logged in like any other), and reads the reply. A command's
 * nonzero result is returned with err filled. For a query, the bodies of
 * the reply's messages are appended to resp (for as_admin_parse_*) until
 * a record ends the stream; a result other than QUERY_END is returned as
 * an error. With min_version set, the node's build is asked first and an
 * older node fails with AS_ERR_CLIENT. Blocks: call without the GIL.
 */
int as_admin_execute(struct as_cluster* c, const uint8_t* req, size_t len,
	const as_admin_policy* policy, as_buf* resp, as_error* err);

#endif
