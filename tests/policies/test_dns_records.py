"""dns-records, called as pulumi-policy calls it, on fake stacks in the program's shapes."""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    Fake,
    T_DOMAIN,
    changed,
    fake_stack,
    find,
    not_applicable,
    run,
    stack_args,
    stack_runtime,
    without,
)
from vital.names import TIERS
from vital_policies import dns_records

T_DNS = "vercel:index/dnsRecord:DnsRecord"
ON = {"vital-expert-infra:dnsOnVercel": "true", "vital-expert-infra:dnsZone": "vitalexpert.com"}
RECORD = "dns-production-app.vitalexpert.com"
DOMAIN = "vital-expert-domain-app.vitalexpert.com"


def record(name: str, zone: str = "vitalexpert.com", type_: str = "CNAME", value: str = "cname.vercel-dns-0.com",
           fake: str = RECORD, tier: str = "production") -> Fake:
    """A DnsRecord as components/dns.py registers it."""
    return Fake(T_DNS, fake, {"domain": zone, "name": name, "type": type_, "value": value, "ttl": 60.0,
                              "comment": "managed by Pulumi"},
                component=f"vital:vercel:DnsRecords::dns-{tier}", protect=tier == "production", stack=tier)


def stack(tier: str = "production") -> list[Fake]:
    fakes = fake_stack(tier)
    label = {"production": "app", "pre-production": "dev"}.get(tier)
    if label:
        fakes.append(record(label, fake=f"dns-{tier}-{label}.vitalexpert.com", tier=tier))
    return fakes


def _run(fakes, tier="production", config=ON, pack_config=None):
    with stack_runtime(tier, config):
        return run(dns_records.dns_records, stack_args(fakes, pack_config or {}))


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_passes_with_its_records(tier):
    assert _run(stack(tier), tier) == []


def test_a_custom_domain_without_its_record_fails_on_the_project_domain():
    fakes = without(stack(), RECORD)
    found = _run(fakes)
    assert len(found) == 1 and found[0].urn == find(fakes, DOMAIN).urn
    assert found[0].message == (
        "ProjectDomain 'vital-expert-domain-app.vitalexpert.com' (app.vitalexpert.com) has no DnsRecord at its name, "
        "so Vercel never verifies it and it serves nothing; found none; allowed: a DnsRecord with domain "
        "'vitalexpert.com', name 'app', type CNAME, value 'cname.vercel-dns-0.com' or 'cname.vercel-dns.com'")


@pytest.mark.parametrize("edit, found", [
    (lambda i: i.update(value="elsewhere.example.com"), "name 'app', CNAME 'elsewhere.example.com'"),
    (lambda i: i.update(type="A", value="76.76.21.21"), "name 'app', A '76.76.21.21'"),
    (lambda i: i.update(domain="app.vitalexpert.com", name=""), "is domain 'app.vitalexpert.com', name ''"),
])
def test_a_record_that_is_not_the_documented_one_fails_on_the_record(edit, found):
    fakes = changed(stack(), RECORD, edit)
    reported = _run(fakes)
    assert len(reported) == 1 and reported[0].urn == find(fakes, RECORD).urn
    assert found in reported[0].message and "allowed: a DnsRecord with domain 'vitalexpert.com', name 'app'" in reported[0].message
    assert "\n" not in reported[0].message


def test_the_wrong_record_message_in_full():
    reported = _run(changed(stack(), RECORD, lambda i: i.update(value="elsewhere.example.com")))
    assert [r.message for r in reported] == [
        "DnsRecord 'dns-production-app.vitalexpert.com' (app.vitalexpert.com) is domain 'vitalexpert.com', name 'app', "
        "CNAME 'elsewhere.example.com', which does not reach Vercel as documented; allowed: a DnsRecord with domain "
        "'vitalexpert.com', name 'app', type CNAME, value 'cname.vercel-dns-0.com' or 'cname.vercel-dns.com'"]


def test_an_alias_record_at_a_custom_domains_name_is_an_address_record_too():
    reported = _run(stack() + [record("app", type_="ALIAS", value="elsewhere.example.com", fake="rogue-alias")])
    assert len(reported) == 1 and "ALIAS 'elsewhere.example.com'" in reported[0].message


def test_the_earlier_documented_cname_is_accepted():
    assert _run(changed(stack(), RECORD, lambda i: i.update(value="cname.vercel-dns.com"))) == []


def test_a_second_address_record_at_the_name_fails_and_other_records_are_left_alone():
    extra = [record("app", type_="AAAA", value="2001:db8::1", fake="rogue-aaaa"),
             record("app", type_="TXT", value="v=spf1 -all", fake="app-txt"),
             record("", type_="MX", value="mx.example.com", fake="mail"),
             record("www", type_="A", value="192.0.2.1", fake="www")]
    reported = _run(stack() + extra)
    assert [r.urn for r in reported] == [find(extra, "rogue-aaaa").urn]
    assert "AAAA '2001:db8::1'" in reported[0].message


def test_an_apex_domain_needs_the_a_record():
    fakes = changed(stack(), DOMAIN, lambda i: i.update(domain="vitalexpert.com"))
    reported = _run(fakes)
    # The CNAME at app no longer serves a custom domain; the apex has no record.
    assert len(reported) == 1 and "domain 'vitalexpert.com', name '', type A, value '76.76.21.21'" in reported[0].message
    fakes.append(record("", type_="A", value="76.76.21.21", fake="apex"))
    assert _run(fakes) == []
    find(fakes, "apex").inputs.pop("name")  # no name at all: the zone's apex too
    assert _run(fakes) == []


def test_nothing_to_judge_where_the_zone_is_elsewhere():
    fakes = without(stack(), RECORD)
    assert _run(fakes, config={}) == []
    assert _run(fakes, config={"vital-expert-infra:dnsOnVercel": "false", "vital-expert-infra:dnsZone": "vitalexpert.com"}) == []


def test_the_switch_without_a_zone_is_one_stack_level_violation():
    reported = _run(stack(), config={"vital-expert-infra:dnsOnVercel": "true"})
    assert len(reported) == 1 and reported[0].urn is None
    assert reported[0].message == (
        "stack production: config vital-expert-infra:dnsOnVercel is true and vital-expert-infra:dnsZone is not set; "
        "allowed: the zone on Vercel's nameservers that holds the custom domains, such as vitalexpert.com")


def test_a_domain_outside_the_zone_fails():
    fakes = changed(stack(), DOMAIN, lambda i: i.update(domain="app.example.org"))
    reported = _run(fakes)
    assert [r.urn for r in reported] == [find(fakes, DOMAIN).urn]
    assert reported[0].message == (
        "ProjectDomain 'vital-expert-domain-app.vitalexpert.com' attaches 'app.example.org', outside dnsZone "
        "'vitalexpert.com', so no record on Vercel's nameservers can serve it; allowed: a domain in vitalexpert.com, or "
        "dnsOnVercel false")


def _domain(fake: str, domain: str | None) -> Fake:
    return Fake(T_DOMAIN, fake, {"projectId": "prj_x", **({"domain": domain} if domain else {})},
                component="vital:vercel:VercelApp::pharma", protect=True)


def test_every_project_domain_is_judged_after_one_without_a_name_or_outside_the_zone():
    last = _domain("pharma-domain", "pharma.vitalexpert.com")
    for first in (_domain("nameless", None), _domain("outside", "app.example.org")):
        reported = _run([first, *stack(), last])
        assert reported[-1].urn == last.urn and "(pharma.vitalexpert.com) has no DnsRecord" in reported[-1].message
        assert len(reported) == (2 if first.name == "outside" else 1)


def test_the_pack_config_chooses_the_tiers():
    fakes = without(stack(), RECORD)
    assert _run(fakes, pack_config={"tiers": ["preview"]}) == []
    assert len(_run(fakes, pack_config={"tiers": ["production"]})) == 1


def test_a_stack_without_a_tier_is_not_applicable():
    with stack_runtime("staging", ON):
        reason = not_applicable(dns_records.dns_records, stack_args(stack(), {}))
    assert reason and "has no tier" in reason


def test_the_rule_reads_every_project_domain():
    second = Fake(T_DOMAIN, "pharma-domain-pharma.vitalexpert.com", {"projectId": "prj_x", "domain": "pharma.vitalexpert.com"},
                  component="vital:vercel:VercelApp::pharma", protect=True)
    reported = _run(stack() + [second])
    assert [r.urn for r in reported] == [second.urn] and "name 'pharma', type CNAME" in reported[0].message
