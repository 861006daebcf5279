"""Prometheus's own rule checker and rule unit tester (``promtool``, Debian's ``prometheus``).

``.ci/run`` installs it. On CI (CI=true) a missing promtool fails the tests that need it; elsewhere
they are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alert-rules.yaml"
#: One rule evaluation and one sample a minute: Prometheus's default evaluation interval.
INTERVAL = "1m"


def promtool() -> str:
    """The promtool program, or a skip (a failure on CI) when it is not installed."""
    found = shutil.which("promtool")
    if found is None:
        reason = (
            "alert rules NOT RUN: promtool is missing (Debian's prometheus package: "
            "apt-get install --no-install-recommends prometheus)"
        )
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def check_rules(program: str, rules: Path = RULES) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [program, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60
    )


def run_rule_test(
    program: str,
    directory: Path,
    input_series: Sequence[Mapping[str, str]],
    alert_tests: Sequence[Mapping[str, Any]],
) -> subprocess.CompletedProcess[str]:
    """Run ``promtool test rules`` on one test group over the rules file."""
    document = {
        "rule_files": [str(RULES)],
        "evaluation_interval": INTERVAL,
        "tests": [
            {
                "interval": INTERVAL,
                "input_series": list(input_series),
                "alert_rule_test": list(alert_tests),
            }
        ],
    }
    path = directory / "alert-rule-test.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return subprocess.run(
        [program, "test", "rules", str(path)], capture_output=True, text=True, timeout=120
    )
