"""The PR diff: each stack rendered at a base revision and in the working tree, compared.

- changes.py: the pure diff of two rendered stacks (resources, values, secrets, the result
  JSON and its exit code);
- comment.py: its markdown, the offline part of the PR comment (tables, `diff` blocks, the
  size budget), with findings.py (the policy pack's findings; checks that wait for apply
  apart) and graph.py (the Mermaid graph of what changed and its ancestors);
- revisions.py: the git side (the base ref, the temporary worktree, each revision's own synth);
- cli.py: `python -m tools.diff BASE_REF ...` (docs there), and `run` for `tools.synth --diff`;
- preview.py and sticky.py: in CI, one stack's `pulumi preview` log summed up, and the one
  sticky comment made of the offline diff and every preview (standard library only).
"""
