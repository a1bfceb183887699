/*
 * config.c: the client config dict -> the core's cluster config and the
 * client's policy defaults. Ill-typed values raise ParamError naming the
 * key; unknown keys are ignored with a UserWarning. Called by
 * Client.__init__.
 */
#include "binding.h"

static const char* const top_keys[] = {"hosts", "user", "password", "lua", "policies", "shm",
	"use_shared_connection", "tls", "serialization", "thread_pool_size", "max_socket_idle",
	"max_conns_per_node", "min_conns_per_node", "max_error_rate", "error_rate_window",
	"tend_interval", "compression_threshold", "cluster_name", "use_services_alternate",
	"rack_aware", "rack_id", "rack_ids", "connect_timeout", "conn_timeout_ms",
	"fail_if_not_connected", "send_bool_as", "app_id", "strict_types", "validate_keys",
	"batch_direct", "login_timeout_ms", "config_provider", "async_max_conns_per_node",
	"async_min_conns_per_node", "max_threads", "timeout", NULL};

static const char* const policy_kinds[POL_KINDS] = {"read", "write", "apply", "operate", "remove",
	"query", "scan", "batch", "batch_write", "batch_apply", "batch_remove", "batch_read",
	"batch_parent_write", "info", "admin", "txn_verify", "txn_roll"};

/* Top-level keys of `policies` that are not a policy kind. */
static const char* const policy_globals[] = {"total_timeout", "socket_timeout", "max_retries",
	"sleep_between_retries", "key", "exists", "gen", "replica", "commit_level", "read_mode_ap",
	"read_mode_sc", "auth_mode", "login_timeout_ms", "retry", "timeout", "consistency_level",
	"metrics", NULL};

static bool in_list(const char* const* list, const char* s)
{
	for (; *list; list++) {
		if (strcmp(*list, s) == 0) {
			return true;
		}
	}
	return false;
}

static bool check_keys(PyObject* dict, const char* const* allowed, const char* const* allowed2,
	size_t n2, const char* what)
{
	Py_ssize_t pos = 0;
	PyObject *k, *v;
	while (PyDict_Next(dict, &pos, &k, &v)) {
		const char* s = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
		if (!s) {
			PyErr_Clear();
			raise_param("%s: keys must be strings", what);
			return false;
		}
		bool ok = in_list(allowed, s);
		for (size_t i = 0; i < n2 && !ok; i++) {
			ok = strcmp(allowed2[i], s) == 0;
		}
		if (!ok) {
			/* The reference ignores keys it does not know (configs written for
			 * other versions keep working); we say so, to catch typos. */
			if (PyErr_WarnFormat(PyExc_UserWarning, 2, "%s: unknown key '%s' is ignored", what, s) <
				0) {
				return false;
			}
		}
	}
	return true;
}

static char* str_dup_obj(PyObject* o, const char* what)
{
	if (!PyUnicode_Check(o)) {
		raise_param("%s must be a string", what);
		return NULL;
	}
	const char* s = PyUnicode_AsUTF8(o);
	return s ? strdup(s) : NULL;
}

static bool parse_host(PyObject* item, as_host* h)
{
	PyObject *name = NULL, *port = NULL, *tls = NULL;
	if (PyTuple_Check(item) || PyList_Check(item)) {
		Py_ssize_t n = PySequence_Size(item);
		if (n < 2 || n > 3) {
			raise_param("hosts: each host must be (address, port[, tls_name])");
			return false;
		}
		name = PySequence_Fast_GET_ITEM(item, 0);
		port = n > 1 ? PySequence_Fast_GET_ITEM(item, 1) : NULL;
		tls = n > 2 ? PySequence_Fast_GET_ITEM(item, 2) : NULL;
	}
	else if (PyUnicode_Check(item)) {
		name = item;
	}
	else {
		raise_param("hosts: each host must be a tuple (address, port[, tls_name])");
		return false;
	}
	if (!PyUnicode_Check(name)) {
		raise_param("hosts: the address must be a string");
		return false;
	}
	const char* text = PyUnicode_AsUTF8(name);
	if (!text || !*text) {
		raise_param("hosts: the address must not be empty");
		return false;
	}
	h->port = 3000;
	h->name = strdup(text);
	/* "host:port" in a plain string (not for bracket-less IPv6). */
	if (!port) {
		char* colon = strrchr(h->name, ':');
		if (colon && strchr(h->name, ':') == colon) {
			char* end;
			long v = strtol(colon + 1, &end, 10);
			if (*end || v <= 0 || v > 65535) {
				raise_param("hosts: invalid port in '%s'", text);
				return false;
			}
			*colon = '\0';
			h->port = (uint16_t)v;
		}
	}
	if (port) {
		if (!PyLong_Check(port) || PyBool_Check(port)) {
			raise_param("hosts: the port must be an integer");
			return false;
		}
		long v = PyLong_AsLong(port);
		if (v <= 0 || v > 65535) {
			PyErr_Clear();
			raise_param("hosts: port %ld is out of range", v);
			return false;
		}
		h->port = (uint16_t)v;
	}
	if (tls && tls != Py_None) {
		h->tls_name = str_dup_obj(tls, "hosts: tls_name");
		if (!h->tls_name) {
			return false;
		}
	}
	return true;
}

static bool parse_hosts(ClientObject* self, PyObject* hosts)
{
	if (!hosts) {
		raise_param("config: 'hosts' is required");
		return false;
	}
	if (!PyList_Check(hosts) && !PyTuple_Check(hosts)) {
		raise_param("config: 'hosts' must be a list of (address, port) tuples");
		return false;
	}
	Py_ssize_t n = PySequence_Size(hosts);
	if (n < 1) {
		raise_param("config: 'hosts' must not be empty");
		return false;
	}
	self->cfg.seeds = calloc((size_t)n, sizeof(as_host));
	if (!self->cfg.seeds) {
		PyErr_NoMemory();
		return false;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		self->cfg.n_seeds = (uint32_t)i + 1;
		if (!parse_host(PySequence_Fast_GET_ITEM(hosts, i), &self->cfg.seeds[i])) {
			return false;
		}
	}
	return true;
}

static bool opt_str(PyObject* dict, const char* key, char** out, const char* what)
{
	PyObject* v = PyDict_GetItemString(dict, key);
	if (!v || v == Py_None) {
		return true;
	}
	char label[96];
	snprintf(label, sizeof(label), "%s: '%s'", what, key);
	*out = str_dup_obj(v, label);
	return *out != NULL;
}

static const char* const tls_keys[] = {"enable", "cafile", "capath", "protocols", "cipher_suite",
	"keyfile", "keyfile_pw", "cert_blacklist", "certfile", "crl_check", "crl_check_all",
	"log_session_info", "for_login_only", NULL};

/* The `tls` dict (doc/api/client.rst, "TLS"). Files are read, and the
 * protocols checked, when the client connects (TLSError then). */
static bool parse_tls(ClientObject* self, PyObject* config)
{
	PyObject* tls = PyDict_GetItemString(config, "tls");
	if (!tls || tls == Py_None) {
		return true;
	}
	if (!PyDict_Check(tls)) {
		raise_param("config: 'tls' must be a dict");
		return false;
	}
	if (!check_keys(tls, tls_keys, NULL, 0, "config tls")) {
		return false;
	}
	bool enable = false;
	bool login_only = false;
	as_tls_config* t = &self->cfg.tls;
	bool ok = dict_get_bool(tls, "enable", &enable, "tls") &&
		dict_get_bool(tls, "for_login_only", &login_only, "tls") &&
		opt_str(tls, "cafile", (char**)&t->cafile, "tls") &&
		opt_str(tls, "capath", (char**)&t->capath, "tls") &&
		opt_str(tls, "protocols", (char**)&t->protocols, "tls") &&
		opt_str(tls, "cipher_suite", (char**)&t->cipher_suite, "tls") &&
		opt_str(tls, "certfile", (char**)&t->certfile, "tls") &&
		opt_str(tls, "keyfile", (char**)&t->keyfile, "tls") &&
		opt_str(tls, "keyfile_pw", (char**)&t->keyfile_pw, "tls") &&
		opt_str(tls, "cert_blacklist", (char**)&t->cert_blacklist, "tls") &&
		dict_get_bool(tls, "crl_check", &t->crl_check, "tls") &&
		dict_get_bool(tls, "crl_check_all", &t->crl_check_all, "tls") &&
		dict_get_bool(tls, "log_session_info", &t->log_session_info, "tls");
	if (!ok) {
		return false;
	}
	if (enable && login_only) {
		/* TLS for the login only, clear connections for the rest: this
		 * client speaks TLS on every connection or on none. */
		raise_param("tls: 'for_login_only' is not supported: TLS is used for every connection "
					"or none");
		return false;
	}
	self->cfg.tls_enable = enable;
	if (enable && !PyDict_GetItemString(config, "max_socket_idle")) {
		/* The reference's default for TLS connections (0, none, otherwise). */
		self->cfg.max_socket_idle_s = 55;
	}
	return true;
}

static bool parse_policies(ClientObject* self, PyObject* pols)
{
	for (int i = 0; i < POL_KINDS; i++) {
		policy_defaults(&self->defaults[i], i);
	}
	if (!pols || pols == Py_None) {
		return true;
	}
	if (!PyDict_Check(pols)) {
		raise_param("config: 'policies' must be a dict");
		return false;
	}
	if (!check_keys(pols, policy_globals, (const char* const*)policy_kinds, POL_KINDS,
			"config policies")) {
		return false;
	}
	/* Global keys apply to every kind first; the kind's own dict wins. */
	for (int i = 0; i < POL_KINDS; i++) {
		py_policy base = self->defaults[i];
		if (!policy_parse(&self->defaults[i], &base, pols, "config policies")) {
			return false;
		}
		self->defaults[i].expressions = NULL;
		self->defaults[i].cmd.is_write = base.cmd.is_write;
		PyObject* own = PyDict_GetItemString(pols, policy_kinds[i]);
		if (own && own != Py_None) {
			char what[64];
			snprintf(what, sizeof(what), "config policies '%s'", policy_kinds[i]);
			base = self->defaults[i];
			if (!policy_parse(&self->defaults[i], &base, own, what)) {
				return false;
			}
			if (self->defaults[i].expressions) {
				raise_param("%s: 'expressions' cannot be set in the config", what);
				return false;
			}
		}
	}
	return true;
}

/* The user agent the cluster tells servers 8.1+: "1,python-<version>,<app_id>"
 * ("not-set" without an app_id), as the reference client sends it. */
static bool user_agent(as_cluster_config* c, PyObject* app_id)
{
	PyObject* module = PyImport_ImportModule("aerospike");
	PyObject* version = module ? PyObject_GetAttrString(module, "__version__") : NULL;
	Py_XDECREF(module);
	if (!version) {
		PyErr_Clear();
	}
	const char* v = version && PyUnicode_Check(version) ? PyUnicode_AsUTF8(version) : "unknown";
	const char* app = app_id && app_id != Py_None ? PyUnicode_AsUTF8(app_id) : "not-set";
	if (!v || !app) {
		Py_XDECREF(version);
		return false;
	}
	size_t len = strlen(v) + strlen(app) + 16;
	free(c->user_agent);
	c->user_agent = malloc(len);
	if (c->user_agent) {
		snprintf(c->user_agent, len, "1,python-%s,%s", v, app);
	}
	Py_XDECREF(version);
	if (!c->user_agent) {
		PyErr_NoMemory();
		return false;
	}
	return true;
}

static bool parse_serialization(ClientObject* self, PyObject* ser)
{
	if (!ser || ser == Py_None) {
		return true;
	}
	if (!PyTuple_Check(ser) || PyTuple_GET_SIZE(ser) != 2) {
		raise_param("config: 'serialization' must be a (serializer, deserializer) tuple");
		return false;
	}
	PyObject* s = PyTuple_GET_ITEM(ser, 0);
	PyObject* d = PyTuple_GET_ITEM(ser, 1);
	if ((s != Py_None && !PyCallable_Check(s)) || (d != Py_None && !PyCallable_Check(d))) {
		raise_param("config: 'serialization' entries must be callables");
		return false;
	}
	if (s != Py_None) {
		self->serializer = Py_NewRef(s);
	}
	if (d != Py_None) {
		self->deserializer = Py_NewRef(d);
	}
	return true;
}

/* `user` and `password` in the config (both, or neither). */
static bool credentials(ClientObject* self, PyObject* config)
{
	PyObject* user = PyDict_GetItemString(config, "user");
	PyObject* password = PyDict_GetItemString(config, "password");
	if ((!user || user == Py_None) && (!password || password == Py_None)) {
		return true;
	}
	return set_credentials(self, user ? user : Py_None, password ? password : Py_None);
}

bool config_parse(ClientObject* self, PyObject* config)
{
	if (!PyDict_Check(config)) {
		raise_param("config must be a dict");
		return false;
	}
	if (!check_keys(config, top_keys, NULL, 0, "config")) {
		return false;
	}
	as_cluster_config* c = &self->cfg;
	c->conn_timeout_ms = 1000;
	c->tend_interval_ms = 1000;
	c->max_conns_per_node = 100;
	c->max_error_rate = 100;
	c->error_rate_window = 1;
	c->login_timeout_ms = 5000;
	c->fail_if_seed_unreachable = true;
	uint32_t send_bool_as = 1;
	bool ok = parse_hosts(self, PyDict_GetItemString(config, "hosts")) &&
		dict_get_u32(config, "max_conns_per_node", &c->max_conns_per_node, "config") &&
		dict_get_u32(config, "min_conns_per_node", &c->min_conns_per_node, "config") &&
		dict_get_u32(config, "tend_interval", &c->tend_interval_ms, "config") &&
		dict_get_u32(config, "connect_timeout", &c->conn_timeout_ms, "config") &&
		dict_get_u32(config, "conn_timeout_ms", &c->conn_timeout_ms, "config") &&
		dict_get_u32(config, "max_socket_idle", &c->max_socket_idle_s, "config") &&
		dict_get_u32(config, "max_error_rate", &c->max_error_rate, "config") &&
		dict_get_u32(config, "error_rate_window", &c->error_rate_window, "config") &&
		dict_get_u32(config, "login_timeout_ms", &c->login_timeout_ms, "config") &&
		dict_get_u32(config, "send_bool_as", &send_bool_as, "config") &&
		dict_get_bool(config, "use_services_alternate", &c->use_services_alternate, "config") &&
		dict_get_bool(config, "fail_if_not_connected", &c->fail_if_seed_unreachable, "config") &&
		opt_str(config, "cluster_name", &c->cluster_name, "config") &&
		credentials(self, config) &&
		parse_tls(self, config) &&
		parse_policies(self, PyDict_GetItemString(config, "policies")) &&
		parse_serialization(self, PyDict_GetItemString(config, "serialization"));
	if (!ok) {
		return false;
	}
	if (send_bool_as > 2) {
		raise_param("config: 'send_bool_as' is invalid");
		return false;
	}
	self->send_bool_as_int = send_bool_as == 0;
	if (c->tend_interval_ms < 250) {
		raise_param("config: 'tend_interval' must be at least 250 ms");
		return false;
	}
	PyObject* app_id = PyDict_GetItemString(config, "app_id");
	if (app_id && app_id != Py_None && !PyUnicode_Check(app_id)) {
		raise_param("config: 'app_id' must be a string");
		return false;
	}
	if (!user_agent(c, app_id)) {
		return false;
	}
	PyObject* lua = PyDict_GetItemString(config, "lua");
	if (lua && lua != Py_None && !PyDict_Check(lua)) {
		raise_param("config: 'lua' must be a dict");
		return false;
	}
	return true;
}
