/*
 * admin.h: what the files of the admin_* methods share (private to
 * src/ext): argument checks that turn Python arguments into the core's
 * request inputs, and the callbacks that build the reference client's
 * return shapes from parsed reply records. admin_convert.c defines them,
 * admin.c uses them.
 */
#ifndef AS_BINDING_ADMIN_H
#define AS_BINDING_ADMIN_H

#include "binding.h"
#include <aerospike/as_admin.h>

/* A list of str as an array of UTF-8 pointers into the list's items,
 * valid while the list is unchanged (the GIL is held until encoding is
 * done). Free items with PyMem_Free. */
typedef struct admin_str_list {
	const char** items;
	uint32_t n;
} admin_str_list;

/* What a query collects: every record keyed by name, or the first one. */
typedef struct admin_collect {
	PyObject* out; /* a dict keyed by name, or NULL until the first record */
	bool by_name;
	bool role_as_privileges; /* roles: the privilege list instead of the Role dict */
} admin_collect;

/* api-surface.md names the user argument `username`; the reference wheel's
 * keyword is `user`. Both are accepted: *out is kwargs with `user` renamed
 * (a new reference, or NULL when there are no kwargs). */
bool admin_alias_user(PyObject* kwargs, PyObject** out);

/* A str argument as UTF-8 (owned by the object), else ParamError(msg). */
const char* admin_str_arg(PyObject* o, const char* msg);

/* A list of str (ParamError(msg) for another type, item_msg for an item
 * that is not a str). Free out->items with PyMem_Free. */
bool admin_str_list_parse(PyObject* list, const char* msg, const char* item_msg,
	admin_str_list* out);

/* A list of Privilege dicts ({'code': PRIV_*, 'ns': ..., 'set': ...}).
 * Free *out with PyMem_Free. */
bool admin_privileges_parse(PyObject* list, as_privilege** out, uint32_t* n_out);

/* An optional quota (v may be NULL): an int of the C int range. */
bool admin_quota_parse(PyObject* v, const char* what, int32_t* out);

/* The call's Admin policy over the client's defaults. */
bool admin_policy_parse(ClientObject* self, PyObject* pol, as_admin_policy* ap);

/* bcrypt of a password argument (at most 63 bytes), computed without the GIL. */
bool admin_hash_password(PyObject* password, char* out);

/* as_admin_parse_users / _roles callbacks filling an admin_collect. */
int admin_on_user(const as_admin_user* u, void* udata);
int admin_on_role(const as_admin_role* r, void* udata);

#endif
