"""Render a Kustomize directory in Python, for validating the manifests offline.

It does only what our kustomizations use (resources, namespace, images, JSON 6902 patches with
a kind and name target) and refuses any other field, so a kustomization cannot use a feature
the tests would silently skip. Where kubectl is installed, a test compares the two renderings.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonpatch
import yaml

Manifest = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
#: Kinds without a namespace among those we use.
CLUSTER_SCOPED = {"Namespace"}


class UnsupportedKustomization(ValueError):
    pass


def render(directory: Path) -> list[Manifest]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED
    if unsupported:
        raise UnsupportedKustomization(f"{directory}: {sorted(unsupported)} not rendered")
    manifests: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        if path.is_dir():
            manifests.extend(render(path))
        else:
            manifests.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    for patch in kustomization.get("patches", []):
        manifests = [_patched(m, patch, directory) for m in manifests]
    if "namespace" in kustomization:
        for manifest in manifests:
            if manifest["kind"] not in CLUSTER_SCOPED:
                manifest["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        for manifest in manifests:
            for container in containers(manifest):
                _set_image(container, image)
    return manifests


def containers(manifest: Manifest) -> list[dict[str, Any]]:
    pod = pod_spec(manifest)
    return [] if pod is None else pod.get("initContainers", []) + pod["containers"]


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    template = pod_template(manifest)
    return None if template is None else template["spec"]


def pod_template(manifest: Manifest) -> dict[str, Any] | None:
    if manifest["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return manifest["spec"]["template"]
    if manifest["kind"] == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]
    return None


def _patched(manifest: Manifest, patch: dict[str, Any], directory: Path) -> Manifest:
    target = patch["target"]
    if set(target) - {"kind", "name"}:
        raise UnsupportedKustomization(f"patch target {target}: only kind and name")
    if (manifest["kind"], manifest["metadata"]["name"]) != (target["kind"], target["name"]):
        return manifest
    operations = yaml.safe_load((directory / patch["path"]).read_text())
    if not isinstance(operations, list):
        raise UnsupportedKustomization(f"{patch['path']}: only JSON 6902 patches")
    return jsonpatch.apply_patch(copy.deepcopy(manifest), operations)


def _set_image(container: dict[str, Any], image: dict[str, str]) -> None:
    name, _, tag = container["image"].partition(":")
    if name != image["name"]:
        return
    container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
