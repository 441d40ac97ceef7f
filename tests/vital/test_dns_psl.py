"""vital.dns reads only the Public Suffix List's rules under a domain's TLD: the answers are the
whole list's (publicsuffixlist's own parser over its whole ICANN section is the oracle)."""

from __future__ import annotations

import pytest
from publicsuffixlist import PublicSuffixList

from vital import dns

DOMAINS = (
    "vitalexpert.com", "app.vitalexpert.com", "com", "co.uk", "example.co.uk", "a.b.example.co.uk",
    "city.kobe.jp", "a.city.kobe.jp", "kobe.jp", "x.kobe.jp", "y.x.kobe.jp",  # a wildcard and its exception
    "vercel.app", "my-app.vercel.app",  # private section: not a suffix with only_icann
    "github.io", "example.github.io", "s3.amazonaws.com", "bar.s3.amazonaws.com",
    "APP.VitalExpert.COM.", "nonexistent-tld-zz", "a.nonexistent-tld-zz",
    "xn--fiqs8s", "example.xn--fiqs8s", "例子.中国", "example.中国", "ck", "www.ck", "other.ck",
)


@pytest.fixture(scope="module")
def whole() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


@pytest.mark.parametrize("domain", DOMAINS)
def test_registrable_is_the_whole_lists_answer(whole: PublicSuffixList, domain: str) -> None:
    assert dns.registrable(domain) == whole.privatesuffix(domain)


def test_a_tlds_rules_only_and_the_icann_section_only() -> None:
    psl = dns._psl("uk")
    assert psl.is_public("co.uk") and psl.privatesuffix("example.co.uk") == "example.co.uk"
    assert psl.privatesuffix("vitalexpert.com") == "vitalexpert.com"  # no rule under com read: com unknown
    assert "com" not in psl._publicsuffix and "co.uk" in psl._publicsuffix
    app = dns._psl("app")
    assert "vercel.app" not in app._publicsuffix  # the private section stays out
