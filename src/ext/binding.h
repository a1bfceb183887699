/*
 * binding.h: declarations shared by the C files of the `aerospike._core`
 * extension: the Python-side types we need to recognise and build, error
 * raising, policy structs, key parsing, value conversion, and the pieces
 * that build requests and decode replies. Every file of src/ext includes it.
 */
#ifndef AS_BINDING_H
#define AS_BINDING_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <aerospike/as_buf.h>
#include <aerospike/as_cluster.h>
#include <aerospike/as_command.h>
#include <aerospike/as_error.h>
#include <aerospike/as_msgpack.h>
#include <aerospike/as_proto.h>
#include <aerospike/as_txn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- Python types supplied by the pure-Python package ----------------- */

/* Filled by _core._init_types() from aerospike/__init__.py. */
typedef struct py_types {
	PyObject* class_for_code; /* aerospike.exception.class_for_code */
	PyObject* geojson;		  /* aerospike.GeoJSON */
	PyObject* geojson_from_str; /* aerospike.geojson */
	PyObject* key_ordered_dict;
	PyObject* null;
	PyObject* wildcard;
	PyObject* infinite;
	PyObject* hyperloglog; /* aerospike_helpers.HyperLogLog */
	PyObject* batch_record; /* aerospike_helpers.batch.records.BatchRecord */
	PyObject* batch_records;
	PyObject* json_dumps;  /* json.dumps */
	PyObject* json_loads;
	PyObject* serializer; /* module-level set_serializer callback or NULL */
	PyObject* deserializer;
} py_types;

extern py_types g_types;

/* Interned strings used as dict keys on the hot path. */
typedef struct py_strings {
	PyObject *ttl, *gen, *op, *bin, *val, *key, *index, *range, *return_type, *inverted, *ctx,
		*count, *rank, *value_list, *value_begin, *value_end, *list_policy, *map_policy,
		*list_order, *sort_flags, *map_order, *persist_index, *pad, *policy, *expr, *expr_flags,
		*cdt_flags, *mod_exp, *geo_data, *id, *value, *extra_args, *filter_expr, *order_key,
		*pad_key, *write_flags, *map_write_flags, *bit_write_flags, *flags, *byte_size,
		*byte_offset, *bit_offset, *bit_size, *value_byte_size, *resize_flags, *sign, *action,
		*hll_policy, *index_bit_count, *mh_bit_count;
} py_strings;

extern py_strings g_str;

/* ---- errors ------------------------------------------------------------ */

/* Raises the aerospike.exception class for err->code with
 * args (code, msg, file, line, in_doubt). Always returns NULL. */
PyObject* raise_error(const as_error* err);

/* Raises ParamError (code -2) with a formatted message; returns NULL. */
PyObject* raise_param(const char* fmt, ...);

/* Raises the class for `code` with a message; returns NULL. */
PyObject* raise_code(int code, const char* fmt, ...);

/* ---- policies ----------------------------------------------------------- */

/* The policy kinds a client keeps defaults for. */
enum {
	POL_READ,
	POL_WRITE,
	POL_APPLY,
	POL_OPERATE,
	POL_REMOVE,
	POL_QUERY,
	POL_SCAN,
	POL_BATCH,
	POL_BATCH_WRITE,
	POL_BATCH_APPLY,
	POL_BATCH_REMOVE,
	POL_BATCH_READ,
	POL_BATCH_PARENT_WRITE,
	POL_INFO,
	POL_ADMIN,
	POL_TXN_VERIFY,
	POL_TXN_ROLL,
	POL_KINDS
};

typedef struct py_policy {
	as_command_policy cmd;
	uint32_t key;		   /* POLICY_KEY_* */
	uint32_t exists;	   /* POLICY_EXISTS_* */
	uint32_t gen;		   /* POLICY_GEN_* */
	uint32_t commit_level; /* POLICY_COMMIT_LEVEL_* */
	uint32_t read_mode_ap;
	uint32_t read_mode_sc;
	uint32_t ttl; /* policy ttl for writes */
	int32_t read_touch_ttl_percent;
	bool durable_delete;
	bool compress;
	bool deserialize;
	bool allow_inline;	   /* batch */
	bool allow_inline_ssd; /* batch */
	bool respond_all_keys; /* batch */
	bool send_bool_as_int;
	bool on_locking_only;  /* writes: fail if the transaction already locked the record */
	as_txn* txn;		   /* the 'txn' key: the Transaction's state (borrowed), or NULL */
	PyObject* expressions; /* borrowed compiled expression, or NULL */
	uint32_t timeout;	   /* info / admin */
} py_policy;

/* Fills `out` from the defaults of `kind`, then applies the keys of `dict`
 * (may be NULL or None). Returns false with ParamError set when a value
 * is ill-typed; `what` names the argument in messages. */
bool policy_parse(py_policy* out, const py_policy* defaults, PyObject* dict, const char* what);

/* The reference defaults for each policy kind. */
void policy_defaults(py_policy* out, int kind);

/* Reads an optional uint32 from a dict; false with ParamError on a bad
 * type. Missing keys leave *out unchanged. */
bool dict_get_u32(PyObject* dict, const char* key, uint32_t* out, const char* what);
bool dict_get_bool(PyObject* dict, const char* key, bool* out, const char* what);

/* ---- keys ---------------------------------------------------------------- */

typedef struct py_key {
	char ns[AS_NS_MAX + 1];
	char set[AS_SET_MAX + 1];
	size_t set_len;
	uint8_t digest[20];
	uint8_t key_type; /* particle type of the user key; 0 when none */
	const char* key_data;
	size_t key_len;
	int64_t key_int;
	uint8_t key_int_be[8];
	PyObject* obj;	   /* the key tuple (borrowed) */
	PyObject* user_key; /* borrowed, Py_None when absent */
} py_key;

/* Parses (ns, set, key[, digest]). Returns false with ParamError set. */
bool key_parse(py_key* k, PyObject* tuple);

/* Parses the parts of a key given separately (calc_digest and friends). */
bool key_from_parts(py_key* k, PyObject* ns, PyObject* set, PyObject* key);

/* Builds (ns, set, user_key, bytearray(digest)). */
PyObject* key_build(const py_key* k, PyObject* user_key);

/* ---- values -------------------------------------------------------------- */

typedef struct value_ctx {
	PyObject* serializer; /* instance serializer or NULL */
	int serializer_mode;  /* SERIALIZER_* from the put call */
	bool send_bool_as_int;
} value_ctx;

/* Packs a Python value as msgpack (CDT element form). */
bool pack_value(as_buf* b, PyObject* v, const value_ctx* vc);

/* The bytes of a bytes, bytearray or str (UTF-8) object; false for any
 * other type, or with an exception set when a str cannot be encoded. */
bool bytes_view(PyObject* o, const char** data, Py_ssize_t* len);

/* Writes a bin value as an op's particle: returns the particle type through
 * *ptype and appends the value bytes. False with an exception set. */
bool pack_particle(as_buf* b, PyObject* v, uint8_t* ptype, const value_ctx* vc);

typedef struct decode_ctx {
	bool deserialize;
	PyObject* deserializer; /* instance deserializer or NULL */
} decode_ctx;

/* Decodes one msgpack value. */
PyObject* unpack_value(as_unpacker* u, const decode_ctx* dc);

/* Decodes an op's particle into a Python value. */
PyObject* particle_to_py(uint8_t ptype, const uint8_t* data, uint32_t len, const decode_ctx* dc);

/* ---- operations ---------------------------------------------------------- */

typedef struct ops_result {
	uint8_t info1, info2, info3; /* extra header bits the ops require */
	bool has_write;
	bool has_read;
	uint32_t ttl_from_touch; /* deprecated touch val */
	bool has_touch_ttl;
} ops_result;

/* Encodes the op dicts of `list` into the message. */
bool ops_encode(as_msg_builder* mb, PyObject* list, bool ordered, const value_ctx* vc,
	ops_result* res);

/* Shared by the op encoders: the op's bin name (ParamError / BinNameError
 * on a bad one) and a required entry (ParamError naming it when absent). */
bool op_bin_name(PyObject* op, bool required, const char** name, Py_ssize_t* len);
PyObject* op_required(PyObject* op, PyObject* key, const char* what);

/* A particle op (write, incr, append, ...): header, the value packed as a
 * particle (none when val is NULL), the particle type patched in. */
bool op_particle(as_msg_builder* mb, uint8_t wire, const char* name, Py_ssize_t len,
	PyObject* val, const value_ctx* vc);

/* Int readers for op dicts: a value; an entry (absent or None: ParamError
 * when required, else *out is left alone; *present tells); an entry of an
 * op's policy dict (0 when the policy or the key is absent). */
bool op_long(PyObject* v, const char* what, long long* out);
bool op_int(PyObject* op, PyObject* key, const char* what, bool required, long long* out,
	bool* present);
bool op_policy_int(PyObject* policy, const char* key, long long* out, const char* what);

/* Reads a bit or HLL argument (cdt_table.h A_BIT_* / A_HLL_*) of an op
 * dict and packs it. */
bool bit_hll_arg(as_buf* b, PyObject* op, int arg, const value_ctx* vc);

/* List, map, bit, HLL and expression ops (ids >= 1000). */
bool cdt_op_encode(as_msg_builder* mb, PyObject* op, long code, const value_ctx* vc,
	ops_result* res);

/* ---- expressions ------------------------------------------------------------ */

/* Packs a compiled expression (the list from compile()) as msgpack. */
bool expr_pack(as_buf* b, PyObject* compiled);

/* Packs a CDT context list (of _cdt_ctx objects) as the flat msgpack array. */
bool ctx_pack(as_buf* b, PyObject* ctx_list, const value_ctx* vc);

/* The same, with `create_flag` OR-ed into the last item's type. */
bool ctx_pack_with_create(as_buf* b, PyObject* ctx_list, int create_flag, const value_ctx* vc);


/* ---- the client object --------------------------------------------------- */

/* A cluster shared by a client and its in-flight commands: close() drops
 * the client's reference, the last command to finish destroys it. */
typedef struct py_cluster {
	atomic_int ref;
	as_cluster* cluster;
} py_cluster;

typedef struct ClientObject {
	PyObject_HEAD
	py_cluster* holder;
	as_cluster_config cfg;
	py_policy defaults[POL_KINDS];
	PyObject* serializer;	/* config serialization[0] or NULL */
	PyObject* deserializer; /* config serialization[1] or NULL */
	bool send_bool_as_int;
	PyObject* weakrefs;
	PyObject* metrics_cb;	  /* metrics callback while metrics are on (metrics.c) */
	uint32_t metrics_columns; /* latency columns of its snapshots */
} ClientObject;

extern PyTypeObject ClientType;

/* Takes a reference on the client's cluster, or raises when closed. */
py_cluster* client_cluster(ClientObject* self);
void cluster_release(py_cluster* h); /* may be called without the GIL */

/* Builds the value/decode contexts of a command. */
void client_value_ctx(ClientObject* self, value_ctx* vc, int serializer_mode);
void client_decode_ctx(ClientObject* self, const py_policy* p, decode_ctx* dc);

/* Sends a built single-record request for key k and waits (GIL released)
 * for the reply, left in resp as an AS_MSG. Raises and returns false on a
 * client-side failure; server result codes are the caller's to check. */
bool command_run(ClientObject* self, const py_key* k, const py_policy* p, as_buf* req,
	as_buf* resp, as_msg* msg);

/* Starts a single-record message: header from policy/meta, then the
 * namespace, set, digest, the transaction fields, optional key and filter
 * fields. In a transaction it first checks the transaction and, before a
 * write of a key new to it, tells the transaction's monitor (a command of
 * its own, run by `self`). */
bool record_begin(as_msg_builder* mb, as_buf* buf, const py_key* k, const py_policy* p,
	as_msg_header* h, ClientObject* self);

/* The arguments every single-record command starts with: the key, the
 * call's policy over the client's defaults of `kind`, and (when meta is
 * not NULL) the meta dict. False with ParamError set. */
bool command_args(ClientObject* self, PyObject* key_obj, int kind, PyObject* policy,
	PyObject* meta, py_key* k, py_policy* p, uint32_t* ttl, uint32_t* gen);

/* Meta dict -> ttl/gen. ttl falls back to the policy's ttl. */
bool meta_parse(PyObject* meta, const py_policy* p, uint32_t* ttl, uint32_t* gen);

/* Write-side header bits from a policy. */
void header_for_write(as_msg_header* h, const py_policy* p, uint32_t ttl, uint32_t gen);
void header_for_read(as_msg_header* h, const py_policy* p);

/* Reply -> Python. */
PyObject* reply_meta(const as_msg* m);
/* Bins as a dict (the last value of a name wins) or, for operate_ordered,
 * as a list of (name, value) pairs in reply order. */
PyObject* reply_bins(const as_msg* m, const decode_ctx* dc, bool as_list);
PyObject* reply_user_key(const as_msg* m); /* from the KEY field, or None */

/* (key, meta, bins) of a reply, or (key, meta) when bins_as is REPLY_NO_BINS. */
enum { REPLY_NO_BINS, REPLY_BINS_DICT, REPLY_BINS_LIST };
PyObject* reply_record(const py_key* k, PyObject* user_key, const as_msg* m, const decode_ctx* dc,
	int bins_as);
PyObject* raise_result(const as_msg* m, const py_key* k, bool in_doubt);

/* Method implementations, one file per family. */
PyObject* client_put(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_get(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_select(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_exists(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_remove(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_touch(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_append(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_prepend(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_increment(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_remove_bin(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_operate(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_operate_ordered(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_info_node(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_apply(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_batch_read(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_batch_operate(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_batch_apply(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_batch_remove(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_batch_write(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_nodes(ClientObject* self, PyObject* unused);
PyObject* client_stats(ClientObject* self, PyObject* unused);
PyObject* client_query_node(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_partition_owners(ClientObject* self, PyObject* ns);

/* (name, address, port) of a node (client.c). */
PyObject* node_tuple(as_node* n, bool stats);

/* Client metrics (metrics.c): the two methods; the stop that close() and
 * deallocation run (false with the callback's exception set); and whether
 * this thread is inside a metrics listener (where close() is refused). */
PyObject* client_metrics_start(ClientObject* self, PyObject* args);
PyObject* client_metrics_stop(ClientObject* self, PyObject* args);
bool metrics_close(ClientObject* self);
bool metrics_in_listener(void);

/* User and role administration (admin.c). */
PyObject* client_admin_create_user(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_create_pki_user(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_drop_user(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_set_password(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_change_password(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_grant_roles(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_revoke_roles(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_query_user_info(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_query_users_info(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_create_role(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_drop_role(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_grant_privileges(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_revoke_privileges(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_set_whitelist(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_set_quotas(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_get_role(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_get_roles(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_query_role(ClientObject* self, PyObject* args, PyObject* kwargs);
PyObject* client_admin_query_roles(ClientObject* self, PyObject* args, PyObject* kwargs);

/* The user name and password for logins (client.c). */
bool set_credentials(ClientObject* self, PyObject* user, PyObject* password);

/* ---- transactions (txn.c) ------------------------------------------------ */

typedef struct TransactionObject {
	PyObject_HEAD
	as_txn txn;
} TransactionObject;

extern PyTypeObject TransactionType;

/* Before a command of a transaction on key k: the transaction's checks,
 * then (for a write of a key it has not written) the monitor write. False
 * with the exception set. */
bool txn_prepare(ClientObject* self, const py_key* k, const py_policy* p);

/* The monitor write for `n` digests (batch: append-items), GIL released. */
bool txn_monitor_add(ClientObject* self, as_txn* txn, const as_command_policy* cmd,
	const uint8_t* digests, size_t n, bool batch);

/* The transaction fields of a command on key k (AS_TXN_PUT_* in `what`). */
void txn_put_fields(as_msg_builder* mb, const py_key* k, const py_policy* p, int what);

PyObject* client_commit(ClientObject* self, PyObject* args);
PyObject* client_abort(ClientObject* self, PyObject* args);

/* Config parsing (config.c). */
bool config_parse(ClientObject* self, PyObject* config);

#endif
