/*
 * test_admin.c: the security protocol's messages (as_admin.h) without a
 * server. Request goldens are the bytes the reference client (wheel 19.3,
 * C client 7.x) sent for the same calls, captured at a secured emulator;
 * reply tests feed record streams (protocol.md 11) to the parsers,
 * including split, truncated and unknown-field cases.
 */
#include "as_test.h"
#include <aerospike/as_admin.h>
#include <stdio.h>
#include <stdlib.h>

/* The hash the captured create_user carried (bcrypt of "pw1"). */
#define HASH_PW1 "$2a$10$7EqJtq98hPqEX7fNZaFWoOdZ84ogg/FmYiH/vL4qjZ.UcZHP/hlmi"

static as_buf buf;
static uint8_t storage[1024];
static as_error err;

static void reset(void)
{
	as_buf_init(&buf, storage, sizeof(storage));
	as_error_reset(&err);
}

/* ---- requests ------------------------------------------------------------- */

TEST(create_user_golden)
{
	reset();
	const char* roles[] = {"read"};
	ASSERT_EQ(as_admin_create_user(&buf, "u1", HASH_PW1, roles, 1, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000063 00000103 000000000000000000000000"
		"00000003 00 7531"
		"0000003d 01 243261243130243745714a74713938685071455837664e5a6146576f4f645a38346f67672f"
		"466d5969482f764c34716a5a2e55635a48502f686c6d69"
		"00000007 0a 01 04 72656164");
	as_buf_destroy(&buf);
}

TEST(create_user_without_roles_sends_an_empty_roles_field)
{
	reset();
	ASSERT_EQ(as_admin_create_user(&buf, "u2", HASH_PW1, NULL, 0, &err), 0);
	/* The last field: size 2, id 10, count 0. */
	ASSERT_HEX_EQ(buf.data + buf.len - 6, 6, "00000002 0a 00");
	ASSERT_EQ(buf.data[11], 3);
	as_buf_destroy(&buf);
}

TEST(user_commands_golden)
{
	reset();
	ASSERT_EQ(as_admin_drop_user(&buf, "u2", &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000017 00000201 000000000000000000000000 00000003 00 7532");
	reset();
	const char* two[] = {"r1", "r2"};
	ASSERT_EQ(as_admin_grant_roles(&buf, "u1", two, 2, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000023 00000502 000000000000000000000000 00000003 00 7531"
		"00000008 0a 02 02 7231 02 7232");
	reset();
	ASSERT_EQ(as_admin_revoke_roles(&buf, "u1", two + 1, 1, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000020 00000602 000000000000000000000000 00000003 00 7531"
		"00000005 0a 01 02 7232");
	reset();
	ASSERT_EQ(as_admin_query_users(&buf, "u1", &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000017 00000901 000000000000000000000000 00000003 00 7531");
	reset();
	ASSERT_EQ(as_admin_query_users(&buf, NULL, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len, "0202000000000010 00000900 000000000000000000000000");
}

TEST(passwords)
{
	reset();
	ASSERT_EQ(as_admin_set_password(&buf, "u1", HASH_PW1, &err), 0);
	ASSERT_EQ(buf.len, 8 + 16 + 7 + 65);
	ASSERT_HEX_EQ(buf.data, 31,
		"0202000000000058 00000302 000000000000000000000000 00000003 00 7531");
	ASSERT_HEX_EQ(buf.data + 31, 5, "0000003d 01");
	reset();
	ASSERT_EQ(as_admin_change_password(&buf, "admin", HASH_PW1, HASH_PW1, &err), 0);
	/* USER, then OLD_PASSWORD (2), then PASSWORD (1). */
	ASSERT_HEX_EQ(buf.data + 8, 16, "00000403 000000000000000000000000");
	ASSERT_HEX_EQ(buf.data + 24, 10, "00000006 00 61646d696e");
	ASSERT_HEX_EQ(buf.data + 34, 5, "0000003d 02");
	ASSERT_HEX_EQ(buf.data + 34 + 65, 5, "0000003d 01");
	ASSERT_EQ(buf.len, 34 + 65 + 65);
}

TEST(long_names_are_refused)
{
	reset();
	char user[80];
	memset(user, 'x', 64);
	user[64] = '\0';
	ASSERT_EQ(as_admin_drop_user(&buf, user, &err), AS_ERR_PARAM);
	ASSERT_STR_EQ(err.message, "Max user length 63 exceeded: 64");
	user[63] = '\0';
	reset();
	ASSERT_EQ(as_admin_drop_user(&buf, user, &err), 0);
	char role[300];
	memset(role, 'r', 256);
	role[256] = '\0';
	const char* roles[] = {role};
	reset();
	ASSERT_EQ(as_admin_grant_roles(&buf, "u", roles, 1, &err), AS_ERR_PARAM);
}

TEST(create_role_golden)
{
	reset();
	as_privilege privs[] = {{AS_PRIV_READ, "test", "demo"}, {AS_PRIV_SYS_ADMIN, NULL, NULL}};
	const char* wl[] = {"127.0.0.1", "10.0.0.0/8"};
	ASSERT_EQ(as_admin_create_role(&buf, "r1", privs, 2, wl, 2, 10, 20, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000054 00000a05 000000000000000000000000"
		"00000003 0b 7231"
		"0000000e 0c 02 0a 04 74657374 04 64656d6f 01"
		"00000015 0d 3132372e302e302e312c31302e302e302e302f38"
		"00000005 0e 0000000a"
		"00000005 0f 00000014");
}

TEST(create_role_leaves_out_empty_parts)
{
	reset();
	as_privilege privs[] = {{AS_PRIV_WRITE, "test", NULL}};
	ASSERT_EQ(as_admin_create_role(&buf, "r2", privs, 1, NULL, 0, 0, -1, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000024 00000a02 000000000000000000000000 00000003 0b 7232"
		"00000009 0c 01 0d 04 74657374 00");
	reset();
	ASSERT_EQ(as_admin_create_role(&buf, "r0", NULL, 0, NULL, 0, 0, 0, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000017 00000a01 000000000000000000000000 00000003 0b 7230");
}

TEST(role_commands_golden)
{
	reset();
	as_privilege trunc[] = {{AS_PRIV_TRUNCATE, NULL, ""}};
	ASSERT_EQ(as_admin_grant_privileges(&buf, "r2", trunc, 1, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000020 00000c02 000000000000000000000000 00000003 0b 7232 00000005 0c 01 0e 00 "
		"00");
	reset();
	ASSERT_EQ(as_admin_revoke_privileges(&buf, "r2", trunc, 1, &err), 0);
	ASSERT_EQ(buf.data[10], AS_ADMIN_REVOKE_PRIVILEGES);
	reset();
	const char* wl[] = {"1.2.3.4"};
	ASSERT_EQ(as_admin_set_whitelist(&buf, "r2", wl, 1, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000023 00000e02 000000000000000000000000 00000003 0b 7232 00000008 0d "
		"312e322e332e34");
	reset();
	ASSERT_EQ(as_admin_set_whitelist(&buf, "r2", NULL, 0, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000017 00000e01 000000000000000000000000 00000003 0b 7232");
	reset();
	ASSERT_EQ(as_admin_set_quotas(&buf, "r2", 5, 6, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000029 00000f03 000000000000000000000000 00000003 0b 7232"
		"00000005 0e 00000005 00000005 0f 00000006");
	reset();
	ASSERT_EQ(as_admin_set_quotas(&buf, "r2", 7, -1, &err), 0);
	ASSERT_HEX_EQ(buf.data + buf.len - 9, 9, "00000005 0f ffffffff");
	reset();
	ASSERT_EQ(as_admin_drop_role(&buf, "r2", &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len,
		"0202000000000017 00000b01 000000000000000000000000 00000003 0b 7232");
	reset();
	ASSERT_EQ(as_admin_query_roles(&buf, NULL, &err), 0);
	ASSERT_HEX_EQ(buf.data, buf.len, "0202000000000010 00001000 000000000000000000000000");
}

TEST(scoped_global_privilege_is_refused)
{
	reset();
	as_privilege bad[] = {{AS_PRIV_SYS_ADMIN, "test", NULL}};
	ASSERT_EQ(as_admin_grant_privileges(&buf, "r", bad, 1, &err), AS_ERR_PARAM);
	ASSERT_STR_EQ(err.message, "Admin privilege has namespace/set scope which is invalid.");
	reset();
	as_privilege code[] = {{300, NULL, NULL}};
	ASSERT_EQ(as_admin_grant_privileges(&buf, "r", code, 1, &err), AS_ERR_PARAM);
}

TEST(requests_grow_past_the_stack_buffer)
{
	as_buf_init(&buf, storage, 16);
	as_error_reset(&err);
	const char* roles[200];
	for (int i = 0; i < 200; i++) {
		roles[i] = "read-write-udf";
	}
	ASSERT_EQ(as_admin_create_user(&buf, "u", HASH_PW1, roles, 200, &err), 0);
	ASSERT_TRUE(buf.heap);
	ASSERT_EQ(buf.len, 8 + 16 + 6 + 65 + 5 + 1 + 200 * 15);
	ASSERT_EQ(as_read_u64be(buf.data) & 0xffffffffffffull, buf.len - 8);
	as_buf_destroy(&buf);
	const char* too_many[256];
	for (int i = 0; i < 256; i++) {
		too_many[i] = "r";
	}
	reset();
	ASSERT_EQ(as_admin_grant_roles(&buf, "u", too_many, 256, &err), AS_ERR_PARAM);
	as_buf_destroy(&buf);
}

/* ---- replies ----------------------------------------------------------------- */

static uint8_t reply[4096];

static size_t unhex(const char* hex)
{
	long n = as_test_unhex(hex, reply, sizeof(reply));
	ASSERT_TRUE(n >= 0);
	return (size_t)n;
}

/* A user record for "u1" with role "read", info [1,2,3,4] / [5,6,7,8] and
 * 3 connections, then the QUERY_END record. */
#define USER_U1                                                                                    \
	"00000005 000000000000000000000000"                                                            \
	"00000003 00 7531"                                                                             \
	"00000007 0a 01 04 72656164"                                                                   \
	"00000012 10 04 00000001 00000002 00000003 00000004"                                           \
	"00000012 11 04 00000005 00000006 00000007 00000008"                                           \
	"00000005 12 00000003"
#define QUERY_END "00320000 000000000000000000000000"

typedef struct seen {
	int count;
	char names[8][64];
	char text[8][256];
} seen;

static void slice_copy(char* out, size_t cap, as_admin_slice s)
{
	snprintf(out, cap, "%.*s", (int)s.len, s.ptr);
}

static int on_user(const as_admin_user* u, void* udata)
{
	seen* s = udata;
	int i = s->count++;
	slice_copy(s->names[i], sizeof(s->names[i]), u->name);
	char* t = s->text[i];
	size_t cap = sizeof(s->text[i]);
	int n = snprintf(t, cap, "roles=");
	for (uint32_t r = 0; r < u->n_roles; r++) {
		n += snprintf(t + n, cap - (size_t)n, "%s%.*s", r ? "," : "", (int)u->roles[r].len,
			u->roles[r].ptr);
	}
	n += snprintf(t + n, cap - (size_t)n, " read=%d:", (int)u->n_read_info);
	for (int32_t r = 0; r < u->n_read_info; r++) {
		n += snprintf(t + n, cap - (size_t)n, "%u.", u->read_info[r]);
	}
	n += snprintf(t + n, cap - (size_t)n, " write=%d:", (int)u->n_write_info);
	for (int32_t r = 0; r < u->n_write_info; r++) {
		n += snprintf(t + n, cap - (size_t)n, "%u.", u->write_info[r]);
	}
	snprintf(t + n, cap - (size_t)n, " conns=%u", u->conns_in_use);
	return 0;
}

TEST(parse_one_user)
{
	as_error_reset(&err);
	size_t n = unhex(USER_U1 QUERY_END);
	seen s = {0};
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), 0);
	ASSERT_EQ(s.count, 1);
	ASSERT_STR_EQ(s.names[0], "u1");
	ASSERT_STR_EQ(s.text[0], "roles=read read=4:1.2.3.4. write=4:5.6.7.8. conns=3");
	ASSERT_EQ(as_admin_scan(reply, n), AS_SEC_QUERY_END);
	/* The user record alone: the stream goes on. */
	ASSERT_EQ(as_admin_scan(reply, n - 16), 0);
}

TEST(parse_users_over_several_messages_and_bare_records)
{
	as_error_reset(&err);
	/* Two messages' bodies back to back; the second user has only a name
	 * and a field id this client does not know (99). */
	size_t n = unhex(USER_U1 "00000002 000000000000000000000000"
							 "00000004 00 626172"
							 "00000003 63 ffff" QUERY_END);
	seen s = {0};
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), 0);
	ASSERT_EQ(s.count, 2);
	ASSERT_STR_EQ(s.names[1], "bar");
	ASSERT_STR_EQ(s.text[1], "roles= read=-1: write=-1: conns=0");
}

TEST(parse_error_record)
{
	as_error_reset(&err);
	size_t n = unhex("003c0000 000000000000000000000000");
	seen s = {0};
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), 60);
	ASSERT_EQ(err.code, 60);
	ASSERT_STR_EQ(err.message, "AEROSPIKE_INVALID_USER");
	ASSERT_EQ(s.count, 0);
	ASSERT_EQ(as_admin_scan(reply, n), 60);
}

TEST(parse_malformed_users)
{
	seen s = {0};
	/* A field that runs past the end. */
	size_t n = unhex("00000001 000000000000000000000000 00000010 00 7531");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), AS_ERR_CLIENT);
	ASSERT_EQ(as_admin_scan(reply, n), -1);
	/* A roles count larger than the field. */
	n = unhex("00000001 000000000000000000000000 00000004 0a 02 01 61");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), AS_ERR_CLIENT);
	/* Info values cut short. */
	n = unhex("00000001 000000000000000000000000 00000006 10 02 00000001");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), AS_ERR_CLIENT);
	/* A header cut short. */
	n = unhex("00000001 0000");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_users(reply, n, on_user, &s, &err), AS_ERR_CLIENT);
	ASSERT_EQ(s.count, 0);
	/* A field of size 0 (no room for its id). */
	n = unhex("00000001 000000000000000000000000 00000000");
	ASSERT_EQ(as_admin_scan(reply, n), -1);
}

static int stop_at_first(const as_admin_user* u, void* udata)
{
	(void)u;
	(*(int*)udata)++;
	return 7;
}

TEST(callback_stops_the_parse)
{
	as_error_reset(&err);
	size_t n = unhex(USER_U1 USER_U1 QUERY_END);
	int calls = 0;
	ASSERT_EQ(as_admin_parse_users(reply, n, stop_at_first, &calls, &err), 7);
	ASSERT_EQ(calls, 1);
}

static int on_role(const as_admin_role* r, void* udata)
{
	seen* s = udata;
	int i = s->count++;
	slice_copy(s->names[i], sizeof(s->names[i]), r->name);
	char* t = s->text[i];
	size_t cap = sizeof(s->text[i]);
	int n = 0;
	for (uint32_t p = 0; p < r->n_privileges; p++) {
		const as_admin_privilege* v = &r->privileges[p];
		n += snprintf(t + n, cap - (size_t)n, "%u:%.*s:%.*s ", v->code, (int)v->ns.len, v->ns.ptr,
			(int)v->set.len, v->set.ptr);
	}
	n += snprintf(t + n, cap - (size_t)n, "wl=");
	uint32_t pos = 0;
	as_admin_slice item;
	while (as_admin_whitelist_next(r->whitelist, &pos, &item)) {
		n += snprintf(t + n, cap - (size_t)n, "[%.*s]", (int)item.len, item.ptr);
	}
	snprintf(t + n, cap - (size_t)n, " q=%u/%u", r->read_quota, r->write_quota);
	return 0;
}

TEST(parse_roles)
{
	as_error_reset(&err);
	size_t n = unhex(
		/* r1: read on test/demo, sys-admin; a whitelist; quotas 10/20. */
		"00000005 000000000000000000000000"
		"00000003 0b 7231"
		"0000000e 0c 02 0a 04 74657374 04 64656d6f 01"
		"00000015 0d 3132372e302e302e312c31302e302e302e302f38"
		"00000005 0e 0000000a"
		"00000005 0f 00000014"
		/* read: a global read privilege, no whitelist, no quota fields. */
		"00000002 000000000000000000000000"
		"00000005 0b 72656164"
		"00000005 0c 01 0a 00 00" QUERY_END);
	seen s = {0};
	ASSERT_EQ(as_admin_parse_roles(reply, n, on_role, &s, &err), 0);
	ASSERT_EQ(s.count, 2);
	ASSERT_STR_EQ(s.names[0], "r1");
	ASSERT_STR_EQ(s.text[0], "10:test:demo 1:: wl=[127.0.0.1][10.0.0.0/8] q=10/20");
	ASSERT_STR_EQ(s.names[1], "read");
	ASSERT_STR_EQ(s.text[1], "10:: wl= q=0/0");
}

TEST(parse_malformed_roles)
{
	seen s = {0};
	/* A scoped privilege without its set. */
	size_t n = unhex("00000001 000000000000000000000000 00000005 0c 01 0a 01 61");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_roles(reply, n, on_role, &s, &err), AS_ERR_CLIENT);
	/* A quota of the wrong size. */
	n = unhex("00000001 000000000000000000000000 00000003 0e 0001");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_roles(reply, n, on_role, &s, &err), AS_ERR_CLIENT);
	ASSERT_EQ(s.count, 0);
	/* The role error of a query for an unknown role. */
	n = unhex("00460000 000000000000000000000000");
	as_error_reset(&err);
	ASSERT_EQ(as_admin_parse_roles(reply, n, on_role, &s, &err), 70);
	ASSERT_STR_EQ(err.message, "AEROSPIKE_INVALID_ROLE");
}

TEST(whitelist_entries)
{
	const char* text = ",a,,bb,";
	as_admin_slice wl = {text, (uint32_t)strlen(text)};
	uint32_t pos = 0;
	as_admin_slice item;
	ASSERT_TRUE(as_admin_whitelist_next(wl, &pos, &item));
	ASSERT_MEM_EQ(item.ptr, item.len, "a", 1);
	ASSERT_TRUE(as_admin_whitelist_next(wl, &pos, &item));
	ASSERT_MEM_EQ(item.ptr, item.len, "bb", 2);
	ASSERT_FALSE(as_admin_whitelist_next(wl, &pos, &item));
	as_admin_slice empty = {"", 0};
	pos = 0;
	ASSERT_FALSE(as_admin_whitelist_next(empty, &pos, &item));
}

TEST(result_names)
{
	ASSERT_STR_EQ(as_admin_result_name(61), "AEROSPIKE_USER_ALREADY_EXISTS");
	ASSERT_STR_EQ(as_admin_result_name(51), "AEROSPIKE_SECURITY_NOT_SUPPORTED");
	ASSERT_NULL(as_admin_result_name(99));
	as_error_reset(&err);
	ASSERT_EQ(as_admin_result_error(99, &err), 99);
	ASSERT_STR_EQ(err.message, "Admin command failed: result 99");
}

TEST(version_compare)
{
	ASSERT_EQ(as_admin_version_cmp("8.1.2.0", AS_ADMIN_PKI_MIN_VERSION), 1);
	ASSERT_EQ(as_admin_version_cmp("8.1.0.0", "8.1.0.0"), 0);
	ASSERT_EQ(as_admin_version_cmp("8.1", "8.1.0.0"), 0);
	ASSERT_EQ(as_admin_version_cmp("7.0.0.0", "8.1.0.0"), -1);
	ASSERT_EQ(as_admin_version_cmp("10.0.0.1", "8.1.0.0"), 1);
	ASSERT_EQ(as_admin_version_cmp("8.0.99", "8.1"), -1);
}

TEST(login_request_layout)
{
	reset();
	as_admin_login_request(&buf, "u", HASH_PW1);
	ASSERT_HEX_EQ(buf.data, 30,
		"0202000000000057 00001402 000000000000000000000000 00000002 00 75");
	ASSERT_HEX_EQ(buf.data + 30, 5, "0000003d 03");
	uint8_t header[24] = {0};
	header[9] = 62;
	ASSERT_EQ(as_admin_check_result(header, &err), 62);
	header[9] = AS_SEC_NOT_ENABLED;
	ASSERT_EQ(as_admin_check_result(header, &err), 0);
}
