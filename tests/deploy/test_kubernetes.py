"""The Kubernetes manifests, rendered (base and production overlay), validated offline against
the Kubernetes OpenAPI schemas, and held to what this service needs of them."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import kubernetes_validate
import pytest
import yaml

from cds_service import settings
from pvp_cds import cli

from .kustomize import containers, pod_spec, pod_template, render

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "deploy" / "kubernetes"
RENDERINGS = {"base": KUSTOMIZE / "base", "production": KUSTOMIZE / "overlays" / "production"}
#: The oldest and the newest Kubernetes minor versions in upstream support (three at a time)
#: whose schemas kubernetes-validate ships; passing both, the manifests fit every supported one.
KUBERNETES_VERSIONS = ("1.35.0", "1.37.0")


@pytest.fixture(scope="module", params=sorted(RENDERINGS))
def manifests(request):
    return render(RENDERINGS[request.param])


def by_kind(manifests, kind):
    return [m for m in manifests if m["kind"] == kind]


def the(manifests, kind):
    (found,) = by_kind(manifests, kind)
    return found


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_against_the_kubernetes_schemas(manifests, version):
    for manifest in manifests:
        kubernetes_validate.validate(manifest, version, strict=True)


def test_the_rendering_has_every_part_of_the_deployment(manifests):
    kinds = {m["kind"] for m in manifests}
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ConfigMap",
        "Job",
        "CronJob",
        "PersistentVolumeClaim",
        "ServiceAccount",
    } <= kinds


def test_every_container_has_limits_and_requests(manifests):
    for manifest in manifests:
        for container in containers(manifest):
            resources = container["resources"]
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= resources[part].keys(), (container["name"], part)


def test_every_container_is_locked_down(manifests):
    for manifest in manifests:
        pod = pod_spec(manifest)
        for container in containers(manifest):
            context = container["securityContext"]
            assert context.get("runAsNonRoot", pod["securityContext"].get("runAsNonRoot"))
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert not context.get("privileged", False)
        if pod is not None:
            assert pod["securityContext"]["runAsUser"] != 0
            assert pod["automountServiceAccountToken"] is False


def test_the_service_containers_probe_live_and_ready(manifests, client):
    deployment = the(manifests, "Deployment")
    for container in containers(deployment):
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            path = container[probe]["httpGet"]["path"]
            assert client.get(path).status_code == 200, path


def test_the_only_writable_paths_are_tmp_and_the_data_directory(manifests):
    deployment = the(manifests, "Deployment")
    volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}
    for container in containers(deployment):
        writable = [m for m in container["volumeMounts"] if not m.get("readOnly")]
        # /tmp: metrics and heartbeats; the data directory: records waiting for the database.
        assert [m["mountPath"] for m in writable] == ["/tmp", "/var/lib/pvp-cds"]
        assert all("emptyDir" in volumes[mount["name"]] for mount in writable)


def test_shutdown_grace_outlasts_pre_stop_and_the_graceful_timeout(manifests):
    deployment = the(manifests, "Deployment")
    pod = pod_spec(deployment)
    graceful = int(the(manifests, "ConfigMap")["data"]["PVP_CDS_GRACEFUL_TIMEOUT"])
    (container,) = containers(deployment)
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pod["terminationGracePeriodSeconds"] > pre_stop + graceful


def test_settings_are_ones_the_service_knows(manifests):
    data = the(manifests, "ConfigMap")["data"]
    known = {f"PVP_CDS_{name}" for name in settings.SETTINGS}
    assert set(data) <= known, set(data) - known


def test_secrets_are_referenced_never_written(manifests):
    assert not by_kind(manifests, "Secret")
    data = the(manifests, "ConfigMap")["data"]
    assert not {"PVP_CDS_LOG_PSEUDONYM_KEY", "PVP_CDS_DATABASE_URL"} & set(data)
    (container,) = containers(the(manifests, "Deployment"))
    from_secrets = {e["name"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    assert from_secrets == {"PVP_CDS_LOG_PSEUDONYM_KEY", "PVP_CDS_DATABASE_URL"}


def test_service_budget_and_network_policy_select_the_service_pods(manifests):
    deployment = the(manifests, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    selectors = [
        the(manifests, "Service")["spec"]["selector"],
        the(manifests, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        the(manifests, "NetworkPolicy")["spec"]["podSelector"]["matchLabels"],
        deployment["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()
    autoscaler = the(manifests, "HorizontalPodAutoscaler")["spec"]
    assert autoscaler["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert autoscaler["metrics"][0]["resource"]["name"] == "cpu"


def test_network_policy_opens_the_service_and_metrics_ports_only(manifests):
    (container,) = containers(the(manifests, "Deployment"))
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    policy = the(manifests, "NetworkPolicy")["spec"]
    opened = [port["port"] for rule in policy["ingress"] for port in rule["ports"]]
    assert sorted(opened) == sorted(ports.values())
    assert str(ports["metrics"]) == the(manifests, "ConfigMap")["data"]["PVP_CDS_METRICS_PORT"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}


def test_the_migration_job_upgrades_the_schema(manifests):
    (container,) = containers(the(manifests, "Job"))
    assert container["command"] == ["pvp-cds", "db", "upgrade"]


def test_production_runs_in_a_restricted_namespace_from_a_registry_image():
    manifests = render(RENDERINGS["production"])
    namespace = the(manifests, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for manifest in manifests:
        if manifest["kind"] != "Namespace":
            assert manifest["metadata"]["namespace"] == namespace["metadata"]["name"]
        for container in containers(manifest):
            assert container["image"].startswith("registry.example.org/pvp-cds:")


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_kubectl_kustomize_renders_what_the_tests_validated(name):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the manifests were rendered by the tests' own "
                    "renderer only (tests/deploy/kustomize.py)")  # fmt: skip
    rendered = subprocess.run(
        [kubectl, "kustomize", str(RENDERINGS[name])], capture_output=True, text=True, check=True
    ).stdout
    key = lambda m: (m["kind"], m["metadata"]["name"])  # noqa: E731
    theirs = sorted((d for d in yaml.safe_load_all(rendered) if d), key=key)
    assert theirs == sorted(render(RENDERINGS[name]), key=key)


def test_the_scrape_annotations_name_the_metrics_port(manifests):
    template = the(manifests, "Deployment")["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    (container,) = template["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert annotations["prometheus.io/port"] == str(ports["metrics"])


# --- Monthly monitoring: the CronJob writes monitor.json, the service pods read it. ------------

#: What `pvp-cds monitor` writes in its --out folder for the metrics port (docs/operations.md).
MONITOR_JSON = "monitor.json"


def environment(container: dict[str, Any], manifests) -> dict[str, str]:
    """The container's environment as the kubelet makes it; a Secret's value is a stand-in."""
    maps = {m["metadata"]["name"]: m["data"] for m in by_kind(manifests, "ConfigMap")}
    found: dict[str, str] = {}
    for source in container.get("envFrom", []):
        found.update(maps[source["configMapRef"]["name"]])
    for entry in container.get("env", []):
        reference = entry.get("valueFrom", {})
        if "secretKeyRef" in reference:
            secret = reference["secretKeyRef"]
            found[entry["name"]] = f"<{secret['name']}/{secret['key']}>"
        elif "configMapKeyRef" in reference:
            key = reference["configMapKeyRef"]
            found[entry["name"]] = maps[key["name"]][key["key"]]
        elif "value" in entry:
            found[entry["name"]] = entry["value"]
    return found


def command_line(container: dict[str, Any], manifests) -> list[str]:
    """The command and args as run: each $(NAME) of a variable the container has replaced by
    its value, $$ by $; any other $(NAME) stays as written (Kubernetes' rule)."""
    variables = environment(container, manifests)

    def expand(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return variables.get(match.group(1), match.group(0))

    return [
        re.sub(r"\$\$|\$\((\w+)\)", expand, part)
        for part in container.get("command", []) + container.get("args", [])
    ]


def monitor_arguments(manifests):
    """The CronJob's command line, parsed by the pvp-cds command's own parser."""
    (container,) = containers(the(manifests, "CronJob"))
    program, *argv = command_line(container, manifests)
    assert program == "pvp-cds"
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        try:
            return cli.parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"pvp-cds {' '.join(argv)} refused: {errors.getvalue()}")


def mounted(manifest, path: PurePosixPath) -> tuple[dict[str, Any], dict[str, Any]]:
    """The volume mount holding ``path`` in the manifest's one container, and its volume."""
    (container,) = containers(manifest)
    mount = max(
        (m for m in container["volumeMounts"] if path.is_relative_to(m["mountPath"])),
        key=lambda m: len(m["mountPath"]),
    )
    volumes = {v["name"]: v for v in pod_spec(manifest)["volumes"]}
    return mount, volumes[mount["name"]]


def test_the_monitor_job_runs_pvp_cds_monitor_with_options_it_accepts(manifests):
    (container,) = containers(the(manifests, "CronJob"))
    assert not [part for part in command_line(container, manifests) if "$(" in part]
    assert monitor_arguments(manifests).handler is cli.run_monitor


def test_the_monitor_reads_a_fhir_server_the_service_is_set_up_for(manifests):
    servers = json.loads(the(manifests, "ConfigMap")["data"]["PVP_CDS_FHIR_SERVERS"])
    arguments = monitor_arguments(manifests)
    assert arguments.fhir in servers
    assert arguments.token == "<pvp-cds-secrets/monitor-fhir-token>"


def test_the_monitor_has_the_service_settings_and_database(manifests):
    (job,) = containers(the(manifests, "CronJob"))
    (service,) = containers(the(manifests, "Deployment"))
    assert job["envFrom"] == service["envFrom"]
    database = "PVP_CDS_DATABASE_URL"
    assert environment(job, manifests)[database] == environment(service, manifests)[database]


def test_the_monitor_writes_the_file_the_service_pods_read(manifests):
    written = PurePosixPath(monitor_arguments(manifests).out) / MONITOR_JSON
    read = PurePosixPath(the(manifests, "ConfigMap")["data"]["PVP_CDS_MONITOR_FILE"])
    job_mount, job_volume = mounted(the(manifests, "CronJob"), written)
    pod_mount, pod_volume = mounted(the(manifests, "Deployment"), read)
    claim = job_volume["persistentVolumeClaim"]["claimName"]
    assert pod_volume["persistentVolumeClaim"]["claimName"] == claim
    assert written.relative_to(job_mount["mountPath"]) == read.relative_to(pod_mount["mountPath"])
    assert not job_mount.get("readOnly")
    assert pod_mount["readOnly"] is True
    assert pod_volume["persistentVolumeClaim"]["readOnly"] is True


def test_the_monitoring_volume_can_be_mounted_on_every_node(manifests):
    (claim,) = by_kind(manifests, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]


def test_the_monitor_runs_monthly_one_run_at_a_time(manifests):
    spec = the(manifests, "CronJob")["spec"]
    minute, hour, day, month, weekday = spec["schedule"].split()
    assert (month, weekday) == ("*", "*")
    # A single day that every month has.
    assert 1 <= int(day) <= 28
    assert int(minute) < 60 and int(hour) < 24
    assert spec["concurrencyPolicy"] == "Forbid"


def test_the_monitor_pods_may_reach_the_database_and_fhir_server_but_take_no_hook_calls(
    manifests,
):
    labels = pod_template(the(manifests, "CronJob"))["metadata"]["labels"]
    policy = the(manifests, "NetworkPolicy")["spec"]["podSelector"]["matchLabels"]
    assert policy.items() <= labels.items()
    assert not the(manifests, "Service")["spec"]["selector"].items() <= labels.items()


def test_production_names_a_storage_class_for_the_monitoring_volume():
    (claim,) = by_kind(render(RENDERINGS["production"]), "PersistentVolumeClaim")
    assert claim["spec"]["storageClassName"]
