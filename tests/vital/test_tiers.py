"""vital.tiers.SHARED against its type, Shared: the same keys, and each value of its key's type."""

from __future__ import annotations

from typing import Literal, get_args, get_origin, get_type_hints

from vital.tiers import SHARED, Shared


def _fits(value, hint) -> bool:
    origin = get_origin(hint)
    if origin is Literal:
        return value in get_args(hint)
    if origin is tuple:
        item = get_args(hint)[0]
        return isinstance(value, tuple) and all(_fits(v, item) for v in value) if get_args(hint)[-1] is Ellipsis \
            else isinstance(value, tuple) and len(value) == len(get_args(hint)) and all(map(_fits, value, get_args(hint)))
    return isinstance(value, hint)


def test_shared_has_the_keys_and_types_its_typed_dict_names():
    hints = get_type_hints(Shared)
    assert set(hints) == set(SHARED)
    for key, hint in hints.items():
        assert _fits(SHARED[key], hint), (key, SHARED[key], hint)


def test_the_check_can_fail():
    assert not _fits(("a", 1), tuple[str, ...]) and not _fits("team", Literal["hobby", "pro"])
