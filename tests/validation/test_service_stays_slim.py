"""The service and the command line run without the validation extra: neither imports it."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from cds_service import create_app
import pvp_cds.cli
create_app({"TESTING": True, "AUTHENTICATION": "off"})
loaded = [m for m in ("validation", "matplotlib", "statsmodels", "sklearn")
          if m in sys.modules]
print(",".join(loaded))
"""


def test_service_and_cli_import_no_validation_package():
    # A fresh interpreter: this test session has imported them already.
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


WITHOUT_STATSMODELS = """
import sys
class NoStatsmodels:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "statsmodels":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoStatsmodels())
from pvp_cds.cli import main
sys.exit(main(["validate", "--csv", "cohort.csv", "--out", "report"]))
"""


def test_validate_without_the_extra_says_how_to_install_it():
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_STATSMODELS], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "pip install 'pvp-cds[validate]'" in result.stderr
