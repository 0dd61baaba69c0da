"""The dependency audit CI runs (.ci/audit.py) fails on a known vulnerability.

A stand-in OSV service on loopback answers the way osv.dev does: nothing for
a clean package, a ``vulns`` list for an affected one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version

import pytest

from tests.servers import ROOT

AUDIT = ROOT / ".ci" / "audit.py"


class FakeOsv(BaseHTTPRequestHandler):
    affected: set[str] = set()

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        body = {}
        if name in self.affected:
            body = {
                "vulns": [
                    {
                        "id": "GHSA-test-0000-0000",
                        "summary": "A made-up advisory for the test",
                        "affected": [
                            {
                                "package": {"name": name, "ecosystem": "PyPI"},
                                "ranges": [
                                    {
                                        "type": "ECOSYSTEM",
                                        "events": [
                                            {"introduced": "0"},
                                            {"fixed": "999.0"},
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def osv():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()
    FakeOsv.affected = set()


def audit(url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(AUDIT)],
        env={"PATH": "/usr/bin:/bin", "AUDIT_OSV_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_it_fails_when_a_pinned_package_has_a_known_vulnerability(osv):
    _server, url = osv
    FakeOsv.affected = {"django"}
    done = audit(url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"django {version('django')}: GHSA-test-0000-0000" in done.stdout


def test_it_passes_when_no_package_is_affected(osv):
    _server, url = osv
    done = audit(url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no known vulnerabilities" in done.stdout


def test_an_unreachable_service_fails_only_when_required(osv):
    server, _url = osv
    closed = f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()
    server.server_close()
    assert audit(closed).returncode == 0
    assert audit(closed, AUDIT_REQUIRED="true").returncode == 2
