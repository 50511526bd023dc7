"""deploy/: the systemd unit, the Dockerfile and the Pages workflow say what the README promises.

Read as text, no systemd, docker or network needed: each file runs `porch serve` (or builds the
site) the way the "Deploy for real" section describes.
"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _unit() -> configparser.ConfigParser:
    # Units repeat keys (Environment=) and use % specifiers: not strict, no interpolation.
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read(DEPLOY / "porch.service", encoding="utf-8")
    return unit


def _dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_the_systemd_unit_runs_porch_serve_as_an_unprivileged_user_and_restarts():
    service = _unit()["Service"]
    command = shlex.split(service["ExecStart"])
    assert Path(command[0]).name == "porch" and command[1] == "serve"
    assert service.get("User") not in (None, "", "root", "0")
    assert service["Restart"] in {"on-failure", "always"}
    assert service["EnvironmentFile"].lstrip("-").startswith("/")
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()
    assert _unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_container_runs_porch_serve_as_non_root_with_healthz_as_its_health_check():
    instructions = _dockerfile()
    final_stage = instructions[
        max(i for i, line in enumerate(instructions) if line.startswith("FROM ")) :
    ]
    assert final_stage[0].startswith("FROM python:") and final_stage[0].endswith("-slim")
    users = [line.split()[1] for line in final_stage if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    health = [line for line in final_stage if line.startswith("HEALTHCHECK ")]
    assert len(health) == 1 and "/healthz" in health[0] and " CMD " in health[0]
    assert any(line.startswith("EXPOSE 3000") for line in final_stage)
    assert any("pip install" in line and "porch-*.whl" in line for line in final_stage)
    (cmd,) = [line for line in final_stage if line.startswith(("CMD ", "ENTRYPOINT "))]
    assert cmd.split(maxsplit=1)[1] == '["porch", "serve"]'
    # The user exists before USER switches to it.
    before = final_stage[: final_stage.index(f"USER {users[-1]}")]
    assert any("useradd" in line and users[-1] in line.split() for line in before)


def test_the_pages_workflow_sample_builds_the_site_and_publishes_public():
    text = (DEPLOY / "github-pages.yml").read_text(encoding="utf-8")
    assert text.startswith("# SAMPLE") and ".github/workflows/" in text
    workflow = yaml.safe_load(text)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step.get("run", "") for step in steps]
    assert "porch site build" in runs
    assert runs.index("porch site build") > next(
        i for i, run in enumerate(runs) if run.startswith("pip install")
    )
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages")]
    assert uploads and uploads[0]["with"]["path"] == "public"
    assert workflow["permissions"]["pages"] == "write"
