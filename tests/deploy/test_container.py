"""The container image: built and asked for a card where a container engine runs; otherwise
the Dockerfile is checked statically against what the deployment needs of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from devtools.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
EXAMPLE = ROOT / "examples" / "patient-view-high-risk.json"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    logical, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    parsed = []
    for line in logical:
        keyword, _, arguments = line.strip().partition(" ")
        parsed.append(Instruction(keyword.upper(), arguments.strip()))
    return parsed


def stages(parsed: list[Instruction]) -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for instruction in parsed:
        if instruction.keyword == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return instructions(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def final_stage(dockerfile) -> list[Instruction]:
    return stages(dockerfile)[-1]


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in stage if i.keyword == keyword]


def build_args(parsed: list[Instruction]) -> dict[str, str]:
    pairs = (i.arguments.partition("=") for i in parsed if i.keyword == "ARG")
    return {name: default for name, _, default in pairs}


def test_the_image_is_built_in_stages(dockerfile):
    assert len(stages(dockerfile)) >= 2


def test_the_final_stage_starts_from_a_slim_python_image(dockerfile, final_stage):
    base = final_stage[0].arguments.split()[0]
    base = re.sub(r"\$\{(\w+)\}", lambda m: build_args(dockerfile)[m.group(1)], base)
    assert re.fullmatch(r"python:3\.1[1-9][\w.-]*-slim[\w.-]*", base), base


def test_the_final_stage_runs_as_a_numeric_non_root_user(final_stage):
    users = arguments_of(final_stage, "USER")
    assert users, "no USER in the final stage: the service would run as root"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0, users[-1]
    last_user = max(i for i, step in enumerate(final_stage) if step.keyword == "USER")
    last_run = max(i for i, step in enumerate(final_stage) if step.keyword == "RUN")
    assert last_user > last_run, "commands after USER would run as root"


def test_the_final_stage_installs_the_built_wheel_offline(final_stage):
    copied = " ".join(arguments_of(final_stage, "COPY"))
    assert "--from=build" in copied and "/wheels" in copied
    installs = [r for r in arguments_of(final_stage, "RUN") if "pip install" in r]
    assert installs and all("--no-index" in r and "--find-links" in r for r in installs)


def test_the_final_stage_has_no_build_tools_tests_or_sources(final_stage):
    text = " ".join(f"{i.keyword} {i.arguments}" for i in final_stage)
    for forbidden in ("gcc", "build-essential", "apt-get install", "[test]", "pytest"):
        assert forbidden not in text, forbidden
    for source in arguments_of(final_stage, "COPY"):
        assert "--from=" in source, f"the final stage copies from the context: {source}"
    assert any("pip uninstall" in r for r in arguments_of(final_stage, "RUN"))


def test_the_entrypoint_is_pvp_cds_serve_in_exec_form(final_stage):
    assert json.loads(arguments_of(final_stage, "ENTRYPOINT")[-1]) == ["pvp-cds", "serve"]
    command = json.loads(arguments_of(final_stage, "CMD")[-1])
    port = command[command.index("--port") + 1]
    assert port in arguments_of(final_stage, "EXPOSE")[-1].split()


def test_the_healthcheck_asks_the_liveness_endpoint(final_stage, client):
    healthcheck = arguments_of(final_stage, "HEALTHCHECK")[-1]
    path = re.search(r"http://127\.0\.0\.1:\d+(/[\w/]+)", healthcheck).group(1)
    assert path == "/health/live"
    assert client.get(path).status_code == 200


def test_the_image_carries_no_secret_setting(final_stage):
    environment = " ".join(arguments_of(final_stage, "ENV"))
    for secret in ("PSEUDONYM_KEY", "TRUSTED_CLIENTS", "DATABASE_URL", "TOKEN", "PASSWORD"):
        assert secret not in environment


def test_the_metrics_directory_is_under_the_only_writable_path(final_stage):
    environment = " ".join(arguments_of(final_stage, "ENV"))
    assert re.search(r"PROMETHEUS_MULTIPROC_DIR=/tmp/", environment)


def test_dockerignore_lets_in_only_what_the_wheel_is_built_from():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    let_in = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert let_in == {"pyproject.toml", "README.md", *_packages()}


def test_the_build_stage_copies_every_package_of_the_wheel(dockerfile):
    build = stages(dockerfile)[0]
    copied = {arguments.split()[0].rstrip("/") for arguments in arguments_of(build, "COPY")}
    assert _packages() <= copied, _packages() - copied


def test_the_image_holds_the_extras_the_deployment_runs(dockerfile, final_stage):
    # postgresql: the deployment's PVP_CDS_DATABASE_URL (docs/operations.md); validate: its
    # monthly CronJob runs `pvp-cds monitor`. Built as wheels first, then installed offline.
    needed = {"postgresql", "validate"}
    built = _extras(" ".join(arguments_of(stages(dockerfile)[0], "RUN")))
    installed = _extras(" ".join(arguments_of(final_stage, "RUN")))
    assert needed <= installed, needed - installed
    assert installed <= built, installed - built


def _extras(commands: str) -> set[str]:
    """The extras of pvp-cds named in the commands' requirements (pvp-cds[a,b] or the wheel's
    file name followed by [a,b])."""
    return {
        extra.strip()
        for match in re.finditer(r"pvp[-_]cds[^\s\[\]]*\[([\w,\s]+)\]", commands)
        for extra in match.group(1).split(",")
    }


def _packages() -> set[str]:
    """The packages pyproject.toml builds into the wheel."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.rstrip("*") for pattern in patterns}


def _container_engine_problem() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return "no docker command on this machine"
    info = subprocess.run([docker, "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        return f"docker cannot reach a container engine: {info.stderr.strip()[:200]}"
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    """The image built from the Dockerfile, where a container engine runs; else a skip."""
    problem = _container_engine_problem()
    if problem is not None:
        pytest.skip(f"image not built: {problem}; the Dockerfile was checked statically instead")
    tag = f"pvp-cds-test:{uuid.uuid4().hex[:12]}"
    subprocess.run(["docker", "build", "--quiet", "-t", tag, str(ROOT)], check=True, timeout=1200)
    yield tag
    subprocess.run(["docker", "rmi", "--force", tag], capture_output=True, check=False)


def test_the_image_builds_and_answers_a_hook_with_a_card(image):
    port = free_port()
    container = subprocess.run(
        ["docker", "run", "--detach", "--rm", "--read-only", "--tmpfs", "/tmp",
         "--tmpfs", "/var/lib/pvp-cds:uid=10001,gid=10001",
         "--publish", f"127.0.0.1:{port}:8080", "--env", "PVP_CDS_AUTHENTICATION=off",
         image, "--host", "0.0.0.0", "--port", "8080", "--insecure-bind"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/health/ready", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        answer = requests.post(
            url + "/cds-services/pvp-residual-back-pain",
            json=json.loads(EXAMPLE.read_text()),
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.json()["cards"][0]["indicator"] == "warning"
    finally:
        subprocess.run(["docker", "rm", "--force", container], capture_output=True, check=False)


def test_the_image_runs_the_monitor_and_reaches_postgresql(image):
    # What the CronJob runs, and the driver of the deployment's database URL, import in it.
    checked = subprocess.run(
        ["docker", "run", "--rm", "--read-only", "--tmpfs", "/tmp", "--entrypoint", "python",
         image, "-c",
         "import psycopg, validation.commands; from pvp_cds import cli; "
         "cli.parser().parse_args(['monitor', '--help'])"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "--since" in checked.stdout


def test_the_image_user_is_the_one_kubernetes_runs_as(final_stage):
    from .kustomize import pod_spec, render

    user, group = arguments_of(final_stage, "USER")[-1].split(":")
    for manifest in render(ROOT / "deploy" / "kubernetes" / "base"):
        pod = pod_spec(manifest)
        if pod is not None:
            context = pod["securityContext"]
            assert (context["runAsUser"], context["runAsGroup"]) == (int(user), int(group))


def test_the_image_sets_only_service_python_and_metrics_variables(final_stage):
    names = [
        pair.split("=")[0]
        for arguments in arguments_of(final_stage, "ENV")
        for pair in arguments.split()
    ]
    allowed = ("PVP_CDS_", "PYTHON", "PROMETHEUS_MULTIPROC_DIR")
    assert names and all(name.startswith(allowed) for name in names), names
