"""Stack files read as the CLI reads them: yaml.v3's scalars, Pulumi's config values, one-line refusals.

The expectations are yaml.v3's (resolve.go, decode.go at f6f7691) and Pulumi's
(config/object.go unmarshalObject), not PyYAML's, which differ on each row marked (1.1).
"""

from __future__ import annotations

import pytest

from vital.goyaml import GoYamlError, go_json_scalar, load
from vital.stackfile import config_string

SCALARS = [
    ("yes", "yes"),          # (1.1) PyYAML: True
    ("on", "on"),            # (1.1) PyYAML: True
    ("n", "n"),              # (1.1) PyYAML: False
    ("1:20", "1:20"),        # (1.1) PyYAML: 80 (base 60)
    ("1e3", 1000.0),         # (1.1) PyYAML: the string '1e3'
    ("0o17", 15),            # (1.1) PyYAML: the string '0o17'
    ("0755", 493),           # 1.1 octal, still read by yaml.v3
    ("0x1F", 31),
    ("-0b101", -5),
    ("1_000", 1000),
    ("+12", 12),
    (".5", 0.5),
    ("true", True),
    ("False", False),
    ("~", None),
    ("", None),
    ("2026-11-02", "2026-11-02 00:00:00 +0000 UTC"),   # a timestamp, printed as Go's time.Time
    ("2026-11-02T10:00:00Z", "2026-11-02 10:00:00 +0000 UTC"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.1 -0500 -0500"),
    ("'2026-11-02'", "2026-11-02"),                      # quoted: a string
    ("!!str 12", "12"),
    ("!!binary aGVsbG8=", "hello"),
    ("12345678901234567890123", 1.2345678901234568e22),  # beyond uint64: a float, as ParseFloat
]


@pytest.mark.parametrize(("text", "expected"), SCALARS)
def test_scalars_resolve_as_yaml_v3_does(text, expected):
    assert load(f"k: {text}") == {"k": expected}


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\na: 2", 'line 2: mapping key "a" already defined at line 1'),
    ("a: !!set {x, y}", "tag !!set (line 1)"),
    ("a: !custom x", "tag !custom (line 1)"),
    ("? [1]\n: x", "a list as a mapping key (line 1)"),
    ("a: .inf", "not a number JSON can carry"),
    ("a: !!binary '%%%'", "!!binary value (line 1) is not base64"),
    ("a: [unclosed", "not valid YAML"),
    ("a: " + "[" * 5000 + "]" * 5000, "nesting"),
])
def test_what_the_cli_refuses_is_one_line(text, message):
    with pytest.raises(GoYamlError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")) as raised:
        load(text)
    assert "\n" not in str(raised.value)


def test_merge_keys_and_non_string_keys():
    assert load("base: &b {x: 1, y: 2}\nk:\n  <<: *b\n  y: 3") == {"base": {"x": 1, "y": 2}, "k": {"x": 1, "y": 3}}
    assert load("1: a\ntrue: b") == {"1": "a", "true": "b"}


@pytest.mark.parametrize(("value", "text"), [
    (True, "true"), (30, "30"), (1000.0, "1000"), (1.5, "1.5"), (1e-7, "1e-07"), (1e21, "1e+21"),
])
def test_numbers_reach_the_program_as_go_writes_json(value, text):
    assert go_json_scalar(value) == text


def test_objects_reach_the_program_as_compact_json_with_sorted_keys():
    # Go's encoding/json sorts map keys and adds no spaces.
    assert config_string({"b": 1, "a": [True, None]}) == '{"a":[true,null],"b":1}'
