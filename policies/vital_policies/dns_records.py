"""dns-records: where the zone is on Vercel's nameservers, each custom domain has the record Vercel documents.

A ProjectDomain never verifies, and its domain serves nothing, until its name resolves to Vercel.
In a stack whose config says the zone is on Vercel's nameservers (dnsOnVercel, dnsZone) the
program manages those records, so the stack itself must hold them: one per custom domain, of the
type and value vital.dns says (A at the zone's apex, CNAME below it, each value from vital.facts
with its source). Elsewhere the records are set by hand at the zone's DNS host (docs/dns.md) and
the rule has nothing to judge.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_policy import StackValidationArgs

from vital import dns
from vital.names import DNS_ON_VERCEL_KEY, DNS_ZONE_KEY, PROJECT
from vital.policy_report import Report

from . import context
from .pack_config import setting
from .resources import DNS_RECORD, DOMAIN, get, label

# Record types that send a name's traffic somewhere: at a custom domain's name, only Vercel's.
ADDRESS_TYPES = ("A", "AAAA", "ALIAS", "CNAME")


def dns_config() -> tuple[bool, str | None]:
    """The stack's dnsOnVercel (the CLI passes `true`) and dnsZone ("" or unset: None)."""
    config = pulumi.Config(PROJECT)
    return (config.get(DNS_ON_VERCEL_KEY) or "").strip().lower() == "true", config.get(DNS_ZONE_KEY) or None


def _fqdn(record: Any) -> tuple[str, str, str]:
    """A record's zone, name and the full name it answers for."""
    zone = str(get(record.props, "domain", ""))  # the provider requires it
    name = str(get(record.props, "name", ""))  # none: the zone's apex
    return zone, name, f"{name}.{zone}" if name else zone


def _allowed(expected: dns.Record) -> str:
    values = " or ".join(repr(v) for v in dns.accepted_values(expected.type))
    return f"a DnsRecord with domain {expected.zone!r}, name {expected.name!r}, type {expected.type}, value {values}"


def dns_records(args: StackValidationArgs, report: Report) -> None:
    """Each ProjectDomain has its documented DnsRecord, and every address record at its name is that one."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "dns-records", "tiers"):
        return
    on_vercel, zone = dns_config()
    if not on_vercel:
        return
    if zone is None:
        report(
            f"stack {ctx.stack}: config {PROJECT}:{DNS_ON_VERCEL_KEY} is true and {PROJECT}:{DNS_ZONE_KEY} is not set; "
            f"allowed: the zone on Vercel's nameservers that holds the custom domains, such as vitalexpert.com"
        )
        return
    expected = {}
    for domain in (r for r in args.resources if r.resource_type == DOMAIN):
        name = get(domain.props, "domain")
        if not isinstance(name, str):
            continue
        if not dns.within(name, zone):
            report(
                f"{label(domain)} attaches {name!r}, outside {DNS_ZONE_KEY} {zone!r}, so no record on Vercel's "
                f"nameservers can serve it; allowed: a domain in {zone}, or {DNS_ON_VERCEL_KEY} false",
                domain.urn,
            )
            continue
        expected[name] = (domain, dns.record_for(name, zone))
    records = [r for r in args.resources if r.resource_type == DNS_RECORD and get(r.props, "type") in ADDRESS_TYPES]
    answered = set()
    for record in records:
        record_zone, record_name, fqdn = _fqdn(record)
        if fqdn not in expected:
            continue  # not a custom domain's name: mail, verification and other records are not this rule's
        answered.add(fqdn)
        want = expected[fqdn][1]
        found = (record_zone, record_name, get(record.props, "type"), get(record.props, "value"))
        if found[:3] != (want.zone, want.name, want.type) or found[3] not in dns.accepted_values(want.type):
            report(
                f"{label(record)} ({fqdn}) is domain {found[0]!r}, name {found[1]!r}, {found[2]} {found[3]!r}, which "
                f"does not reach Vercel as documented; allowed: {_allowed(want)}",
                record.urn,
            )
    for fqdn, (domain, want) in expected.items():
        if fqdn not in answered:
            report(
                f"{label(domain)} ({fqdn}) has no DnsRecord at its name, so Vercel never verifies it and it serves "
                f"nothing; found none; allowed: {_allowed(want)}",
                domain.urn,
            )
