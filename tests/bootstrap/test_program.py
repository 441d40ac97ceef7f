"""The bootstrap program as synth renders it: every resource the state backend and the CI need,
with the options that keep state and keys, the outputs operators use, and one-line config errors."""

from __future__ import annotations

import json
import re

import pytest

from tests.bootstrap.support import SynthError, by_name, doc, of_type, render_with
from tools.synth import main as synth
from vital.facts import IAM_INLINE_POLICY_MAX_CHARS
from vital.names import STATE_KEY_ALIAS, TIERS, stack_key_alias
from vital.trust import BOOTSTRAP_STACK, OIDC_CLAIM_KEYS, ROLES

KEYED = ("state", *TIERS, BOOTSTRAP_STACK)


def test_every_resource_is_there_with_its_component():
    d = doc()
    components = {r["type"] for r in d["resources"] if r["type"].startswith("vital:")}
    assert components == {f"vital:bootstrap:{t}" for t in ("StateKey", "StateBucket", "GitHubOidc", "SubjectTemplate", "CiRole",
                                                          "CiEnvironment")}
    assert {r["inputs"]["name"] for r in of_type(d, "aws:kms/alias:Alias")} == \
        {STATE_KEY_ALIAS, *(stack_key_alias(s) for s in (*TIERS, BOOTSTRAP_STACK))}
    assert {r["inputs"]["name"] for r in of_type(d, "aws:iam/role:Role")} == {r.name for r in ROLES}
    for token in ("Bucket", "BucketVersioning", "BucketServerSideEncryptionConfiguration", "BucketPublicAccessBlock",
                  "BucketOwnershipControls", "BucketPolicy", "BucketLifecycleConfiguration"):
        (setting,) = [r for r in d["resources"] if r["type"].endswith(f":{token}")]
        assert setting["parent"].endswith("vital:bootstrap:StateBucket::backend"), token
    for role in ROLES:  # one inline policy, no managed policy, nothing else
        assert by_name(d, f"{role.key}-inline-only")["inputs"]["policyNames"] == ["pulumi-state"]
        assert by_name(d, f"{role.key}-no-managed")["inputs"]["policyArns"] == []


def test_the_bucket_is_versioned_encrypted_private_tls_only_and_expires_old_versions():
    d = doc()
    assert by_name(d, "backend-versioning")["inputs"]["versioningConfiguration"] == {"status": "Enabled"}
    rule = by_name(d, "backend-encryption")["inputs"]["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms" and rule["bucketKeyEnabled"] is True
    assert by_name(d, "state-key")["urn"] in by_name(d, "backend-encryption")["dependencies"]
    blocks = by_name(d, "backend-public-access")["inputs"]
    assert all(blocks[f] is True for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert by_name(d, "backend-ownership")["inputs"]["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (tls,) = json.loads(by_name(d, "backend-policy")["inputs"]["policy"])["Statement"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (life,) = by_name(d, "backend-lifecycle")["inputs"]["rules"]
    assert life["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    assert life["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7} and life["status"] == "Enabled"


def test_state_and_keys_are_protected_and_retained_and_iam_names_replace_delete_first():
    d = doc()
    for name in ("backend-bucket", *(f"{k}-key" for k in KEYED), *(f"{k}-alias" for k in KEYED)):
        r = by_name(d, name)
        assert (r["protect"], r["retainOnDelete"]) == (True, True), name
        assert r["inputs"].get("enableKeyRotation", True) is True
    provider = by_name(d, "github-provider")
    assert (provider["protect"], provider["retainOnDelete"], provider["deleteBeforeReplace"]) == (False, True, True)
    for role in ROLES:
        assert by_name(d, f"{role.key}-role")["deleteBeforeReplace"] is True
    # Settings and roles are not protected: they are applied in place and may be replaced.
    assert not by_name(d, "backend-policy")["protect"] and not by_name(d, "plan-role")["protect"]


def test_the_subject_template_is_set_after_every_role():
    d = doc()
    template = by_name(d, "subjects-template")
    assert template["inputs"] == {"repository": "vital-expert-infra", "useDefault": False,
                                  "includeClaimKeys": list(OIDC_CLAIM_KEYS)}
    assert {by_name(d, f"{r.key}-role")["urn"] for r in ROLES} <= set(template["dependencies"])


def test_every_document_is_known_before_anything_exists_and_fits_iam():
    d = doc()
    for role in ROLES:
        for name, field in ((f"{role.key}-role", "assumeRolePolicy"), (f"{role.key}-policy", "policy")):
            text = by_name(d, name)["inputs"][field]
            assert "[unknown]" not in text and json.loads(text)["Version"] == "2012-10-17"
        compact = json.dumps(json.loads(by_name(d, f"{role.key}-policy")["inputs"]["policy"]), separators=(",", ":"))
        assert len(compact) <= IAM_INLINE_POLICY_MAX_CHARS, role.key


def test_the_outputs_say_what_goes_in_github_and_how_each_tier_stack_is_made():
    outputs = doc()["outputs"]
    assert outputs["backendUrl"] == "s3://vital-expert-pulumi-state?region=eu-central-1"
    variables = outputs["githubVariables"]
    assert set(variables["repository"]) == {"PULUMI_BACKEND_URL", "AWS_REGION", "AWS_PLAN_ROLE_ARN",
                                            "AWS_PRODUCTION_PLAN_ROLE_ARN", "AWS_DRIFT_ROLE_ARN"}
    for tier in TIERS:
        assert variables["environments"][tier] == {
            "AWS_DEPLOY_ROLE_ARN": f"arn:aws:iam::123456789012:role/vital-expert-infra-deploy-{tier}"}
        assert outputs["stackInits"][tier] == (f'pulumi stack init {tier} --secrets-provider '
                                               f'"awskms://alias/pulumi-state-{tier}?region=eu-central-1"')


@pytest.mark.parametrize("changes, message", [
    ({"bucket": "Not_A_Bucket"}, "config 'vital-expert-infra-bootstrap:bucket': found \"Not_A_Bucket\"; allowed: an S3 bucket name"),
    ({"repository": "vital-expert"}, "config 'vital-expert-infra-bootstrap:repository': found \"vital-expert\"; allowed: OWNER/REPO"),
    ({"github:owner": "someone-else"}, "config 'github:owner': found \"someone-else\"; allowed: 'vital-expert', the owner of repository"),
    ({"subjectPrefixes": ["repo:octo/other"]}, "config 'vital-expert-infra-bootstrap:subjectPrefixes[0]': found \"repo:octo/other\"; allowed: a prefix of the repository"),
    ({"subjectPrefixes": ["repo:vital-expert@1/vital-expert-infra"]}, "allowed: both ids"),
    ({"subjectPrefixes": ["repo:vital-expert/vital-expert-infra", "repo:vital-expert/vital-expert-infra"]},
     "allowed: at most one prefix of each form"),
    ({"subjectPrefixes": []}, "subjectPrefixes': found []; allowed: one or two prefixes"),
    ({"noncurrentDays": 0}, "config 'vital-expert-infra-bootstrap:noncurrentDays': found 0; allowed: a whole number of days"),
    ({"aws:region": "Frankfurt"}, "config 'aws:region': found \"Frankfurt\"; allowed: an AWS region code"),
    ({"colour": "blue"}, "config 'vital-expert-infra-bootstrap:colour': found \"blue\"; allowed keys: abortMultipartDays, adopt, bucket"),
    ({"productionReviewers": [1, 2, 3, 4, 5, 6, 7]}, "config 'vital-expert-infra-bootstrap:productionReviewers': found "
     "[1, 2, 3, 4, 5, 6, 7]; allowed: up to 6 different GitHub user ids (`gh api users/LOGIN --jq .id`)"),
    ({"productionReviewers": [5, 5]}, "productionReviewers': found [5, 5]; allowed: up to 6 different"),
    ({"productionReviewers": [0]}, "config 'vital-expert-infra-bootstrap:productionReviewers[0]': found 0; allowed: a GitHub user id"),
    ({"adopt": {"keys": {"state": "not-a-key"}}}, "config 'vital-expert-infra-bootstrap:adopt.keys.state': found \"not-a-key\"; allowed: a KMS key id"),
    ({"adopt": {"keys": {"state": "1234abcd-12ab-34cd-56ef-1234567890ab"}}}, "adopt.keys': found [\"state\"]; allowed: every key the old bootstrap made; missing production"),
])
def test_bad_config_is_one_line_naming_the_key_and_what_is_allowed(tmp_path, changes, message):
    with pytest.raises(SynthError) as err:
        render_with(tmp_path, **changes)
    text = str(err.value)
    assert "\n" not in text and text.startswith("stack 'bootstrap': config '") and message in text, text


def test_synth_exits_2_with_one_line_for_bad_config(tmp_path, capsys):
    path = tmp_path / "Pulumi.bootstrap.yaml"
    path.write_text("config:\n  aws:region: eu-central-1\n")
    assert synth(["--project", "bootstrap", "--stack", "bootstrap", "--config-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing configuration value" in err


ADOPT = {"keys": {"state": "1234abcd-12ab-34cd-56ef-1234567890ab",
                  **{t: f"{i}234abcd-12ab-34cd-56ef-1234567890ab" for i, t in enumerate(TIERS, 5)}}}


def test_the_migration_imports_what_the_old_bootstrap_made_with_each_id(tmp_path):
    d = render_with(tmp_path, adopt=ADOPT)
    ids = {r["name"]: r["importId"] for r in d["resources"] if r["importId"]}
    bucket = "vital-expert-pulumi-state"
    assert {ids[n] for n in ("backend-bucket", "backend-versioning", "backend-encryption", "backend-public-access",
                             "backend-policy", "backend-lifecycle")} == {bucket}
    assert ids["state-key"] == ADOPT["keys"]["state"] and ids["production-key"] == ADOPT["keys"]["production"]
    assert ids["production-alias"] == "alias/pulumi-state-production" and ids["state-alias"] == STATE_KEY_ALIAS
    assert ids["github-provider"] == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    assert ids["plan-role"] == "vital-expert-infra-plan" and ids["drift-policy"] == "vital-expert-infra-drift:pulumi-state"
    # What the old tool never made is created: the bootstrap stack's key, plan-production, ownership.
    assert not {"bootstrap-key", "bootstrap-alias", "plan-production-role", "backend-ownership"} & set(ids)
    assert all(re.fullmatch(r"[\w.:/@-]+", i) for i in ids.values())
    assert "importId" not in json.dumps([r for r in doc()["resources"] if r["importId"]])  # none without adopt


def test_production_reviewers_approve_production_alone_and_may_not_approve_their_own_runs(tmp_path):
    d = render_with(tmp_path, productionReviewers=[583231, 9919])
    environments = {r["inputs"]["environment"]: r["inputs"] for r in of_type(d, "github:index/repositoryEnvironment:RepositoryEnvironment")}
    assert environments["production"]["reviewers"] == [{"users": [583231, 9919]}]
    assert environments["production"]["preventSelfReview"] is True
    assert all("reviewers" not in e and e["preventSelfReview"] is False for n, e in environments.items() if n != "production")
    assert all(e["canAdminsBypass"] is False for e in environments.values())


def test_a_reviewer_by_login_is_refused_by_the_declared_type_as_the_cli_refuses_it(tmp_path):
    with pytest.raises(SynthError) as err:
        render_with(tmp_path, productionReviewers=["octocat"])
    assert str(err.value).endswith("Stack 'bootstrap' with configuration key 'productionReviewers' must be of type "
                                   "'array<integer>'; found [\"octocat\"]")


def test_docs_bootstrap_counts_each_component_as_the_program_makes_it():
    from collections import Counter

    from tests.bootstrap.support import ROOT

    table = (ROOT / "docs" / "bootstrap.md").read_text()
    said = {name: int(n) for name, n in re.findall(r"^\| `(\w+)` × (\d+) \|", table, re.M)}
    made = Counter(r["type"].rsplit(":", 1)[-1] for r in doc()["resources"] if r["type"].startswith("vital:bootstrap:"))
    assert said and all(made[name] == n for name, n in said.items()), (said, dict(made))
