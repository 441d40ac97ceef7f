"""PreviewAccess under the recording mocks: bypasses per project, links per alias, secrets kept secret."""

import pytest
from pydantic import ValidationError

from components.preview_access import PreviewAccess
from components.specs import PreviewAccessSpec, ShareLinkSpec
from tests.components.conftest import build, of_type, one


def test_one_bypass_per_app_and_one_link_per_alias(recorder):
    spec = PreviewAccessSpec(bypass_apps=("vital-expert", "pharma"), links=(
        ShareLinkSpec(alias="vital-expert-preview-git-demo-acme.vercel.app", ttl_seconds=604800, rotation="1"),))
    build(lambda: PreviewAccess("access-preview", spec, {"vital-expert": "prj_a", "pharma": "prj_b"}))
    bypasses = of_type(recorder, ":ProjectProtectionBypass")
    assert {(b.name, b.inputs["projectId"]) for b in bypasses} == {
        ("access-preview-bypass-vital-expert", "prj_a"), ("access-preview-bypass-pharma", "prj_b")}
    assert all("secret" not in b.inputs for b in bypasses)  # Vercel generates it
    assert all(b.inputs["isEnvVar"] is True for b in bypasses)  # the one builds see
    link = one(recorder, ":ShareableLink")
    assert link.inputs == {"alias": "vital-expert-preview-git-demo-acme.vercel.app", "ttlSeconds": 604800.0,
                           "rotationId": "1"}
    assert link.delete_before_replace is True  # one link per alias: no replacement first
    assert all(r.parent.endswith("vital:vercel:PreviewAccess::access-preview") for r in [*bypasses, link])
    assert {"secret"} <= set(bypasses[0].additional_secret_outputs)
    assert {"secret", "url"} <= set(link.additional_secret_outputs)


def test_a_link_per_alias_only_once():
    link = ShareLinkSpec(alias="a-git-x-team.vercel.app")
    with pytest.raises(ValidationError, match="each alias and each app once"):
        PreviewAccessSpec(links=(link, link))
