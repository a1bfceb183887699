/*
 * client.c: the C type behind aerospike.Client: construction from the
 * config dict, connect/close/is_connected, the method table, and the
 * primitives the Python part of the class builds on (info on one node,
 * the node list). aerospike/_client.py subclasses this type.
 */
#include "binding.h"
#include <aerospike/as_admin.h>
#include <aerospike/as_crypto.h>
#include <aerospike/as_info.h>

static int client_init(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"config", NULL};
	PyObject* config;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:Client", kwlist, &config)) {
		return -1;
	}
	if (self->cfg.seeds) {
		raise_param("Client is already initialised");
		return -1;
	}
	return config_parse(self, config) ? 0 : -1;
}

static void close_cluster(ClientObject* self)
{
	py_cluster* h = self->holder;
	self->holder = NULL;
	if (h) {
		Py_BEGIN_ALLOW_THREADS
		cluster_release(h);
		Py_END_ALLOW_THREADS
	}
}

static void client_dealloc(ClientObject* self)
{
	if (self->weakrefs) {
		PyObject_ClearWeakRefs((PyObject*)self);
	}
	if (self->metrics_cb) {
		/* The final snapshot goes to the disable listener, as on close(). */
		PyObject *type, *value, *tb;
		PyErr_Fetch(&type, &value, &tb);
		if (!metrics_close(self)) {
			PyErr_WriteUnraisable((PyObject*)self);
		}
		PyErr_Restore(type, value, tb);
	}
	close_cluster(self);
	as_cluster_config_destroy(&self->cfg);
	Py_CLEAR(self->serializer);
	Py_CLEAR(self->deserializer);
	Py_TYPE(self)->tp_free((PyObject*)self);
}

/* Keeps the user name and the bcrypt hash of the password for logins. */
bool set_credentials(ClientObject* self, PyObject* user, PyObject* password)
{
	const char* u = PyUnicode_Check(user) ? PyUnicode_AsUTF8(user) : NULL;
	const char* pw = PyUnicode_Check(password) ? PyUnicode_AsUTF8(password) : NULL;
	if (!u || !pw) {
		PyErr_Clear();
		raise_param("connect: username and password must both be strings");
		return false;
	}
	if (strlen(u) >= 64 || strlen(pw) >= 64) {
		raise_param("connect: username and password must be shorter than 64 bytes");
		return false;
	}
	char hash[AS_PASSWORD_HASH_SIZE + 1];
	as_error err;
	as_error_reset(&err);
	if (!as_password_hash(pw, hash, &err)) {
		raise_error(&err);
		return false;
	}
	free(self->cfg.user);
	free(self->cfg.password_hash);
	self->cfg.user = strdup(u);
	self->cfg.password_hash = strdup(hash);
	return true;
}

static PyObject* client_connect(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"username", "password", NULL};
	PyObject *user = Py_None, *password = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:connect", kwlist, &user, &password)) {
		return NULL;
	}
	if (!self->cfg.seeds) {
		return raise_param("Client was not initialised with a config");
	}
	if (self->holder) {
		return Py_NewRef(self);
	}
	if (user != Py_None || password != Py_None) {
		if (!set_credentials(self, user, password)) {
			return NULL;
		}
	}
	py_cluster* h = calloc(1, sizeof(py_cluster));
	if (!h) {
		return PyErr_NoMemory();
	}
	as_error err;
	as_error_reset(&err);
	as_cluster* c;
	Py_BEGIN_ALLOW_THREADS
	c = as_cluster_create(&self->cfg, &err);
	Py_END_ALLOW_THREADS
	if (!c) {
		free(h);
		return raise_error(&err);
	}
	atomic_init(&h->ref, 1);
	h->cluster = c;
	self->holder = h;
	return Py_NewRef(self);
}

static PyObject* client_close(ClientObject* self, PyObject* unused)
{
	(void)unused;
	if (metrics_in_listener()) {
		return raise_code(AS_ERR_CLIENT, "close() cannot be called from a metrics listener");
	}
	bool stopped = metrics_close(self);
	close_cluster(self);
	if (!stopped) {
		return NULL; /* the disable listener failed; the client is closed anyway */
	}
	Py_RETURN_NONE;
}

static PyObject* client_is_connected(ClientObject* self, PyObject* unused)
{
	(void)unused;
	if (!self->holder) {
		Py_RETURN_FALSE;
	}
	return PyBool_FromLong(as_cluster_is_connected(self->holder->cluster));
}

static PyObject* client_get_key_partition_id(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	(void)self;
	static char* kwlist[] = {"ns", "set", "key", NULL};
	PyObject *ns, *set, *key;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO:get_key_partition_id", kwlist, &ns, &set,
			&key)) {
		return NULL;
	}
	py_key k;
	if (!key_from_parts(&k, ns, set, key)) {
		return NULL;
	}
	return PyLong_FromUnsignedLong(as_partition_id(k.digest));
}

/* _info_node(node_name or None, command, timeout_ms) -> raw reply text.
 * None picks a node at random. Raises the info error of the reply. */
PyObject* client_info_node(ClientObject* self, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"node", "command", "timeout", NULL};
	PyObject* node_name;
	const char* cmd;
	Py_ssize_t cmd_len;
	unsigned int timeout = 1000;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Os#|I:_info_node", kwlist, &node_name, &cmd,
			&cmd_len, &timeout)) {
		return NULL;
	}
	py_cluster* h = client_cluster(self);
	if (!h) {
		return NULL;
	}
	as_error err;
	as_error_reset(&err);
	as_node* n = NULL;
	if (node_name == Py_None) {
		n = as_cluster_random_node(h->cluster, &err);
	}
	else {
		const char* name = PyUnicode_AsUTF8(node_name);
		if (!name) {
			cluster_release(h);
			return NULL;
		}
		n = as_cluster_find_node(h->cluster, name);
		if (!n) {
			as_error_set(&err, AS_ERR_PARAM, "Invalid node name: %s", name);
		}
	}
	if (!n) {
		cluster_release(h);
		return raise_error(&err);
	}
	/* The info protocol wants each command ended by a newline. */
	char* text = PyMem_Malloc((size_t)cmd_len + 2);
	if (!text) {
		as_node_release(n);
		cluster_release(h);
		return PyErr_NoMemory();
	}
	memcpy(text, cmd, (size_t)cmd_len);
	size_t len = (size_t)cmd_len;
	if (len == 0 || text[len - 1] != '\n') {
		text[len++] = '\n';
	}
	as_buf resp;
	as_buf_init(&resp, NULL, 0);
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = as_node_info(n, text, len, as_clock_ms() + (timeout ? timeout : 1000), &resp, &err);
	as_node_release(n);
	cluster_release(h);
	Py_END_ALLOW_THREADS
	PyMem_Free(text);
	PyObject* out = NULL;
	if (rc != 0 || as_info_check_error((const char*)resp.data, resp.len, &err) != 0) {
		raise_error(&err);
	}
	else {
		out = PyUnicode_DecodeUTF8((const char*)resp.data, (Py_ssize_t)resp.len, "replace");
	}
	as_buf_destroy(&resp);
	return out;
}

/* (name, host, port) of a node, plus its statistics when asked. */
PyObject* node_tuple(as_node* n, bool stats)
{
	char where[300];
	as_address_format(&n->addr, where, sizeof(where));
	char* colon = strrchr(where, ':');
	if (colon) {
		*colon = '\0';
	}
	const char* host = where[0] == '[' ? where + 1 : where;
	if (where[0] == '[' && colon && colon[-1] == ']') {
		colon[-1] = '\0';
	}
	if (!stats) {
		return Py_BuildValue("(ssi)", n->name, host, n->addr.port);
	}
	as_node_stats st;
	as_node_get_stats(n, &st);
	return Py_BuildValue("(ssiIIKKKKK)", n->name, host, n->addr.port, st.in_use, st.in_pool,
		(unsigned long long)st.opened, (unsigned long long)st.closed,
		(unsigned long long)st.error_count, (unsigned long long)st.timeout_count,
		(unsigned long long)st.key_busy_count);
}

static PyObject* node_list(ClientObject* self, bool stats)
{
	py_cluster* h = client_cluster(self);
	if (!h) {
		return NULL;
	}
	as_node** nodes;
	uint32_t n = as_cluster_nodes(h->cluster, &nodes);
	PyObject* list = PyList_New(0);
	for (uint32_t i = 0; list && i < n; i++) {
		PyObject* item = node_tuple(nodes[i], stats);
		if (!item || PyList_Append(list, item) != 0) {
			Py_XDECREF(item);
			Py_CLEAR(list);
			break;
		}
		Py_DECREF(item);
	}
	as_nodes_release(nodes, n);
	PyObject* out = list;
	if (list && stats) {
		out = Py_BuildValue("(KN)", (unsigned long long)as_cluster_retry_count(h->cluster), list);
	}
	cluster_release(h);
	return out;
}

/* _nodes() -> [(name, host, port)] of the active nodes. */
PyObject* client_nodes(ClientObject* self, PyObject* unused)
{
	(void)unused;
	return node_list(self, false);
}

/* _stats() -> (retry_count, [(name, host, port, in_use, in_pool, opened,
 * closed, error_count, timeout_count, key_busy_count)]). */
PyObject* client_stats(ClientObject* self, PyObject* unused)
{
	(void)unused;
	return node_list(self, true);
}

#define METH_KW(name, fn) {name, (PyCFunction)(void (*)(void))fn, METH_VARARGS | METH_KEYWORDS, NULL}

static PyMethodDef client_methods[] = {
	METH_KW("connect", client_connect),
	{"close", (PyCFunction)client_close, METH_NOARGS, NULL},
	{"is_connected", (PyCFunction)client_is_connected, METH_NOARGS, NULL},
	METH_KW("put", client_put),
	METH_KW("get", client_get),
	METH_KW("select", client_select),
	METH_KW("exists", client_exists),
	METH_KW("remove", client_remove),
	METH_KW("touch", client_touch),
	METH_KW("append", client_append),
	METH_KW("prepend", client_prepend),
	METH_KW("increment", client_increment),
	METH_KW("remove_bin", client_remove_bin),
	METH_KW("operate", client_operate),
	METH_KW("operate_ordered", client_operate_ordered),
	METH_KW("get_key_partition_id", client_get_key_partition_id),
	METH_KW("apply", client_apply),
	METH_KW("batch_read", client_batch_read),
	METH_KW("batch_operate", client_batch_operate),
	METH_KW("batch_apply", client_batch_apply),
	METH_KW("batch_remove", client_batch_remove),
	METH_KW("batch_write", client_batch_write),
	METH_KW("_info_node", client_info_node),
	{"_nodes", (PyCFunction)client_nodes, METH_NOARGS, NULL},
	{"_stats", (PyCFunction)client_stats, METH_NOARGS, NULL},
	{"_metrics_start", (PyCFunction)client_metrics_start, METH_VARARGS, NULL},
	{"_metrics_stop", (PyCFunction)client_metrics_stop, METH_VARARGS, NULL},
	METH_KW("_query_node", client_query_node),
	{"_partition_owners", (PyCFunction)client_partition_owners, METH_O, NULL},
	{"commit", (PyCFunction)client_commit, METH_VARARGS,
		"commit(transaction) -> int: commits a multi-record transaction (a COMMIT_* status)."},
	{"abort", (PyCFunction)client_abort, METH_VARARGS,
		"abort(transaction) -> int: aborts a multi-record transaction (an ABORT_* status)."},
	METH_KW("admin_create_user", client_admin_create_user),
	METH_KW("admin_create_pki_user", client_admin_create_pki_user),
	METH_KW("admin_drop_user", client_admin_drop_user),
	METH_KW("admin_set_password", client_admin_set_password),
	METH_KW("admin_change_password", client_admin_change_password),
	METH_KW("admin_grant_roles", client_admin_grant_roles),
	METH_KW("admin_revoke_roles", client_admin_revoke_roles),
	METH_KW("admin_query_user_info", client_admin_query_user_info),
	METH_KW("admin_query_users_info", client_admin_query_users_info),
	METH_KW("admin_create_role", client_admin_create_role),
	METH_KW("admin_drop_role", client_admin_drop_role),
	METH_KW("admin_grant_privileges", client_admin_grant_privileges),
	METH_KW("admin_revoke_privileges", client_admin_revoke_privileges),
	METH_KW("admin_set_whitelist", client_admin_set_whitelist),
	METH_KW("admin_set_quotas", client_admin_set_quotas),
	METH_KW("admin_get_role", client_admin_get_role),
	METH_KW("admin_get_roles", client_admin_get_roles),
	METH_KW("admin_query_role", client_admin_query_role),
	METH_KW("admin_query_roles", client_admin_query_roles),
	{NULL, NULL, 0, NULL},
};

PyTypeObject ClientType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "aerospike._core.Client",
	.tp_basicsize = sizeof(ClientObject),
	.tp_dealloc = (destructor)client_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "The C core of aerospike.Client.",
	.tp_weaklistoffset = offsetof(ClientObject, weakrefs),
	.tp_methods = client_methods,
	.tp_init = (initproc)client_init,
	.tp_new = PyType_GenericNew,
};
