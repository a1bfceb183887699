/*
 * as_admin_reply.c: replies of the security protocol (see as_admin.h):
 * result names, the walk of a reply body's records, and the parsers of
 * the QUERY_USERS and QUERY_ROLES records (protocol.md 11), which hand
 * each record to a callback as slices of the caller's buffer. No I/O;
 * the executor (as_admin_exec.c) and the C tests feed them bytes.
 */
#include <aerospike/as_admin.h>
#include <stdlib.h>
#include <string.h>

/* ---- result codes ------------------------------------------------------- */

typedef struct result_name {
	int code;
	const char* name;
} result_name;

static const result_name RESULT_NAMES[] = {
	{1, "AEROSPIKE_ERR_SERVER"},
	{4, "AEROSPIKE_ERR_REQUEST_INVALID"},
	{AS_SEC_QUERY_END, "AEROSPIKE_QUERY_END"},
	{AS_SEC_NOT_SUPPORTED, "AEROSPIKE_SECURITY_NOT_SUPPORTED"},
	{AS_SEC_NOT_ENABLED, "AEROSPIKE_SECURITY_NOT_ENABLED"},
	{53, "AEROSPIKE_SECURITY_SCHEME_NOT_SUPPORTED"},
	{54, "AEROSPIKE_INVALID_COMMAND"},
	{55, "AEROSPIKE_INVALID_FIELD"},
	{56, "AEROSPIKE_ILLEGAL_STATE"},
	{60, "AEROSPIKE_INVALID_USER"},
	{61, "AEROSPIKE_USER_ALREADY_EXISTS"},
	{62, "AEROSPIKE_INVALID_PASSWORD"},
	{63, "AEROSPIKE_EXPIRED_PASSWORD"},
	{64, "AEROSPIKE_FORBIDDEN_PASSWORD"},
	{65, "AEROSPIKE_INVALID_CREDENTIAL"},
	{66, "AEROSPIKE_EXPIRED_SESSION"},
	{70, "AEROSPIKE_INVALID_ROLE"},
	{71, "AEROSPIKE_ROLE_ALREADY_EXISTS"},
	{72, "AEROSPIKE_INVALID_PRIVILEGE"},
	{73, "AEROSPIKE_INVALID_WHITELIST"},
	{74, "AEROSPIKE_QUOTAS_NOT_ENABLED"},
	{75, "AEROSPIKE_INVALID_QUOTA"},
	{80, "AEROSPIKE_NOT_AUTHENTICATED"},
	{81, "AEROSPIKE_ROLE_VIOLATION"},
	{82, "AEROSPIKE_NOT_WHITELISTED"},
	{83, "AEROSPIKE_QUOTA_EXCEEDED"},
};

const char* as_admin_result_name(int code)
{
	for (size_t i = 0; i < sizeof(RESULT_NAMES) / sizeof(RESULT_NAMES[0]); i++) {
		if (RESULT_NAMES[i].code == code) {
			return RESULT_NAMES[i].name;
		}
	}
	return NULL;
}

int as_admin_result_error(int code, as_error* err)
{
	const char* name = as_admin_result_name(code);
	if (name) {
		return as_error_set(err, code, "%s", name);
	}
	return as_error_set(err, code, "Admin command failed: result %d", code);
}

/* ---- records ------------------------------------------------------------- */

/* One record of a reply: its result and its fields' extent. */
typedef struct record {
	uint8_t result;
	uint8_t n_fields;
	const uint8_t* fields;
	size_t fields_len;
} record;

/* Reads the record at *pos and moves past it. Returns false when the
 * bytes end inside it. */
static bool next_record(const uint8_t* data, size_t len, size_t* pos, record* r)
{
	size_t p = *pos;
	if (len - p < AS_ADMIN_RECORD_HEADER_SIZE) {
		return false;
	}
	r->result = data[p + 1];
	r->n_fields = data[p + 3];
	p += AS_ADMIN_RECORD_HEADER_SIZE;
	r->fields = data + p;
	for (uint32_t i = 0; i < r->n_fields; i++) {
		if (len - p < 5) {
			return false;
		}
		uint32_t size = as_read_u32be(data + p);
		if (size < 1 || len - p - 4 < size) {
			return false;
		}
		p += 4 + size;
	}
	r->fields_len = (size_t)(data + p - r->fields);
	*pos = p;
	return true;
}

int as_admin_scan(const uint8_t* body, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		record r;
		if (!next_record(body, len, &pos, &r)) {
			return -1;
		}
		if (r.result != 0) {
			return r.result;
		}
	}
	return 0;
}

/* A field of a record: its id and data. */
typedef struct field {
	uint8_t id;
	const uint8_t* data;
	uint32_t len;
} field;

/* The fields of a record were bounds-checked by next_record. */
static void next_field(const uint8_t** p, field* f)
{
	uint32_t size = as_read_u32be(*p);
	f->id = (*p)[4];
	f->data = *p + 5;
	f->len = size - 1;
	*p += 4 + size;
}

/* A one-byte length and its text, within [*p, end). */
static bool read_short_string(const uint8_t** p, const uint8_t* end, as_admin_slice* out)
{
	if (*p >= end || (size_t)(end - *p - 1) < **p) {
		return false;
	}
	out->len = **p;
	out->ptr = (const char*)*p + 1;
	*p += 1 + out->len;
	return true;
}

static bool parse_roles(const field* f, as_admin_user* u)
{
	const uint8_t* p = f->data;
	const uint8_t* end = f->data + f->len;
	if (f->len < 1) {
		return false;
	}
	u->n_roles = *p++;
	for (uint32_t i = 0; i < u->n_roles; i++) {
		if (!read_short_string(&p, end, &u->roles[i])) {
			return false;
		}
	}
	return true;
}

static bool parse_info(const field* f, int32_t* count, uint32_t* values)
{
	if (f->len < 1 || f->len - 1 < (uint32_t)f->data[0] * 4) {
		return false;
	}
	*count = f->data[0];
	for (int32_t i = 0; i < *count; i++) {
		values[i] = as_read_u32be(f->data + 1 + 4 * i);
	}
	return true;
}

static bool parse_u32(const field* f, uint32_t* out)
{
	if (f->len != 4) {
		return false;
	}
	*out = as_read_u32be(f->data);
	return true;
}

static bool parse_user(const record* r, as_admin_user* u)
{
	u->name.ptr = "";
	u->name.len = 0;
	u->n_roles = 0;
	u->n_read_info = -1;
	u->n_write_info = -1;
	u->conns_in_use = 0;
	const uint8_t* p = r->fields;
	for (uint32_t i = 0; i < r->n_fields; i++) {
		field f;
		next_field(&p, &f);
		bool ok = true;
		switch (f.id) {
		case AS_ADMIN_FIELD_USER:
			u->name.ptr = (const char*)f.data;
			u->name.len = f.len;
			break;
		case AS_ADMIN_FIELD_ROLES:
			ok = parse_roles(&f, u);
			break;
		case AS_ADMIN_FIELD_READ_INFO:
			ok = parse_info(&f, &u->n_read_info, u->read_info);
			break;
		case AS_ADMIN_FIELD_WRITE_INFO:
			ok = parse_info(&f, &u->n_write_info, u->write_info);
			break;
		case AS_ADMIN_FIELD_CONNECTIONS:
			ok = parse_u32(&f, &u->conns_in_use);
			break;
		default:
			break; /* fields of newer servers are skipped */
		}
		if (!ok) {
			return false;
		}
	}
	return true;
}

static bool parse_privileges(const field* f, as_admin_role* role)
{
	const uint8_t* p = f->data;
	const uint8_t* end = f->data + f->len;
	if (f->len < 1) {
		return false;
	}
	role->n_privileges = *p++;
	for (uint32_t i = 0; i < role->n_privileges; i++) {
		as_admin_privilege* priv = &role->privileges[i];
		if (p >= end) {
			return false;
		}
		priv->code = *p++;
		priv->ns.ptr = priv->set.ptr = "";
		priv->ns.len = priv->set.len = 0;
		if (priv->code >= AS_PRIV_READ &&
			(!read_short_string(&p, end, &priv->ns) || !read_short_string(&p, end, &priv->set))) {
			return false;
		}
	}
	return true;
}

static bool parse_role(const record* r, as_admin_role* role)
{
	role->name.ptr = role->whitelist.ptr = "";
	role->name.len = role->whitelist.len = 0;
	role->n_privileges = 0;
	role->read_quota = role->write_quota = 0;
	const uint8_t* p = r->fields;
	for (uint32_t i = 0; i < r->n_fields; i++) {
		field f;
		next_field(&p, &f);
		bool ok = true;
		switch (f.id) {
		case AS_ADMIN_FIELD_ROLE:
			role->name.ptr = (const char*)f.data;
			role->name.len = f.len;
			break;
		case AS_ADMIN_FIELD_PRIVILEGES:
			ok = parse_privileges(&f, role);
			break;
		case AS_ADMIN_FIELD_WHITELIST:
			role->whitelist.ptr = (const char*)f.data;
			role->whitelist.len = f.len;
			break;
		case AS_ADMIN_FIELD_READ_QUOTA:
			ok = parse_u32(&f, &role->read_quota);
			break;
		case AS_ADMIN_FIELD_WRITE_QUOTA:
			ok = parse_u32(&f, &role->write_quota);
			break;
		default:
			break;
		}
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* The walk shared by both parsers: each successful record is parsed into
 * `scratch` by parse_fn and handed to emit. */
typedef bool (*parse_record_fn)(const record* r, void* scratch);
typedef int (*emit_fn)(const void* scratch, void* udata);

static int parse_stream(const uint8_t* data, size_t len, void* scratch, parse_record_fn parse_fn,
	emit_fn emit, void* udata, as_error* err)
{
	size_t pos = 0;
	while (pos < len) {
		record r;
		if (!next_record(data, len, &pos, &r)) {
			return as_error_set(err, AS_ERR_CLIENT, "Malformed admin reply");
		}
		if (r.result == AS_SEC_QUERY_END) {
			return 0;
		}
		if (r.result != 0) {
			return as_admin_result_error(r.result, err);
		}
		if (!parse_fn(&r, scratch)) {
			return as_error_set(err, AS_ERR_CLIENT, "Malformed admin reply record");
		}
		int rc = emit(scratch, udata);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

typedef struct user_emit {
	as_admin_user_fn fn;
	void* udata;
} user_emit;

typedef struct role_emit {
	as_admin_role_fn fn;
	void* udata;
} role_emit;

static bool parse_user_record(const record* r, void* scratch)
{
	return parse_user(r, scratch);
}

static bool parse_role_record(const record* r, void* scratch)
{
	return parse_role(r, scratch);
}

static int emit_user(const void* scratch, void* udata)
{
	user_emit* e = udata;
	return e->fn(scratch, e->udata);
}

static int emit_role(const void* scratch, void* udata)
{
	role_emit* e = udata;
	return e->fn(scratch, e->udata);
}

int as_admin_parse_users(const uint8_t* data, size_t len, as_admin_user_fn fn, void* udata,
	as_error* err)
{
	as_admin_user* scratch = malloc(sizeof(as_admin_user));
	if (!scratch) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	user_emit e = {fn, udata};
	int rc = parse_stream(data, len, scratch, parse_user_record, emit_user, &e, err);
	free(scratch);
	return rc;
}

int as_admin_parse_roles(const uint8_t* data, size_t len, as_admin_role_fn fn, void* udata,
	as_error* err)
{
	as_admin_role* scratch = malloc(sizeof(as_admin_role));
	if (!scratch) {
		return as_error_set(err, AS_ERR_CLIENT, "Out of memory");
	}
	role_emit e = {fn, udata};
	int rc = parse_stream(data, len, scratch, parse_role_record, emit_role, &e, err);
	free(scratch);
	return rc;
}

bool as_admin_whitelist_next(as_admin_slice whitelist, uint32_t* pos, as_admin_slice* item)
{
	while (*pos < whitelist.len) {
		uint32_t start = *pos;
		uint32_t end = start;
		while (end < whitelist.len && whitelist.ptr[end] != ',') {
			end++;
		}
		*pos = end < whitelist.len ? end + 1 : end;
		if (end > start) {
			item->ptr = whitelist.ptr + start;
			item->len = end - start;
			return true;
		}
	}
	return false;
}

/* ---- versions -------------------------------------------------------------- */

/* The next dotted number of *s (0 when none is left); moves past it. */
static unsigned long next_part(const char** s)
{
	unsigned long v = 0;
	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (unsigned long)(**s - '0');
		if (v > 1000000000ul) {
			v = 1000000000ul;
		}
		(*s)++;
	}
	while (**s && (**s < '0' || **s > '9')) {
		(*s)++;
	}
	return v;
}

int as_admin_version_cmp(const char* a, const char* b)
{
	while (*a || *b) {
		unsigned long x = next_part(&a);
		unsigned long y = next_part(&b);
		if (x != y) {
			return x < y ? -1 : 1;
		}
	}
	return 0;
}
