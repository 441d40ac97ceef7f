"""A config rule's refusal: raised inside pydantic's validation with its fields, read back by the
program's and the bootstrap program's config loaders (program/load.py, bootstrap/config.py)."""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic_core import PydanticCustomError

# The error type of a config rule's refusal in ValidationError.errors(); its "ctx" holds the fields.
CONFIG_RULE_ERROR = "vital_config_rule"


def fail(key: str, found: Any, allowed: str) -> NoReturn:
    """Refuse a config value: raised inside pydantic validation, it keeps its type and context in
    ValidationError.errors() (docs.pydantic.dev/2.14/errors/errors/#custom-errors; pydantic_core
    PydanticCustomError(error_type, message_template, context)), and load_stack_config turns it
    into a ConfigError. The message is `allowed` itself: the context's values fill the template."""
    raise PydanticCustomError(CONFIG_RULE_ERROR, "{allowed}", {"key": key, "found": found, "allowed": allowed})
