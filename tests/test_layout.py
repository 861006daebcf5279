"""The packages' imports run one way: the CLI on top, tooling above the service, the service
above the mapping layer and the scoring core. Checked on the source, and on what importing
the service really loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

#: Which of the project's packages each package may import (besides itself).
MAY_IMPORT = {
    "scoring": set(),
    "fhir_mappings": {"scoring"},
    "cds_service": {"fhir_mappings", "scoring"},
    "devtools": {"cds_service", "fhir_mappings", "scoring"},
    "validation": {"cds_service", "fhir_mappings", "scoring"},
    "pvp_cds": {"cds_service", "devtools", "fhir_mappings", "scoring", "validation"},
}


def imported_packages(package: str) -> dict[str, set[str]]:
    """The project packages each module of ``package`` imports, by module path."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names & set(MAY_IMPORT)
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_imports_only_the_packages_below_it(package):
    wrong = {
        module: sorted(names - MAY_IMPORT[package] - {package})
        for module, names in imported_packages(package).items()
        if names - MAY_IMPORT[package] - {package}
    }
    assert not wrong, f"imports against the layering: {wrong}"


def test_the_import_check_sees_an_upward_import(tmp_path, monkeypatch):
    # The check itself must be able to fail: a service module importing the tooling.
    package = tmp_path / "cds_service"
    package.mkdir()
    (package / "leak.py").write_text("from devtools import demo\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imported_packages("cds_service") == {"cds_service/leak.py": {"devtools"}}


def test_importing_the_service_loads_no_development_tooling():
    probe = (
        "import sys, cds_service, cds_service.error_handlers;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('devtools', 'pvp_cds')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_serve_loads_no_development_tooling():
    # `pvp-cds serve` imports the CLI module; the demo, the FHIR test-server driver and the
    # synthetic patients must stay unloaded until their own commands run.
    probe = (
        "import sys, pvp_cds.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'devtools'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
