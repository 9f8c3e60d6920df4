"""Log set-up: levels, and lines free of terminal colours in both styles."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from gql_server.telemetry.logs import configure_logging

GREEN = "\x1b[32m"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def log_as_uvicorn_does() -> None:
    # uvicorn's own call: a plain message, and a coloured copy of it in `extra`.
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on %s",
        "http://127.0.0.1:1",
        extra={"color_message": f"Uvicorn running on {GREEN}%s\x1b[0m"},
    )
    logging.getLogger("gql_server.test").warning(f"{GREEN}coloured\x1b[0m by a library")


def test_json_lines_carry_no_colour_codes_and_no_color_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json")
    log_as_uvicorn_does()
    err = capsys.readouterr().err
    entries = [json.loads(line) for line in err.splitlines()]
    assert [e["message"] for e in entries] == [
        "Uvicorn running on http://127.0.0.1:1",
        "coloured by a library",
    ]
    assert all("color_message" not in e for e in entries)
    assert "\x1b" not in err
    assert "\\u001b" not in err


def test_text_lines_carry_no_colour_codes_and_a_dash_outside_requests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("text")
    log_as_uvicorn_does()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith(" INFO uvicorn.error [-] Uvicorn running on http://127.0.0.1:1")
    assert lines[1].endswith(" WARNING gql_server.test [-] coloured by a library")


@pytest.mark.parametrize(
    ("level", "written"),
    [
        ("debug", ["debug", "info", "warning", "error"]),
        ("info", ["info", "warning", "error"]),
        ("warning", ["warning", "error"]),
        ("error", ["error"]),
    ],
)
def test_the_level_applies_to_our_loggers_and_uvicorns(
    capsys: pytest.CaptureFixture[str], level: str, written: list[str]
) -> None:
    configure_logging("json", level)  # type: ignore[arg-type]
    for name in ("gql_server.upstream", "gql_server.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.debug("debug")
        logger.info("info")
        logger.warning("warning")
        logger.error("error")
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    for name in ("gql_server.upstream", "gql_server.access", "uvicorn.error"):
        assert [e["message"] for e in entries if e["logger"] == name] == written
