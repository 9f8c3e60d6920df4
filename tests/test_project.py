"""The README's two commands are what CI and the Docker image really run."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


def constraints() -> dict[str, str]:
    """constraints.txt as {normalized name: version}."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, version = line.split("==")
        pins[canonicalize_name(name)] = version
    return pins


def test_the_installs_use_the_lock_of_tested_versions() -> None:
    serve, test = quick_start_commands()
    assert " -c constraints.txt " in serve
    assert " -c constraints.txt " in test
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copy = re.search(r"^COPY (.*) \./$", dockerfile, flags=re.MULTILINE)
    assert copy is not None
    assert "constraints.txt" in copy.group(1).split()
    assert dockerfile.index("constraints.txt") < dockerfile.index("RUN python3 -m venv")


def test_the_lock_pins_every_requirement_within_its_bounds() -> None:
    pins = constraints()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not locked: run `bash scripts/lock`"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])
    assert "gql-server" not in pins


def test_the_tests_run_with_the_locked_versions() -> None:
    """What this run has installed is what the lock says (installed with -c constraints.txt,
    or the lock refreshed by `bash scripts/lock` after a change of dependencies)."""
    drift = {}
    for name, version in constraints().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform's own package (uvloop has no Windows build)
        if installed != version:
            drift[name] = (installed, version)
    assert drift == {}, "installed differs from constraints.txt: reinstall with it, or re-lock"
