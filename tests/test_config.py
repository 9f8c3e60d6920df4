"""Settings and the README's Configuration table describe the same knobs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gql_server.config import DEFAULT_BASE_URL, ConfigError, Settings, load_settings
from gql_server.fleet import Rate

README = Path(__file__).parents[1] / "README.md"
# A default the README states plainly: one literal in backquotes, nothing else.
PLAIN = re.compile(r"^`([^`]+)`$")


def configuration_table() -> dict[str, str]:
    """{ENV_VAR: README default} from the Configuration section's table; a row naming two
    variables (`A` / `B` with `1` / `2`) gives two."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = [n.strip().strip("`") for n in cells[0].split(" / ")]
        defaults = cells[1].split(" / ") if len(names) > 1 else [cells[1]]
        assert len(defaults) == len(names), line
        rows.update(zip(names, (d.strip() for d in defaults), strict=True))
    return rows


def written(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_every_setting_is_a_row_and_every_row_a_setting() -> None:
    rows = configuration_table()
    fields = {name.upper() for name in Settings.model_fields}
    assert sorted(fields - set(rows)) == [], "settings the README does not list"
    assert sorted(set(rows) - fields) == [], "README rows that are not settings"


def test_the_readme_states_the_defaults_settings_have() -> None:
    rows = configuration_table()
    checked = 0
    for name, field in Settings.model_fields.items():
        stated = rows[name.upper()]
        default = field.get_default(call_default_factory=True)
        plain = PLAIN.match(stated)
        if name == "factorial_base_url":
            assert plain is not None and plain.group(1) == DEFAULT_BASE_URL
            continue
        if default is None or default == []:
            # Resolved at run time (demo mode, production posture, the credential); the README
            # says how in words, never as a literal that Settings would contradict.
            assert plain is None, (name, stated)
            continue
        assert plain is not None, f"{name.upper()}: state the default {written(default)!r}"
        assert plain.group(1) == written(default), (name, stated, default)
        checked += 1
    assert checked >= 30


def test_rates_are_read_and_a_wrong_one_names_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(upstream_rate_post="5/second", upstream_rate_get="1000/minute")
    assert (settings.rate_post, settings.rate_get) == (Rate(5, 1.0), Rate(1000, 60.0))
    assert Settings().rate_post == Rate(200, 60.0) and Settings().rate_get is None
    monkeypatch.setenv("UPSTREAM_RATE_POST", "lots")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert error.value.problems == (
        (
            "UPSTREAM_RATE_POST",
            "should be N/second, N/minute or N/hour, N at least 1 (such as 200/minute), "
            "or off (got 'lots')",
        ),
    )


@pytest.mark.parametrize(
    ("environment", "variable", "says"),
    [
        ({"GQL_CACHE_TTL": "-1"}, "GQL_CACHE_TTL", "greater than or equal to 0"),
        ({"GQL_CACHE_TTL": "30", "GQL_CACHE_STALE": "-5"}, "GQL_CACHE_STALE", "greater than"),
        ({"GQL_CACHE_STALE": "60"}, "GQL_CACHE_STALE", "set GQL_CACHE_TTL too"),
        ({"GQL_CACHE_TTL": "30", "GQL_CACHE_MAX_MB": "0"}, "GQL_CACHE_MAX_MB", "greater than"),
    ],
)
def test_a_read_cache_that_cannot_work_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], variable: str, says: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    [(named, what)] = error.value.problems
    assert named == variable and says in what


def test_the_read_cache_is_off_unless_given_a_time() -> None:
    assert Settings().gql_cache_ttl == 0
    settings = Settings(gql_cache_ttl=2.5, gql_cache_stale=30)
    assert (settings.gql_cache_ttl, settings.gql_cache_stale) == (2.5, 30)
