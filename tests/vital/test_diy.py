"""vital/diy.py: the keys Pulumi's S3 backend reads and writes per stack (pkg/backend/diy)."""

from vital import diy
from vital.names import PROJECT, TIERS
from vital.trust import BOOTSTRAP_PROJECT, BOOTSTRAP_STACK


def test_each_stack_lives_under_its_own_project():
    assert diy.checkpoint_key("production") == f".pulumi/stacks/{PROJECT}/production.json"
    assert diy.checkpoint_key(BOOTSTRAP_STACK) == f".pulumi/stacks/{BOOTSTRAP_PROJECT}/bootstrap.json"
    assert diy.lock_prefix("preview") == f".pulumi/locks/organization/{PROJECT}/preview/"


def test_a_stacks_keys_never_cover_another_stacks():
    import re

    def covers(pattern: str, key: str) -> bool:
        return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), key) is not None

    for stack in (*TIERS, BOOTSTRAP_STACK):
        for other in (*TIERS, BOOTSTRAP_STACK):
            theirs = [diy.checkpoint_key(other), diy.checkpoint_key(other) + ".bak", f"{diy.lock_prefix(other)}x.json",
                      f".pulumi/stacks/{diy.project_of(other)}/{other}.pulumi-tags"]
            hit = [k for k in theirs for p in diy.stack_keys(stack) if covers(p, k)]
            assert bool(hit) is (stack == other), (stack, other, hit)
