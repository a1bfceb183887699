/*
 * as_admin.c: the messages of the security protocol (see as_admin.h),
 * without I/O: the password hash (bcrypt with the fixed salt
 * $2a$10$7EqJtq98hPqEX7fNZaFWoO, computed by libcrypt), LOGIN, the user
 * and role administration requests, and the walk and parse of replies.
 * The executor that sends them is src/command/as_admin_exec.c.
 */
#include <aerospike/as_admin.h>
#include <aerospike/as_proto.h>
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#define AS_PASSWORD_SALT "$2a$10$7EqJtq98hPqEX7fNZaFWoO"

bool as_password_hash(const char* password, char* out, as_error* err)
{
	struct crypt_data* data = calloc(1, sizeof(struct crypt_data));
	if (!data) {
		as_error_set(err, AS_ERR_CLIENT, "Out of memory");
		return false;
	}
#ifdef CRYPT_OUTPUT_SIZE
	/* libxcrypt: crypt_rn takes the buffer size and is not intercepted by
	 * sanitizers (whose crypt_r hook assumes glibc's older struct). */
	const char* hash = crypt_rn(password, AS_PASSWORD_SALT, data, (int)sizeof(*data));
#else
	const char* hash = crypt_r(password, AS_PASSWORD_SALT, data);
#endif
	bool ok = hash && hash[0] == '$' && strlen(hash) == AS_PASSWORD_HASH_SIZE;
	if (ok) {
		memcpy(out, hash, AS_PASSWORD_HASH_SIZE + 1);
	}
	else {
		as_error_set(err, AS_ERR_CLIENT, "Failed to hash the password (bcrypt unavailable)");
	}
	free(data);
	return ok;
}

/* ---- request layout ------------------------------------------------------ */

/* Starts a request: room for the proto header, then the 16-byte admin
 * header with the command and the field count. Returns the start offset
 * for end_request. */
static size_t begin_request(as_buf* b, uint8_t command, uint8_t n_fields)
{
	size_t start = b->len;
	uint8_t header[AS_ADMIN_HEADER_SIZE];
	memset(header, 0, sizeof(header));
	header[10] = command;
	header[11] = n_fields;
	as_buf_put(b, header, sizeof(header));
	return start;
}

/* Writes the proto header once the request's size is known. */
static void end_request(as_buf* b, size_t start)
{
	if (!b->oom) {
		as_proto_write_header(b->data + start, AS_PROTO_TYPE_ADMIN, b->len - start - 8);
	}
}

static void field_header(as_buf* b, uint8_t id, size_t len)
{
	as_buf_put_u32be(b, (uint32_t)len + 1);
	as_buf_put_u8(b, id);
}

static void put_field(as_buf* b, uint8_t id, const char* data)
{
	size_t n = strlen(data);
	field_header(b, id, n);
	as_buf_put(b, data, n);
}

static void put_u32_field(as_buf* b, uint8_t id, uint32_t v)
{
	field_header(b, id, 4);
	as_buf_put_u32be(b, v);
}

void as_admin_login_request(as_buf* b, const char* user, const char* credential)
{
	size_t start = begin_request(b, AS_ADMIN_LOGIN, 2);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_field(b, AS_ADMIN_FIELD_CREDENTIAL, credential);
	end_request(b, start);
}

int as_admin_check_result(const uint8_t* header, as_error* err)
{
	uint8_t result = header[9];
	if (result == 0 || result == AS_SEC_NOT_ENABLED) {
		return 0;
	}
	return as_error_set(err, result, "Login failed: result %u", result);
}

/* ---- argument checks ------------------------------------------------------ */

static int check_user(const char* user, as_error* err)
{
	size_t n = strlen(user);
	if (n > AS_ADMIN_NAME_MAX) {
		return as_error_set(err, AS_ERR_PARAM, "Max user length %d exceeded: %zu",
			AS_ADMIN_NAME_MAX, n);
	}
	return 0;
}

/* Role names, namespaces, sets and whitelist text: the bounds of the
 * protocol's one-byte lengths, and of a field. */
static int check_name(const char* what, const char* name, size_t max, as_error* err)
{
	size_t n = strlen(name);
	if (n > max) {
		return as_error_set(err, AS_ERR_PARAM, "%s is too long: %zu bytes (max %zu)", what, n, max);
	}
	return 0;
}

static int check_count(const char* what, uint32_t n, as_error* err)
{
	if (n > AS_ADMIN_LIST_MAX) {
		return as_error_set(err, AS_ERR_PARAM, "Too many %s: %u (max %d)", what, n,
			AS_ADMIN_LIST_MAX);
	}
	return 0;
}

static bool is_scoped(int code)
{
	return code >= AS_PRIV_READ;
}

static int check_privileges(const as_privilege* privs, uint32_t n, as_error* err)
{
	if (check_count("privileges", n, err)) {
		return err->code;
	}
	for (uint32_t i = 0; i < n; i++) {
		const as_privilege* p = &privs[i];
		if (p->code < 0 || p->code > 255) {
			return as_error_set(err, AS_ERR_PARAM, "Invalid privilege code: %d", p->code);
		}
		bool has_scope = (p->ns && *p->ns) || (p->set && *p->set);
		if (!is_scoped(p->code) && has_scope) {
			return as_error_set(err, AS_ERR_PARAM,
				"Admin privilege has namespace/set scope which is invalid.");
		}
		if ((p->ns && check_name("Privilege namespace", p->ns, 255, err)) ||
			(p->set && check_name("Privilege set", p->set, 255, err))) {
			return err->code;
		}
	}
	return 0;
}

static int check_roles(const char* const* roles, uint32_t n, as_error* err)
{
	if (check_count("roles", n, err)) {
		return err->code;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (check_name("Role name", roles[i], 255, err)) {
			return err->code;
		}
	}
	return 0;
}

/* ---- composite fields ------------------------------------------------------- */

static void put_short_string(as_buf* b, const char* s)
{
	size_t n = s ? strlen(s) : 0;
	as_buf_put_u8(b, (uint8_t)n);
	as_buf_put(b, s, n);
}

static void put_roles(as_buf* b, const char* const* roles, uint32_t n)
{
	size_t len = 1;
	for (uint32_t i = 0; i < n; i++) {
		len += 1 + strlen(roles[i]);
	}
	field_header(b, AS_ADMIN_FIELD_ROLES, len);
	as_buf_put_u8(b, (uint8_t)n);
	for (uint32_t i = 0; i < n; i++) {
		put_short_string(b, roles[i]);
	}
}

static void put_privileges(as_buf* b, const as_privilege* privs, uint32_t n)
{
	size_t len = 1;
	for (uint32_t i = 0; i < n; i++) {
		len += 1;
		if (is_scoped(privs[i].code)) {
			len += 2 + (privs[i].ns ? strlen(privs[i].ns) : 0) +
				(privs[i].set ? strlen(privs[i].set) : 0);
		}
	}
	field_header(b, AS_ADMIN_FIELD_PRIVILEGES, len);
	as_buf_put_u8(b, (uint8_t)n);
	for (uint32_t i = 0; i < n; i++) {
		as_buf_put_u8(b, (uint8_t)privs[i].code);
		if (is_scoped(privs[i].code)) {
			put_short_string(b, privs[i].ns);
			put_short_string(b, privs[i].set);
		}
	}
}

static void put_whitelist(as_buf* b, const char* const* addrs, uint32_t n)
{
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++) {
		len += strlen(addrs[i]) + (i ? 1 : 0);
	}
	field_header(b, AS_ADMIN_FIELD_WHITELIST, len);
	for (uint32_t i = 0; i < n; i++) {
		if (i) {
			as_buf_put_u8(b, ',');
		}
		as_buf_put(b, addrs[i], strlen(addrs[i]));
	}
}

static int finish(as_buf* b, size_t start, as_error* err)
{
	end_request(b, start);
	if (b->oom) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	return 0;
}

/* ---- user commands ------------------------------------------------------------ */

int as_admin_create_user(as_buf* b, const char* user, const char* hash, const char* const* roles,
	uint32_t n_roles, as_error* err)
{
	if (check_user(user, err) || check_roles(roles, n_roles, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_CREATE_USER, 3);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_field(b, AS_ADMIN_FIELD_PASSWORD, hash);
	put_roles(b, roles, n_roles);
	return finish(b, start, err);
}

int as_admin_drop_user(as_buf* b, const char* user, as_error* err)
{
	if (check_user(user, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_DROP_USER, 1);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	return finish(b, start, err);
}

int as_admin_set_password(as_buf* b, const char* user, const char* hash, as_error* err)
{
	if (check_user(user, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_SET_PASSWORD, 2);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_field(b, AS_ADMIN_FIELD_PASSWORD, hash);
	return finish(b, start, err);
}

int as_admin_change_password(as_buf* b, const char* user, const char* old_hash, const char* hash,
	as_error* err)
{
	if (check_user(user, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_CHANGE_PASSWORD, 3);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_field(b, AS_ADMIN_FIELD_OLD_PASSWORD, old_hash);
	put_field(b, AS_ADMIN_FIELD_PASSWORD, hash);
	return finish(b, start, err);
}

static int user_roles(as_buf* b, uint8_t command, const char* user, const char* const* roles,
	uint32_t n_roles, as_error* err)
{
	if (check_user(user, err) || check_roles(roles, n_roles, err)) {
		return err->code;
	}
	size_t start = begin_request(b, command, 2);
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_roles(b, roles, n_roles);
	return finish(b, start, err);
}

int as_admin_grant_roles(as_buf* b, const char* user, const char* const* roles, uint32_t n_roles,
	as_error* err)
{
	return user_roles(b, AS_ADMIN_GRANT_ROLES, user, roles, n_roles, err);
}

int as_admin_revoke_roles(as_buf* b, const char* user, const char* const* roles, uint32_t n_roles,
	as_error* err)
{
	return user_roles(b, AS_ADMIN_REVOKE_ROLES, user, roles, n_roles, err);
}

int as_admin_query_users(as_buf* b, const char* user, as_error* err)
{
	if (user && check_user(user, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_QUERY_USERS, user ? 1 : 0);
	if (user) {
		put_field(b, AS_ADMIN_FIELD_USER, user);
	}
	return finish(b, start, err);
}

/* ---- role commands ------------------------------------------------------------- */

static int check_role(const char* role, as_error* err)
{
	return check_name("Role name", role, 255, err);
}

static int check_whitelist(const char* const* addrs, uint32_t n, as_error* err)
{
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++) {
		len += strlen(addrs[i]) + 1;
	}
	if (len > AS_PROTO_SIZE_MAX / 2) {
		return as_error_set(err, AS_ERR_PARAM, "Whitelist is too long");
	}
	return 0;
}

int as_admin_create_role(as_buf* b, const char* role, const as_privilege* privs, uint32_t n_privs,
	const char* const* whitelist, uint32_t n_whitelist, int32_t read_quota, int32_t write_quota,
	as_error* err)
{
	if (check_role(role, err) || check_privileges(privs, n_privs, err) ||
		check_whitelist(whitelist, n_whitelist, err)) {
		return err->code;
	}
	uint8_t n_fields = 1 + (n_privs > 0) + (n_whitelist > 0) + (read_quota > 0) + (write_quota > 0);
	size_t start = begin_request(b, AS_ADMIN_CREATE_ROLE, n_fields);
	put_field(b, AS_ADMIN_FIELD_ROLE, role);
	if (n_privs > 0) {
		put_privileges(b, privs, n_privs);
	}
	if (n_whitelist > 0) {
		put_whitelist(b, whitelist, n_whitelist);
	}
	if (read_quota > 0) {
		put_u32_field(b, AS_ADMIN_FIELD_READ_QUOTA, (uint32_t)read_quota);
	}
	if (write_quota > 0) {
		put_u32_field(b, AS_ADMIN_FIELD_WRITE_QUOTA, (uint32_t)write_quota);
	}
	return finish(b, start, err);
}

int as_admin_drop_role(as_buf* b, const char* role, as_error* err)
{
	if (check_role(role, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_DROP_ROLE, 1);
	put_field(b, AS_ADMIN_FIELD_ROLE, role);
	return finish(b, start, err);
}

static int role_privileges(as_buf* b, uint8_t command, const char* role, const as_privilege* privs,
	uint32_t n_privs, as_error* err)
{
	if (check_role(role, err) || check_privileges(privs, n_privs, err)) {
		return err->code;
	}
	size_t start = begin_request(b, command, 2);
	put_field(b, AS_ADMIN_FIELD_ROLE, role);
	put_privileges(b, privs, n_privs);
	return finish(b, start, err);
}

int as_admin_grant_privileges(as_buf* b, const char* role, const as_privilege* privs,
	uint32_t n_privs, as_error* err)
{
	return role_privileges(b, AS_ADMIN_GRANT_PRIVILEGES, role, privs, n_privs, err);
}

int as_admin_revoke_privileges(as_buf* b, const char* role, const as_privilege* privs,
	uint32_t n_privs, as_error* err)
{
	return role_privileges(b, AS_ADMIN_REVOKE_PRIVILEGES, role, privs, n_privs, err);
}

int as_admin_set_whitelist(as_buf* b, const char* role, const char* const* whitelist,
	uint32_t n_whitelist, as_error* err)
{
	if (check_role(role, err) || check_whitelist(whitelist, n_whitelist, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_SET_WHITELIST, n_whitelist > 0 ? 2 : 1);
	put_field(b, AS_ADMIN_FIELD_ROLE, role);
	if (n_whitelist > 0) {
		put_whitelist(b, whitelist, n_whitelist);
	}
	return finish(b, start, err);
}

int as_admin_set_quotas(as_buf* b, const char* role, int32_t read_quota, int32_t write_quota,
	as_error* err)
{
	if (check_role(role, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_SET_QUOTAS, 3);
	put_field(b, AS_ADMIN_FIELD_ROLE, role);
	put_u32_field(b, AS_ADMIN_FIELD_READ_QUOTA, (uint32_t)read_quota);
	put_u32_field(b, AS_ADMIN_FIELD_WRITE_QUOTA, (uint32_t)write_quota);
	return finish(b, start, err);
}

int as_admin_query_roles(as_buf* b, const char* role, as_error* err)
{
	if (role && check_role(role, err)) {
		return err->code;
	}
	size_t start = begin_request(b, AS_ADMIN_QUERY_ROLES, role ? 1 : 0);
	if (role) {
		put_field(b, AS_ADMIN_FIELD_ROLE, role);
	}
	return finish(b, start, err);
}
