"""The upstream specs in tests/fixtures/specs are the copies their README names, byte for byte."""

import hashlib
import re
from pathlib import Path

import pytest

SPECS = Path(__file__).resolve().parent / "fixtures" / "specs"
ROWS = re.findall(r"^\| `([^`]+)` \|.*\| ([0-9a-f]{64}) \|$", (SPECS / "README.md").read_text(), re.MULTILINE)


def test_every_fixture_has_a_row():
    assert sorted(name for name, _ in ROWS) == sorted(p.name for p in SPECS.iterdir() if p.name != "README.md")


@pytest.mark.parametrize(("name", "sha256"), ROWS)
def test_fixture_checksum(name, sha256):
    assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == sha256
