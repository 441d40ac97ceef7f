"""Running the policy pack over a rendered stack, the way the Pulumi CLI runs it.

- config.py: the pack's policies and `--policy-pack-config` (loading, reconciling, validating);
- inprocess.py: pulumi-policy's own servicer driven in this process (synth's one policy path);
- analyzer.py: the Analyzer requests, as the CLI builds them;
- diagnostics.py: the pack's diagnostics -> violation dicts, secret values scrubbed;
- results.py: a result read back (violations by level, `has_mandatory`, its markdown);
- committed.py: the pack config the other tiers' committed stack files give (CI passes it).

The pack launched in its own process exactly as the CLI launches it is a test of the pack, in
dev/pack_process.py.
"""
