/*
 * errors.c: raising aerospike.exception classes from the binding. Every
 * method raises through these, once, at its boundary; the class comes from
 * aerospike.exception.class_for_code so the table lives in one place.
 */
#include "binding.h"
#include <stdarg.h>

static PyObject* exception_class(int code)
{
	if (!g_types.class_for_code) {
		return Py_NewRef(PyExc_RuntimeError);
	}
	PyObject* py_code = PyLong_FromLong(code);
	if (!py_code) {
		return NULL;
	}
	PyObject* cls = PyObject_CallOneArg(g_types.class_for_code, py_code);
	Py_DECREF(py_code);
	return cls;
}

static PyObject* raise_with(int code, const char* msg, const char* file, int line, bool in_doubt)
{
	PyObject* cls = exception_class(code);
	if (!cls) {
		return NULL;
	}
	/* Messages may quote server text (any bytes) or be cut mid-character by
	 * the fixed-size buffer: decode them leniently. */
	PyObject* py_code = PyLong_FromLong(code);
	PyObject* text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
	PyObject* py_file = file ? PyUnicode_FromString(file) : Py_NewRef(Py_None);
	PyObject* py_line = file ? PyLong_FromLong(line) : Py_NewRef(Py_None);
	PyObject* args = py_code && text && py_file && py_line
		? PyTuple_Pack(5, py_code, text, py_file, py_line, in_doubt ? Py_True : Py_False)
		: NULL;
	if (args) {
		PyErr_SetObject(cls, args);
	}
	Py_XDECREF(py_code);
	Py_XDECREF(text);
	Py_XDECREF(py_file);
	Py_XDECREF(py_line);
	Py_XDECREF(args);
	Py_DECREF(cls);
	return NULL;
}

PyObject* raise_error(const as_error* err)
{
	return raise_with(err->code, err->message, err->file, err->line, err->in_doubt);
}

static PyObject* raise_va(int code, const char* fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return raise_with(code, msg, NULL, 0, false);
}

PyObject* raise_param(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	raise_va(AS_ERR_PARAM, fmt, ap);
	va_end(ap);
	return NULL;
}

PyObject* raise_code(int code, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	raise_va(code, fmt, ap);
	va_end(ap);
	return NULL;
}
