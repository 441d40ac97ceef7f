"""Running the policy pack over a rendered stack, the way the Pulumi CLI runs it.

- config.py: the pack's policies and `--policy-pack-config` (loading, reconciling, validating);
- process.py: the pack's own process, started as the CLI starts it, and the entry points
  (`PackProcess`, `spawned`, `analyze`, `analyze_stacks`);
- analyzer.py: the Analyzer gRPC client that drives it;
- diagnostics.py: the pack's diagnostics -> violation dicts, secret values scrubbed;
- results.py: a result read back (violations by level, `has_mandatory`, its markdown).
"""
