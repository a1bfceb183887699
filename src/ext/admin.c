/*
 * admin.c: the admin_* methods of aerospike.Client: user and role
 * administration over the security protocol (protocol.md 11). Each method
 * checks its arguments and encodes the request with the core's encoders
 * (as_admin.h) under the GIL, runs it with as_admin_execute without the
 * GIL, and builds the reference client's return shapes from the parsed
 * reply records under the GIL again. Commands return 0, as the reference
 * client does; queries return the User / Role / Privilege dicts of the
 * docs. Registered in client.c's method table.
 */
#include "binding.h"
#include <aerospike/as_admin.h>

/* The password the reference client hashes for a PKI user (the server
 * ignores it). */
#define PKI_PASSWORD "nopassword"

/* ---- arguments ------------------------------------------------------------ */

/* api-surface.md names the user argument `username`; the reference wheel's
 * keyword is `user`. Both are accepted: *out is kwargs with `user` renamed
 * (a new reference, or NULL when there are no kwargs). */
static bool alias_user(PyObject* kwargs, PyObject** out)
{
	*out = NULL;
	if (!kwargs) {
		return true;
	}
	PyObject* v = PyDict_GetItemString(kwargs, "user");
	if (!v || PyDict_GetItemString(kwargs, "username")) {
		*out = Py_NewRef(kwargs);
		return true;
	}
	PyObject* copy = PyDict_Copy(kwargs);
	if (!copy || PyDict_SetItemString(copy, "username", v) != 0 ||
		PyDict_DelItemString(copy, "user") != 0) {
		Py_XDECREF(copy);
		return false;
	}
	*out = copy;
	return true;
}

/* A str argument as UTF-8 (owned by the object), else ParamError(msg). */
static const char* str_arg(PyObject* o, const char* msg)
{
	if (!PyUnicode_Check(o)) {
		raise_param("%s", msg);
		return NULL;
	}
	Py_ssize_t n;
	const char* s = PyUnicode_AsUTF8AndSize(o, &n);
	if (!s) {
		return NULL;
	}
	if (strlen(s) != (size_t)n) {
		raise_param("%s (without NUL characters)", msg);
		return NULL;
	}
	return s;
}

/* A list of str as an array of UTF-8 pointers into the list's items,
 * valid while the list is unchanged (the GIL is held until encoding is
 * done). Free items with PyMem_Free. */
typedef struct str_list {
	const char** items;
	uint32_t n;
} str_list;

static bool str_list_parse(PyObject* list, const char* msg, const char* item_msg, str_list* out)
{
	out->items = NULL;
	out->n = 0;
	if (!PyList_Check(list)) {
		raise_param("%s", msg);
		return false;
	}
	Py_ssize_t n = PyList_GET_SIZE(list);
	if (n > AS_ADMIN_LIST_MAX * 256) {
		raise_param("%s: too many entries", msg);
		return false;
	}
	out->items = PyMem_Malloc(sizeof(char*) * (size_t)(n ? n : 1));
	if (!out->items) {
		PyErr_NoMemory();
		return false;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		const char* s = str_arg(PyList_GET_ITEM(list, i), item_msg);
		if (!s) {
			PyMem_Free(out->items);
			out->items = NULL;
			return false;
		}
		out->items[i] = s;
	}
	out->n = (uint32_t)n;
	return true;
}

/* An optional str entry of a privilege dict (absent or None: no scope). */
static bool privilege_scope(PyObject* dict, const char* key, const char** out)
{
	*out = NULL;
	PyObject* v = PyDict_GetItemString(dict, key);
	if (!v || v == Py_None) {
		return true;
	}
	char msg[64];
	snprintf(msg, sizeof(msg), "Privilege '%s' should be a string", key);
	*out = str_arg(v, msg);
	return *out != NULL;
}

/* A list of Privilege dicts ({'code': PRIV_*, 'ns': ..., 'set': ...}).
 * Free *out with PyMem_Free. */
static bool privileges_parse(PyObject* list, as_privilege** out, uint32_t* n_out)
{
	*out = NULL;
	*n_out = 0;
	if (!PyList_Check(list)) {
		raise_param("Privileges should be a list");
		return false;
	}
	Py_ssize_t n = PyList_GET_SIZE(list);
	if (n > AS_ADMIN_LIST_MAX) {
		raise_param("Privileges: too many entries: %zd (max %d)", n, AS_ADMIN_LIST_MAX);
		return false;
	}
	as_privilege* privs = PyMem_Malloc(sizeof(as_privilege) * (size_t)(n ? n : 1));
	if (!privs) {
		PyErr_NoMemory();
		return false;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject* item = PyList_GET_ITEM(list, i);
		if (!PyDict_Check(item)) {
			raise_param("Privileges should be a list of dicts");
			goto fail;
		}
		PyObject* code = PyDict_GetItemString(item, "code");
		if (!code) {
			raise_param("Code is a compulsory parameter in privileges dictionary");
			goto fail;
		}
		long c = PyLong_Check(code) ? PyLong_AsLong(code) : -1;
		if (PyErr_Occurred() || c < 0 || c > 255) {
			PyErr_Clear();
			raise_param("Privilege 'code' should be one of the aerospike.PRIV_* values");
			goto fail;
		}
		privs[i].code = (int)c;
		if (!privilege_scope(item, "ns", &privs[i].ns) ||
			!privilege_scope(item, "set", &privs[i].set)) {
			goto fail;
		}
	}
	*out = privs;
	*n_out = (uint32_t)n;
	return true;
fail:
	PyMem_Free(privs);
	return false;
}

/* A quota: an int of the C int range (the reference client's bounds). */
static bool quota_parse(PyObject* v, const char* what, int32_t* out)
{
	if (!v) {
		return true;
	}
	if (!PyLong_Check(v)) {
		raise_param("%s must be an integer", what);
		return false;
	}
	long long q = PyLong_AsLongLong(v);
	if (PyErr_Occurred() || q < INT32_MIN || q > INT32_MAX) {
		PyErr_Clear();
		raise_param("%s is out of range", what);
		return false;
	}
	*out = (int32_t)q;
	return true;
}

static bool admin_policy(ClientObject* self, PyObject* pol, as_admin_policy* ap)
{
	py_policy p;
	if (!policy_parse(&p, &self->defaults[POL_ADMIN], pol, "policy")) {
		return false;
	}
	ap->timeout_ms = p.timeout;
	ap->query = false;
	ap->min_version = NULL;
	return true;
}

/* bcrypt of a password argument, computed without the GIL. */
static bool hash_password(PyObject* password, char* out)
{
	const char* pw = str_arg(password, "Password should be a string");
	if (!pw) {
		return false;
	}
	size_t n = strlen(pw);
	if (n > AS_ADMIN_NAME_MAX) {
		raise_param("Max password length %d exceeded: %zu", AS_ADMIN_NAME_MAX, n);
		return false;
	}
	char copy[AS_ADMIN_NAME_MAX + 1];
	memcpy(copy, pw, n + 1);
	as_error err;
	as_error_reset(&err);
	bool ok;
	Py_BEGIN_ALLOW_THREADS ok = as_password_hash(copy, out, &err);
	Py_END_ALLOW_THREADS if (!ok)
	{
		raise_error(&err);
	}
	return ok;
}

/* ---- execution -------------------------------------------------------------- */

/* Sends the request and waits for the reply without the GIL; a query's
 * records are left in resp. When new_hash is set and the command succeeds,
 * the cluster's logins use it from now on (if user is the client's user).
 * False with the exception raised. */
static bool run(ClientObject* self, const as_buf* req, const as_admin_policy* ap, as_buf* resp,
	const char* user, const char* new_hash)
{
	py_cluster* h = client_cluster(self);
	if (!h) {
		return false;
	}
	as_error err;
	as_error_reset(&err);
	int rc;
	Py_BEGIN_ALLOW_THREADS rc = as_admin_execute(h->cluster, req->data, req->len, ap, resp, &err);
	if (rc == 0 && new_hash) {
		as_cluster_change_password(h->cluster, user, new_hash);
	}
	cluster_release(h);
	Py_END_ALLOW_THREADS if (rc != 0)
	{
		raise_error(&err);
		return false;
	}
	return true;
}

/* Runs a command that answers with a result only; returns 0 or NULL. */
static PyObject* run_command(ClientObject* self, as_buf* req, int enc_rc, as_error* enc_err,
	const as_admin_policy* ap)
{
	if (enc_rc != 0) {
		as_buf_destroy(req);
		return raise_error(enc_err);
	}
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, req, ap, &resp, NULL, NULL);
	as_buf_destroy(&resp);
	as_buf_destroy(req);
	return ok ? PyLong_FromLong(0) : NULL;
}

/* ---- reply shapes --------------------------------------------------------------- */

static PyObject* str_of(as_admin_slice s)
{
	return PyUnicode_DecodeUTF8(s.ptr, (Py_ssize_t)s.len, "replace");
}

static bool set_item(PyObject* dict, const char* key, PyObject* value)
{
	if (!value) {
		return false;
	}
	int rc = PyDict_SetItemString(dict, key, value);
	Py_DECREF(value);
	return rc == 0;
}

static PyObject* info_list(int32_t n, const uint32_t* values)
{
	if (n < 0) {
		Py_RETURN_NONE;
	}
	PyObject* list = PyList_New(n);
	for (int32_t i = 0; list && i < n; i++) {
		PyObject* v = PyLong_FromUnsignedLong(values[i]);
		if (!v) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, v);
	}
	return list;
}

/* The User dict: roles, read_info, write_info, conns_in_use. */
static PyObject* user_dict(const as_admin_user* u)
{
	PyObject* roles = PyList_New(u->n_roles);
	for (uint32_t i = 0; roles && i < u->n_roles; i++) {
		PyObject* r = str_of(u->roles[i]);
		if (!r) {
			Py_CLEAR(roles);
			break;
		}
		PyList_SET_ITEM(roles, i, r);
	}
	PyObject* d = roles ? PyDict_New() : NULL;
	if (!d || !set_item(d, "roles", roles) ||
		!set_item(d, "read_info", info_list(u->n_read_info, u->read_info)) ||
		!set_item(d, "write_info", info_list(u->n_write_info, u->write_info)) ||
		!set_item(d, "conns_in_use", PyLong_FromUnsignedLong(u->conns_in_use))) {
		if (!d) {
			Py_XDECREF(roles);
		}
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

/* A role's privileges as a list of Privilege dicts (ns, set, code). */
static PyObject* privileges_list(const as_admin_role* r)
{
	PyObject* list = PyList_New(r->n_privileges);
	for (uint32_t i = 0; list && i < r->n_privileges; i++) {
		const as_admin_privilege* p = &r->privileges[i];
		PyObject* d = PyDict_New();
		if (!d || !set_item(d, "ns", str_of(p->ns)) || !set_item(d, "set", str_of(p->set)) ||
			!set_item(d, "code", PyLong_FromLong(p->code))) {
			Py_XDECREF(d);
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, d);
	}
	return list;
}

static PyObject* whitelist_list(as_admin_slice whitelist)
{
	PyObject* list = PyList_New(0);
	uint32_t pos = 0;
	as_admin_slice item;
	while (list && as_admin_whitelist_next(whitelist, &pos, &item)) {
		PyObject* s = str_of(item);
		if (!s || PyList_Append(list, s) != 0) {
			Py_XDECREF(s);
			Py_CLEAR(list);
			break;
		}
		Py_DECREF(s);
	}
	return list;
}

/* The Role dict: privileges, whitelist, read_quota, write_quota. */
static PyObject* role_dict(const as_admin_role* r)
{
	PyObject* d = PyDict_New();
	if (!d || !set_item(d, "privileges", privileges_list(r)) ||
		!set_item(d, "whitelist", whitelist_list(r->whitelist)) ||
		!set_item(d, "read_quota", PyLong_FromUnsignedLong(r->read_quota)) ||
		!set_item(d, "write_quota", PyLong_FromUnsignedLong(r->write_quota))) {
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

/* What a query collects: every record keyed by name, or the first one. */
typedef struct collect {
	PyObject* out; /* a dict keyed by name, or NULL until the first record */
	bool by_name;
	bool role_as_privileges; /* roles: the privilege list instead of the Role dict */
} collect;

static int keep(collect* c, as_admin_slice name, PyObject* value)
{
	if (!value) {
		return AS_ERR_CLIENT;
	}
	if (!c->by_name) {
		if (!c->out) {
			c->out = value;
		}
		else {
			Py_DECREF(value);
		}
		return 0;
	}
	PyObject* key = str_of(name);
	int rc = key ? PyDict_SetItem(c->out, key, value) : -1;
	Py_XDECREF(key);
	Py_DECREF(value);
	return rc == 0 ? 0 : AS_ERR_CLIENT;
}

static int on_user(const as_admin_user* u, void* udata)
{
	return keep(udata, u->name, user_dict(u));
}

static int on_role(const as_admin_role* r, void* udata)
{
	collect* c = udata;
	return keep(c, r->name, c->role_as_privileges ? privileges_list(r) : role_dict(r));
}

/* Runs a query and collects its records; NULL with the exception raised. */
static PyObject* run_query(ClientObject* self, as_buf* req, int enc_rc, as_error* enc_err,
	as_admin_policy* ap, bool users, collect* c, int missing_code)
{
	if (enc_rc != 0) {
		as_buf_destroy(req);
		return raise_error(enc_err);
	}
	ap->query = true;
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, req, ap, &resp, NULL, NULL);
	as_buf_destroy(req);
	if (ok && c->by_name) {
		c->out = PyDict_New();
		ok = c->out != NULL;
	}
	if (ok) {
		as_error err;
		as_error_reset(&err);
		int rc = users ? as_admin_parse_users(resp.data, resp.len, on_user, c, &err)
					   : as_admin_parse_roles(resp.data, resp.len, on_role, c, &err);
		if (rc != 0) {
			ok = false;
			if (!PyErr_Occurred()) {
				raise_error(&err);
			}
		}
	}
	as_buf_destroy(&resp);
	if (ok && !c->out) {
		/* A stream without the record asked for: the server's answer for a
		 * missing name, had it sent one. */
		raise_code(missing_code, "%s", as_admin_result_name(missing_code));
		ok = false;
	}
	if (!ok) {
		Py_CLEAR(c->out);
	}
	return c->out;
}

/* ---- users -------------------------------------------------------------------- */

PyObject* client_admin_create_user(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "password", "roles", "policy", NULL};
	PyObject *py_user, *py_password, *py_roles, *py_pol = NULL, *kw;
	if (!alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw, "OOO|O:admin_create_user", kwlist, &py_user,
		&py_password, &py_roles, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	str_list roles;
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	if (!parsed || !(user = str_arg(py_user, "Username should be a string")) ||
		!hash_password(py_password, hash) || !admin_policy(self, py_pol, &ap) ||
		!str_list_parse(py_roles, "Roles should be a list", "Roles should be a list of strings",
			&roles)) {
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_create_user(&req, user, hash, roles.items, roles.n, &err);
	PyMem_Free(roles.items);
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_create_pki_user(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "roles", "policy", NULL};
	PyObject *py_user, *py_roles, *py_pol = NULL, *kw;
	if (!alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw, "OO|O:admin_create_pki_user", kwlist,
		&py_user, &py_roles, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	str_list roles;
	if (!parsed || !(user = str_arg(py_user, "Username should be a string")) ||
		!admin_policy(self, py_pol, &ap) ||
		!str_list_parse(py_roles, "Roles should be a list", "Roles should be a list of strings",
			&roles)) {
		return NULL;
	}
	/* The server ignores a PKI user's password, but the request carries one. */
	PyObject* pki = PyUnicode_FromString(PKI_PASSWORD);
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	bool hashed = pki && hash_password(pki, hash);
	Py_XDECREF(pki);
	if (!hashed) {
		PyMem_Free(roles.items);
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_create_user(&req, user, hash, roles.items, roles.n, &err);
	PyMem_Free(roles.items);
	ap.min_version = AS_ADMIN_PKI_MIN_VERSION;
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_drop_user(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "policy", NULL};
	PyObject *py_user, *py_pol = NULL, *kw;
	if (!alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed =
		PyArg_ParseTupleAndKeywords(args, kw, "O|O:admin_drop_user", kwlist, &py_user, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	if (!parsed || !(user = str_arg(py_user, "Username should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[256];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_drop_user(&req, user, &err);
	return run_command(self, &req, rc, &err, &ap);
}

/* set_password and change_password: the new hash also becomes the
 * client's login credential when the user is the client's own. */
static PyObject* password_command(ClientObject* self, PyObject* args, PyObject* kwargs, bool change)
{
	static char* kwlist[] = {"username", "password", "policy", NULL};
	PyObject *py_user, *py_password, *py_pol = NULL, *kw;
	if (!alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw,
		change ? "OO|O:admin_change_password" : "OO|O:admin_set_password", kwlist, &py_user,
		&py_password, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	if (!parsed || !(user = str_arg(py_user, "Username should be a string")) ||
		!hash_password(py_password, hash) || !admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	if (change && !self->cfg.password_hash) {
		/* The old password is the one this client logged in with. */
		return raise_param("Current hashed password is invalid");
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = change ? as_admin_change_password(&req, user, self->cfg.password_hash, hash, &err)
					: as_admin_set_password(&req, user, hash, &err);
	if (rc != 0) {
		as_buf_destroy(&req);
		return raise_error(&err);
	}
	bool own = self->cfg.user && strcmp(self->cfg.user, user) == 0;
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, &req, &ap, &resp, user, own ? hash : NULL);
	as_buf_destroy(&resp);
	as_buf_destroy(&req);
	if (!ok) {
		return NULL;
	}
	if (own) {
		char* copy = strdup(hash);
		if (!copy) {
			return PyErr_NoMemory();
		}
		free(self->cfg.password_hash);
		self->cfg.password_hash = copy;
	}
	return PyLong_FromLong(0);
}

PyObject* client_admin_set_password(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return password_command(self, args, kwargs, false);
}

PyObject* client_admin_change_password(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return password_command(self, args, kwargs, true);
}

static PyObject* roles_command(ClientObject* self, PyObject* args, PyObject* kwargs, bool grant)
{
	static char* kwlist[] = {"username", "roles", "policy", NULL};
	PyObject *py_user, *py_roles, *py_pol = NULL, *kw;
	if (!alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw,
		grant ? "OO|O:admin_grant_roles" : "OO|O:admin_revoke_roles", kwlist, &py_user, &py_roles,
		&py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	str_list roles;
	if (!parsed || !(user = str_arg(py_user, "Username should be a string")) ||
		!admin_policy(self, py_pol, &ap) ||
		!str_list_parse(py_roles, "Roles should be a list", "Roles should be a list of strings",
			&roles)) {
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = grant ? as_admin_grant_roles(&req, user, roles.items, roles.n, &err)
				   : as_admin_revoke_roles(&req, user, roles.items, roles.n, &err);
	PyMem_Free(roles.items);
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_grant_roles(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return roles_command(self, args, kwargs, true);
}

PyObject* client_admin_revoke_roles(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return roles_command(self, args, kwargs, false);
}

PyObject* client_admin_query_user_info(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"user", "policy", NULL};
	PyObject *py_user, *py_pol = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:admin_query_user_info", kwlist, &py_user,
			&py_pol)) {
		return NULL;
	}
	as_admin_policy ap;
	const char* user;
	if (!(user = str_arg(py_user, "Username should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[256];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_query_users(&req, user, &err);
	collect c = {NULL, false, false};
	return run_query(self, &req, rc, &err, &ap, true, &c, 60);
}

PyObject* client_admin_query_users_info(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"policy", NULL};
	PyObject* py_pol = NULL;
	as_admin_policy ap;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:admin_query_users_info", kwlist, &py_pol) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[64];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_query_users(&req, NULL, &err);
	collect c = {NULL, true, false};
	return run_query(self, &req, rc, &err, &ap, true, &c, 60);
}

/* ---- roles --------------------------------------------------------------------- */

PyObject* client_admin_create_role(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"role", "privileges", "policy", "whitelist", "read_quota",
		"write_quota", NULL};
	PyObject *py_role, *py_privs = NULL, *py_pol = NULL, *py_wl = NULL, *py_rq = NULL,
					   *py_wq = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OOOOO:admin_create_role", kwlist, &py_role,
			&py_privs, &py_pol, &py_wl, &py_rq, &py_wq)) {
		return NULL;
	}
	as_admin_policy ap;
	const char* role;
	int32_t read_quota = 0, write_quota = 0;
	if (!(role = str_arg(py_role, "Role name should be a string")) ||
		!admin_policy(self, py_pol, &ap) || !quota_parse(py_rq, "read_quota", &read_quota) ||
		!quota_parse(py_wq, "write_quota", &write_quota)) {
		return NULL;
	}
	if (!py_privs) {
		return raise_param("Privileges should be a list");
	}
	as_privilege* privs;
	uint32_t n_privs;
	if (!privileges_parse(py_privs, &privs, &n_privs)) {
		return NULL;
	}
	str_list wl = {NULL, 0};
	if (py_wl &&
		!str_list_parse(py_wl, "Whitelist must be a list of IP strings.",
			"Whitelist must be a list of IP strings.", &wl)) {
		PyMem_Free(privs);
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_create_role(&req, role, privs, n_privs, wl.items, wl.n, read_quota,
		write_quota, &err);
	PyMem_Free(privs);
	PyMem_Free(wl.items);
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_drop_role(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"role", "policy", NULL};
	PyObject *py_role, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:admin_drop_role", kwlist, &py_role,
			&py_pol) ||
		!(role = str_arg(py_role, "Role name should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[256];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_drop_role(&req, role, &err);
	return run_command(self, &req, rc, &err, &ap);
}

static PyObject* privileges_command(ClientObject* self, PyObject* args, PyObject* kwargs,
	bool grant)
{
	static char* kwlist[] = {"role", "privileges", "policy", NULL};
	PyObject *py_role, *py_privs, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs,
			grant ? "OO|O:admin_grant_privileges" : "OO|O:admin_revoke_privileges", kwlist,
			&py_role, &py_privs, &py_pol) ||
		!(role = str_arg(py_role, "Role name should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	as_privilege* privs;
	uint32_t n_privs;
	if (!privileges_parse(py_privs, &privs, &n_privs)) {
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = grant ? as_admin_grant_privileges(&req, role, privs, n_privs, &err)
				   : as_admin_revoke_privileges(&req, role, privs, n_privs, &err);
	PyMem_Free(privs);
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_grant_privileges(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return privileges_command(self, args, kwargs, true);
}

PyObject* client_admin_revoke_privileges(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return privileges_command(self, args, kwargs, false);
}

PyObject* client_admin_set_whitelist(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"role", "whitelist", "policy", NULL};
	PyObject *py_role, *py_wl, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O:admin_set_whitelist", kwlist, &py_role,
			&py_wl, &py_pol) ||
		!(role = str_arg(py_role, "Role name should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	/* None clears the whitelist. */
	str_list wl = {NULL, 0};
	if (py_wl != Py_None &&
		!str_list_parse(py_wl, "Whitelist must be a list of IP strings, or None.",
			"Whitelist must be a list of IP strings, or None.", &wl)) {
		return NULL;
	}
	uint8_t stack[512];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_set_whitelist(&req, role, wl.items, wl.n, &err);
	PyMem_Free(wl.items);
	return run_command(self, &req, rc, &err, &ap);
}

PyObject* client_admin_set_quotas(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"role", "read_quota", "write_quota", "policy", NULL};
	PyObject *py_role, *py_rq = NULL, *py_wq = NULL, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	/* A quota left out is sent as -1, as the reference client does. */
	int32_t read_quota = -1, write_quota = -1;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OOO:admin_set_quotas", kwlist, &py_role,
			&py_rq, &py_wq, &py_pol) ||
		!(role = str_arg(py_role, "Role name should be a string")) ||
		!quota_parse(py_rq, "read_quota", &read_quota) ||
		!quota_parse(py_wq, "write_quota", &write_quota) || !admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[256];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_set_quotas(&req, role, read_quota, write_quota, &err);
	return run_command(self, &req, rc, &err, &ap);
}

/* admin_get_role / admin_query_role: one role as a Role dict or as its
 * privilege list. */
static PyObject* one_role(ClientObject* self, PyObject* args, PyObject* kwargs, bool privileges)
{
	static char* kwlist[] = {"role", "policy", NULL};
	PyObject *py_role, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs,
			privileges ? "O|O:admin_query_role" : "O|O:admin_get_role", kwlist, &py_role,
			&py_pol) ||
		!(role = str_arg(py_role, "Role name should be a string")) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[256];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_query_roles(&req, role, &err);
	collect c = {NULL, false, privileges};
	return run_query(self, &req, rc, &err, &ap, false, &c, 70);
}

/* admin_get_roles / admin_query_roles: every role, keyed by name. */
static PyObject* all_roles(ClientObject* self, PyObject* args, PyObject* kwargs, bool privileges)
{
	static char* kwlist[] = {"policy", NULL};
	PyObject* py_pol = NULL;
	as_admin_policy ap;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs,
			privileges ? "|O:admin_query_roles" : "|O:admin_get_roles", kwlist, &py_pol) ||
		!admin_policy(self, py_pol, &ap)) {
		return NULL;
	}
	uint8_t stack[64];
	as_buf req;
	as_buf_init(&req, stack, sizeof(stack));
	as_error err;
	as_error_reset(&err);
	int rc = as_admin_query_roles(&req, NULL, &err);
	collect c = {NULL, true, privileges};
	return run_query(self, &req, rc, &err, &ap, false, &c, 70);
}

PyObject* client_admin_get_role(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return one_role(self, args, kwargs, false);
}

PyObject* client_admin_query_role(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return one_role(self, args, kwargs, true);
}

PyObject* client_admin_get_roles(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return all_roles(self, args, kwargs, false);
}

PyObject* client_admin_query_roles(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	return all_roles(self, args, kwargs, true);
}
