"""The PR diff: each stack rendered at a base revision and in the working tree, compared.

- changes.py: the pure diff of two rendered stacks (resources, values, secrets, the result
  JSON and its exit code);
- comment.py: its markdown as one PR comment (tables, the Mermaid graph, the size budget);
- revisions.py: the git side (the base ref, the temporary worktree, each revision's own synth);
- cli.py: `python -m tools.diff BASE_REF ...` (docs there), and `run` for `tools.synth --diff`.
"""
