/*
 * metrics.c: the binding of client metrics (as_metrics.h). Client methods
 * _metrics_start(callback, interval, columns, shift) and
 * _metrics_stop(event), used by aerospike/_metrics.py; the listener the
 * core's tend thread calls, which takes the GIL and hands raw snapshots to
 * the callback; and the stop that close() and deallocation run.
 *
 * The callback is called as callback(event, raw) with event "snapshot" or
 * "disable" (raw: a cluster tuple), "node_close" (raw: a node tuple) or
 * "exit" (raw: None; the interpreter is exiting). Raw shapes:
 *   cluster: (cluster_name, app_id, invalid_node_count, command_count,
 *             retry_count, [node, ...])
 *   node:    (name, address, port, in_use, in_pool, opened, closed, [ns, ...])
 *   ns:      (ns, bytes_in, bytes_out, errors, timeouts, key_busy,
 *             [conn], [write], [read], [batch], [query])
 */
#include "binding.h"
#include <aerospike/as_metrics.h>

/* Set while this thread runs a listener call (the tend thread). */
static _Thread_local bool in_listener;

bool metrics_in_listener(void)
{
	return in_listener;
}

static bool finalizing(void)
{
#if PY_VERSION_HEX >= 0x030D0000
	return Py_IsFinalizing();
#else
	return _Py_IsFinalizing();
#endif
}

static PyObject* histogram(as_ns_metrics* m, int type, uint32_t columns)
{
	PyObject* list = PyList_New(columns);
	for (uint32_t i = 0; list && i < columns; i++) {
		uint64_t v = atomic_load_explicit(&m->latency[type][i], memory_order_relaxed);
		PyObject* item = PyLong_FromUnsignedLongLong(v);
		if (!item) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, item);
	}
	return list;
}

static PyObject* ns_raw(as_ns_metrics* m, uint32_t columns)
{
	PyObject* h[AS_LATENCY_TYPES] = {NULL};
	for (int t = 0; t < AS_LATENCY_TYPES; t++) {
		if (!(h[t] = histogram(m, t, columns))) {
			for (int i = 0; i < t; i++) {
				Py_DECREF(h[i]);
			}
			return NULL;
		}
	}
#define LOAD(field) (unsigned long long)atomic_load_explicit(&m->field, memory_order_relaxed)
	return Py_BuildValue("(sKKKKKNNNNN)", m->ns, LOAD(bytes_in), LOAD(bytes_out), LOAD(error_count),
		LOAD(timeout_count), LOAD(key_busy_count), h[0], h[1], h[2], h[3], h[4]);
#undef LOAD
}

static PyObject* node_raw(as_node* n, uint32_t columns)
{
	PyObject* where = node_tuple(n, false); /* (name, address, port) */
	PyObject* list = where ? PyList_New(0) : NULL;
	for (as_ns_metrics* m = as_node_ns_metrics_first(n); list && m; m = atomic_load(&m->next)) {
		PyObject* item = ns_raw(m, columns);
		if (!item || PyList_Append(list, item) != 0) {
			Py_CLEAR(list);
		}
		Py_XDECREF(item);
	}
	if (!list) {
		Py_XDECREF(where);
		return NULL;
	}
	as_node_stats st;
	as_node_get_stats(n, &st);
	PyObject* out = Py_BuildValue("(OOOIIKKN)", PyTuple_GET_ITEM(where, 0),
		PyTuple_GET_ITEM(where, 1), PyTuple_GET_ITEM(where, 2), st.in_use, st.in_pool,
		(unsigned long long)st.opened, (unsigned long long)st.closed, list);
	Py_DECREF(where);
	return out;
}

/* The app id the reference reports: the config's app_id, else the user
 * name, else "not-set". The user agent ends with the app id or "not-set". */
static PyObject* app_id(ClientObject* self)
{
	const char* ua = self->cfg.user_agent;
	const char* comma = ua ? strchr(ua, ',') : NULL;
	comma = comma ? strchr(comma + 1, ',') : NULL;
	const char* app = comma ? comma + 1 : "not-set";
	if (strcmp(app, "not-set") == 0 && self->cfg.user && *self->cfg.user) {
		app = self->cfg.user;
	}
	return PyUnicode_DecodeUTF8(app, (Py_ssize_t)strlen(app), "replace");
}

static PyObject* cluster_raw(ClientObject* self, as_cluster* c)
{
	as_node** nodes;
	uint32_t count = as_cluster_nodes(c, &nodes);
	PyObject* list = PyList_New(0);
	for (uint32_t i = 0; list && i < count; i++) {
		PyObject* item = node_raw(nodes[i], self->metrics_columns);
		if (!item || PyList_Append(list, item) != 0) {
			Py_CLEAR(list);
		}
		Py_XDECREF(item);
	}
	as_nodes_release(nodes, count);
	if (!list) {
		return NULL;
	}
	const char* name = self->cfg.cluster_name;
	return Py_BuildValue("(zNIKKN)", name && *name ? name : NULL, app_id(self), 0u,
		(unsigned long long)as_cluster_command_count(c),
		(unsigned long long)as_cluster_retry_count(c), list);
}

/* The core's listener, on the tend thread: takes the GIL and passes the
 * snapshot (node NULL) or the leaving node to the callback. Errors of the
 * callback are dropped: the tend thread has no caller to raise to (the
 * Python side reports listener failures itself). */
static void call_back(ClientObject* self, as_cluster* c, as_node* n)
{
	if (finalizing()) {
		return;
	}
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject* cb = self->metrics_cb;
	if (cb && as_metrics_on(c)) {
		Py_INCREF(cb);
		in_listener = true;
		PyObject* raw = n ? node_raw(n, self->metrics_columns) : cluster_raw(self, c);
		PyObject* r =
			raw ? PyObject_CallFunction(cb, "sO", n ? "node_close" : "snapshot", raw) : NULL;
		in_listener = false;
		if (!r) {
			PyErr_Clear();
		}
		Py_XDECREF(r);
		Py_XDECREF(raw);
		Py_DECREF(cb);
	}
	PyGILState_Release(g);
}

static void on_snapshot(void* udata, as_cluster* c)
{
	call_back(udata, c, NULL);
}

static void on_node_close(void* udata, as_cluster* c, as_node* n)
{
	call_back(udata, c, n);
}

/* _metrics_start(callback, interval, latency_columns, latency_shift):
 * counts from now on and calls back (replacing an earlier callback). */
PyObject* client_metrics_start(ClientObject* self, PyObject* args)
{
	PyObject* cb;
	unsigned int interval, columns, shift;
	if (!PyArg_ParseTuple(args, "OIII:_metrics_start", &cb, &interval, &columns, &shift)) {
		return NULL;
	}
	py_cluster* h = client_cluster(self);
	if (!h) {
		return NULL;
	}
	Py_XSETREF(self->metrics_cb, Py_NewRef(cb));
	self->metrics_columns = columns > AS_LATENCY_COLUMNS_MAX ? AS_LATENCY_COLUMNS_MAX : columns;
	as_metrics_listener l = {on_snapshot, on_node_close, self};
	as_cluster_enable_metrics(h->cluster, interval, self->metrics_columns, shift, &l);
	cluster_release(h);
	Py_RETURN_NONE;
}

/* Stops metrics and hands the final snapshot to the callback with `event`
 * (None instead of a snapshot for "exit"). Returns the callback's result,
 * None when metrics were off, NULL with the callback's exception. */
static PyObject* stop(ClientObject* self, const char* event)
{
	PyObject* cb = self->metrics_cb;
	if (!cb || !self->holder) {
		Py_CLEAR(self->metrics_cb);
		Py_RETURN_NONE;
	}
	self->metrics_cb = NULL;
	py_cluster* h = client_cluster(self);
	as_cluster_disable_metrics(h->cluster);
	if (in_listener) {
		as_cluster_metrics_wait(h->cluster); /* returns at once */
	}
	else {
		Py_BEGIN_ALLOW_THREADS
		as_cluster_metrics_wait(h->cluster);
		Py_END_ALLOW_THREADS
	}
	PyObject* raw = strcmp(event, "exit") == 0 ? Py_NewRef(Py_None) : cluster_raw(self, h->cluster);
	cluster_release(h);
	PyObject* out = raw ? PyObject_CallFunction(cb, "sO", event, raw) : NULL;
	Py_XDECREF(raw);
	Py_DECREF(cb);
	return out;
}

/* _metrics_stop(event="disable"). */
PyObject* client_metrics_stop(ClientObject* self, PyObject* args)
{
	const char* event = "disable";
	if (!PyArg_ParseTuple(args, "|s:_metrics_stop", &event)) {
		return NULL;
	}
	return stop(self, event);
}

bool metrics_close(ClientObject* self)
{
	PyObject* r = stop(self, "disable");
	Py_XDECREF(r);
	return r != NULL;
}
