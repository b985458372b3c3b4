"""The verifiable history on the largest history: how fast the audit tree takes in the
log (against the bare rate of reading it, in the same run), how long `propdesk audit
verify` takes over it, and how long `GET /requests/{id}/proof` takes to answer from
`propdesk serve`. Targets: verify over a million events at most 60 s; a case's proof at
most 50 ms (p95 over random cases).

    .venv/bin/python bench/audit.py [--events 1000000] [--proofs 200] [--quick]
"""

from __future__ import annotations

import argparse
import random
import time

import httpx
from databases import remove_database, scratch_copy
from figures import Figure, percentile, piece_main
from histories import history
from paths import PROPDESK
from servers import free_port, new_token, running
from terminal import console

from api.config.settings import Settings
from api.wiring import log_key, open_audit_tree, open_service
from projections.audit.verify import verify

VERIFY_TARGET_SECONDS = 60.0
PROOF_TARGET_MS = 50.0
JUDGED_FROM = 990_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [1000000; quick 5000]")
    parser.add_argument("--proofs", type=int, help="cases whose proof is timed [200; quick 20]")


def bare_read(settings: Settings) -> float:
    """Seconds to read every stored event, undecoded, in the tree's page size."""
    app = open_service(settings)
    started, after = time.perf_counter(), 0
    while notes := app.recorder.select_notifications(
        start=after, limit=2000, inclusive_of_start=False
    ):
        after = notes[-1].id
    seconds = time.perf_counter() - started
    app.close()
    return seconds


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (5000 if args.quick else 1_000_000)
    proofs = args.proofs or (20 if args.quick else 200)
    found = history(events)
    db = scratch_copy(found.db, "audit", read_models=True)
    audit_file = db.with_name(db.stem + ".audit" + db.suffix)
    remove_database(audit_file)
    settings = Settings.load({}, db=str(db))
    settings.audit_key_path.unlink(missing_ok=True)  # the key beside the scratch copy
    read_seconds = bare_read(settings)
    service = open_service(settings)
    tree = open_audit_tree(settings, service)
    with console.status(f"taking {found.events:,} events into the audit tree"):
        started = time.perf_counter()
        taken = tree.catch_up()
        build_seconds = time.perf_counter() - started
    tree.checkpoint_if_due(force=True)
    with console.status("verifying"):
        started = time.perf_counter()
        result = verify(service, tree.store, log_key(settings))
        verify_seconds = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"the untouched history did not verify: {result.findings[:3]}")
    rows = tree.store.query("SELECT DISTINCT case_id FROM audit_leaves")
    cases = random.Random(1).sample([str(r["case_id"]) for r in rows], proofs)
    service.close()
    tree.store.datastore.close()  # type: ignore[attr-defined]
    token = new_token(db, "bench-supervisor", "supervisor")
    port = free_port()
    argv = [PROPDESK, "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"]
    times = []
    with (
        running("propdesk (proofs)", argv, "/health", port) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        headers = {"Authorization": f"Bearer {token}"}
        for number, case_id in enumerate(cases):
            started = time.perf_counter()
            answer = client.get(f"/requests/{case_id}/proof", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise RuntimeError(f"proof of {case_id}: {answer.status_code} {answer.text[:300]}")
            if number:  # the first answer opens the audit store: not counted
                times.append(elapsed)
    judged = taken >= JUDGED_FROM
    ratio = read_seconds / build_seconds
    p95 = percentile(times, 95)
    console.print(
        f"tree {build_seconds:.1f} s ({ratio:.2f} x a bare read of {read_seconds:.1f} s); "
        f"verify {verify_seconds:.1f} s; proof p95 {p95:.1f} ms"
    )
    note = f"over {taken:,} events" + ("" if judged else "; not judged: a smaller history")
    return [
        Figure(
            "audit",
            "audit tree, taking in the log",
            taken / build_seconds,
            "events/s",
            note=f"{ratio:.2f} x a bare read ({taken / read_seconds:,.0f} events/s); {note}",
        ),
        Figure(
            "audit",
            "audit verify",
            verify_seconds,
            "s",
            target=f"<= {VERIFY_TARGET_SECONDS:g} s at 1M events",
            met=(verify_seconds <= VERIFY_TARGET_SECONDS) if judged else None,
            note=note,
        ),
        Figure(
            "audit",
            "a case's proof over HTTP, p95",
            p95,
            "ms",
            target=f"<= {PROOF_TARGET_MS:g} ms",
            met=(p95 <= PROOF_TARGET_MS) if judged else None,
            note=f"{len(times)} random cases after one untimed; {note}",
            extra={"ms": [round(t, 1) for t in times]},
        ),
    ]


if __name__ == "__main__":
    piece_main("the verifiable history", add_arguments, run, __doc__)
