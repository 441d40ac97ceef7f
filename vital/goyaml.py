"""Read YAML as the Pulumi CLI reads it: Go's yaml.v3 (v3.0.1, the version pulumi's go.mod pins).

PyYAML implements YAML 1.1; the CLI parses stack files and Pulumi.yaml with gopkg.in/yaml.v3
(sdk/go/common/encoding/marshal.go), and the two disagree on plain scalars: `yes`, `on` and
`1:20` are strings to yaml.v3 and a bool or an int to PyYAML; `1e3` and `0o17` are numbers to
yaml.v3 and strings to PyYAML. So only PyYAML's parser is used here (its events); the nodes are
composed below, and decoded as yaml.v3's decoder decodes into `any` (decode.go), including its
bound on alias expansion. Scalars are resolved by vital.goscalar, a port of resolve.go.

Then, as the CLI does: it decodes the file, writes it back out with yaml.v3 and decodes that
again (sdk/go/common/workspace/loaders.go LoadProjectStackBytes), so a whole-number float
reaches the program as an integer (Go's JSON of it has no point), and a timestamp as the
string time.Time prints (config/object.go unmarshalObject). A mapping key that is not a
string is kept as a GoKey: what the CLI does with it depends on where it is (stackfile.py).

Anything yaml.v3 refuses, and a few things it would accept but no stack file needs (tags other
than YAML's core ones, nesting deeper than MAX_DEPTH), raise GoYamlError: one line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import yaml

from . import gofmt
from .goscalar import CORE, GoYamlError, resolve_plain, resolve_tagged

__all__ = ["MAX_DEPTH", "GoKey", "GoYamlError", "go_json_scalar", "load"]

MAX_DEPTH = 64
# decode.go: alias_ratio_range_low/high and allowedAliasRatio(); the check in unmarshal() runs
# once more than 100 aliased values and 1000 values in all have been decoded.
ALIAS_RATIO_LOW = 400_000
ALIAS_RATIO_HIGH = 4_000_000
ALIAS_MIN_ALIASED = 100
ALIAS_MIN_DECODED = 1000
EXCESSIVE_ALIASING = "yaml: document contains excessive aliasing"  # decode.go, failf's own words
go_json_scalar = gofmt.json_scalar  # the name vital.declarations uses

# libyaml's parser when PyYAML was built with it (the wheels are); the pure-Python one otherwise.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def allowed_alias_ratio(decoded: int) -> float:
    """decode.go allowedAliasRatio(): 99 % of the decoded values may come from aliases in a small
    document, 10 % in a very large one, scaled linearly in between."""
    if decoded <= ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * ((decoded - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW))


class GoKey(str):
    """A mapping key yaml.v3 decodes as something other than a string (an int, a float, a bool,
    null or a timestamp). Its text is fmt's %v of it after the CLI's re-encoding, which is how
    Pulumi names it inside a config object (config/object.go, map[any]any)."""

    value: Any
    big: bool

    def __new__(cls, value: Any, big: bool) -> GoKey:
        key = super().__new__(cls, gofmt.format_v(value))
        key.value, key.big = value, big
        return key

    @property
    def encoded(self) -> str:
        """The key as yaml.v3 writes it back out (then read as a string by config.Map)."""
        value = self.value
        if value is None:
            return "null"
        if isinstance(value, gofmt.GoTime):
            return value.rfc3339()
        return gofmt.format_v(value)

    @property
    def as_s(self) -> str:
        """fmt's %s of the key as first decoded (project.go SimplifyMarshalledValue's message)."""
        return gofmt.format_s(self.value, self.big)


# ---- composing: PyYAML's events into yaml.v3's nodes (parserc.go, decode.go parser) -----------


@dataclass
class _Node:
    kind: str  # scalar, seq, map, alias
    tag: str  # "" where yaml.v3 reads none: a plain scalar (resolved from its text), an alias
    line: int
    value: Any  # a scalar's text; an alias's anchor name (yaml.v3's Node.Value)
    plain: bool  # a plain scalar with no tag: resolved as yaml.v3 resolves it
    anchor: str | None
    target: _Node | None  # an alias's node
    children: list  # the items; a mapping's keys and values in turn


def _events(text: str) -> Iterator[yaml.Event]:
    try:
        yield from yaml.parse(text, Loader=_BASE)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]  # a ReaderError has no problem
        raise GoYamlError(f"not valid YAML{where}: {problem}") from None


def compose(text: str) -> _Node | None:
    """The first document's root node (yaml.v3's Unmarshal reads only the first document)."""
    anchors: dict[str, _Node] = {}
    stack: list[_Node] = []
    root = None
    for event in _events(text):
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node = stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise GoYamlError(f"unknown anchor '{event.anchor}' referenced (line {line})")
            node = _Node("alias", "", line, event.anchor, False, event.anchor, anchors[event.anchor], [])
        elif isinstance(event, yaml.ScalarEvent):
            # parserc.go node(): a plain scalar with no tag or "!" resolves; any other style is a string
            plain = not event.style and event.tag in (None, "!")
            tag = _scalar_tag(event.tag, plain)
            node = _Node("scalar", tag, line, event.value, plain, event.anchor, None, [])
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
            tag = CORE + kind if event.tag in (None, "!") else event.tag
            if len(stack) >= MAX_DEPTH:
                raise GoYamlError(
                    f"nesting deeper than {MAX_DEPTH} levels (line {line}); allowed: a stack file's flat config"
                )
            stack.append(_Node(kind, tag, line, None, False, event.anchor, None, []))
            if event.anchor is not None:
                anchors[event.anchor] = stack[-1]
            continue
        elif isinstance(event, yaml.DocumentEndEvent):
            return root  # the parser has read to the end of the first document (parserc.go)
        else:
            continue
        if node.anchor is not None and node.kind == "scalar":
            anchors[node.anchor] = node
        if stack:
            stack[-1].children.append(node)
        else:
            root = node
    return None  # a stream with no document (the parser ends every document it starts)


def _scalar_tag(tag: str | None, plain: bool) -> str:
    """The empty text for a plain scalar (resolved from its text); else its tag, !!str when it has none."""
    if plain:
        return ""  # not read: resolve_plain takes the text
    return CORE + "str" if tag in (None, "!") else tag


# ---- decoding: yaml.v3's decoder into `any` (decode.go), with its alias bound ------------------


class _Decoder:
    def __init__(self) -> None:
        self.decoded = 0
        self.aliased = 0
        self.alias_depth = 0
        self.expanding: set[int] = set()

    def count(self) -> None:
        """decode.go unmarshal(): every value decoded counts, and those reached through an alias."""
        self.decoded += 1
        if self.alias_depth > 0:
            self.aliased += 1
        if (
            self.aliased > ALIAS_MIN_ALIASED
            and self.decoded > ALIAS_MIN_DECODED
            and self.aliased / self.decoded > allowed_alias_ratio(self.decoded)
        ):
            raise GoYamlError(
                f'{EXCESSIVE_ALIASING} (the CLI refuses the file: "invalid YAML file: '
                f"{EXCESSIVE_ALIASING}\"); allowed: anchors and aliases within yaml.v3's bound"
            )

    def value(self, node: _Node) -> Any:
        self.count()
        if node.kind == "alias":
            return self.alias(node)
        if node.kind == "scalar":
            return _scalar(node)
        if node.tag not in (CORE + "map", CORE + "seq"):
            raise GoYamlError(
                f"tag {_short(node.tag)} (line {node.line}); allowed: plain YAML mappings, lists and scalars"
            )
        if node.kind == "seq":
            return [self.value(item) for item in node.children]
        return self.mapping(node, {}, None)

    def alias(self, node: _Node) -> Any:
        if id(node) in self.expanding:
            raise GoYamlError(f"anchor '{node.anchor}' value contains itself (line {node.line})")
        self.expanding.add(id(node))
        self.alias_depth += 1
        try:
            return self.value(_aliased(node))
        finally:
            self.alias_depth -= 1
            self.expanding.discard(id(node))

    def key(self, node: _Node) -> Any:
        self.count()
        target = node
        if node.kind == "alias":
            target = _aliased(node)  # an aliased key: yaml.v3 counts the alias, then its scalar
            self.alias_depth += 1
            self.count()
            self.alias_depth -= 1
        if target.kind != "scalar":
            raise GoYamlError(
                f"a {'list' if target.kind == 'seq' else 'mapping'} as a mapping key "
                f"(line {node.line}); allowed: a scalar key"
            )
        return _key(target)

    def mapping(self, node: _Node, out: dict, fields: set | None) -> dict:
        """decode.go mapping(): pairs in order (a key already merged is skipped), then the merge."""
        pairs = list(zip(node.children[::2], node.children[1::2], strict=True))  # a mapping node: key, value, ...
        _check_duplicates(pairs)
        merge = None
        for key_node, value_node in pairs:
            if _is_merge(key_node):
                merge = value_node
                continue
            key = self.key(key_node)
            if fields is not None:
                if _identity(key) in fields:
                    continue
                fields.add(_identity(key))
            _check_reencoded(out, key, key_node.line)
            out[key] = self.value(value_node)
        if merge is not None:
            self.merge(pairs, merge, out, fields)
        return out

    def merge(self, pairs: list, merge: _Node, out: dict, fields: set | None) -> None:
        """decode.go merge(): the parent's keys win, then each merged mapping's in order."""
        if fields is None:
            fields = set()
            for key_node, _ in pairs:
                if _is_merge(key_node):
                    self.count()
                else:
                    fields.add(_identity(self.key(key_node)))
        for source in merge.children if merge.kind == "seq" else [merge]:
            target = _aliased(source) if source.kind == "alias" else source
            if target.kind != "map":
                raise GoYamlError(f"map merge requires map or sequence of maps as the value (line {source.line})")
            self.count()
            if source.kind == "alias":
                self.alias_depth += 1
                self.count()
                self.mapping(target, out, fields)
                self.alias_depth -= 1
            else:
                self.mapping(target, out, fields)


def _is_merge(node: _Node) -> bool:
    return node.kind == "scalar" and node.value == "<<" and (node.plain or node.tag == CORE + "merge")


def _check_duplicates(pairs: list) -> None:
    """decode.go mapping(): two keys of the same kind with the same text, as written."""
    seen: dict[tuple, int] = {}
    for key_node, _ in pairs:
        ident = (key_node.kind, key_node.value)
        if ident in seen:
            # yaml.v3's own words (decode.go).
            raise GoYamlError(
                f"line {key_node.line}: mapping key {json.dumps(key_node.value)} already defined at line {seen[ident]}"
            )
        seen[ident] = key_node.line


def _check_reencoded(out: dict, key: Any, line: int) -> None:
    """Two keys yaml.v3 keeps apart (int 1 and float 1.0) that it writes back out as one text:
    the CLI's second read refuses them (decode.go mapping, "already defined")."""
    if key in out:
        first = next(k for k in out if k == key)
        if _identity(first) != _identity(key):
            raise GoYamlError(
                f"line {line}: mapping key {json.dumps(str(key))} already defined once the CLI writes "
                f"the file back out (yaml.v3 reads {_describe(first)} and {_describe(key)}, then "
                f"writes both as {json.dumps(str(key))}); allowed: distinct keys"
            )


def _describe(key: Any) -> str:
    kind, value = _identity(key)
    return (
        f"the string {value!r}"
        if kind == "str"
        else f"the {'float' if kind == 'float' else kind} {gofmt.format_v(value)}"
    )


def _identity(key: Any) -> tuple:
    """A Go map key's identity: its type and value (int 1 and float 1.0 are two keys)."""
    if isinstance(key, GoKey):
        return (type(key.value).__name__, key.value)
    return ("str", str(key))


def _aliased(alias: _Node) -> _Node:
    """An alias's node: compose() sets it on every alias (an unknown anchor fails there), so the
    cast only tells mypy what the parser guarantees."""
    return cast(_Node, alias.target)


def _short(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def _scalar(node: _Node) -> Any:
    value = resolve_plain(node.value) if node.plain else resolve_tagged(node.tag, node.value, node.line)
    return _reencoded(value, node.line)


def _key(node: _Node) -> Any:
    value = resolve_plain(node.value) if node.plain else resolve_tagged(node.tag, node.value, node.line)
    if isinstance(value, str):
        return value
    return GoKey(value, big=isinstance(value, int) and not isinstance(value, bool) and value >= 2**63)


def _reencoded(value: Any, line: int) -> Any:
    """A scalar as the program gets it once the CLI has written the file back out and read it
    again: a timestamp is time.Time's text; a whole-number float below 1e21 is what Go's JSON
    writes for it, digits only, so the program reads an integer; +-Inf and NaN, which Go's JSON
    cannot write, are refused as the CLI refuses them."""
    if isinstance(value, gofmt.GoTime):
        return value.string()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GoYamlError(
                f'{gofmt.format_g(value)} (line {line}) is not a number the CLI can pass on ("json: '
                f'unsupported value: {gofmt.format_g(value)}"); allowed: a finite number'
            )
        if value.is_integer() and abs(value) < gofmt.JSON_E_FROM:
            return int(Decimal(repr(value)))
    return value


def load(text: str) -> Any:
    """The first document as the CLI hands it on; GoYamlError for what yaml.v3 refuses."""
    node = compose(text)
    if node is None:
        return None
    decoder = _Decoder()
    decoder.count()  # the document node (decode.go document())
    return decoder.value(node)
