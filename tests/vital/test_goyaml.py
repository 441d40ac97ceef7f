"""Stack files read as the CLI reads them: yaml.v3's scalars, Pulumi's config values, one-line refusals.

The expectations are yaml.v3's (resolve.go, decode.go at f6f7691) and Pulumi's
(config/object.go unmarshalObject), not PyYAML's, which differ on each row marked (1.1); Go's
own output for them is in tests/fixtures/stackfile-oracle.json (tests/vital/test_stackfile.py).
"""

from __future__ import annotations

import re

import pytest

from vital import gofmt, goyaml
from vital.goyaml import GoYamlError, go_json_scalar, load
from vital.stackfile import config_string

SCALARS = [
    ("yes", "yes"),          # (1.1) PyYAML: True
    ("on", "on"),            # (1.1) PyYAML: True
    ("n", "n"),              # (1.1) PyYAML: False
    ("1:20", "1:20"),        # (1.1) PyYAML: 80 (base 60)
    ("1e3", 1000),           # (1.1) PyYAML: the string '1e3'; a whole number once the CLI writes it back out
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
    ("2026-11-02T10:00:00", "2026-11-02T10:00:00"),      # a T takes a zone: no timestamp, a string
    ("2026-11-02T10:00:00+00:00", "2026-11-02 10:00:00 +0000 UTC"),  # written back out as Z, read as UTC
    ("2026-11-02  10:00:00", "2026-11-02 10:00:00 +0000 UTC"),      # time.Parse: a run of spaces
    ("2026-11-02T10:00:00,5Z", "2026-11-02 10:00:00.5 +0000 UTC"),  # time.Parse: a comma before the fraction
    ("2026-02-30", "2026-02-30"),                        # time.Parse: day out of range
    ("1e400", "1e400"),                                  # strconv.ParseFloat: out of range, so a string
    ("1e-400", 0),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.1 -0500 -0500"),
    ("'2026-11-02'", "2026-11-02"),                      # quoted: a string
    ("!!str 12", "12"),
    ("!!binary aGVsbG8=", "hello"),
    ("12345678901234567890123", 12345678901234567741440),  # beyond uint64: a float, as ParseFloat; whole
    ("1e21", 1e21),                                      # Go's JSON writes 1e+21: a float to the program
]


@pytest.mark.parametrize(("text", "expected"), SCALARS)
def test_scalars_resolve_as_yaml_v3_does(text, expected):
    assert load(f"k: {text}") == {"k": expected}


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\na: 2", 'line 2: mapping key "a" already defined at line 1'),
    ("a: !!set {x, y}", "tag !!set (line 1)"),
    ("a: !custom x", "tag !custom (line 1)"),
    ("? [1]\n: x", "a list as a mapping key (line 1)"),
    ("a: .inf", 'json: unsupported value: +Inf'),
    ("a: !!float 1e400", "cannot decode !!str `1e400` as a !!float"),
    ("a: &a [*a]", "anchor 'a' value contains itself"),
    ("a: *b", "unknown anchor 'b' referenced"),
    ("x: {1: a, 1.0: b}", 'mapping key "1" already defined once the CLI writes the file back out'),
    ("a: !!binary '%%%'", "!!binary value (line 1) is not base64"),
    ("a: [unclosed", "not valid YAML"),
    ("a: " + "[" * 5000 + "]" * 5000, "nesting"),
])
def test_what_the_cli_refuses_is_one_line(text, message):
    with pytest.raises(GoYamlError, match=re.escape(message)) as raised:
        load(text)
    assert "\n" not in str(raised.value)


def test_merge_keys_and_non_string_keys():
    assert load("base: &b {x: 1, y: 2}\nk:\n  <<: *b\n  y: 3") == {"base": {"x": 1, "y": 2}, "k": {"x": 1, "y": 3}}
    assert load("k:\n  <<: [{x: 1}, {x: 2, y: 2}]") == {"k": {"x": 1, "y": 2}}  # the first merged mapping wins
    keys = list(load("1: a\ntrue: b\n~: c\n1.5: d\n2026-01-01: e\n18446744073709551615: f"))
    assert keys == ["1", "true", "<nil>", "1.5", "2026-01-01 00:00:00 +0000 UTC", "18446744073709551615"]
    assert all(isinstance(k, goyaml.GoKey) for k in keys)
    # fmt's %s, as project.go SimplifyMarshalledValue reports one; yaml.v3's text for ParseKey.
    assert [k.as_s for k in keys] == ["%!s(int=1)", "%!s(bool=true)", "%!s(<nil>)", "%!s(float64=1.5)",
                                      "2026-01-01 00:00:00 +0000 UTC", "%!s(uint64=18446744073709551615)"]
    assert [k.encoded for k in keys] == ["1", "true", "null", "1.5", "2026-01-01T00:00:00Z", "18446744073709551615"]
    assert load("'1': a") == {"1": "a"} and not isinstance(next(iter(load("'1': a"))), goyaml.GoKey)


def test_only_the_first_document_is_read_as_yaml_v3_reads_it():
    # yaml.go Unmarshal parses one document; what follows its end is not read.
    assert load("a: 1\n---\n]") == {"a": 1}
    with pytest.raises(GoYamlError, match="not valid YAML"):
        load("a: 1\n]")


def test_alias_expansion_is_bounded_as_yaml_v3_bounds_it():
    # decode.go allowedAliasRatio: 99 % below 400,000 decoded values, 10 % from 4,000,000, linear between.
    assert goyaml.allowed_alias_ratio(400_000) == 0.99 and goyaml.allowed_alias_ratio(4_000_000) == 0.10
    assert goyaml.allowed_alias_ratio(2_200_000) == pytest.approx(0.545)
    # Lists of lists of aliases, 4 deep: 7 wide passes and 8 wide does not, in yaml.v3 as here
    # (tests/fixtures/stackfile-oracle.json); an alias node itself counts as not aliased.
    def nested(width: int) -> str:
        text = "a: &a [" + ",".join(["x"] * width) + "]\n"
        return text + "".join(f"{c}: &{c} [{','.join(['*' + p] * width)}]\n" for p, c in zip("abc", "bcd"))
    assert len(load(nested(7))["d"]) == 7
    with pytest.raises(GoYamlError, match="^yaml: document contains excessive aliasing"):
        load(nested(8))
    # A flat fan-out stays under 99 %: 100 aliases of a 10-item list (1,100 of 1,217 decoded).
    assert len(load("a: &a [" + ",".join(["x"] * 10) + "]\nb: [" + ",".join(["*a"] * 100) + "]")["b"]) == 100


@pytest.mark.parametrize(("value", "text"), [
    # encoding/json encode.go floatEncoder: 'f' from 1e-6 below 1e21, else 'e' with e-07 as e-7.
    (True, "true"), (30, "30"), (1000.0, "1000"), (1.5, "1.5"), (1e-5, "0.00001"), (1e-6, "0.000001"),
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-10, "1e-10"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
    (-0.0, "-0"), (1.2345678901234569e+23, "1.2345678901234569e+23"), (-2.5e-300, "-2.5e-300"),
])
def test_numbers_reach_the_program_as_go_writes_json(value, text):
    assert go_json_scalar(value) == text


@pytest.mark.parametrize(("value", "text"), [
    # strconv.FormatFloat(f, 'g', -1, 64), fmt's %v: 'e' below 1e-4 and from 1e6 (precision 6).
    (1.0, "1"), (1.5, "1.5"), (100000.0, "100000"), (1e6, "1e+06"), (1234567.0, "1.234567e+06"),
    (0.0001, "0.0001"), (0.00001, "1e-05"), (-0.0, "-0"), (float("inf"), "+Inf"), (float("-inf"), "-Inf"),
    (float("nan"), "NaN"),
])
def test_floats_print_as_go_g_format(value, text):
    assert gofmt.format_g(value) == text


def test_objects_reach_the_program_as_compact_json_with_sorted_keys():
    # Go's encoding/json sorts map keys and adds no spaces.
    assert config_string({"b": 1, "a": [True, None]}) == '{"a":[true,null],"b":1}'
