"""The DNS record a custom domain needs to reach its Vercel project, shared by the program and the pack.

A domain's record lives in a zone: the stack's dnsZone when it names one, otherwise the domain's
registrable domain (the name under a public suffix, from the Public Suffix List's ICANN section,
as an outside DNS host would hold it). At the zone's apex the record is an A record, below it a
CNAME (vital.facts.VERCEL_DNS_TARGETS, each value with its source).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from publicsuffixlist import PublicSuffixList

from .facts import VERCEL_DNS_TARGETS, DnsTarget


@dataclass(frozen=True)
class Record:
    domain: str  # the custom domain it serves
    zone: str
    name: str  # relative to the zone; "" at the zone's apex (the provider's spelling; "@" in most DNS hosts)
    type: str
    value: str


@cache
def _psl() -> PublicSuffixList:
    # The list the package ships (no download); ICANN's section, so a private suffix such as
    # vercel.app is not mistaken for a zone a team holds.
    return PublicSuffixList(only_icann=True)


def registrable(domain: str) -> str | None:
    """The domain's registrable domain (vitalexpert.com for app.vitalexpert.com), or None for a public suffix."""
    return _psl().privatesuffix(domain)


def is_public_suffix(domain: str) -> bool:
    return registrable(domain) is None


def within(domain: str, zone: str) -> bool:
    """Whether the domain is the zone or a name under it."""
    return domain == zone or domain.endswith("." + zone)


def target(at_apex: bool) -> DnsTarget:
    return VERCEL_DNS_TARGETS["apex" if at_apex else "subdomain"]


def accepted_values(record_type: str) -> tuple[str, ...]:
    """The values Vercel documents for a record type: the current one first, then earlier ones."""
    return tuple(v for t in VERCEL_DNS_TARGETS.values() if t.type == record_type for v in (t.value, *t.earlier))


def record_for(domain: str, zone: str | None) -> Record:
    """The record `domain` needs in `zone` (None: its registrable domain). The domain must be within the zone."""
    zone = zone or registrable(domain) or domain
    if not within(domain, zone):
        raise ValueError(f"{domain} is not in the zone {zone}")
    name = "" if domain == zone else domain[: -len(zone) - 1]
    found = target(at_apex=not name)
    return Record(domain=domain, zone=zone, name=name, type=found.type, value=found.value)
