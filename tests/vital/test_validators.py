"""vital.validators (and vital.aws_validators), called directly: each check hands back the value it allows and refuses the
rest with the exact "allowed: ..." text the config's one-line error ends with.

A table of (check, value, what comes back): the value itself, or Refused(the exact message).
Fast on purpose (no stack render): `make mutate` runs it first for vital/validators.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest

from vital import aws_validators as aws
from vital import validators as v

REF = "abcdefghijklmnopqrst"  # a Supabase project ref: 20 lower-case letters
POOLER = f"aws-0-us-east-1.pooler.supabase.com:5432/postgres"
CANARY = "canary-Pa55word"  # a database password: never in a message


@dataclass(frozen=True)
class Refused:
    message: str


SAME = object()  # the check hands back the value it was given

DOMAIN = "allowed: a lower-case host name such as app.vitalexpert.com (found {!r})"
RELATIVE = ("allowed: a relative folder inside the repository, such as standalone-apps/pharma-app (no absolute "
            "path and no '..')")
BRANCH = ("allowed: a branch name git accepts (no spaces, '..', '~^:?*[\\', '@{', no part starting with '.' or "
          "ending with '.lock'; git check-ref-format)")
URL_PATH = "allowed: a URL path prefix such as /admin (starts with '/', no spaces, '?', '#' or '..')"
DB_URL = (f"allowed: postgresql://postgres.{REF}:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres (the "
          f"session pooler, which GitHub's IPv4 runners reach), or postgresql://postgres:<password>@db.{REF}."
          f"supabase.co:5432/postgres with the IPv4 add-on, for project {REF}, the password percent-encoded")
CORS = ("allowed: one origin per entry, scheme://host[:port] such as https://app.vitalexpert.com (no path, no comma), "
        "or '*'")
REPORT_URI = ("allowed: an https:// URL with no spaces, quotes, commas or semicolons, such as Sentry's security "
              "endpoint https://o0.ingest.sentry.io/api/0/security/?sentry_key=...")
HEADER_NAME = "allowed: a header name of letters, digits and -!#$%&'*+.^_`|~ (found {!r})"
ENV_NAME = "allowed: names of letters, digits and '_' (found key {!r})"
GITHUB_ID = "allowed: a GitHub user id, a whole number from 1 to 9223372036854775807 (`gh api users/LOGIN --jq .id`)"
CIDR = "allowed: an IP address or a network in CIDR notation such as 203.0.113.0/24, with no host bits set ({})"

REPOSITORY = "allowed: OWNER/REPO as GitHub spells it, such as vital-expert/vital-expert-infra"
BUCKET = ("allowed: an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter "
          "or digit, no '..', not an IP address")
KMS_KEY = ("allowed: a KMS key id, such as 1234abcd-12ab-34cd-56ef-1234567890ab (`aws kms describe-key --key-id "
           "alias/NAME --query KeyMetadata.KeyId`)")
PROJECT_NAME = ("allowed: a name whose Vercel project name (found {!r}) is 1 to 52 lower-case letters, digits and "
                "'-', without '---' (Vercel refuses it)")
ROUTE_NAME = ("allowed: a domain short enough that its route's name ({} characters) stays within the 256 characters "
              "the Vercel provider allows")
GITHUB_NAME = "allowed: a GitHub {} name of letters, digits and '_', not starting with a digit"
GITHUB_PREFIX = "allowed: a GitHub {} name not starting with GITHUB_ (GitHub reserves the prefix, in any case)"

CASES: list[tuple[str, Callable[..., Any], tuple, Any]] = [
    # domain, dns_zone
    ("a host name", v.domain, ("app.vitalexpert.com",), SAME),
    ("an upper-case host name", v.domain, ("APP.vitalexpert.com",), Refused(DOMAIN.format("APP.vitalexpert.com"))),
    ("a zone", v.dns_zone, ("vitalexpert.com",), SAME),
    ("a public suffix as a zone", v.dns_zone, ("co.uk",),
     Refused("allowed: a zone the team holds, such as vitalexpert.com, not a public suffix (found 'co.uk')")),
    ("a zone that is no host name", v.dns_zone, ("Vitalexpert.com",), Refused(DOMAIN.format("Vitalexpert.com"))),
    # app_name
    ("an app name", v.app_name, ("vital-expert",), SAME),
    ("an app name of 40 characters", v.app_name, ("a" * 40,), SAME),
    ("an app name of 41 characters", v.app_name, ("a" * 41,),
     Refused("allowed: lower-case letters, digits and '-', 1 to 40 characters")),
    ("an upper-case app name", v.app_name, ("Web",), Refused("allowed: lower-case letters, digits and '-', 1 to 40 characters")),
    # vercel_project_name, vercel_route_name, github_actions_name (vital/facts.py)
    ("a project name", v.vercel_project_name, ("vital-expert-production",), SAME),
    ("a project name of 52 characters", v.vercel_project_name, ("a" * 52,), SAME),
    ("a project name with '--'", v.vercel_project_name, ("a--b",), SAME),
    *[(f"project name {bad!r}", v.vercel_project_name, (bad,), Refused(PROJECT_NAME.format(bad)))
      for bad in ("a" * 53, "a---b", "---", "", "Web", "a.b", "a_b", "a b", "a\n")],
    ("a route name of 256 characters", v.vercel_route_name, ("r" * 256,), SAME),
    ("a route name of 1 character", v.vercel_route_name, ("r",), SAME),
    ("a route name of 257 characters", v.vercel_route_name, ("r" * 257,), Refused(ROUTE_NAME.format(257))),
    ("an empty route name", v.vercel_route_name, ("",), Refused(ROUTE_NAME.format(0))),
    ("a secret name", v.github_actions_name, ("VERCEL_TOKEN",), SAME),
    ("a secret name in lower case", v.github_actions_name, ("my_token_2",), SAME),
    ("a secret name starting with '_'", v.github_actions_name, ("_X",), SAME),
    ("GITHUB inside a secret name", v.github_actions_name, ("MY_GITHUB_TOKEN",), SAME),
    ("GITHUB without its '_'", v.github_actions_name, ("GITHUBX",), SAME),
    *[(f"secret name {bad!r}", v.github_actions_name, (bad,), Refused(GITHUB_PREFIX.format("secret")))
      for bad in ("GITHUB_TOKEN", "github_pat", "GitHub_X", "GITHUB_")],
    *[(f"secret name {bad!r}", v.github_actions_name, (bad,), Refused(GITHUB_NAME.format("secret")))
      for bad in ("1PASSWORD", "MY-TOKEN", "MY TOKEN", "", "TOKEN\n", "É")],
    ("a variable name starting with a digit", v.github_actions_name, ("9LIVES", "variable"),
     Refused(GITHUB_NAME.format("variable"))),
    ("a variable named GITHUB_*", v.github_actions_name, ("GITHUB_REF_X", "variable"),
     Refused(GITHUB_PREFIX.format("variable"))),
    # A trailing newline (a YAML block scalar keeps one) is no part of any name: `$` alone would let it through.
    ("an app name and a newline", v.app_name, ("web\n",),
     Refused("allowed: lower-case letters, digits and '-', 1 to 40 characters")),
    ("a host name and a newline", v.domain, ("app.vitalexpert.com\n",), Refused(DOMAIN.format("app.vitalexpert.com\n"))),
    ("an env name and a newline", v.env_name, ("KEY\n",), Refused(ENV_NAME.format("KEY\n"))),
    ("a team id and a newline", v.vercel_team, ("team_abc123\n",),
     Refused("allowed: the Vercel team id (team_...), which VERCEL_ORG_ID needs")),
    ("a project id and a newline", v.vercel_project_id, ("prj_Ab12\n",), Refused("allowed: a Vercel project id (prj_...)")),
    ("a supabase ref and a newline", v.supabase_ref, (REF + "\n",),
     Refused("allowed: a Supabase project ref, 20 lower-case letters (Settings > General)")),
    ("a header token and a newline", v.header_name, ("X-A\n",), Refused(HEADER_NAME.format("X-A\n"))),
    ("a cors origin and a newline", v.cors_origin, ("https://a.com\n",), Refused(CORS)),
    # github_repository, s3_bucket_name, aws_region, kms_key_id, lifecycle_days (the bootstrap project's)
    ("a repository", v.github_repository, ("vital-expert/vital-expert-infra",), SAME),
    *[(f"repository {bad!r}", v.github_repository, (bad,), Refused(REPOSITORY))
      for bad in ("vital-expert", "-x/app", "vital-expert/..", "vital-expert/app\n", "vital-expert\n/app")],
    ("a bucket", aws.s3_bucket_name, ("vital-expert-pulumi-state",), SAME),
    ("a bucket of 3 characters", aws.s3_bucket_name, ("a.b",), SAME),
    ("a bucket of 63 characters", aws.s3_bucket_name, ("a" * 63,), SAME),
    ("a bucket with a reserved prefix", aws.s3_bucket_name, ("xn--state",),
     Refused("allowed: an S3 bucket name; AWS reserves 'xn--'")),
    ("a bucket with a reserved suffix", aws.s3_bucket_name, ("state-s3alias",),
     Refused("allowed: an S3 bucket name; AWS reserves '-s3alias'")),
    *[(f"bucket {bad!r}", aws.s3_bucket_name, (bad,), Refused(BUCKET))
      for bad in ("ab", "a" * 64, "State", "a..b", "192.168.0.1", "-ab", "ab-", "a_b")],
    ("an IP-like bucket that is not one", aws.s3_bucket_name, ("192.168.0",), SAME),
    ("a region", aws.aws_region, ("eu-central-1",), SAME),
    ("a gov region", aws.aws_region, ("us-gov-west-1",), SAME),
    *[(f"region {bad!r}", aws.aws_region, (bad,), Refused("allowed: an AWS region code such as eu-central-1"))
      for bad in ("Frankfurt", "eu-central", "eu-central-1\n")],
    ("a key id", aws.kms_key_id, ("1234abcd-12ab-34cd-56ef-1234567890ab",), SAME),
    ("a multi-region key id", aws.kms_key_id, ("mrk-" + "a" * 32,), SAME),
    *[(f"key id {bad!r}", aws.kms_key_id, (bad,), Refused(KMS_KEY))
      for bad in ("alias/pulumi-state", "1234ABCD-12ab-34cd-56ef-1234567890ab", "mrk-" + "a" * 31,
                  "1234abcd-12ab-34cd-56ef-1234567890ab\n")],
    ("one day", aws.lifecycle_days, (1,), SAME),
    ("the most days", aws.lifecycle_days, (3650,), SAME),
    *[(f"{bad!r} days", aws.lifecycle_days, (bad,), Refused("allowed: a whole number of days from 1 to 3650"))
      for bad in (0, 3651, True)],
    # vercel_project_id, vercel_team, supabase_ref
    ("a project id", v.vercel_project_id, ("prj_Ab12",), SAME),
    ("a project name as id", v.vercel_project_id, ("vital-expert",), Refused("allowed: a Vercel project id (prj_...)")),
    ("a team id", v.vercel_team, ("team_abc123",), SAME),
    ("a team id too short", v.vercel_team, ("team_abc12",),
     Refused("allowed: the Vercel team id (team_...), which VERCEL_ORG_ID needs")),
    ("a supabase ref", v.supabase_ref, (REF,), SAME),
    ("a supabase ref with capitals", v.supabase_ref, ("Abcdefghijklmnopqrst",),
     Refused("allowed: a Supabase project ref, 20 lower-case letters (Settings > General)")),
    # one_of and the checks built on it
    ("nothing is one of anything", v.one_of, (None, ("a",)), None),
    ("one of the list", v.one_of, ("c", ("a", "c")), SAME),
    ("not one of the list", v.one_of, ("b", ("a", "c")), Refused("allowed: one of a, c")),
    ("a vercel region", v.vercel_region, ("iad1",), SAME),
    ("an unknown vercel region", v.vercel_region, ("mars1",), Refused(
        "allowed: one of arn1, bom1, cdg1, cle1, cpt1, dub1, fra1, gru1, hkg1, hnd1, iad1, icn1, kix1, lhr1, pdx1, "
        "sfo1, sin1, syd1")),
    ("a retention", v.retention, ("1m",), SAME),
    ("an unknown retention", v.retention, ("5y",), Refused("allowed: one of 1d, 1w, 1m, 2m, 3m, 6m, 1y")),
    ("a vercel authentication", v.vercel_authentication, ("only_preview_deployments",), SAME),
    ("an unknown vercel authentication", v.vercel_authentication, ("everyone",), Refused(
        "allowed: one of standard_protection_new, standard_protection, all_deployments, only_preview_deployments, none")),
    ("a backup policy", v.backup_policy, ("daily",), SAME),
    ("an unknown backup policy", v.backup_policy, ("hourly",), Refused("allowed: one of daily+pitr, daily, none")),
    ("a retired backup policy", v.backup_policy, ("weekly",), Refused(
        "allowed: one of daily+pitr, daily, none; 'weekly' is retired: Supabase has no weekly schedule: every Pro "
        "project is backed up daily, the last 7 days kept (facts.SUPABASE_PRO_DAILY_BACKUP_DAYS); use daily")),
    ("a team slug", v.vercel_slug, ("vital-expert",), SAME),
    ("a team slug with a dot", v.vercel_slug, ("evil.vercel.app",), Refused(
        "allowed: the team's URL slug as its *.vercel.app hosts end (Settings > General > Team URL): lower-case "
        "letters, digits and hyphens, no hyphen first or last")),
    ("an upstash region", v.upstash_region, ("eu-west-1",), SAME),
    ("an unknown upstash region", v.upstash_region, ("US-EAST-1",), Refused(
        "allowed: one of us-east-1, us-west-1, us-west-2, eu-central-1, eu-west-1, sa-east-1, ap-southeast-1, "
        "ap-southeast-2")),
    # node_version
    ("node 24", v.node_version, ("24.x",), SAME),
    ("node 22", v.node_version, ("22.x",), SAME),
    ("node 20, deprecated", v.node_version, ("20.x",),
     Refused("allowed: 22.x or 24.x; 20.x is deprecated on Vercel since 2026-10-01")),
    ("node 18, past its end of life", v.node_version, ("18.x",),
     Refused("allowed: 22.x or 24.x; 18.x is past its upstream end of life (2025-04-30)")),
    ("a node version the provider refuses", v.node_version, ("24",), Refused("allowed: one of 22.x, 24.x")),
    # reviewer_count
    ("six reviewers", v.reviewer_count, ((1, 2, 3, 4, 5, 6),), SAME),
    ("seven reviewers", v.reviewer_count, ((1, 2, 3, 4, 5, 6, 7),),
     Refused("allowed: at most 6 reviewers (GitHub's limit)")),
    # text and the checks built on it
    ("text at its limit", v.text, ("abcde", 5), SAME),
    ("text over its limit", v.text, ("abcdef", 5), Refused("allowed: text of at most 5 characters (found 6)")),
    ("text with a NUL", v.text, ("a\x00b", 5), Refused("allowed: text without control characters (NUL, CR, LF, tab)")),
    ("text with DEL", v.text, ("a\x7fb", 5), Refused("allowed: text without control characters (NUL, CR, LF, tab)")),
    ("blank text", v.text, ("  ", 5, "a name"), Refused("allowed: non-empty a name")),
    ("a command", v.command, ("pnpm build",), SAME),
    ("an empty command", v.command, ("",), Refused("allowed: non-empty a shell command")),
    ("a command of two lines", v.command, ("a\nb",),
     Refused("allowed: a shell command without control characters (NUL, CR, LF, tab)")),
    ("a header value", v.header_value, ("DENY",), SAME),
    ("a header value splitting the header", v.header_value, ("a\r\nSet-Cookie: x=1",),
     Refused("allowed: a header value without control characters (NUL, CR, LF, tab)")),
    ("a header value too long", v.header_value, ("x" * 4097,),
     Refused("allowed: a header value of at most 4096 characters (found 4097)")),
    # relative_path
    ("a relative path", v.relative_path, ("standalone-apps/pharma-app",), SAME),
    ("an empty path", v.relative_path, ("",), Refused("allowed: non-empty a relative folder")),
    *[(f"path {bad!r}", v.relative_path, (bad,), Refused(RELATIVE))
      for bad in ("/abs", "\\abs", "~/x", "C:apps", "a/../b", "a\\..\\b", "..")],
    # git_branch
    *[(f"branch {ok!r}", v.git_branch, (ok,), SAME) for ok in ("main", "feature/x-1", "release/v1.2", "a.b")],
    ("an empty branch", v.git_branch, ("",), Refused("allowed: non-empty a branch name")),
    *[(f"branch {bad!r}", v.git_branch, (bad,), Refused(BRANCH))
      for bad in ("a..b", "a b", "a~b", "@", "-x", "/x", "x/", "x.", ".x", "a/.b", "x.lock", "a/b.lock/c", "a//b",
                  "a@{b")],
    # github_owner, github_repo, github_id
    ("a github owner", v.github_owner, ("vital-expert",), SAME),
    ("a github owner with a leading hyphen", v.github_owner, ("-x",), Refused(
        "allowed: a GitHub account or organization name: letters, digits and single hyphens, 1 to 39 characters, "
        "no hyphen first or last")),
    ("a github repo", v.github_repo, ("vital.expert_app-1",), SAME),
    ("a github repo with its owner", v.github_repo, ("vital-expert/app",), Refused(
        "allowed: a repository name under github:owner: letters, digits, '.', '_' and '-', 1 to 100 characters "
        "(no '/': the owner is github:owner)")),
    ("a github owner and a newline", v.github_owner, ("vital-expert\n",), Refused(
        "allowed: a GitHub account or organization name: letters, digits and single hyphens, 1 to 39 characters, "
        "no hyphen first or last")),
    ("a github repo and a newline", v.github_repo, ("vital-expert\n",), Refused(
        "allowed: a repository name under github:owner: letters, digits, '.', '_' and '-', 1 to 100 characters "
        "(no '/': the owner is github:owner)")),
    ("github id 1", v.github_id, (1,), SAME),
    ("the largest github id", v.github_id, (2**63 - 1,), SAME),
    ("github id 0", v.github_id, (0,), Refused(GITHUB_ID)),
    ("github id past the largest", v.github_id, (2**63,), Refused(GITHUB_ID)),
    # cors_origin, report_uri, url_path
    ("any origin", v.cors_origin, ("*",), SAME),
    ("an origin", v.cors_origin, ("https://app.vitalexpert.com",), SAME),
    ("an origin with a port", v.cors_origin, ("http://localhost:3000",), SAME),
    ("two origins in one", v.cors_origin, ("https://a.com,https://b.com",), Refused(CORS)),
    ("an origin with a path", v.cors_origin, ("https://a.com/app",), Refused(CORS)),
    ("a report uri", v.report_uri, ("https://o0.ingest.sentry.io/api/0/security/?sentry_key=abc",), SAME),
    ("a report uri over http", v.report_uri, ("http://r.example.com/csp",), Refused(REPORT_URI)),
    ("a report uri with a semicolon", v.report_uri, ("https://r.example.com/a;b",), Refused(REPORT_URI)),
    ("a url path", v.url_path, ("/api/admin",), SAME),
    ("an empty url path", v.url_path, ("",), Refused("allowed: non-empty a URL path")),
    *[(f"url path {bad!r}", v.url_path, (bad,), Refused(URL_PATH))
      for bad in ("admin", "/a b", "/a?x", "/a/../b", "/a/..", "//a", "/a//b")],
    # header_name, env_name
    ("a header name", v.header_name, ("X-Robots-Tag",), SAME),
    ("a header name of 256 characters", v.header_name, ("h" * 256,), SAME),
    ("a header name of 257 characters", v.header_name, ("h" * 257,), Refused(HEADER_NAME.format("h" * 257))),
    ("a header name with a colon", v.header_name, ("X-A:",), Refused(HEADER_NAME.format("X-A:"))),
    ("an env name", v.env_name, ("NEXT_PUBLIC_ENV",), SAME),
    ("an env name of 256 characters", v.env_name, ("E" * 256,), SAME),
    ("an env name of 257 characters", v.env_name, ("E" * 257,), Refused(ENV_NAME.format("E" * 257))),
    ("an env name with a dash", v.env_name, ("A-B",), Refused(ENV_NAME.format("A-B"))),
    ("a name vercel reserves", v.env_name, ("tz",),
     Refused("allowed: a name Vercel does not reserve; tz is reserved for its function runtimes")),
    # cidr
    ("an address", v.cidr, ("203.0.113.7",), SAME),
    ("a network", v.cidr, ("203.0.113.0/24",), SAME),
    ("a network with host bits", v.cidr, ("10.0.0.1/8",), Refused(CIDR.format("10.0.0.1/8 has host bits set"))),
    ("a host name as a cidr", v.cidr, ("example.com",),
     Refused(CIDR.format("'example.com' does not appear to be an IPv4 or IPv6 network"))),
    # supabase_db_url: the password is never quoted
    ("the session pooler", v.supabase_db_url, (f"postgresql://postgres.{REF}:{CANARY}@{POOLER}", REF), SAME),
    ("the pooler's host in capitals", v.supabase_db_url,
     (f"postgres://postgres.{REF}:{CANARY}@AWS-0-us-east-1.POOLER.supabase.com:5432/postgres", REF), SAME),
    ("the direct host", v.supabase_db_url, (f"postgresql://postgres:{CANARY}@db.{REF}.supabase.co:5432/postgres", REF), SAME),
    ("a percent-encoded password", v.supabase_db_url, (f"postgresql://postgres.{REF}:a%2Fb@{POOLER}", REF), SAME),
    *[(f"db url: {why}", v.supabase_db_url, (url, REF), Refused(DB_URL)) for why, url in [
        ("another scheme", f"mysql://postgres.{REF}:{CANARY}@{POOLER}"),
        ("the pooler with another project's user", f"postgresql://postgres.other:{CANARY}@{POOLER}"),
        ("another host with the pooler's user", f"postgresql://postgres.{REF}:{CANARY}@db.example.com:5432/postgres"),
        ("another project's direct host", f"postgresql://postgres:{CANARY}@db.other.supabase.co:5432/postgres"),
        ("no password", f"postgresql://postgres.{REF}@{POOLER}"),
        ("the transaction port", f"postgresql://postgres.{REF}:{CANARY}@aws-0-us-east-1.pooler.supabase.com:6543/postgres"),
        ("a port that is no number", f"postgresql://postgres.{REF}:{CANARY}@aws-0-us-east-1.pooler.supabase.com:99999/x"),
        ("a password not percent-encoded", f"postgresql://postgres.{REF}:{CANARY}%zz@{POOLER}"),
        ("no host", "postgresql:///postgres"),
    ]],
]


@pytest.mark.parametrize("check, args, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_returns_the_value_or_says_what_is_allowed(check, args, expected):
    if isinstance(expected, Refused):
        with pytest.raises(ValueError) as err:
            check(*args)
        assert str(err.value) == expected.message
        assert type(err.value) is ValueError and err.value.__cause__ is None
        assert CANARY not in str(err.value)
    else:
        assert check(*args) == (args[0] if expected is SAME else expected)


# ---- allow-lists: an entry covering every address is no allow-list ----------------------------


@pytest.mark.parametrize("value, every", [
    ("0.0.0.0/0", True), ("::/0", True), ("0.0.0.0/1", False),
    ("10.0.0.1/0", True), ("2001:db8::1/0", True),  # host bits set (a rule's value the policy reads): still everyone ("203.0.113.0/24", False), ("203.0.113.7", False),
    ("::1", False), ("not-an-address", False), (None, False), (7, False),
])
def test_covers_every_address(value, every):
    assert v.covers_every_address(value) is every


def test_an_allowlist_entry_must_be_narrower_than_every_address():
    assert v.allowlist_cidr("203.0.113.0/24") == "203.0.113.0/24"
    for value in ("0.0.0.0/0", "::/0"):
        with pytest.raises(ValueError) as err:
            v.allowlist_cidr(value)
        assert str(err.value) == ("allowed: an address or network narrower than every address; 0.0.0.0/0 or ::/0 "
                                  "in an allow-list lets anyone in")
    with pytest.raises(ValueError, match="^allowed: an IP address or a network in CIDR notation"):
        v.allowlist_cidr("203.0.113.7/24")  # host bits set: cidr()'s own check first
