"""DNS: Vercel's facts (each figure with its source) and the record a custom domain needs to reach
its Vercel project, shared by the program and the pack.

A domain's record lives in a zone: the stack's dnsZone when it names one, otherwise the domain's
registrable domain (the name under a public suffix, from the Public Suffix List's ICANN section,
as an outside DNS host would hold it). At the zone's apex the record is an A record, below it a
CNAME (VERCEL_DNS_TARGETS). The DNS figures live here rather than in vital/facts.py, which keeps
every other platform figure, so that each module stays under the project's 400 lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import publicsuffixlist
from publicsuffixlist import PublicSuffixList


@dataclass(frozen=True)
class DnsTarget:
    """The DNS record a custom domain needs to reach a Vercel project."""

    type: str
    # Vercel's documented general-purpose value: the one the program writes and docs/dns.md shows.
    value: str
    # Values Vercel documented before, which the policy pack still accepts (they still reach Vercel).
    earlier: tuple[str, ...] = ()


# At a zone's apex an A record (DNS allows no CNAME beside the apex's SOA and NS, RFC 1034 section
# 3.6.2); below it a CNAME. Sources: vercel.com/docs/domains/set-up-custom-domain (updated
# 2026-02-24): "vercel dns add example.com '@' A 76.76.21.21" for an apex domain, "vercel dns add
# example.com www CNAME cname.vercel-dns-0.com" for a subdomain; vercel.com/docs/domains/working-with-dns
# ("76.76.21.21 or cname.vercel-dns-0.com"); vercel.com/changelog/vercel-cli-now-supports-verifying-dns-configuration
# (`vercel domains verify` answers "Add an A record: A @ 76.76.21.21"). cname.vercel-dns.com is the
# subdomain value Vercel's dashboard gave before ("Type: CNAME, Name: xyz, Value: cname.vercel-dns.com",
# quoted in vercel/vercel discussion #6981).
# Caveat: Vercel's dashboard and `vercel domains inspect` may now recommend a project-specific
# CNAME (`<16 hex>.vercel-dns-0NN.com`) and other apex addresses: the Domains API's
# GET /v6/domains/{domain}/config ranks them as `recommendedCNAME` / `recommendedIPv4`
# (terraform-provider-vercel client/domain_config_test.go: "example.vercel-dns-017.com"; the
# provider's vercel_domain_config data source returns "recommended CNAME and IPv4 values"). Those
# are per project and known only online; the generic values above are the documented ones.
VERCEL_DNS_TARGETS = {
    "apex": DnsTarget(type="A", value="76.76.21.21"),
    "subdomain": DnsTarget(type="CNAME", value="cname.vercel-dns-0.com", earlier=("cname.vercel-dns.com",)),
}
# Vercel's nameservers. Source: the changelog above ("Switch to the Vercel nameservers:
# ns1.vercel-dns.com ns2.vercel-dns.com").
VERCEL_NAMESERVERS = ("ns1.vercel-dns.com", "ns2.vercel-dns.com")
# A Preview Deployment Suffix's domain must be "Available and active within the team that enabled
# the Preview Deployment Suffix" and "Using Vercel's Nameservers" (it is served under a wildcard
# certificate, which Vercel issues by DNS-01 on its own nameservers).
# Source: vercel.com/docs/deployments/preview-deployment-suffix (updated 2026-08-11); Vercel's KB
# guide preview-deployment-suffix-without-vercel-nameservers describes a workaround this project
# does not use; vercel.com/guides/why-use-domain-nameservers-method-wildcard-domains (wildcards: DNS-01).
PREVIEW_SUFFIX_SOURCE = "vercel.com/docs/deployments/preview-deployment-suffix"
# vercel.DnsRecord (pulumiverse_vercel 5.21.1 over terraform-provider-vercel vercel/resource_dns_record.go,
# commit c8a6711c565f): `domain` (the zone) and `type` force a replacement (RequiresReplace; `team_id`
# when set), `name`, `value`, `ttl` and `comment` update in place; `name` is "" for the zone's
# apex; TTL 60 to 2147483647 s (the provider's default 60); comment at most 500 characters. A
# CNAME's value is written without a trailing dot: when the API answers with one, the provider
# keeps the configured spelling (convertResponseToDNSRecord), so either form is stable.
DNS_RECORD_REPLACED_ON = ("domain", "type", "teamId")
DNS_RECORD_TTL_MIN_S, DNS_RECORD_TTL_MAX_S = 60, 2147483647
DNS_RECORD_TTL_S = 60
DNS_RECORD_COMMENT_MAX = 500


@dataclass(frozen=True)
class Record:
    domain: str  # the custom domain it serves
    zone: str
    name: str  # relative to the zone; "" at the zone's apex (the provider's spelling; "@" in most DNS hosts)
    type: str
    value: str


@cache
def _psl(tld: str) -> PublicSuffixList:
    """The list the package ships (no download), ICANN's section (so a private suffix such as
    vercel.app is not mistaken for a zone a team holds), with only the rules under `tld`.

    A rule can match a domain only if it ends in the domain's top-level label (the PSL algorithm,
    publicsuffix.org/list/: a rule matches when its labels are the domain's rightmost ones), so
    the rules under other TLDs never change an answer; the package's parser spends about 0.1 s
    on the whole list (it IDNA-encodes every rule), and a process needs one or two TLDs of it.
    An internationalised TLD gets the whole list. tests/vital/test_dns_psl.py checks the answers
    against the whole list's.
    """
    if not tld.isascii() or tld.startswith("xn--"):
        return PublicSuffixList(only_icann=True)
    with open(publicsuffixlist.PSLFILE, encoding="utf-8") as source:
        lines = [line for line in source if line.startswith("// ===") or _tld_of_rule(line) == tld]
    return PublicSuffixList(source=lines, only_icann=True)


def _tld_of_rule(line: str) -> str:
    """A PSL line's rule's last label ("uk" for "*.sch.uk"); comments and blank lines give other text."""
    return line.split(" ", 1)[0].strip().lower().rsplit(".", 1)[-1]


def registrable(domain: str) -> str | None:
    """The domain's registrable domain (vitalexpert.com for app.vitalexpert.com), or None for a public suffix."""
    return _psl(domain.rstrip(".").lower().rsplit(".", 1)[-1]).privatesuffix(domain)


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
