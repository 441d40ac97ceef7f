"""synth validates a pack config with jsonschema_rs (tools/policy/config.py): held here to
python-jsonschema's Draft7Validator, the oracle, on every policy's schema as the CLI receives it
(GetAnalyzerInfo, numbers crossed into floats), over good and bad values for every property: the
same errors (keyword and path), and synth refuses exactly when the oracle finds one, naming the
path of the oracle's first. Where the two differ on purpose (a pattern's `$` before a trailing
newline, NaN and Infinity), synth answers as the CLI's Go libraries do: tested apart below."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator as Oracle
from jsonschema_rs import Draft7Validator

from tools.policy.config import (
    PackInfo,
    PolicyConfigError,
    PolicyMeta,
    _path,
    document_of,
    load_pack_config,
    resolve_pack_config,
)
from tools.policy.inprocess import InProcessPack
from vital.names import PROJECT

CANDIDATES = (
    None, True, 0, -5, 1, 3.5, 30, 10**9, "", "x", "production", "not a tier!", "feat/*",
    [], ["production"], ["production", "production"], ["x"], [1], [""],
    {}, {"production": 5}, {"production": -1}, {"production": "x"}, {"unknown": 1}, {"production": {"x": 1}},
)


@pytest.fixture(scope="module")
def info():
    with InProcessPack(PROJECT, "preview") as pack:
        return pack.info


def _cases(info):
    for meta in info.policies:
        if not meta.properties:
            continue
        defaults = {k: v["default"] for k, v in meta.properties.items() if "default" in v}
        yield meta, defaults
        yield meta, {**defaults, "unknownProperty": 1}
        yield meta, {k: v for k, v in defaults.items() if k not in meta.required}
        for name in meta.properties:
            for value in CANDIDATES:
                yield meta, {**defaults, name: value}


def test_synth_finds_what_python_jsonschema_finds_on_every_policy_schema(info):
    compared = refused = 0
    for meta, props in _cases(info):
        schema = document_of(meta)
        mine = {(e.kind.name, tuple(e.instance_path)) for e in Draft7Validator(schema).iter_errors(props)}
        theirs = sorted(Oracle(schema).iter_errors(props), key=lambda e: [str(p) for p in e.absolute_path])
        assert mine == {(e.validator, tuple(e.absolute_path)) for e in theirs}, (meta.name, props)
        config = {meta.name: props}
        if not theirs:
            resolve_pack_config(info, config)
        else:
            with pytest.raises(PolicyConfigError) as err:
                resolve_pack_config(info, config)
            first, text = theirs[0], str(err.value)
            assert text.startswith(f"policy pack config: policy {meta.name!r}") and "\n" not in text
            assert {
                "additionalProperties": "found unknown property ",
                "required": " is a required property; allowed: an object with ",
            }.get(first.validator, f"property {_path(first.absolute_path)!r}: found {json.dumps(first.instance)}; allowed: ") in text
            refused += 1
        compared += 1
    assert compared > 1000 and 0 < refused < compared  # not an empty comparison, nor an all-refused one


def _one_policy(**schema) -> PackInfo:
    meta = PolicyMeta("p", "A policy.", "mandatory", "stack", {"v": schema}, ())
    return PackInfo("pack", "1.0.0", (meta,))


@pytest.mark.parametrize("schema, value, allowed", [
    ({"enum": [1, 2]}, 3, "one of 1, 2"),  # options that are no strings are named, not a crash (exit 3)
    ({"enum": ["a", None]}, "b", "one of a, null"),
    ({"type": ["string", "null"]}, 1, "a value of type null or string"),  # in jsonschema_rs's order
    ({"type": "integer", "maximum": 5.0}, 6, "a number of at most 5"),
    ({"type": "array", "maxItems": 1}, [1, 2], "[1,2] has more than 1 item"),  # the validator's own words
])
def test_every_keyword_is_one_line_naming_what_is_allowed(schema, value, allowed):
    with pytest.raises(PolicyConfigError) as err:
        resolve_pack_config(_one_policy(**schema), {"p": {"v": value}})
    assert str(err.value) == (
        f"policy pack config: policy 'p', property 'v': found {json.dumps(value)}; allowed: {allowed}")


def test_a_pattern_end_is_the_end_of_the_text_as_in_go_not_before_a_trailing_newline():
    # Go's regexp (gojsonschema's): "$ at end of text (like \z not \Z)"; Python's re lets $ match
    # before a final newline, so python-jsonschema would take "abc\n".
    info = _one_policy(type="string", pattern="^[a-z]+$")
    resolve_pack_config(info, {"p": {"v": "abc"}})
    assert list(Oracle(document_of(info.policies[0])).iter_errors({"v": "abc\n"})) == []
    with pytest.raises(PolicyConfigError, match=r"found \"abc\\n\"; allowed: a string matching"):
        resolve_pack_config(info, {"p": {"v": "abc\n"}})


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_the_file_are_no_json_as_go_reads_it(tmp_path, constant):
    path = tmp_path / "pack.json"
    path.write_text(f'{{"cost-ceiling": {{"ceilings": {{"vercel": {constant}}}}}}}')
    with pytest.raises(PolicyConfigError) as err:
        load_pack_config(path)
    assert str(err.value) == f"policy pack config {path}: not valid JSON ({constant} is not a JSON number)"
