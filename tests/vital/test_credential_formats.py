"""vital/credential_formats.py is detect-secrets' detectors as the installed library holds them
(the oracle), and vital.secrets answers as the library's detectors answer."""

from __future__ import annotations

import base64
import importlib
import json
import re

import pytest
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.jwt import JwtTokenDetector

from vital import secrets
from vital.credential_formats import LIBRARY_DETECTORS, jwt_formally_valid


def _library(module: str, name: str) -> RegexBasedDetector:
    return getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), name)()


@pytest.mark.parametrize("row", LIBRARY_DETECTORS, ids=[row[1] for row in LIBRARY_DETECTORS])
def test_each_row_is_the_librarys_detector(row):
    module, name, secret_type, patterns = row
    theirs = _library(module, name)
    assert theirs.secret_type == secret_type
    assert [(p.pattern, p.flags) for p in theirs.denylist] == [(p, re.compile(p, f).flags) for p, f in patterns]


def _jwt(payload: dict, signature: str = "c2ln") -> str:
    encode = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode({'alg': 'HS256'})}.{encode(payload)}.{signature}"


SAMPLES = (
    "", "plain words", "https://example.com/path", "AKIAIOSFODNN7EXAMPLE", "aws_secret='" + "A" * 40 + "'",
    "ghp_" + "a" * 36, "glpat-" + "x" * 20, "https://user:hunter2@db.example.com:5432/app",
    "xoxb-123-456-abcdef", "https://hooks.slack.com/services/T00/B00/XXX", "sk_live_" + "a" * 24,
    "sk_test_" + "a" * 16, "sb_secret_" + "a" * 16, "sk-proj-" + "a" * 20, "sk-ant-api03-" + "a" * 20,
    "sk-lf-0123abcd-0123", "-----BEGIN RSA PRIVATE KEY-----", "SG." + "a" * 22 + "." + "b" * 43,
    "123456789:" + "A" * 35, "AC" + "a" * 32, "//registry.npmjs.org/:_authToken=npm_abc",
    "AccountKey=" + "a" * 88, "AKC" + "a" * 10, " AP1" + "a" * 8 + " ", "a" * 32 + "-us12",
    "sq0csp-" + "a" * 43, "pypi-AgEIcHlwaS5vcmc" + "a" * 70, "MAAAAAAAAAAAAAAAAAAAAAAAA.aaaaaa." + "a" * 27,
    "sk-" + "a" * 20 + "T3BlbkFJ" + "b" * 20, _jwt({"role": "anon"}), _jwt({"role": "service_role"}), "eyJhbGciOi.eyJub3QganNvbg.x", "eyJ.eyJ.",
)


def _library_types(value: str) -> list[str]:
    """vital.secrets.credential_types as it was with the library's own detector objects."""
    if not value:
        return []
    detectors = [_library(module, name) for module, name, _type, _patterns in LIBRARY_DETECTORS]
    detectors += [type("Extra", (RegexBasedDetector,), {"secret_type": name, "denylist": (re.compile(pattern),)})()
                  for name, pattern, _source in secrets.EXTRA_FORMATS]
    found = []
    for detector in detectors:
        for match in detector.analyze_string(value):
            if detector.secret_type == "JSON Web Token" and secrets.jwt_role(match) == "anon":
                continue
            found.append(detector.secret_type)
            break
    return found


@pytest.mark.parametrize("value", SAMPLES)
def test_credential_types_are_the_librarys(value):
    assert secrets.credential_types(value) == _library_types(value)


def test_the_samples_reach_every_format():
    seen = {t for value in SAMPLES for t in secrets.credential_types(value)}
    assert seen >= {row[2] for row in LIBRARY_DETECTORS} | {name for name, _, _ in secrets.EXTRA_FORMATS}


@pytest.mark.parametrize("token", [_jwt({"a": 1}), "eyJhbGciOi.eyJub3QganNvbg.x", "eyJ.eyJ.", "a.b", "eyJhbGc=.e30.é"])
def test_jwt_validity_is_the_librarys(token):
    assert jwt_formally_valid(token) == JwtTokenDetector.is_formally_valid(token)


def test_no_check_imports_the_library():
    import subprocess
    import sys

    code = "import sys; from vital import secrets; secrets.looks_secret_value('ghp_' + 'a' * 36); " \
           "print(sorted(m for m in sys.modules if m.split('.')[0] in ('detect_secrets', 'requests')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
