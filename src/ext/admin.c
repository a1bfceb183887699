/*
 * admin.c: the admin_* methods of aerospike.Client: user and role
 * administration over the security protocol (protocol.md 11). Each method
 * checks its arguments and encodes the request with the core's encoders
 * (as_admin.h) under the GIL, runs it with as_admin_execute without the
 * GIL, and builds the reference client's return shapes from the parsed
 * reply records under the GIL again (admin_convert.c). Commands return 0,
 * as the reference client does; queries return the User / Role /
 * Privilege dicts of the docs. Registered in client.c's method table.
 */
#include "admin.h"

/* The password the reference client hashes for a PKI user (the server
 * ignores it). */
#define PKI_PASSWORD "nopassword"

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
	Py_BEGIN_ALLOW_THREADS
	rc = as_admin_execute(h->cluster, req->data, req->len, ap, resp, &err);
	if (rc == 0 && new_hash) {
		as_cluster_change_password(h->cluster, user, new_hash);
	}
	cluster_release(h);
	Py_END_ALLOW_THREADS
	if (rc != 0) {
		raise_error(&err);
		return false;
	}
	return true;
}

/* A request being encoded: its buffer (on the stack while it fits) and
 * the encoder's error. */
typedef struct {
	uint8_t stack[512];
	as_buf buf;
	as_error err;
} admin_req;

static as_buf* admin_req_start(admin_req* r)
{
	as_buf_init(&r->buf, r->stack, sizeof(r->stack));
	as_error_reset(&r->err);
	return &r->buf;
}

/* Runs a command that answers with a result only (enc_rc: the encoder's
 * result); returns 0 or NULL. */
static PyObject* run_command(ClientObject* self, admin_req* r, int enc_rc,
	const as_admin_policy* ap)
{
	if (enc_rc != 0) {
		as_buf_destroy(&r->buf);
		return raise_error(&r->err);
	}
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, &r->buf, ap, &resp, NULL, NULL);
	as_buf_destroy(&resp);
	as_buf_destroy(&r->buf);
	return ok ? PyLong_FromLong(0) : NULL;
}

/* Runs a query and collects its records; NULL with the exception raised. */
static PyObject* run_query(ClientObject* self, admin_req* r, int enc_rc, as_admin_policy* ap,
	bool users, admin_collect* c, int missing_code)
{
	if (enc_rc != 0) {
		as_buf_destroy(&r->buf);
		return raise_error(&r->err);
	}
	ap->query = true;
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, &r->buf, ap, &resp, NULL, NULL);
	as_buf_destroy(&r->buf);
	if (ok && c->by_name) {
		c->out = PyDict_New();
		ok = c->out != NULL;
	}
	if (ok) {
		as_error err;
		as_error_reset(&err);
		int rc = users ? as_admin_parse_users(resp.data, resp.len, admin_on_user, c, &err)
					   : as_admin_parse_roles(resp.data, resp.len, admin_on_role, c, &err);
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
	if (!admin_alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw, "OOO|O:admin_create_user", kwlist, &py_user,
		&py_password, &py_roles, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	admin_str_list roles;
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	if (!parsed || !(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_hash_password(py_password, hash) || !admin_policy_parse(self, py_pol, &ap) ||
		!admin_str_list_parse(py_roles, "Roles should be a list",
			"Roles should be a list of strings", &roles)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_create_user(req, user, hash, roles.items, roles.n, &r.err);
	PyMem_Free(roles.items);
	return run_command(self, &r, rc, &ap);
}

PyObject* client_admin_create_pki_user(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "roles", "policy", NULL};
	PyObject *py_user, *py_roles, *py_pol = NULL, *kw;
	if (!admin_alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw, "OO|O:admin_create_pki_user", kwlist,
		&py_user, &py_roles, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	admin_str_list roles;
	if (!parsed || !(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap) ||
		!admin_str_list_parse(py_roles, "Roles should be a list",
			"Roles should be a list of strings", &roles)) {
		return NULL;
	}
	/* The server ignores a PKI user's password, but the request carries one. */
	PyObject* pki = PyUnicode_FromString(PKI_PASSWORD);
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	bool hashed = pki && admin_hash_password(pki, hash);
	Py_XDECREF(pki);
	if (!hashed) {
		PyMem_Free(roles.items);
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_create_user(req, user, hash, roles.items, roles.n, &r.err);
	PyMem_Free(roles.items);
	ap.min_version = AS_ADMIN_PKI_MIN_VERSION;
	return run_command(self, &r, rc, &ap);
}

PyObject* client_admin_drop_user(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "policy", NULL};
	PyObject *py_user, *py_pol = NULL, *kw;
	if (!admin_alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed =
		PyArg_ParseTupleAndKeywords(args, kw, "O|O:admin_drop_user", kwlist, &py_user, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	if (!parsed || !(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_drop_user(req, user, &r.err);
	return run_command(self, &r, rc, &ap);
}

/* set_password and change_password: the new hash also becomes the
 * client's login credential when the user is the client's own. */
static PyObject* password_command(ClientObject* self, PyObject* args, PyObject* kwargs, bool change)
{
	static char* kwlist[] = {"username", "password", "policy", NULL};
	PyObject *py_user, *py_password, *py_pol = NULL, *kw;
	if (!admin_alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw,
		change ? "OO|O:admin_change_password" : "OO|O:admin_set_password", kwlist, &py_user,
		&py_password, &py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	if (!parsed || !(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_hash_password(py_password, hash) || !admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	if (change && !self->cfg.password_hash) {
		/* The old password is the one this client logged in with. */
		return raise_param("Current hashed password is invalid");
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = change ? as_admin_change_password(req, user, self->cfg.password_hash, hash, &r.err)
					: as_admin_set_password(req, user, hash, &r.err);
	if (rc != 0) {
		as_buf_destroy(req);
		return raise_error(&r.err);
	}
	bool own = self->cfg.user && strcmp(self->cfg.user, user) == 0;
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	bool ok = run(self, req, &ap, &resp, user, own ? hash : NULL);
	as_buf_destroy(&resp);
	as_buf_destroy(req);
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
	if (!admin_alias_user(kwargs, &kw)) {
		return NULL;
	}
	int parsed = PyArg_ParseTupleAndKeywords(args, kw,
		grant ? "OO|O:admin_grant_roles" : "OO|O:admin_revoke_roles", kwlist, &py_user, &py_roles,
		&py_pol);
	Py_XDECREF(kw);
	as_admin_policy ap;
	const char* user;
	admin_str_list roles;
	if (!parsed || !(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap) ||
		!admin_str_list_parse(py_roles, "Roles should be a list",
			"Roles should be a list of strings", &roles)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = grant ? as_admin_grant_roles(req, user, roles.items, roles.n, &r.err)
				   : as_admin_revoke_roles(req, user, roles.items, roles.n, &r.err);
	PyMem_Free(roles.items);
	return run_command(self, &r, rc, &ap);
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
	if (!(user = admin_str_arg(py_user, "Username should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_query_users(req, user, &r.err);
	admin_collect c = {NULL, false, false};
	return run_query(self, &r, rc, &ap, true, &c, 60);
}

PyObject* client_admin_query_users_info(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"policy", NULL};
	PyObject* py_pol = NULL;
	as_admin_policy ap;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:admin_query_users_info", kwlist, &py_pol) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_query_users(req, NULL, &r.err);
	admin_collect c = {NULL, true, false};
	return run_query(self, &r, rc, &ap, true, &c, 60);
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
	if (!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap) ||
		!admin_quota_parse(py_rq, "read_quota", &read_quota) ||
		!admin_quota_parse(py_wq, "write_quota", &write_quota)) {
		return NULL;
	}
	if (!py_privs) {
		return raise_param("Privileges should be a list");
	}
	as_privilege* privs;
	uint32_t n_privs;
	if (!admin_privileges_parse(py_privs, &privs, &n_privs)) {
		return NULL;
	}
	admin_str_list wl = {NULL, 0};
	if (py_wl &&
		!admin_str_list_parse(py_wl, "Whitelist must be a list of IP strings.",
			"Whitelist must be a list of IP strings.", &wl)) {
		PyMem_Free(privs);
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_create_role(req, role, privs, n_privs, wl.items, wl.n, read_quota,
		write_quota, &r.err);
	PyMem_Free(privs);
	PyMem_Free(wl.items);
	return run_command(self, &r, rc, &ap);
}

PyObject* client_admin_drop_role(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"role", "policy", NULL};
	PyObject *py_role, *py_pol = NULL;
	as_admin_policy ap;
	const char* role;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:admin_drop_role", kwlist, &py_role,
			&py_pol) ||
		!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_drop_role(req, role, &r.err);
	return run_command(self, &r, rc, &ap);
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
		!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	as_privilege* privs;
	uint32_t n_privs;
	if (!admin_privileges_parse(py_privs, &privs, &n_privs)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = grant ? as_admin_grant_privileges(req, role, privs, n_privs, &r.err)
				   : as_admin_revoke_privileges(req, role, privs, n_privs, &r.err);
	PyMem_Free(privs);
	return run_command(self, &r, rc, &ap);
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
		!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	/* None clears the whitelist. */
	admin_str_list wl = {NULL, 0};
	if (py_wl != Py_None &&
		!admin_str_list_parse(py_wl, "Whitelist must be a list of IP strings, or None.",
			"Whitelist must be a list of IP strings, or None.", &wl)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_set_whitelist(req, role, wl.items, wl.n, &r.err);
	PyMem_Free(wl.items);
	return run_command(self, &r, rc, &ap);
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
		!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_quota_parse(py_rq, "read_quota", &read_quota) ||
		!admin_quota_parse(py_wq, "write_quota", &write_quota) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_set_quotas(req, role, read_quota, write_quota, &r.err);
	return run_command(self, &r, rc, &ap);
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
		!(role = admin_str_arg(py_role, "Role name should be a string")) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_query_roles(req, role, &r.err);
	admin_collect c = {NULL, false, privileges};
	return run_query(self, &r, rc, &ap, false, &c, 70);
}

/* admin_get_roles / admin_query_roles: every role, keyed by name. */
static PyObject* all_roles(ClientObject* self, PyObject* args, PyObject* kwargs, bool privileges)
{
	static char* kwlist[] = {"policy", NULL};
	PyObject* py_pol = NULL;
	as_admin_policy ap;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs,
			privileges ? "|O:admin_query_roles" : "|O:admin_get_roles", kwlist, &py_pol) ||
		!admin_policy_parse(self, py_pol, &ap)) {
		return NULL;
	}
	admin_req r;
	as_buf* req = admin_req_start(&r);
	int rc = as_admin_query_roles(req, NULL, &r.err);
	admin_collect c = {NULL, true, privileges};
	return run_query(self, &r, rc, &ap, false, &c, 70);
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
