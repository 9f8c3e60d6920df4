"""Settings read from the environment, each problem a ConfigError naming its variable."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import SecretStr, ValidationError

from .errors import ConfigError
from .settings import Settings


def load_settings() -> Settings:
    """Settings from the environment; every problem as a ConfigError naming its variable."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError([_problem(detail) for detail in error.errors()]) from None


def _problem(detail: Any) -> tuple[str, str]:
    """(variable, what is wrong) of one pydantic error; never the value of a secret."""
    cause = detail.get("ctx", {}).get("error")
    if isinstance(cause, ConfigError):
        return cause.problems[0]
    location = detail.get("loc") or ()
    name = str(location[0]) if location else ""
    message = str(detail.get("msg", "invalid")).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    value = detail.get("input")
    if name in Settings.model_fields and not _is_secret(name) and isinstance(value, str):
        shown = repr(value) if len(value) <= 80 else repr(value[:77] + "...")
        if value not in message:
            message = f"{message} (got {shown})"
    return name.upper() or "configuration", message


def _is_secret(name: str) -> bool:
    annotation = Settings.model_fields[name].annotation
    return annotation is SecretStr or SecretStr in get_args(annotation)
