"""Every name of spec/api-surface.md in our modules exists, with the same
parameters (and, for aerospike_helpers, the same defaults and constants).

The spec lives in the shared reference material (``../shared/spec`` from
the project root). Sections covered: every ``aerospike_helpers.*`` section
(strict: names, defaults, constant values), ``aerospike stub: predicates``
(parameter names) and, of ``aerospike stub: aerospike``, the value types
implemented in ``aerospike._types`` (parameter names, literal defaults).
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SPEC_CANDIDATES = [ROOT.parent / "shared" / "spec" / "api-surface.md", ROOT / "shared" / "spec"]
SPEC = next((path for path in SPEC_CANDIDATES if path.is_file()), None)

# The names of the `aerospike` stub section that live in aerospike._types.
TYPE_NAMES = {
    "CDTInfinite",
    "CDTWildcard",
    "ConfigProvider",
    "GeoJSON",
    "KeyOrderedDict",
    "Transaction",
    "geodata",
    "geojson",
    "null",
}
NO_DEFAULT = inspect.Parameter.empty


def _split_top_level(text):
    """Split `text` at the commas that are not inside brackets or quotes."""
    parts, depth, quote, current = [], 0, None, ""
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _parse_params(text):
    """Return ``[(name, default_source or None)]`` from ``a, b=1, *args``."""
    params = []
    for part in _split_top_level(text):
        name, _, default = part.partition("=")
        params.append((name.strip(), default.strip() if default else None))
    return params


def _parse_call(text):
    match = re.fullmatch(r"(\w+)\((.*)\)", text.strip())
    assert match, text
    return match.group(1), _parse_params(match.group(2))


def _parse_spec():
    """Return ``[(section, kind, name, details)]`` for every item of the spec."""
    items, section, current_class = [], None, None
    for line in SPEC.read_text().splitlines():
        if line.startswith("## "):
            section, current_class = line[3:].strip(), None
        elif line.startswith("Constants: "):
            for entry in re.findall(r"`([^`]*)`", line):
                name, _, value = entry.partition("=")
                items.append((section, "constant", name, value))
        elif line.startswith("- class `"):
            header = re.match(r"- class `(\w+)\((.*)\)`", line)
            current_class = header.group(1)
            bases = [base.strip() for base in header.group(2).split(",") if base.strip()]
            items.append((section, "class", current_class, bases))
        elif line.startswith("    - attributes: "):
            for entry in re.findall(r"`([^`]*)`", line):
                name, _, value = entry.partition("=")
                items.append((section, "attribute", current_class, (name, value)))
        elif line.startswith("    - `"):
            name, params = _parse_call(line.strip()[3:-1])
            items.append((section, "method", current_class, (name, params)))
        elif line.startswith("- `"):
            current_class = None
            name, params = _parse_call(line[3:-1])
            items.append((section, "function", name, params))
    return items


def _target(section):
    """Return ``(module name, strict, names or None)`` for a spec section we own."""
    if section.startswith("aerospike_helpers."):
        return (
            section[: -len(".__init__")] if section.endswith(".__init__") else section,
            True,
            None,
        )
    if section == "aerospike stub: predicates":
        return "aerospike.predicates", False, None
    if section == "aerospike stub: aerospike":
        return "aerospike._types", False, TYPE_NAMES
    return None, False, None


def _literal(source):
    try:
        return True, ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return False, None


def _check_signature(obj, expected, strict):
    actual = list(inspect.signature(obj).parameters.values())
    if actual and actual[0].name in ("self", "cls") and not inspect.isclass(obj):
        actual = actual[1:]
    assert [p.name for p in actual] == [name.lstrip("*") for name, _ in expected]
    for param, (name, default) in zip(actual, expected):
        if name.startswith("**"):
            assert param.kind is inspect.Parameter.VAR_KEYWORD
        elif name.startswith("*"):
            assert param.kind is inspect.Parameter.VAR_POSITIONAL
        elif default is None:
            assert param.default is NO_DEFAULT, name
        elif default == "...":
            # A stub's elided default: there must be one.
            assert param.default is not NO_DEFAULT, name
        else:
            is_literal, value = _literal(default)
            if is_literal:
                assert param.default == value and type(param.default) is type(value), name
            elif strict:
                assert param.default is not NO_DEFAULT, name


def _owned_items():
    if SPEC is None:
        return []
    owned = []
    for section, kind, name, details in _parse_spec():
        module_name, strict, names = _target(section)
        if module_name is None or (names is not None and name not in names):
            continue
        label = f"{section}:{kind}:{name}"
        if kind in ("method", "attribute"):
            label += "." + details[0]
        owned.append(pytest.param(module_name, strict, kind, name, details, id=label))
    return owned


pytestmark = pytest.mark.skipif(SPEC is None, reason="shared/spec/api-surface.md not found")


def test_spec_lists_our_modules():
    modules = {param.values[0] for param in _owned_items()}
    assert "aerospike_helpers.expressions.map" in modules
    assert "aerospike.predicates" in modules
    assert len(_owned_items()) > 600


@pytest.mark.parametrize("module_name, strict, kind, name, details", _owned_items())
def test_api_surface_item(module_name, strict, kind, name, details):
    module = importlib.import_module(module_name)
    assert hasattr(module, name), f"{module_name}.{name} is missing"
    obj = getattr(module, name)
    if kind == "constant":
        is_literal, value = _literal(details)
        if is_literal and strict:
            assert obj == value
    elif kind == "class":
        assert inspect.isclass(obj)
        mro_names = [cls.__name__ for cls in obj.__mro__]
        assert all(base in mro_names for base in details), (details, mro_names)
    elif kind == "function":
        _check_signature(obj, details, strict)
    elif kind == "attribute":
        attribute, value = details
        annotations = {}
        for cls in reversed(obj.__mro__):
            annotations.update(getattr(cls, "__annotations__", {}))
        assert hasattr(obj, attribute) or attribute in annotations, attribute
        is_literal, literal = _literal(value)
        if is_literal:
            assert getattr(obj, attribute) == literal
    elif kind == "method":
        method_name, params = details
        target = obj if method_name == "__init__" else getattr(obj, method_name)
        _check_signature(target, params, strict)
