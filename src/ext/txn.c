/*
 * txn.c: multi-record transactions in the binding: the aerospike.Transaction
 * type (it owns the core's as_txn), the hooks the single-record commands
 * and batches call (checks and the monitor write before a command, the
 * reply reported back after it), and Client.commit() / Client.abort(). The
 * protocol itself lives in the core (as_txn.c, as_txn_roll.c).
 */
#include "binding.h"

/* ---- the Transaction type -------------------------------------------------------- */

/* Converts a capacity or timeout the way the reference client does:
 * TypeError, OverflowError or ValueError naming the value. */
static bool uint32_arg(PyObject* v, uint32_t* out)
{
	if (!PyLong_Check(v)) {
		PyObject* s = PyObject_Str(v);
		if (s) {
			PyErr_Format(PyExc_TypeError, "%U must be an integer", s);
			Py_DECREF(s);
		}
		return false;
	}
	PyObject* zero = PyLong_FromLong(0);
	int neg = zero ? PyObject_RichCompareBool(v, zero, Py_LT) : -1;
	Py_XDECREF(zero);
	if (neg < 0) {
		return false;
	}
	if (neg) {
		PyErr_SetString(PyExc_OverflowError, "can't convert negative int to unsigned");
		return false;
	}
	unsigned long long x = PyLong_AsUnsignedLongLong(v);
	if ((x == (unsigned long long)-1 && PyErr_Occurred()) || x > UINT32_MAX) {
		PyErr_Clear();
		PyObject* s = PyObject_Str(v);
		if (s) {
			PyErr_Format(PyExc_ValueError, "%U exceeds %u", s, UINT32_MAX);
			Py_DECREF(s);
		}
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

static PyObject* txn_new(PyTypeObject* type, PyObject* args, PyObject* kwargs)
{
	static char* kwlist[] = {"reads_capacity", "writes_capacity", NULL};
	PyObject *reads = NULL, *writes = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO", kwlist, &reads, &writes)) {
		return NULL;
	}
	uint32_t rc = 128, wc = 128;
	if ((reads && !uint32_arg(reads, &rc)) || (writes && !uint32_arg(writes, &wc))) {
		return NULL;
	}
	TransactionObject* self = (TransactionObject*)type->tp_alloc(type, 0);
	if (self) {
		as_txn_init(&self->txn, rc, wc);
	}
	return (PyObject*)self;
}

static void txn_dealloc(TransactionObject* self)
{
	as_txn_destroy(&self->txn);
	Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* txn_get_id(TransactionObject* self, void* closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(self->txn.id);
}

static PyObject* txn_get_in_doubt(TransactionObject* self, void* closure)
{
	(void)closure;
	return PyBool_FromLong(as_txn_in_doubt(&self->txn));
}

static PyObject* txn_get_state(TransactionObject* self, void* closure)
{
	(void)closure;
	return PyLong_FromLong(as_txn_state(&self->txn));
}

static PyObject* txn_get_timeout(TransactionObject* self, void* closure)
{
	(void)closure;
	return PyLong_FromUnsignedLong(as_txn_timeout(&self->txn));
}

static int txn_set_timeout(TransactionObject* self, PyObject* value, void* closure)
{
	(void)closure;
	if (!value) {
		PyErr_SetString(PyExc_AttributeError, "cannot delete the timeout");
		return -1;
	}
	uint32_t seconds;
	if (!uint32_arg(value, &seconds)) {
		return -1;
	}
	as_txn_set_timeout(&self->txn, seconds);
	return 0;
}

static PyGetSetDef txn_getset[] = {
	{"id", (getter)txn_get_id, NULL, "The transaction id (random, non-zero, 64 bits).", NULL},
	{"in_doubt", (getter)txn_get_in_doubt, NULL,
		"True when a commit failed without knowing whether it was applied.", NULL},
	{"state", (getter)txn_get_state, NULL, "One of the TXN_STATE_* constants.", NULL},
	{"timeout", (getter)txn_get_timeout, (setter)txn_set_timeout,
		"Seconds the server keeps the transaction open (0: the server's default); the clock "
		"starts at the transaction's first write.",
		NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject TransactionType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "aerospike.Transaction",
	.tp_basicsize = sizeof(TransactionObject),
	.tp_dealloc = (destructor)txn_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Transaction(reads_capacity=128, writes_capacity=128)\n--\n\n"
			  "A multi-record transaction: pass it as the 'txn' key of a command's policy,\n"
			  "then call client.commit(txn) or client.abort(txn). The capacities size the\n"
			  "tables of keys read and written (they grow as needed).",
	.tp_getset = txn_getset,
	.tp_new = txn_new,
};

/* ---- hooks of the commands ---------------------------------------------------------- */

bool txn_prepare(ClientObject* self, const py_key* k, const py_policy* p)
{
	as_error err;
	as_error_reset(&err);
	if (as_txn_begin_command(p->txn, k->ns, &err) != 0) {
		raise_error(&err);
		return false;
	}
	if (!p->cmd.is_write || !as_txn_needs_monitor(p->txn, k->digest)) {
		return true;
	}
	return txn_monitor_add(self, p->txn, &p->cmd, k->digest, 1, false);
}

bool txn_monitor_add(ClientObject* self, as_txn* txn, const as_command_policy* cmd,
	const uint8_t* digests, size_t n, bool batch)
{
	py_cluster* h = client_cluster(self);
	if (!h) {
		return false;
	}
	as_error err;
	as_error_reset(&err);
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = as_txn_monitor_add(h->cluster, txn, cmd, digests, n, batch, &err);
	cluster_release(h);
	Py_END_ALLOW_THREADS
	if (rc != 0) {
		raise_error(&err);
		return false;
	}
	return true;
}

void txn_put_fields(as_msg_builder* mb, const py_key* k, const py_policy* p, int what)
{
	as_txn_fields f;
	as_txn_fields_for(p->txn, k->digest, &f);
	as_txn_put_fields(mb, &f, what);
}

/* ---- commit and abort --------------------------------------------------------------- */

static void txn_policy(const py_policy* p, as_txn_policy* out)
{
	out->cmd = p->cmd;
	out->batch_flags = (uint8_t)((p->allow_inline ? 0x01 : 0) | (p->allow_inline_ssd ? 0x02 : 0) |
		(p->respond_all_keys ? 0x04 : 0));
}

static PyObject* finish_txn(ClientObject* self, PyObject* args, bool commit)
{
	PyObject* obj;
	if (!PyArg_ParseTuple(args, commit ? "O!:commit" : "O!:abort", &TransactionType, &obj)) {
		return NULL;
	}
	as_txn* txn = &((TransactionObject*)obj)->txn;
	as_txn_policy verify, roll;
	txn_policy(&self->defaults[POL_TXN_VERIFY], &verify);
	txn_policy(&self->defaults[POL_TXN_ROLL], &roll);
	verify.cmd.is_write = false;
	roll.cmd.is_write = true;
	py_cluster* h = client_cluster(self);
	if (!h) {
		return NULL;
	}
	as_error err;
	as_error_reset(&err);
	int status = 0;
	int rc;
	Py_INCREF(obj); /* the transaction outlives the call even if its last owner drops it */
	Py_BEGIN_ALLOW_THREADS
	rc = commit ? as_txn_commit(h->cluster, txn, &verify, &roll, &status, &err)
				: as_txn_abort(h->cluster, txn, &roll, &status, &err);
	cluster_release(h);
	Py_END_ALLOW_THREADS
	Py_DECREF(obj);
	if (rc != 0) {
		return raise_error(&err);
	}
	return PyLong_FromLong(status);
}

PyObject* client_commit(ClientObject* self, PyObject* args)
{
	return finish_txn(self, args, true);
}

PyObject* client_abort(ClientObject* self, PyObject* args)
{
	return finish_txn(self, args, false);
}
