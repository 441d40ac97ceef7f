"""What only developers of this repository run: the benchmark (`make bench`) and its peer
program, profiling, mutation testing (`make mutate`), the pack launched as the CLI launches it
(a test of the pack) and the generator of docs/credentials.md. Operators and CI run `tools/`;
`dev` may import `tools`, `tools` never imports `dev` (pyproject.toml's import contracts)."""
