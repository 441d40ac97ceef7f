"""Bad input to every tool: exit 2 and one line on stderr, never a traceback, within a bounded time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.backend import main as backend
from tools.diff.cli import main as diff
from tools.doctor.cli import main as doctor
from tools.rotate import main as rotate

WHERE = ["--region", "us-east-1"]
BACKEND = [
    *[["status", "--bucket", name, *WHERE] for name in (
        "192.168.1.1", "xn--bucket", "bucket-s3alias", "sthree-bucket", "Upper-Case", "ab", "a" * 64, "a..b",
        "-leading", "trailing-", "amzn-s3-demo-x", "x--ol-s3", "x.mrap")],
    ["status", "--bucket", "ok-bucket", "--region", "mars-1"],
    ["status", "--bucket", "ok-bucket", "--region", ""],
    ["status", "--bucket", "ok-bucket", *WHERE, "--endpoint-url", "not a url"],
    ["status", "--bucket", "ok-bucket", *WHERE, "--endpoint-url", "ftp://x"],
    # Retired: one line saying the bootstrap stack replaced them.
    ["bootstrap", "--bucket", "ok-bucket", *WHERE, "--kms-alias", "pulumi-state"],
    ["status", "--bucket", "ok-bucket", *WHERE, "--kms-alias", "alias/pulumi-state"],
    ["status", "--bucket", "ok-bucket", *WHERE, "--github-repo", "acme/infra"],
    ["status", "--bucket", "ok-bucket", *WHERE, "--stale-after-minutes", "0"],
    ["settings", "--outputs", "/nonexistent/outputs.json"],
    ["history", "../etc", "--bucket", "ok-bucket", *WHERE],
    ["history", "a/b/c/d", "--bucket", "ok-bucket", *WHERE],
    ["restore", "dev", "--bucket", "ok-bucket", *WHERE],
    ["status", "--bucket", "ok-bucket"],
    ["explode", "--bucket", "ok-bucket", *WHERE],
    [],
]


def _one_line_exit_2(code: int, captured) -> None:
    assert code == 2, captured.err[-500:]
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", BACKEND, ids=lambda a: " ".join(a)[:50])
def test_backend(argv, capsys):
    _one_line_exit_2(backend(argv), capsys.readouterr())


def _rotate_files(tmp_path: Path) -> dict[str, Path]:
    files = {"directory": tmp_path, "missing": tmp_path / "nope.yaml"}
    for name, text in {"invalid yaml": "config: [x\n", "a list": "- a\n", "config a list": "config: [a]\n",
                       "duplicate keys": "config:\n  a: 1\n  a: 2\n"}.items():
        files[name] = tmp_path / f"{name.replace(' ', '-')}.yaml"
        files[name].write_text(text)
    return files


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", ["directory", "missing", "invalid yaml", "a list", "config a list", "duplicate keys"])
def test_rotate_on_a_bad_file(case, tmp_path, capsys):
    path = _rotate_files(tmp_path)[case]
    _one_line_exit_2(rotate(["--stack", "production", "OPENAI_API_KEY", "--config-file", str(path)]), capsys.readouterr())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", [
    ["--stack", "production", "OPENAI_API_KEY", "--date", "2026-13-01"],
    ["--stack", "production", "OPENAI_API_KEY", "--date", "2999-01-01"],
    ["--stack", "production", "NOT_A_SECRET"],
    ["--stack", "a b", "OPENAI_API_KEY"],
    ["OPENAI_API_KEY"],
])
def test_rotate_usage(argv, capsys):
    _one_line_exit_2(rotate(argv), capsys.readouterr())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", [["--stack", "staging"], ["--frobnicate"], ["--stack"]])
def test_doctor_usage(argv, capsys):
    _one_line_exit_2(doctor(argv), capsys.readouterr())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", [[], ["a", "--diff", "b"], ["HEAD", "--format", "xml"], ["HEAD", "--stack", "staging"],
                                  ["no-such-ref-anywhere"]])
def test_diff_usage(argv, capsys):
    _one_line_exit_2(diff(argv), capsys.readouterr())
