"""The service and the command line run without the validation extra: neither imports it."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from cds_service import create_app
import pvp_cds.cli
create_app({"TESTING": True, "AUTHENTICATION": "off"})
loaded = [m for m in ("validation", "numpy", "matplotlib", "statsmodels", "sklearn")
          if m in sys.modules]
print(",".join(loaded))
"""


def test_service_and_cli_import_no_validation_package():
    # A fresh interpreter: this test session has imported them already.
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
