"""The package type-checks under mypy --strict, passes ruff and keeps its import contracts, as
part of every test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_mypy_strict() -> None:
    result = run("mypy", "--strict", "gql_server")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint() -> None:
    result = run("ruff", "check", "gql_server", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", "gql_server", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts from `cwd`'s pyproject.toml, on the `gql_server` in `cwd`."""
    command = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(command), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# One forbidden import per contract of pyproject.toml: (module, line added, contract broken).
FORBIDDEN_IMPORTS = [
    ("upstream/client.py", "import gql_server.graphql.errors", "The upstream client knows"),
    ("upstream/records.py", "import strawberry", "The upstream client knows"),
    ("simulator/store.py", "import gql_server.upstream.records", "The simulator imports"),
    ("loading/lookups.py", "import gql_server.graphql.connection", "Loading imports neither"),
    ("graphql/types.py", "import gql_server.http.request", "GraphQL does not import HTTP"),
    ("telemetry/logs.py", "import gql_server.config", "Telemetry imports nothing"),
    ("loading/context.py", "import gql_server.app", "Layers run one way"),
]


@pytest.mark.parametrize(("module", "line", "contract"), FORBIDDEN_IMPORTS)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "gql_server", tmp_path / "gql_server")
    path = tmp_path / "gql_server" / module
    path.write_text(path.read_text() + f"\n{line}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [text for text in result.stdout.splitlines() if text.endswith("BROKEN")]
    assert any(text.startswith(contract) for text in broken), result.stdout
