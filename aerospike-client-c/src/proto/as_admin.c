/*
 * as_admin.c: login messages of the security protocol and the password
 * hash (see as_admin.h). The hash is bcrypt with the fixed salt
 * $2a$10$7EqJtq98hPqEX7fNZaFWoO, computed by libcrypt.
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

static void put_field(as_buf* b, uint8_t id, const char* data)
{
	size_t n = strlen(data);
	as_buf_put_u32be(b, (uint32_t)n + 1);
	as_buf_put_u8(b, id);
	as_buf_put(b, data, n);
}

void as_admin_login_request(as_buf* b, const char* user, const char* credential)
{
	size_t start = b->len;
	uint8_t header[AS_ADMIN_HEADER_SIZE];
	memset(header, 0, sizeof(header));
	header[10] = AS_ADMIN_LOGIN;
	header[11] = 2; /* fields */
	as_buf_put(b, header, sizeof(header));
	put_field(b, AS_ADMIN_FIELD_USER, user);
	put_field(b, AS_ADMIN_FIELD_CREDENTIAL, credential);
	if (!b->oom) {
		as_proto_write_header(b->data + start, AS_PROTO_TYPE_ADMIN, b->len - start - 8);
	}
}

int as_admin_check_result(const uint8_t* header, as_error* err)
{
	uint8_t result = header[9];
	if (result == 0 || result == AS_SEC_NOT_ENABLED) {
		return 0;
	}
	return as_error_set(err, result, "Login failed: result %u", result);
}
