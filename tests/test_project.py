"""The README's two commands are what CI and the Docker image really run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^    (\S.*)$", section, flags=re.MULTILINE)


def test_the_quick_start_is_two_commands() -> None:
    serve, test = quick_start_commands()
    assert serve.endswith("gql-server")
    assert "pytest" in test


def test_ci_runs_the_readmes_test_command() -> None:
    _, test = quick_start_commands()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in script.splitlines()


def test_the_dockerfile_installs_as_the_readme_does() -> None:
    serve, _ = quick_start_commands()
    install = serve.rsplit(" && ", 1)[0]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"RUN {install}\n" in dockerfile
    assert "USER " in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert "/healthz" in dockerfile
    assert '"serve", "--host", "0.0.0.0"' in dockerfile
    assert "FROM python:3.11-slim" in dockerfile
