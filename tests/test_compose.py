"""compose.yaml agrees with the Dockerfile and the settings (Docker cannot run here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from gql_server.config import Settings

ROOT = Path(__file__).parents[1]
SETTINGS = {name.upper() for name in Settings.model_fields}


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def dockerfile_instruction(name: str) -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    [found] = re.findall(rf"^{name} (.+)$", text, re.MULTILINE)
    return str(found)


def gateways() -> dict[str, dict[str, Any]]:
    services = compose()["services"]
    return {name: s for name, s in services.items() if s.get("command", [])[1:2] == ["serve"]}


def seconds(duration: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(s|m)", duration).groups()  # type: ignore[union-attr]
    return float(number) * (60 if unit == "m" else 1)


def test_three_gateways_are_built_from_the_dockerfile_and_run_its_command() -> None:
    docker_cmd = json.loads(dockerfile_instruction("CMD"))
    exposed = int(dockerfile_instruction("EXPOSE"))
    found = gateways()
    assert len(found) == 3
    host_ports = set()
    for service in found.values():
        assert service["build"] == "."
        assert service["command"] == docker_cmd
        port = int(service["command"][service["command"].index("--port") + 1])
        assert port == exposed
        [mapping] = service["ports"]
        host, container = mapping.split(":")
        assert int(container) == exposed
        host_ports.add(host)
        check = " ".join(service["healthcheck"]["test"])
        assert f"http://127.0.0.1:{exposed}/readyz" in check
    assert len(host_ports) == 3


def test_every_variable_is_a_setting_that_validates_and_points_at_its_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = compose()["services"]
    environments = [s["environment"] for s in gateways().values()]
    assert all(env == environments[0] for env in environments), "replicas must agree"
    env = environments[0]
    assert sorted(set(env) - SETTINGS) == []
    for name in list(SETTINGS):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    settings = Settings()
    assert not settings.demo and settings.server_credential_configured
    assert settings.gql_fleet_size == len(environments)

    upstream = urlsplit(settings.base_url)
    simulator = services[upstream.hostname]
    assert simulator["command"][1:2] == ["simulate"]
    assert f"--port {upstream.port}" in " ".join(simulator["command"])
    assert "--host 0.0.0.0" in " ".join(simulator["command"])

    assert settings.gql_redis_url is not None
    redis = urlsplit(settings.gql_redis_url.get_secret_value())
    assert redis.hostname in services and "redis-server" in services[redis.hostname]["command"]
    for service in gateways().values():
        assert set(service["depends_on"]) == {upstream.hostname, redis.hostname}
        assert set(gateways()) <= set(settings.allowed_hosts)


def test_replicas_get_longer_to_stop_than_requests_get_to_finish() -> None:
    for service in gateways().values():
        timeout = float(service["environment"]["GQL_SHUTDOWN_TIMEOUT"])
        assert seconds(service["stop_grace_period"]) > timeout
