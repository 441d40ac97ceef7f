"""Production waits for a person: environment reviewers where GitHub enforces them, else the
fallback (the main ruleset's approving review and the release gates)."""

from tests.stacks import of_type, one, render, with_config


def test_reviewers_on_enterprise_gate_the_production_environment(tmp_path):
    doc = render("production", with_config("production", tmp_path, githubPlan="enterprise",
                                           requiredReviewers=[1234567, 7654321]))
    env = one(doc, ":RepositoryEnvironment")["inputs"]
    assert env["reviewers"] == [{"users": [1234567.0, 7654321.0]}]
    assert env["preventSelfReview"] is True and env["canAdminsBypass"] is False


def test_the_committed_production_stack_declares_team_and_keeps_the_fallback(committed):
    """Pulumi.production.yaml says the organization is on Team with a private repository, where
    GitHub does not enforce reviewers: the ruleset's review and the deployment checks stand in."""
    doc = committed["production"]
    env = one(doc, ":RepositoryEnvironment")["inputs"]
    assert "reviewers" not in env
    rules = one(doc, ":RepositoryRuleset")["inputs"]
    assert rules["conditions"]["refName"]["includes"] == ["refs/heads/main"] and rules["enforcement"] == "active"
    assert rules["rules"]["pullRequest"]["requiredApprovingReviewCount"] == 1
    checks = of_type(doc, ":ProjectDeploymentCheck")
    assert {c["inputs"]["source"]["externalCheckName"] for c in checks} == {"type-check", "test"}


def test_other_tiers_need_no_reviewers(committed):
    for stack in ("pre-production", "preview"):
        assert "reviewers" not in one(committed[stack], ":RepositoryEnvironment")["inputs"]
