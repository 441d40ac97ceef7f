"""Each custom domain's DNS record: managed where the zone is on Vercel's nameservers, exported everywhere."""

from __future__ import annotations

import yaml

from tests.stacks import NS, ROOT, TIERS, of_type, render, with_config
from vital import dns
from vital.dns import VERCEL_DNS_TARGETS

CNAME, A = VERCEL_DNS_TARGETS["subdomain"], VERCEL_DNS_TARGETS["apex"]


def test_the_committed_stacks_manage_their_records(committed):
    production, pre = committed["production"], committed["pre-production"]
    (app,) = of_type(production, ":DnsRecord")
    assert app["inputs"] | {"comment": ""} == {"domain": "vitalexpert.com", "name": "app", "type": CNAME.type,
                                               "value": CNAME.value, "ttl": 60.0, "comment": ""}
    assert app["protect"] and app["deleteBeforeReplace"] and app["dependencies"] == []
    (dev,) = of_type(pre, ":DnsRecord")
    assert dev["inputs"]["name"] == "dev" and not dev["protect"]
    assert production["outputs"]["dnsRecords"] == [{"domain": "app.vitalexpert.com", "zone": "vitalexpert.com", "name": "app",
                                                    "type": "CNAME", "value": CNAME.value, "managed": True}]
    # Preview has no custom domain: no record, and an empty list to read.
    assert of_type(committed["preview"], ":DnsRecord") == [] and committed["preview"]["outputs"]["dnsRecords"] == []


def test_with_the_zone_elsewhere_the_records_are_only_exported(tmp_path):
    doc = render("production", with_config("production", tmp_path, dnsOnVercel=False, dnsZone=None))
    assert of_type(doc, ":DnsRecord") == [] and of_type(doc, "vital:vercel:DnsRecords") == []
    # No dnsZone: the zone an outside DNS host holds, the registrable domain.
    assert doc["outputs"]["dnsRecords"] == [{"domain": "app.vitalexpert.com", "zone": "vitalexpert.com", "name": "app",
                                             "type": "CNAME", "value": CNAME.value, "managed": False}]


def test_every_apps_domain_gets_its_record_and_an_apex_gets_the_a_record(tmp_path):
    apps = [{"name": "vital-expert", "domains": ["vitalexpert.com", "app.vitalexpert.com"]},
            {"name": "pharma-app", "rootDirectory": "standalone-apps/pharma-app", "domains": ["pharma.eu.vitalexpert.com"]}]
    doc = render("production", with_config("production", tmp_path, apps=apps))
    records = {r["name"]: r["inputs"] for r in of_type(doc, ":DnsRecord")}
    assert records["dns-production-vitalexpert.com"] | {"comment": ""} == {
        "domain": "vitalexpert.com", "name": "", "type": "A", "value": A.value, "ttl": 60.0, "comment": ""}
    assert records["dns-production-pharma.eu.vitalexpert.com"]["name"] == "pharma.eu"
    assert "Vercel project pharma-app-production" in records["dns-production-pharma.eu.vitalexpert.com"]["comment"]
    assert [r["domain"] for r in doc["outputs"]["dnsRecords"]] == ["vitalexpert.com", "app.vitalexpert.com",
                                                                   "pharma.eu.vitalexpert.com"]


def test_a_delegated_zone_puts_its_own_apex_on_an_a_record(tmp_path):
    doc = render("pre-production", with_config("pre-production", tmp_path, dnsZone="dev.vitalexpert.com"))
    (record,) = of_type(doc, ":DnsRecord")
    assert record["inputs"]["domain"] == "dev.vitalexpert.com" and record["inputs"]["name"] == ""
    assert record["inputs"]["type"] == "A"


def test_the_committed_stacks_agree_on_the_zone():
    """One zone has one set of nameservers: stacks naming the same zone say the same about it."""
    said = {}
    for tier in TIERS:
        config = yaml.safe_load((ROOT / f"Pulumi.{tier}.yaml").read_text())["config"]
        zone = config.get(f"{NS}:dnsZone")
        domains = config.get(f"{NS}:domains", [])
        assert zone and all(dns.within(d, zone) for d in domains), tier
        said.setdefault(zone, set()).add(config.get(f"{NS}:dnsOnVercel", False))
    assert said == {"vitalexpert.com": {True}}

