/*
 * module.c: the `aerospike._core` extension module. It registers the C
 * types (Client core) and module functions of the binding; the Python
 * package `aerospike` re-exports them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static struct PyModuleDef core_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "aerospike._core",
	.m_doc = "C binding of the aerospike client.",
	.m_size = -1,
};

PyMODINIT_FUNC PyInit__core(void)
{
	return PyModule_Create(&core_module);
}
