"""Every name the program sends to Vercel and GitHub holds to the platform's rule (docs/names.md).

The config checks refuse a config whose derived names would break a rule (test_config_contract.py);
this file holds the names the program makes itself, read back from what it registers, to the same
validators: the committed stacks, and one stack with four apps of long names.
"""

from __future__ import annotations

import pytest

from tests.stacks import of_type, render, with_config
from vital import facts, validators

FOUR_APPS = [
    {"name": "vital-expert"},
    {"name": "a" * 40, "domains": ["pharma.vitalexpert.com"]},
    {"name": "payers-app-9"},
    {"name": "x--y"},
]


def _sent(doc: dict) -> dict[str, list[str]]:
    """The names a stack sends, by the rule that holds them."""
    inputs = [(r["type"], r["inputs"]) for r in doc["resources"]]
    firewall = [rule["name"] for t, i in inputs if t.endswith(":FirewallConfig") for rule in i["rules"]["rules"]]
    return {
        "vercel project": [i["name"] for t, i in inputs if t.endswith(":Project")],
        "vercel route": [i["name"] for t, i in inputs if t.endswith(":ProjectRoute")],
        "github secret": [i["secretName"] for t, i in inputs if t.endswith(":ActionsEnvironmentSecret")],
        "github variable": [i["variableName"] for t, i in inputs if t.endswith(":ActionsEnvironmentVariable")],
        "github environment": [i["environment"] for t, i in inputs if t.endswith(":RepositoryEnvironment")],
        "firewall rule": firewall,
    }


def _hold(sent: dict[str, list[str]]) -> None:
    for name in sent["vercel project"]:
        validators.vercel_project_name(name)
    for name in sent["vercel route"]:
        validators.vercel_route_name(name)
    for name in sent["github secret"]:
        validators.github_actions_name(name, "secret")
    for name in sent["github variable"]:
        validators.github_actions_name(name, "variable")
    for kind in ("github secret", "github variable"):  # case-insensitive and unique per environment
        assert len({n.upper() for n in sent[kind]}) == len(sent[kind]), sent[kind]
    for name in sent["github environment"]:
        assert 1 <= len(name) <= facts.GITHUB_ENVIRONMENT_NAME_MAX
    for name in sent["firewall rule"]:
        # FirewallConfig rules[].name: 4 to 160 characters (terraform-provider-vercel resource_firewall_config.go).
        assert 4 <= len(name) <= 160, name


@pytest.mark.parametrize("stack", ["production", "pre-production", "preview"])
def test_the_committed_stacks_send_names_every_platform_takes(committed, stack):
    sent = _sent(committed[stack])
    assert all(sent[k] for k in ("vercel project", "vercel route", "github secret", "github variable"))
    _hold(sent)


@pytest.mark.parametrize("stack", ["production", "preview"])
def test_four_apps_with_long_names_send_names_every_platform_takes(tmp_path, stack):
    doc = render(stack, with_config(stack, tmp_path, apps=FOUR_APPS))
    sent = _sent(doc)
    assert len(sent["vercel project"]) == 4 and max(map(len, sent["vercel project"])) == 40 + len(f"-{stack}")
    _hold(sent)
    if stack == "preview":  # one bypass secret per protected app, each its own GitHub name
        assert sum(n.startswith("VERCEL_AUTOMATION_BYPASS_SECRET") for n in sent["github secret"]) == 4
    assert of_type(doc, ":ActionsEnvironmentVariable")
