"""Fail when an installed dependency has a known vulnerability (pip-audit).

Audits every package in the project's virtual environment (the pins of
pyproject.toml and what they pull in) against an OSV advisory service:
``AUDIT_OSV_URL``, by default osv.dev's public API. A site without Internet
access points it at its own OSV mirror. Exit codes: 0 clean, 1 a known
vulnerability (each is listed), 2 the service could not be asked.

When the service cannot be reached at all, the audit says so and passes,
unless ``AUDIT_REQUIRED=true``: CI machines without a route to any advisory
service still run everything else. A service that answers always decides.

PyPI's own JSON service is not used on purpose: a package index mirror that
does not serve per-version pages makes pip-audit report every package as
"not found" and pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_OSV_URL = "https://api.osv.dev/v1/query"
TIMEOUT_S = 15


def reachable(url: str) -> bool:
    """Whether the service answers at all (any HTTP status counts)."""
    probe = json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}}).encode()
    request = urllib.request.Request(url, data=probe, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S):  # noqa: S310
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    url = os.environ.get("AUDIT_OSV_URL") or DEFAULT_OSV_URL
    required = os.environ.get("AUDIT_REQUIRED", "").lower() == "true"
    if not reachable(url):
        print(f"audit: the advisory service {url} cannot be reached.")
        if required:
            return 2
        print("audit: skipped (set AUDIT_OSV_URL to a reachable OSV mirror).")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        # pip-audit runs from the interpreter that holds the project's
        # packages, so ``--local`` audits exactly what is installed.
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--local",
                "--vulnerability-service",
                "osv",
                "--osv-url",
                url,
                "--format",
                "json",
                "--output",
                str(report),
                "--progress-spinner",
                "off",
                "--timeout",
                str(TIMEOUT_S),
                "--cache-dir",
                str(Path(scratch) / "cache"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            print(done.stderr[-2000:], file=sys.stderr)
            print("audit: pip-audit could not finish.")
            return 2
        found = json.loads(report.read_text())
    vulnerable = [dep for dep in found["dependencies"] if dep.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            name, installed = dep["name"], dep["version"]
            print(f"audit: {name} {installed}: {vuln['id']} (fixed in {fixed})")
    audited = sum(1 for dep in found["dependencies"] if "skip_reason" not in dep)
    if vulnerable:
        count = len(vulnerable)
        print(f"audit: {count} of {audited} packages have known vulnerabilities.")
        return 1
    print(f"audit: {audited} packages, no known vulnerabilities ({url}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
