"""tools.oidc against a local stand-in for GitHub's REST API (real HTTP on 127.0.0.1): the prefixes
printed for the first run, the check of the live prefix, one-line errors, and both subject
formats end to end: GitHub's prefix -> the stack's config -> the rendered trust -> IAM's answer."""

from __future__ import annotations

import io
import json
import shlex
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from tests.bootstrap.support import render_with, role_documents
from tests.tools.iam_trust import allows, github_token
from tools import oidc
from vital.trust import OIDC_CLAIM_KEYS, ROLE, subject

REPO = "vital-expert/vital-expert-infra"
NAME_FORM = f"repo:{REPO}"
IMMUTABLE = "repo:vital-expert@4242/vital-expert-infra@777"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


class FakeGitHub:
    """Answers as GitHub's REST API does for these two paths; `routes` may be changed by a test."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, Any]] = {}
        self.headers: list[dict[str, str]] = []
        self.slow = threading.Event()
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if fake.slow.is_set():  # silent until released: the client's deadline is what the test checks
                    fake.release.wait(timeout=10)
                    return
                status, body = fake.routes.get(self.path, (404, {"message": "Not Found"}))
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def repository(self, prefix: str, owner_id: int = 4242, repo_id: int = 777, template: bool = True) -> None:
        self.routes = {
            f"/repos/{REPO}": (200, {"id": repo_id, "name": "vital-expert-infra", "full_name": REPO,
                                     "owner": {"login": "vital-expert", "id": owner_id}}),
            f"/repos/{REPO}/actions/oidc/customization/sub": (200, {
                "use_default": not template, **({"include_claim_keys": list(OIDC_CLAIM_KEYS)} if template else {}),
                "use_immutable_subject": "@" in prefix, "sub_claim_prefix": prefix}),
        }


@pytest.fixture(scope="module")
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def run(github: FakeGitHub, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = oidc.main(["--api-url", github.url, *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def printed_prefixes(text: str) -> list[str]:
    return [shlex.split(line)[-1] for line in text.splitlines() if line.startswith("pulumi config set")]


@pytest.mark.parametrize("current", [NAME_FORM, IMMUTABLE], ids=["name-form", "immutable"])
def test_both_forms_end_to_end_from_githubs_prefix_to_the_roles_trust(github, tmp_path, current, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_test_token_value")
    github.repository(current)
    code, out, _ = run(github, "prefixes", "--repository", REPO)
    assert code == 0 and f"GitHub's current prefix for {REPO}: {current}" in out
    prefixes = printed_prefixes(out)
    assert prefixes == [NAME_FORM, IMMUTABLE]
    assert github.headers[-1]["authorization"] == "Bearer ghs_test_token_value"
    assert github.headers[-1]["x-github-api-version"] == "2022-11-28"

    d = render_with(tmp_path, subjectPrefixes=prefixes)
    stack_file = tmp_path / "Pulumi.bootstrap.yaml"
    assert run(github, "check", "--stack-file", str(stack_file))[0] == 0
    for key in ("plan", "drift", "deploy-production"):
        trust = role_documents(d, key)[0]
        sub = subject(current, REPO, ROLE[key].trusts[0]).replace("refs/pull/*/merge", "refs/pull/7/merge")
        assert allows(trust, PROVIDER, github_token(sub)), (key, sub)


def test_check_fails_when_github_moves_to_a_prefix_the_stack_does_not_trust(github, tmp_path):
    github.repository(IMMUTABLE)
    render_with(tmp_path, subjectPrefixes=[NAME_FORM])  # writes the stack file
    code, out, _ = run(github, "check", "--stack-file", str(tmp_path / "Pulumi.bootstrap.yaml"))
    assert code == 1 and out.count("\n") == 1
    assert out.startswith(f"GitHub's current prefix '{IMMUTABLE}' is not one the bootstrap stack trusts ({NAME_FORM})")


def test_check_fails_while_the_subject_template_is_githubs_default(github, tmp_path):
    github.repository(NAME_FORM, template=False)
    render_with(tmp_path)
    code, out, _ = run(github, "check", "--stack-file", str(tmp_path / "Pulumi.bootstrap.yaml"))
    assert code == 1 and "subject template is use_default=True, include_claim_keys=[]" in out


def test_the_committed_stack_file_is_what_check_reads_by_default(github):
    github.repository(NAME_FORM)
    code, out, _ = run(github, "check")
    assert code == 0 and out.startswith(f"{REPO}: GitHub's current prefix {NAME_FORM} is trusted")


def test_a_prefix_that_is_neither_form_is_refused(github):
    github.repository("repo:someone/else")
    code, out, _ = run(github, "prefixes", "--repository", REPO)
    assert code == 1 and "is neither form of" in out and "pulumi config set" not in out


@pytest.mark.parametrize("status, body, message", [
    (404, {"message": "Not Found"}, "no such repository, or GITHUB_TOKEN cannot see it"),
    (401, {"message": "Bad credentials"}, "the token was refused (GITHUB_TOKEN)"),
    (403, {"message": "Resource not accessible"}, "the token may not read it"),
    (200, "<html>", "the answer is not JSON"),
    (200, ["a", "list"], "the answer is not a JSON object"),
    (200, {"use_default": True}, "no sub_claim_prefix in the answer"),
])
def test_githubs_refusals_are_one_line_and_exit_2(github, status, body, message):
    github.routes = {f"/repos/{REPO}/actions/oidc/customization/sub": (status, body)}
    code, out, err = run(github, "prefixes", "--repository", REPO)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_a_silent_github_is_answered_within_the_deadline(github, monkeypatch):
    monkeypatch.setattr(oidc, "TIMEOUT_S", 0.5)
    github.slow.set()
    try:
        code, _, err = run(github, "prefixes", "--repository", REPO)
    finally:
        github.slow.clear()
        github.release.set()
    assert code == 2 and "did not answer within 0.5 s" in err, err


def test_a_refused_connection_is_said_as_such_not_as_a_timeout(github):
    github.server.server_close()  # nothing listens on its port any more
    code, _, err = run(github, "prefixes", "--repository", REPO)
    assert code == 2 and "could not reach GitHub (" in err and "did not answer" not in err, err


@pytest.mark.parametrize("argv, message", [
    (["prefixes", "--repository", "not-a-repo"], "allowed: OWNER/REPO"),
    (["--api-url", "http://example.com", "check"], "allowed: an https:// API root"),
    (["check", "--stack-file", "/nonexistent/Pulumi.bootstrap.yaml"], "file not found"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert oidc.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
