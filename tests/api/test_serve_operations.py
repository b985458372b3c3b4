"""`propdesk serve` as a person runs it: its connection limits from the settings, one line
when it cannot start, and the metrics of all its workers on an address of their own."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from support.processes import free_port
from support.serve_cli import ended, serve, serving


def test_serve_answers_431_to_a_head_over_its_setting_and_goes_on_serving(tmp_path: Path) -> None:
    db, port = str(tmp_path / "propdesk.db"), free_port()
    with serving(db, port, environ={"PROPDESK_HTTP_HEAD_LIMIT": "16384"}):
        big = {"X-Filler": "a" * 16384}
        refused = httpx.get(f"http://127.0.0.1:{port}/health", headers=big, timeout=5)
        assert refused.status_code == 431
        assert refused.json()["detail"].endswith("at most 16384 are accepted")
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200


def _said_in_one_line(stderr: str, expected: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert [line for line in lines if line.startswith("error:")] == lines, stderr
    assert any(expected in line for line in lines), stderr


@pytest.mark.parametrize(
    ("damage", "extra", "expected"),
    [
        ("directory", (), "Is a directory"),
        ("not-a-database", ("--workers", "1", "--no-follow"), "file is not a database"),
        ("not-a-database", ("--workers", "2", "--no-follow"), "file is not a database"),
    ],
)
def test_serve_stops_with_one_line_when_it_cannot_open_the_database(
    tmp_path: Path, damage: str, extra: tuple[str, ...], expected: str
) -> None:
    db = tmp_path / "propdesk.db"
    if damage == "directory":
        db.mkdir()
    else:
        db.write_bytes(b"this is not an SQLite file" * 200)
        db.chmod(0o600)  # a file readable by others would also be tightened, with a warning
    server = serve(str(db), free_port(), *extra)
    stderr = ended(server)
    assert server.returncode == 2
    _said_in_one_line(stderr, f"error: cannot open the database {db}: {expected}")


def test_serve_stops_with_one_line_when_postgresql_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port where nothing listens
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://desk:s3cret@127.0.0.1:{port}/propdesk"
    server = serve(url, free_port())
    stderr = ended(server)
    assert server.returncode == 2
    _said_in_one_line(stderr, f"cannot open the database postgresql://desk:***@127.0.0.1:{port}")
    assert "s3cret" not in stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_stops_with_one_line_when_its_workers_cannot_load_the_app(
    tmp_path: Path, workers: str
) -> None:
    broken = tmp_path / "site" / "fastapi"  # shadows the installed FastAPI in the workers
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('this FastAPI is broken')\n")
    db = str(tmp_path / "propdesk.db")
    server = serve(
        db, free_port(), "--workers", workers, environ={"PYTHONPATH": str(broken.parent)}
    )
    stderr = ended(server)
    assert server.returncode == 2
    _said_in_one_line(stderr, "error: cannot load the server: this FastAPI is broken")


def test_serve_adds_up_its_workers_counts_on_the_metrics_address(tmp_path: Path) -> None:
    db, port, metrics_port = str(tmp_path / "propdesk.db"), free_port(), free_port()
    scratch = tmp_path / "tmp"  # serve's TMPDIR: where its metrics directory goes
    scratch.mkdir()
    environ = {
        "PROPDESK_METRICS": "on",
        "PROPDESK_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
        "TMPDIR": str(scratch),
    }
    with serving(db, port, "--workers", "2", environ=environ):
        (directory,) = scratch.glob("propdesk-metrics-*")
        assert directory.stat().st_mode & 0o777 == 0o700
        answered = 1  # the wait's own /health
        while len({p.name.split("_")[-1] for p in directory.glob("counter_*.db")}) < 2:
            for _ in range(10):  # new connections: the kernel spreads them over the workers
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
                answered += 1
            assert answered < 500, "one worker took every connection"
        # Not on the API's address when it has one of its own, and there without a token.
        assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 404
        scrape = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
        assert scrape.status_code == 200
        counted = {
            (s.name, s.labels.get("route"), s.labels.get("status")): s.value
            for family in text_string_to_metric_families(scrape.text)
            for s in family.samples
        }
        assert counted[("propdesk_http_requests_total", "/health", "200")] == answered
        assert counted[("propdesk_event_log_head", None, None)] == 0
    assert not list(scratch.glob("propdesk-metrics-*"))  # removed at the end
