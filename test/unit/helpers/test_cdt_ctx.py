"""CDT context objects (aerospike_helpers.cdt_ctx): ids, values and extra args."""

import pytest

from .support import ctx, exp, plain

COMPILED = exp.Eq(exp.LoopVarInt(1), 2).compile()

CASES = [
    (lambda: ctx.cdt_ctx_list_index(1), (16, 1, None)),
    (lambda: ctx.cdt_ctx_list_rank(-1), (17, -1, None)),
    (lambda: ctx.cdt_ctx_list_value([1]), (19, [1], None)),
    (lambda: ctx.cdt_ctx_list_index_create(2), (20, 2, {"order_key": 0, "pad_key": False})),
    (lambda: ctx.cdt_ctx_list_index_create(2, 1, True), (20, 2, {"order_key": 1, "pad_key": True})),
    (lambda: ctx.cdt_ctx_map_index(0), (32, 0, None)),
    (lambda: ctx.cdt_ctx_map_rank(3), (33, 3, None)),
    (lambda: ctx.cdt_ctx_map_key("k"), (34, "k", None)),
    (lambda: ctx.cdt_ctx_map_value({"a": 1}), (35, {"a": 1}, None)),
    (lambda: ctx.cdt_ctx_map_key_create("k"), (36, "k", {"order_key": 0})),
    (lambda: ctx.cdt_ctx_map_key_create("k", order=3), (36, "k", {"order_key": 3})),
    (lambda: ctx.cdt_ctx_all_children(), (4, None, None)),
    (lambda: ctx.cdt_ctx_all_children_with_filter(COMPILED), (4, None, {"filter_expr": COMPILED})),
    (lambda: ctx.cdt_ctx_and_filter(COMPILED), (516, None, {"filter_expr": COMPILED})),
    (lambda: ctx.cdt_ctx_map_keys_in(["a", "b"]), (42, ["a", "b"], None)),
]


@pytest.mark.parametrize("make, expected", CASES)
def test_context_attributes(make, expected):
    item = make()
    assert isinstance(item, ctx._cdt_ctx)
    assert (item.id, item.value, item.extra_args) == expected


def test_filter_expression_is_kept_by_identity():
    item = ctx.cdt_ctx_all_children_with_filter(COMPILED)
    assert item.extra_args["filter_expr"] is COMPILED


def test_cdt_ctx_takes_keyword_arguments_only():
    assert vars(ctx._cdt_ctx()) == {"id": None, "value": None, "extra_args": None}
    assert plain(ctx._cdt_ctx(id=1, value=2, extra_args=3)) == ("ctx", 1, 2, 3)
    with pytest.raises(TypeError):
        ctx._cdt_ctx(1)


def test_contexts_compare_by_identity():
    assert ctx.cdt_ctx_list_index(1) != ctx.cdt_ctx_list_index(1)


def test_extra_args_are_fresh_dicts():
    first = ctx.cdt_ctx_map_key_create("k")
    first.extra_args["order_key"] = 9
    assert ctx.cdt_ctx_map_key_create("k").extra_args == {"order_key": 0}


@pytest.mark.parametrize(
    "value, type_name, datatype_name",
    [
        (0, "default", "string"),
        (1, "list", "invalid"),
        (2, "mapkeys", "geo2dsphere"),
        (3, "mapvalues", "invalid"),
        (4, "invalid", "numeric"),
        (5, "invalid", "invalid"),
        (True, "list", "invalid"),
        (None, "invalid", "invalid"),
        ("list", "invalid", "invalid"),
        ([], "invalid", "invalid"),
    ],
)
def test_index_type_names(value, type_name, datatype_name):
    assert ctx.index_type_string(value) == type_name
    assert ctx.index_datatype_string(value) == datatype_name


def test_key_constants():
    assert (ctx.CDT_CTX_ORDER_KEY, ctx.CDT_CTX_PAD_KEY) == ("order_key", "pad_key")
