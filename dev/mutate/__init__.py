"""Mutation testing (`make mutate`): one small change at a time, the module's tests against it.

operators (the mutants of a file, with `ast`), targets (the modules and their test files),
runner (scratch copies, forked pytest runs, deadlines), report (bench/mutation.md and the
documented equivalents), cli.
"""
