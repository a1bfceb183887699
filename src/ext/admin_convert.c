/*
 * admin_convert.c: Python <-> core conversions of the admin_* methods
 * (declared in admin.h): argument checks that raise ParamError naming the
 * argument, the password hash without the GIL, and the User / Role /
 * Privilege dicts built from parsed reply records, in the reference
 * client's shapes and key order. Called by admin.c.
 */
#include "admin.h"

/* ---- arguments ------------------------------------------------------------ */

/* api-surface.md names the user argument `username`; the reference wheel's
 * keyword is `user`. Both are accepted: *out is kwargs with `user` renamed
 * (a new reference, or NULL when there are no kwargs). */
bool admin_alias_user(PyObject* kwargs, PyObject** out)
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
const char* admin_str_arg(PyObject* o, const char* msg)
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

bool admin_str_list_parse(PyObject* list, const char* msg, const char* item_msg,
	admin_str_list* out)
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
		const char* s = admin_str_arg(PyList_GET_ITEM(list, i), item_msg);
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
	*out = admin_str_arg(v, msg);
	return *out != NULL;
}

/* A list of Privilege dicts ({'code': PRIV_*, 'ns': ..., 'set': ...}).
 * Free *out with PyMem_Free. */
bool admin_privileges_parse(PyObject* list, as_privilege** out, uint32_t* n_out)
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
bool admin_quota_parse(PyObject* v, const char* what, int32_t* out)
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

bool admin_policy_parse(ClientObject* self, PyObject* pol, as_admin_policy* ap)
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
bool admin_hash_password(PyObject* password, char* out)
{
	const char* pw = admin_str_arg(password, "Password should be a string");
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
	Py_BEGIN_ALLOW_THREADS
	ok = as_password_hash(copy, out, &err);
	Py_END_ALLOW_THREADS
	if (!ok) {
		raise_error(&err);
	}
	return ok;
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

static int keep(admin_collect* c, as_admin_slice name, PyObject* value)
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

int admin_on_user(const as_admin_user* u, void* udata)
{
	return keep(udata, u->name, user_dict(u));
}

int admin_on_role(const as_admin_role* r, void* udata)
{
	admin_collect* c = udata;
	return keep(c, r->name, c->role_as_privileges ? privileges_list(r) : role_dict(r));
}
