"""program.load's "did you mean": a config key or namespace one edit away from the one the program needs."""

from __future__ import annotations

import pytest

from program.load import one_edit_away

ONE_EDIT = [
    ("abc", "abc", False),  # the same name
    ("abc", "abd", True),  # replaced
    ("abc", "acb", True), ("ab", "ba", True), ("abcd", "abdc", True),  # neighbours swapped
    ("abc", "cba", False),  # two apart, swapped
    ("abcd", "badc", False),  # two swaps
    ("abc", "axb", False), ("abc", "acx", False),  # two changes next to each other, not a swap
    ("abc", "ab", True), ("ab", "abc", True), ("abc", "bc", True), ("vital-expert-infra", "vital-expert-infr", True),
    ("abc", "xbcd", False), ("abc", "abcde", False), ("abcde", "abc", False), ("", "a", True),
]


@pytest.mark.parametrize("a, b, expected", ONE_EDIT)
def test_one_edit_away(a, b, expected):
    assert one_edit_away(a, b) is expected
