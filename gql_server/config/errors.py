"""ConfigError: configuration that cannot work, named by its environment variable."""

from __future__ import annotations

from collections.abc import Sequence


class ConfigError(ValueError):
    """Configuration that cannot work, as (environment variable, what is wrong) pairs."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{variable}: {what}" for variable, what in self.problems))

    @classmethod
    def of(cls, variable: str, what: str) -> ConfigError:
        """One problem with one variable."""
        return cls([(variable, what)])
