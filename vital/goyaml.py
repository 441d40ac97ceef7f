"""Read a Pulumi stack file as the Pulumi CLI reads it: Go's yaml.v3, then Pulumi's config values.

PyYAML implements YAML 1.1; the CLI parses stack files with gopkg.in/yaml.v3
(sdk/go/common/encoding/marshal.go), and the two disagree on plain scalars: `yes`, `on` and
`1:20` are strings to yaml.v3 and a bool or an int to PyYAML; `1e3` and `0o17` are numbers
to yaml.v3 and strings to PyYAML. So this module composes the YAML with PyYAML (syntax
only) and resolves every scalar with a port of yaml.v3's resolve() (resolve.go, v3 branch at
commit f6f7691b1fdeb513f56608cd2c32c51f8194bf51). Then, as Pulumi's config layer does
(sdk/go/common/resource/config/object.go unmarshalObject), a timestamp becomes the string Go's
time.Time prints ("2026-11-02 00:00:00 +0000 UTC"), and mapping keys become strings.

Anything the CLI would refuse, and a few things it would accept but no stack file needs (tags
other than YAML's core ones, nesting deeper than MAX_DEPTH), raise GoYamlError: one line.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from datetime import datetime
from typing import Any

import yaml

MAX_DEPTH = 64
_PLAIN = "tag:vital:plain"
_CORE = "tag:yaml.org,2002:"
_MAP = {
    **{s: True for s in ("true", "True", "TRUE")},
    **{s: False for s in ("false", "False", "FALSE")},
    **{s: None for s in ("", "~", "null", "Null", "NULL")},
    **{s: math.nan for s in (".nan", ".NaN", ".NAN")},
    **{s: math.inf for s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{s: -math.inf for s in ("-.inf", "-.Inf", "-.INF")},
}
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP = re.compile(
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?P<sep>[Tt ])(?P<H>[0-9]{1,2}):(?P<M>[0-9]{1,2}):(?P<S>[0-9]{1,2})(?:\.(?P<f>[0-9]{1,9}))?"
    r"(?P<z>Z|[-+][0-9]{2}:[0-9]{2})?)?$"
)


class GoYamlError(ValueError):
    """One line: what in the YAML the CLI would not read, and where."""


# libyaml's parser and composer when PyYAML was built with it (the wheels are); the pure-Python
# one otherwise. Either way, only the syntax comes from PyYAML: scalars are resolved below.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):
    """PyYAML's scanner and composer only: plain scalars keep a marker tag for resolve()."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


def load(text: str) -> Any:
    """The document as the CLI sees it; GoYamlError for what it would refuse."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise GoYamlError(f"not valid YAML{where}: {getattr(err, 'problem', None) or err}") from None
    except RecursionError:
        raise GoYamlError(f"nesting deeper than {MAX_DEPTH} levels; allowed: a stack file's flat config") from None
    return None if node is None else _value(node, 0)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _value(node: yaml.Node, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise GoYamlError(f"nesting deeper than {MAX_DEPTH} levels (line {_line(node)}); allowed: a stack file's flat config")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if node.tag not in (_CORE + "map", _CORE + "seq", _PLAIN) and not node.tag.startswith("tag:yaml.org,2002:") or \
            node.tag in (_CORE + "set", _CORE + "omap", _CORE + "pairs"):
        raise GoYamlError(f"tag {_short(node.tag)} (line {_line(node)}); allowed: plain YAML mappings, lists and scalars")
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, depth + 1) for item in node.value]
    return _mapping(node, depth)


def _mapping(node: yaml.MappingNode, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    seen: dict[str, int] = {}
    merged: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _PLAIN and key_node.value == "<<":
            for source in (value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]):
                part = _value(source, depth + 1)
                if not isinstance(part, dict):
                    raise GoYamlError(f"map merge requires map or sequence of maps as the value (line {_line(source)})")
                merged = {**part, **merged}
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise GoYamlError(f"a {'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'} as a mapping key "
                              f"(line {_line(key_node)}); allowed: a scalar key")
        key = _key(_scalar(key_node))
        if key in seen:
            # yaml.v3's own words (decode.go).
            raise GoYamlError(f"line {_line(key_node)}: mapping key {json.dumps(key)} already defined at line {seen[key]}")
        seen[key] = _line(key_node)
        out[key] = _value(value_node, depth + 1)
    return {**merged, **out}


def _key(value: Any) -> str:
    """Pulumi formats a non-string key with Go's %v (object.go, map[any]any)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return go_json_scalar(value)


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag == _PLAIN:
        return resolve(text, _line(node))
    if tag == _CORE + "str":
        return text
    if tag == _CORE + "binary":
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
            return data.decode("utf-8")
        except (binascii.Error, ValueError):
            raise GoYamlError(f"!!binary value (line {_line(node)}) is not base64 of UTF-8 text; "
                              f"allowed: a plain string") from None
    if tag in (_CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null", _CORE + "timestamp"):
        value = resolve(text, _line(node))
        kinds = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),), "timestamp": (str,)}
        kind = tag[len(_CORE):]
        if isinstance(value, kinds[kind]) and not (kind in ("int", "float") and isinstance(value, bool)):
            return float(value) if kind == "float" else value
        raise GoYamlError(f"cannot decode {text!r} as a {_short(tag)} (line {_line(node)})")
    raise GoYamlError(f"tag {_short(tag)} (line {_line(node)}); allowed: plain YAML scalars, lists and mappings")


def resolve(text: str, line: int = 0) -> Any:
    """yaml.v3's resolve() for a plain scalar, with timestamps as Pulumi keeps them."""
    if text in _MAP:
        value = _MAP[text]
        if isinstance(value, float) and not math.isfinite(value):
            raise GoYamlError(f"{text!r} (line {line}) is not a number JSON can carry; allowed: a finite number")
        return value
    if not text or text[0] not in "+-0123456789.":
        return text
    if text[0] == ".":
        return _finite_float(text, line) if _FLOAT.match(text) else text
    timestamp = _timestamp(text)
    if timestamp is not None:
        return timestamp
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None:
        return number
    if _FLOAT.match(plain):
        return _finite_float(plain, line)
    return text


def _go_parse_int(text: str) -> int | None:
    """Go's strconv.ParseInt(s, 0, 64), then ParseUint: 0x, 0o, 0b and a leading 0 (octal)."""
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    lower = digits.lower()
    base = {"0x": 16, "0o": 8, "0b": 2}.get(lower[:2], 0)
    if base:
        digits = digits[2:]
    elif len(digits) > 1 and digits[0] == "0":
        base, digits = 8, digits[1:]
    else:
        base = 10
    if not digits or not all(c in "0123456789abcdef"[:base] for c in digits.lower()):
        return None
    value = int(digits, base) * (-1 if sign == "-" else 1)
    if -(2 ** 63) <= value < 2 ** 64 and not (sign == "-" and value >= 2 ** 63):
        return value
    return None


def _finite_float(text: str, line: int) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise GoYamlError(f"{text!r} (line {line}) is not a number JSON can carry; allowed: a finite number")
    return value


def _timestamp(text: str) -> str | None:
    """A YAML timestamp as Go's time.Time.String() prints it, which is what Pulumi passes on."""
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    try:
        when = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None
    if m["sep"] and m["sep"] == " " and m["z"]:
        return None  # "2006-1-2 15:4:5" takes no zone in yaml.v3's formats
    fraction = (m["f"] or "").rstrip("0")
    clock = when.strftime("%Y-%m-%d %H:%M:%S") + (f".{fraction}" if fraction else "")
    zone = m["z"] or "Z"
    if zone == "Z":
        return f"{clock} +0000 UTC"
    offset = zone.replace(":", "")
    return f"{clock} {offset} {offset}"


def go_json_scalar(value: Any) -> str:
    """A number or bool as Go's encoding/json writes it (what the CLI hands the program)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        return text if "e" not in text else re.sub(r"e([-+])(\d)$", r"e\g<1>0\2", text)
    raise TypeError(type(value).__name__)


