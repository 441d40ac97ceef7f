"""The one adapter for the Pulumi SDK internals this project relies on.

The mock runtime, the config reader and the tests need a few names that the Pulumi SDKs do
not export as public API (underscored names, module-level state). Every use goes through
this module, so an SDK upgrade that moves one fails here, in one place, with a message that
says what moved, and tests/test_pulumi_internals.py pins each name's behaviour.

Imported lazily by whoever needs it: importing `vital` alone never imports pulumi.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from typing import Any, Iterator, Mapping


def _require(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ImportError(f"the installed SDK has no {module}.{name}, which this project uses through "
                          f"vital/pulumi_internals.py; an SDK upgrade moved it: update the adapter") from None


# The wrapper the engine and SDK put around a secret value: {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": ...}.
SECRET_SIG_KEY: str = _require("pulumi.runtime.rpc", "_special_sig_key")
SECRET_SIG_VALUE: str = _require("pulumi.runtime.rpc", "_special_secret_sig")
# The string that stands for a value not known during preview.
UNKNOWN: str = _require("pulumi.runtime.rpc", "UNKNOWN")

# Runs a coroutine to completion from synchronous code, on the SDK's own loop.
sync_await = _require("pulumi.runtime.sync_await", "_sync_await")
# Runs a program function the way the language host does (waits for every registration).
run_pulumi_func = _require("pulumi.runtime.stack", "run_pulumi_func")
serialize_properties = _require("pulumi.runtime.rpc", "serialize_properties")
MockMonitor = _require("pulumi.runtime.mocks", "MockMonitor")


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE


def all_config() -> dict[str, str]:
    """Every config value the runtime holds ("ns:key" -> string), as the CLI passed it."""
    return dict(_require("pulumi.runtime.config", "CONFIG").get())


def is_config_secret(key: str) -> bool:
    return bool(_require("pulumi.runtime.config", "is_config_secret")(key))


def reset_program_state() -> None:
    """Forget the previous run's root Stack, pending RPCs and outputs (several runs per process)."""
    settings = importlib.import_module("pulumi.runtime.settings")
    _require("pulumi.runtime.settings", "ROOT").set(None)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()


def root_resource() -> Any:
    return _require("pulumi.runtime.settings", "get_root_resource")()


@contextmanager
def stack_runtime(project: str, stack: str, config: Mapping[str, str] | None = None) -> Iterator[None]:
    """Point pulumi.get_stack() and pulumi.Config at a stack and its config, then restore them.

    What pulumi-policy does before each Analyze call, for rules run in this process.
    """
    settings = _require("pulumi.runtime.settings", "SETTINGS")
    config_var = _require("pulumi.runtime.config", "CONFIG")
    saved = (settings.project, settings.stack)
    settings.project, settings.stack = project, stack
    token = config_var.set(dict(config or {}))
    try:
        yield
    finally:
        config_var.reset(token)
        settings.project, settings.stack = saved


def not_applicable_error() -> type[BaseException]:
    """What a policy rule raises through args.not_applicable(reason) (pulumi-policy)."""
    return _require("pulumi_policy.policy", "_NotApplicableError")
