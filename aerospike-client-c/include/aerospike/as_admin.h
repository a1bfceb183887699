/*
 * as_admin.h: the security protocol (proto type 2, protocol.md 11) as far
 * as a client needs it to log in: the password hash, the LOGIN request,
 * and the check of its reply. Callers: the cluster, on every new
 * connection when a user is configured.
 */
#ifndef AS_ADMIN_H
#define AS_ADMIN_H

#include <aerospike/as_buf.h>
#include <aerospike/as_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AS_ADMIN_HEADER_SIZE 24 /* proto header + 16 bytes */
#define AS_ADMIN_LOGIN 20
#define AS_ADMIN_FIELD_USER 0
#define AS_ADMIN_FIELD_CREDENTIAL 3
#define AS_SEC_NOT_ENABLED 52
#define AS_PASSWORD_HASH_SIZE 60

/* bcrypt of the password with the protocol's fixed salt ("$2a$10$..."),
 * written NUL-terminated into out (at least 61 bytes). */
bool as_password_hash(const char* password, char* out, as_error* err);

/* Appends a LOGIN request for user with the password hash. */
void as_admin_login_request(as_buf* b, const char* user, const char* credential);

/* Checks the result byte of an admin reply header: 0 for success or a
 * server without security (52), else the code with err filled. */
int as_admin_check_result(const uint8_t* header, as_error* err);

#endif
