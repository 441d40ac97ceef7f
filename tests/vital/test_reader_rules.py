"""The stack-file reader rule by rule: exact messages, exact counts, each edge on both sides.

Each expectation names the upstream function it follows (yaml.v3 v3.0.1 resolve.go/decode.go,
Go's strconv/time/encoding/json, pulumi/pulumi sdk 3.260); the cases Go itself was run on are
in tests/vital/test_stackfile.py.
"""

from __future__ import annotations

import base64
import json
import math
import re

import pytest

from tests.pulumi_crypto import SESSION_SALT_LINE, encrypt
from tests.stacks import ROOT
from vital import configkeys, gofmt, goscalar, goyaml, secretsscheme, stackfile
from vital.goyaml import GoYamlError, load


# ---- yaml.v3's refusals, word for word --------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("a: .nan", 'NaN (line 1) is not a number the CLI can pass on ("json: unsupported value: NaN"); allowed: a finite number'),
    ("a: .NaN", 'NaN (line 1) is not a number the CLI can pass on ("json: unsupported value: NaN"); allowed: a finite number'),
    ("a: .NAN", 'NaN (line 1) is not a number the CLI can pass on ("json: unsupported value: NaN"); allowed: a finite number'),
    *[(f"a: {t}", f'+Inf (line 1) is not a number the CLI can pass on ("json: unsupported value: +Inf"); allowed: a finite number')
      for t in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")],
    *[(f"a: {t}", f'-Inf (line 1) is not a number the CLI can pass on ("json: unsupported value: -Inf"); allowed: a finite number')
      for t in ("-.inf", "-.Inf", "-.INF")],
    # resolve.go resolve(): the deferred "cannot decode %s `%s` as a %s".
    ("a: !!int 1.5", "cannot decode !!float `1.5` as a !!int (line 1)"),
    ("a: !!bool 1", "cannot decode !!int `1` as a !!bool (line 1)"),
    ("a: !!int true", "cannot decode !!bool `true` as a !!int (line 1)"),
    ("a: !!float true", "cannot decode !!bool `true` as a !!float (line 1)"),
    ("a: !!null x", "cannot decode !!str `x` as a !!null (line 1)"),
    ("a: !!int ~", "cannot decode !!null `~` as a !!int (line 1)"),
    ("a: !!int 2026-11-02", "cannot decode !!timestamp `2026-11-02` as a !!int (line 1)"),
    ("a: !!timestamp 2026-11-02T10:00:00", "cannot decode !!str `2026-11-02T10:00:00` as a !!timestamp (line 1)"),
    ("a: !!binary /w==", "!!binary value (line 1) is not base64 of UTF-8 text; allowed: a plain string"),
    ("a: !!binary '%%%'", "!!binary value (line 1) is not base64 of UTF-8 text; allowed: a plain string"),
    ("a: !!foo x", "tag !!foo (line 1); allowed: plain YAML scalars, lists and mappings"),
    ("a: !custom x", "tag !custom (line 1); allowed: plain YAML scalars, lists and mappings"),
    ("a: !!set {x}", "tag !!set (line 1); allowed: plain YAML mappings, lists and scalars"),
    ("a: [unclosed", "not valid YAML (line 2): did not find expected ',' or ']'"),
    ("a: \x07", "not valid YAML: unacceptable character #x0007: control characters are not allowed"),
    ("a: &a x\nb: {a: 1, *a : 2, *a : 3}", 'line 2: mapping key "a" already defined at line 2'),
    ("a: *b", "unknown anchor 'b' referenced (line 1)"),
    ("a: &a [*a]", "anchor 'a' value contains itself (line 1)"),
    ("? [1]\n: x", "a list as a mapping key (line 1); allowed: a scalar key"),
    ("? {a: 1}\n: x", "a mapping as a mapping key (line 1); allowed: a scalar key"),
    ("k:\n  <<: 1", "map merge requires map or sequence of maps as the value (line 2)"),
    ("k:\n  <<: [{a: 1}, 2]", "map merge requires map or sequence of maps as the value (line 2)"),
    ("a: 1\na: 2", 'line 2: mapping key "a" already defined at line 1'),
    ("a: 1\n'a': 2", 'line 2: mapping key "a" already defined at line 1'),
    ("a: &k x\n? *k\n: 1\n? *k\n: 2", 'line 4: mapping key "k" already defined at line 2'),
    ("x: {1: a, 1.0: b}", 'line 1: mapping key "1" already defined once the CLI writes the file back out (yaml.v3 reads '
                          'the int 1 and the float 1, then writes both as "1"); allowed: distinct keys'),
    ("x: {'1': a, 1.0: b}", 'line 1: mapping key "1" already defined once the CLI writes the file back out (yaml.v3 '
                            "reads the string '1' and the float 1, then writes both as \"1\"); allowed: distinct keys"),
])
def test_refusals_are_yaml_v3s_words_on_one_line(text, message):
    with pytest.raises(GoYamlError) as raised:
        load(text)
    assert str(raised.value) == message


def test_nesting_is_bounded_at_64_levels():
    assert load("[" * 64 + "]" * 64) == _nested(63)
    with pytest.raises(GoYamlError) as raised:
        load("[" * 65 + "]" * 65)
    assert str(raised.value) == "nesting deeper than 64 levels (line 1); allowed: a stack file's flat config"


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("text", "value"), [
    # resolve.go resolveMap: every spelling.
    *[(t, True) for t in ("true", "True", "TRUE")],
    *[(t, False) for t in ("false", "False", "FALSE")],
    *[(t, None) for t in ("", "~", "null", "Null", "NULL")],
    ("tRUE", "tRUE"), ("x5", "x5"),
    # the hint table: + - digits . may be numbers; anything else is a string
    ("+12", 12), ("-5", -5), (".5", 0.5), ("._5", "._5"), (".e3", ".e3"), (".5e400", ".5e400"), ("-.5", -0.5),
    # strconv.ParseInt(s, 0, 64), then ParseUint, then ParseFloat
    ("0", 0), ("00", 0), ("7", 7), ("0x", "0x"), ("-0o17", -15), ("0b_1", 1),
    ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
    ("-9223372036854775809", -9223372036854776000), ("18446744073709551615", 18446744073709551615),
    ("18446744073709551616", 18446744073709552000),
    # resolve_tagged: an int passes as a !!float; !!null, !!bool, !!str, ! (non-specific)
    ("!!float 12", 12), ("!!float 1.5", 1.5), ("!!null ~", None), ("!!bool true", True), ("!!str 1.5", "1.5"),
    ("!!int 12", 12), ("!!timestamp 2026-11-02", "2026-11-02 00:00:00 +0000 UTC"), ("+0x1F", 31), ("-0x1F", -31),
    ("! '12'", "12"),  # parserc.go scalar(): a quoted scalar's default tag is !!str, "!" or not
    ("!!binary |\n    aGVs\n    bG8=", "hello"),
    ("! 12", 12),  # parserc.go node(): "!" on a plain scalar resolves as no tag (PyYAML makes it a string)
])
def test_scalars(text, value):
    got = load(f"k: {text}")["k"]
    assert got == value and type(got) is type(value)


def test_non_specific_tags_and_anchored_scalars():
    assert load("a: ! [1]\nb: ! {c: 1}") == {"a": [1], "b": {"c": 1}}
    assert load("a: &s 1\nb: *s") == {"a": 1, "b": 1}
    assert load("k:\n  !!merge <<: {x: 1}\n  y: 2") == {"k": {"x": 1, "y": 2}}
    assert load("k:\n  '<<': {x: 1}") == {"k": {"<<": {"x": 1}}}  # a quoted << is a string key (parserc.go)
    assert load("") is None
    # An alias is not a scalar key of the same text (decode.go compares kinds too).
    assert load("a: &a x\nb: {a: 1, *a : 2}") == {"a": "x", "b": {"a": 1, "x": 2}}


# ---- timestamps: time.Parse with yaml.v3's layouts ----------------------------------------------------


@pytest.mark.parametrize(("text", "printed"), [
    ("2026-12-31", "2026-12-31 00:00:00 +0000 UTC"), ("2026-13-01", None), ("2026-00-10", None), ("2026-01-00", None),
    ("2024-02-29", "2024-02-29 00:00:00 +0000 UTC"), ("2026-02-29", None), ("0000-02-29", "0000-02-29 00:00:00 +0000 UTC"),
    ("2026-11-02T23:59:59Z", "2026-11-02 23:59:59 +0000 UTC"), ("2026-11-02T24:00:00Z", None),
    ("2026-11-02T10:60:00Z", None), ("2026-11-02T10:00:60Z", None),
    ("2026-11-02T10:00:00+01:00", "2026-11-02 10:00:00 +0100 +0100"), ("2026-11-02T10:00:00-05:30", "2026-11-02 10:00:00 -0530 -0530"),
    ("2026-11-02T10:00:00+24:00", "2026-11-02 10:00:00 +2400 +2400"), ("2026-11-02T10:00:00+25:00", None),
    ("2026-11-02T10:00:00+05:60", "2026-11-02 10:00:00 +0600 +0600"), ("2026-11-02T10:00:00+05:61", None),
    ("2026-11-02 10:00:00", "2026-11-02 10:00:00 +0000 UTC"), ("2026-11-02 10:00:00Z", None),
    ("2026-11-02T10:00:00.000Z", "2026-11-02 10:00:00 +0000 UTC"), ("2026-11-02T10:00:00.50Z", "2026-11-02 10:00:00.5 +0000 UTC"),
])
def test_timestamps(text, printed):
    stamp = goscalar.parse_timestamp(text)
    assert (None if stamp is None else stamp.string()) == printed


def test_times_as_yaml_v3_writes_them_back_out():
    # time.Time.Format(time.RFC3339Nano), yaml.v3's encoder for a time.Time.
    assert goscalar.parse_timestamp("2026-11-02T10:00:00.5-05:30").rfc3339() == "2026-11-02T10:00:00.5-05:30"
    assert goscalar.parse_timestamp("2026-11-02").rfc3339() == "2026-11-02T00:00:00Z"


# ---- Go's number text -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (12.5, "12.5"), (1234.5678, "1234.5678"), (-12.5, "-12.5"), (0.5, "0.5"), (-0.000001, "-0.000001"),
    (123456789.125, "123456789.125"), (-1e21, "-1e+21"), (-1e-7, "-1e-7"),
])
def test_json_floats(value, text):
    assert gofmt.json_float(value) == text


def test_what_go_cannot_print_is_refused():
    with pytest.raises(ValueError, match=re.escape("json: unsupported value: +Inf")):
        gofmt.json_float(math.inf)
    with pytest.raises(TypeError, match="str"):
        gofmt.json_scalar("x")
    assert gofmt.json_scalar(False) == "false" and gofmt.format_v(False) == "false" and gofmt.format_v(None) == "<nil>"
    assert gofmt.format_g(-1.5e-7) == "-1.5e-07" and gofmt.format_g(-1234567.0) == "-1.234567e+06"
    assert gofmt.format_s(1) == "%!s(int=1)" and gofmt.format_s(2 ** 63, big=True) == "%!s(uint64=9223372036854775808)"
    assert gofmt.format_g(0.0) == "0" and gofmt.json_float(0.0) == "0"
    with pytest.raises(ValueError) as raised:
        gofmt.json_float(-math.inf)
    assert str(raised.value) == "json: unsupported value: -Inf"


def test_keys_past_int64_are_uint64_as_yaml_v3_decodes_them():
    keys = list(load("9223372036854775807: a\n9223372036854775808: b"))
    assert [k.as_s for k in keys] == ["%!s(int=9223372036854775807)", "%!s(uint64=9223372036854775808)"]


# ---- decode.go's counting, call by call ----------------------------------------------------------


def _counts(text: str) -> tuple[int, int]:
    decoder = goyaml._Decoder()
    decoder.count()
    decoder.value(goyaml.compose(text))
    return decoder.decoded, decoder.aliased


@pytest.mark.parametrize(("text", "decoded", "aliased"), [
    # document, mapping, key a, [x] and x; key b, the alias node, then [x] and x through it.
    ("a: &a [x]\nb: *a", 9, 2),
    # ... key b, {y: 2}: mapping, key y, 2; then merge(): the parent's keys again (<< and y),
    # the alias node, and through it the mapping, key x and 1.
    ("a: &a {x: 1}\nb: {<<: *a, y: 2}", 16, 3),
    # a sequence of merged mappings is not itself counted; each mapping in it is.
    ("a: &a {x: 1}\nb: {<<: [*a, {z: 3}], y: 2}", 19, 3),
    # an aliased key: the alias node, then its scalar through it.
    ("a: &k x\nb: {*k : 1}", 9, 1),
    # a merged key the mapping already has is counted, its value is not decoded.
    ("b: {<<: {x: 1}, x: 2}", 10, 0),
    # through *m (depth 1): the aliased key *k goes to depth 2 and back to 1, so y and 2 still count
    # as aliased; the same for a merge through an alias inside an alias.
    ("a: &k x\nm: &m {*k : 1, y: 2}\nn: *m", 19, 7),
    ("a: &a {x: 1}\nm: &m {<<: *a, y: 2}\nn: *m", 27, 12),
])
def test_values_are_counted_as_decode_go_counts_them(text, decoded, aliased):
    assert _counts(text) == (decoded, aliased)


def test_the_excessive_aliasing_check_at_its_thresholds():
    # decode.go unmarshal(): aliasCount > 100 && decodeCount > 1000 && ratio > allowedAliasRatio.
    def after(decoded: int, aliased: int) -> bool:
        decoder = goyaml._Decoder()
        decoder.decoded, decoder.aliased, decoder.alias_depth = decoded, aliased, 1
        try:
            decoder.count()
        except GoYamlError:
            return True
        return False
    assert not after(999, 998)  # 1,000 decoded: not more than 1,000
    assert after(1000, 999)  # 1,001
    assert not after(9999, 9899)  # exactly 0.99
    assert after(9999, 9900)
    assert goyaml.allowed_alias_ratio(400_001) < 0.99 and goyaml.allowed_alias_ratio(3_999_999) > 0.10


# ---- stackfile: files, leaves, secrets, commands -----------------------------------------------


def test_files_the_cli_cannot_read(tmp_path):
    cases = {
        tmp_path / "missing.yaml": "file not found",
        tmp_path: "is a directory; allowed: a YAML file",
        tmp_path / "plain.txt" / "x.yaml": "cannot be read (Not a directory)",
    }
    (tmp_path / "plain.txt").write_text("")
    (tmp_path / "latin1.yaml").write_bytes(b"a: \xe9\n")
    cases[tmp_path / "latin1.yaml"] = "byte 3 is not UTF-8; allowed: a UTF-8 YAML file"
    (tmp_path / "list.yaml").write_text("- a\n")
    cases[tmp_path / "list.yaml"] = "found a list; allowed: a YAML mapping"
    (tmp_path / "bad.yaml").write_text("a: [")
    cases[tmp_path / "bad.yaml"] = "not valid YAML (line 2): did not find expected node content"
    (tmp_path / "key.yaml").write_text("1: a\n")
    cases[tmp_path / "key.yaml"] = ("expected only string keys, got '%!s(int=1)' (the CLI's words: it reads no file whose "
                                    "top-level keys are not all strings); allowed: a string key, quoted if it looks like another type")
    for path, message in cases.items():
        with pytest.raises(stackfile.StackFileError) as raised:
            stackfile.load_yaml(path)
        assert str(raised.value) == f"{path}: {message}"
    (tmp_path / "empty.yaml").write_text("")
    assert stackfile.load_yaml(tmp_path / "empty.yaml") == {}


def test_leaves_and_secure_values():
    value = {"a": [1, {"secure": "c"}], "b": {}, "c": [], "d": {"x": "y"}}
    assert list(stackfile.leaves(value, "k")) == [("k.a[0]", 1), ("k.a[1]", {"secure": "c"}), ("k.b", {}), ("k.c", []),
                                                   ("k.d.x", "y")]
    assert stackfile.map_secure(value, "k", lambda p, c: f"{p}={c}") == {"a": [1, "k.a[1]=c"], "b": {}, "c": [], "d": {"x": "y"}}
    document = {"config": {"p:a": {"secure": "s1"}, "b": {"x": {"secure": "s2"}, "y": 1}}}
    assert stackfile.secure_leaves(document) == {"p:a": "s1", "vital-expert-infra:b.x": "s2"}
    plain = {"config": {"vital-expert-infra:secretEnv": {"A": {"secure": "s"}, "B": "plain", "C": None, "D": {}},
                        "vital-expert-infra:vercelDeployToken": "plain"}}
    assert stackfile.plaintext_secret_leaves(plain) == ["vercelDeployToken", "secretEnv.B"]
    assert stackfile.config_section({"config": [1]}) == {} and stackfile.config_section(None) == {}


def test_the_commands_that_set_secrets():
    secret = stackfile.RequiredSecret("vital-expert-infra:secretEnv", subkey="OPENAI_API_KEY")
    assert secret.name == "secretEnv.OPENAI_API_KEY"
    assert secret.command("production") == "pulumi config set --stack production --secret --path secretEnv.OPENAI_API_KEY"
    assert stackfile.RequiredSecret("vercel:apiToken").command() == "pulumi config set --secret vercel:apiToken"
    assert stackfile.set_commands("preview", ["a", "b.c"]) == ("pulumi config set --stack preview --secret a; "
                                                               "pulumi config set --stack preview --secret --path b.c")
    assert stackfile.cli_stops("preview", ["a"]) == "error: validating stack config: Stack 'preview' is missing configuration value 'a'"


def _stack(tmp_path, config: dict, header: dict | None = None):
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(json.dumps({**(header if header is not None else {"encryptionsalt": SESSION_SALT_LINE}), "config": config}))
    return path


def test_read_fills_stand_ins_and_placeholders(tmp_path):
    config = {"vital-expert-infra:protectionPassword": {"secure": encrypt("x")},
              "vital-expert-infra:secretEnv": {"A": {"secure": encrypt("a")}}, "vital-expert-infra:supabaseProjectRef": "abc"}
    path = _stack(tmp_path, config)
    standins = [stackfile.RequiredSecret("vital-expert-infra:vercelDeployToken"),
                stackfile.RequiredSecret("vital-expert-infra:secretEnv", subkey="A"),
                stackfile.RequiredSecret("vital-expert-infra:secretEnv", subkey="B"),
                stackfile.RequiredSecret("vital-expert-infra:supabaseAccessToken"),
                stackfile.RequiredSecret("vital-expert-infra:supabaseDbUrl")]
    got = stackfile.read("production", path, standins)
    assert got.config["vital-expert-infra:protectionPassword"] == "secret-placeholder:vital-expert-infra:protectionPassword"
    assert got.config["vital-expert-infra:vercelDeployToken"] == "secret-not-set-yet:vercelDeployToken"
    assert json.loads(got.config["vital-expert-infra:secretEnv"]) == {
        "A": "secret-placeholder:vital-expert-infra:secretEnv.A", "B": "secret-not-set-yet:secretEnv.B"}
    assert got.standins == ["vercelDeployToken", "secretEnv.B", "supabaseAccessToken", "supabaseDbUrl"]
    assert got.cli_missing == ["supabaseDbUrl"]  # declared in Pulumi.yaml; the others are not
    assert set(got.secret_keys) == {"vital-expert-infra:protectionPassword", "vital-expert-infra:secretEnv",
                                    "vital-expert-infra:vercelDeployToken", "vital-expert-infra:supabaseAccessToken",
                                    "vital-expert-infra:supabaseDbUrl"}
    assert stackfile.offline_value(got.config["vital-expert-infra:vercelDeployToken"])
    assert stackfile.offline_value(got.config["vital-expert-infra:protectionPassword"]) and not stackfile.offline_value("x")
    assert stackfile.missing_declared("production", path, standins) == []
    assert stackfile.missing_declared("production", path) == ["supabaseDbUrl"]


def test_read_refuses_what_the_cli_refuses(tmp_path):
    with pytest.raises(stackfile.StackFileError) as raised:
        stackfile.read("production")  # the committed file: no secret set yet
    assert str(raised.value).startswith(f"{ROOT / 'Pulumi.production.yaml'}: the CLI stops with")
    empty = _stack(tmp_path, {})
    with pytest.raises(stackfile.StackFileError) as raised:
        stackfile.read("production", empty)
    assert str(raised.value) == f"{empty}: " + (
        "the CLI stops with \"error: validating stack config: Stack 'production' is missing configuration values 'secretEnv', "
        "'supabaseDbUrl' and 'supabaseProjectRef'\"; allowed: set them first: pulumi config set --stack production "
        "--secret secretEnv; pulumi config set --stack production --secret supabaseDbUrl; pulumi config set --stack "
        "production supabaseProjectRef")
    path = _stack(tmp_path, [1])
    with pytest.raises(stackfile.StackFileError) as raised:
        stackfile.read("production", path)
    assert str(raised.value) == f"{path}: 'config' is a list; allowed: a mapping of keys"
    full = {f"vital-expert-infra:{k}": {"secure": encrypt("x")} for k in ("vercelDeployToken", "supabaseAccessToken", "supabaseDbUrl")}
    full |= {"vital-expert-infra:secretEnv": {"A": {"secure": encrypt("a")}}, "vital-expert-infra:supabaseProjectRef": "abc"}
    for changed, words in (({"vital-expert-infra:supabaseDbUrl": "plain"}, "configuration key 'supabaseDbUrl' must be encrypted"),
                           ({"vital-expert-infra:big": "x" * 140_000}, "PULUMI_CONFIG")):
        path = _stack(tmp_path, {**full, **changed})
        with pytest.raises(stackfile.StackFileError) as raised:
            stackfile.read("production", path)
        assert str(raised.value).lower().startswith(f"{path}: stack 'production'".lower()) and words in str(raised.value)
    clash = _stack(tmp_path, {**full, "supabaseProjectRef": "def"})
    with pytest.raises(stackfile.StackFileError) as raised:
        stackfile.read("production", clash)
    assert str(raised.value).startswith(f"{clash}: config keys 'vital-expert-infra:supabaseProjectRef' and 'supabaseProjectRef'")
    # The CLI's check of ciphertext is skipped where only the missing keys are asked for.
    broken = _stack(tmp_path, {"vital-expert-infra:vercelDeployToken": {"secure": "v1:bad"}})
    assert "vercelDeployToken" not in stackfile.missing_declared("production", broken)
    with pytest.raises(stackfile.StackFileError) as raised:
        stackfile.file_config("production", broken)
    assert str(raised.value) == (
        f"{broken}: stack 'production': config 'vital-expert-infra:vercelDeployToken': the secure value is not ciphertext "
        "the CLI can decrypt (not of the form v1:<nonce>:<ciphertext>); allowed: a value written by `pulumi config set "
        "--secret` with this stack's secrets provider")


def test_committed_config():
    assert stackfile.committed_config("production")["vital-expert-infra:githubPlan"] == "team"
    assert stackfile.committed_config("production", ROOT / "missing") == {}


# ---- configkeys and secretsscheme: the words and the edges -------------------------------------


def test_config_key_words():
    with pytest.raises(configkeys.ConfigKeyError) as raised:
        configkeys.parse_key("a:b:c")
    assert str(raised.value) == ("could not parse a:b:c as a configuration key (configuration keys should be of the form "
                                 "`<namespace>:<name>`) (the CLI refuses the file)")
    with pytest.raises(configkeys.ConfigKeyError) as raised:
        configkeys.name_keys({"x": 1, "p:x": 2, "aws:config:r": 3, "aws:r": 4}, "p")
    assert str(raised.value) == "config keys 'x' and 'p:x' are both 'p:x' to the CLI, which keeps one of the two at random (a Go map); allowed: one of them"
    assert configkeys.empty_value_warning(["b", "a"]).startswith('No value for configuration keys "a" and "b". ')
    assert configkeys.empty_value_warning(["c", "b", "a"]).startswith('No value for configuration keys "a", "b", "c". ')
    assert configkeys.empty_value_warning(["a"]).endswith('Set the value to `""` to avoid this warning.')
    assert configkeys.empty_value_warning(["a", "b"]).endswith('Set the values to `""` to avoid this warning.')
    keys = load("config:\n  1: x\n  a: y\n  p:b: z\n  p:c: w\n")["config"]
    assert configkeys.lenient(keys, "p") == {"p:a": "y", "p:b": "z", "p:c": "w"}
    assert configkeys.lenient({"a": 1, "p:a": 2}, "p") == {"p:a": 1}


SALT = {"encryptionsalt": SESSION_SALT_LINE}
V1 = "v1:" + base64.b64encode(bytes(12)).decode() + ":" + base64.b64encode(bytes(20)).decode()  # well formed


@pytest.mark.parametrize(("header", "ciphertext", "problem"), [
    ({"secretsprovider": "passphrase", **SALT}, V1, None),
    *[({"secretsprovider": f"{s}://key", "encryptedkey": "eA=="}, V1, None)
      for s in ("gcpkms", "azurekeyvault", "hashivault")],
    ({"secretsprovider": 1}, "eA==", "secretsprovider '1' is not a URL the CLI can open (gocloud: no driver registered "
                                     "for ''; available schemes: awskms, azurekeyvault, gcpkms, hashivault)"),
    ({"secretsprovider": "awskms://k"}, V1, "secretsprovider names a cloud KMS key but the file has no encryptedkey: "
                                                      "line, so the CLI would make a new data key, which cannot decrypt values "
                                                      "sealed with the old one"),
    (SALT, "", "an empty value instead of ciphertext"),
    ({}, "YWJj$", "not base64 (Pulumi Cloud's secrets provider)"),
    ({}, "eA==", None),
    ({}, "v1:AAAA:BBBB", "v1: ciphertext, which a passphrase or cloud KMS provider wrote, in a file with neither an "
                         "encryptionsalt: nor an encryptedkey: line, so the key that sealed it is gone (Pulumi Cloud's "
                         "provider takes plain base64; a DIY backend would make a new passphrase salt)"),
    (SALT, "v1:AAAA", "not of the form v1:<nonce>:<ciphertext>"),
    (SALT, "v2:AAAA:BBBB", "not of the form v1:<nonce>:<ciphertext>"),
    (SALT, "v1:%%%%:" + base64.b64encode(bytes(16)).decode(), "its nonce or ciphertext is not base64"),
    (SALT, "v1:" + base64.b64encode(bytes(12)).decode() + ":%%%%", "its nonce or ciphertext is not base64"),
    (SALT, "v1:" + base64.b64encode(bytes(11)).decode() + ":" + base64.b64encode(bytes(16)).decode(),
     "its nonce is 11 bytes; AES-GCM needs 12"),
    (SALT, "v1:" + base64.b64encode(bytes(12)).decode() + ":" + base64.b64encode(bytes(16)).decode(), None),
    (SALT, "v1:" + base64.b64encode(bytes(12)).decode() + ":" + base64.b64encode(bytes(15)).decode(),
     "its ciphertext is 15 bytes, shorter than the 16-byte GCM tag"),
])
def test_ciphertext_problems(header, ciphertext, problem):
    how = secretsscheme.scheme(header)
    assert secretsscheme.ciphertext_problem(ciphertext, how) == problem


def test_scheme_kinds():
    assert secretsscheme.scheme({}) == secretsscheme.Scheme("service", "") and secretsscheme.scheme({}).why == ""
    assert secretsscheme.scheme({"secretsprovider": "x"}).kind == "none"
    assert secretsscheme.scheme(SALT) == secretsscheme.Scheme("symmetric", "")
    assert secretsscheme.scheme(None).kind == "service" and secretsscheme.provider_line(None) == ""
    assert secretsscheme.ciphertext_problem(12, secretsscheme.scheme(SALT)) == "a int instead of ciphertext"
