"""What the kill tests of warnings share (tests/integration/test_warnings_survive_kills.py):
the state of one run (the receiver, the cases coming in, when the kill came), the waits
before a kill, and the checks once every warning should have been delivered."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from api.config.settings import Settings
from projections.notices.kinds import (
    AT_RISK,
    BREACHED,
    CASE_RECEIVED,
    ON_TIME_SECONDS,
    milestone_notice_id,
)
from support.signed_receiver import SignedReceiver
from support.steady_intake import SteadyIntake
from support.webhooks import notice_store

TYPES = (AT_RISK, BREACHED, CASE_RECEIVED)  # what the test's endpoint is sent
KILL_AFTER = 3  # warnings taken by the receiver before the kill: delivery is under way
OUTBOX = "SELECT id, type, case_id, at, emitted_at, late FROM nt_outbox WHERE type IN (?, ?, ?)"


@dataclass
class Run:
    backend: str
    settings: Settings
    receiver: SignedReceiver
    intake: SteadyIntake
    killed_at: float = 0.0  # time.monotonic()
    killed_wall: float = 0.0  # time.time(), to compare with the outbox's instants
    restarted_wall: float | None = None  # SQLite: when the serve was started again
    restarted_at: float | None = None  # the same, time.monotonic()
    roles_after: float | None = None  # PostgreSQL: the kill -> the survivor holds both roles


@dataclass(frozen=True)
class Tally:
    delivered: int  # warnings taken by the receiver (answered 200) at least once
    expected: int  # two a case: at risk and breached
    duplicates: int  # deliveries taken again under a webhook-id already taken
    late: int  # warnings marked late in the outbox
    first_after: float  # seconds from the kill to the receiver's next request
    retried_across: int  # deliveries refused before the kill and sent again after it


def until_warnings_taken(run: Run, count: int = KILL_AFTER) -> None:
    """Until the receiver has taken `count` warnings: delivery is under way."""
    deadline = time.monotonic() + 60
    while sum(a.type != CASE_RECEIVED for a in run.receiver.taken()) < count:
        assert time.monotonic() < deadline, "no warnings delivered before the kill"
        assert not run.intake.errors, run.intake.errors
        time.sleep(0.05)


def until_an_answer_is_held(run: Run) -> None:
    """Until the receiver has taken a delivery and not yet answered: killed now, the sender
    never records it, and the next deliverer sends it again under the same webhook-id."""
    deadline = time.monotonic() + 30
    while not run.receiver.holding:
        assert time.monotonic() < deadline, "no delivery under way"
        time.sleep(0.002)


def delivered_once(run: Run, tail: Callable[[], str]) -> Tally:
    """Waits for every case's warnings (and receipt) to be taken, checks them, and counts."""
    intake = run.intake
    assert intake.done.wait(intake.count * intake.interval + 60), "cases not all received"
    assert len(intake.case_ids) == intake.count, intake.errors
    expected = {
        milestone_notice_id(case, "dispatch", 1, kind)
        for case in run.intake.case_ids
        for kind in (AT_RISK, BREACHED)
    }
    with notice_store(run.settings) as store:
        deadline = time.monotonic() + 60
        while True:
            outbox = store.query(OUTBOX, TYPES)
            taken = {a.notice_id for a in run.receiver.taken()}
            pending = store.query(
                "SELECT webhook_id FROM wh_deliveries WHERE status <> 'delivered'"
            )
            wanted = expected | {str(r["id"]) for r in outbox}
            if wanted <= taken and not pending:
                break
            assert time.monotonic() < deadline, f"missing {len(wanted - taken)}: {tail()}"
            time.sleep(0.2)
        deliveries = store.query("SELECT webhook_id, notice_id FROM wh_deliveries")
    arrivals = list(run.receiver.arrivals)
    assert all(a.signed for a in arrivals), [a for a in arrivals if not a.signed]

    warnings = {str(r["id"]): r for r in outbox if r["type"] != CASE_RECEIVED}
    received = [r for r in outbox if r["type"] == CASE_RECEIVED]
    assert sorted(warnings) == sorted(expected)  # two a case, none twice, none missing
    assert sorted(str(r["case_id"]) for r in received) == sorted(run.intake.case_ids)

    # Deduplicated by webhook-id, each notice is taken exactly once.
    ids_of: dict[str, set[str]] = {}
    notices_of: dict[str, set[str]] = {}
    for a in arrivals:
        ids_of.setdefault(a.notice_id, set()).add(a.webhook_id)
        notices_of.setdefault(a.webhook_id, set()).add(a.notice_id)
    assert all(len(ids) == 1 for ids in ids_of.values()), ids_of
    assert all(len(notices) == 1 for notices in notices_of.values()), notices_of
    assert set(ids_of) == set(warnings) | {str(r["id"]) for r in received}
    assert {(str(d["webhook_id"]), str(d["notice_id"])) for d in deliveries} == {
        (a.webhook_id, a.notice_id) for a in arrivals
    }
    taken_ids = {a.notice_id for a in run.receiver.taken()}
    duplicates = len(run.receiver.taken()) - len(taken_ids)
    assert duplicates >= 1, "the delivery under way at the kill was not sent again"

    # A warning is late exactly when it was taken in too long after its instant, and its
    # delivery says so.
    late_of = {a.notice_id: a.late for a in arrivals}
    for notice, row in warnings.items():
        slow = int(row["emitted_at"]) - int(row["at"]) > ON_TIME_SECONDS * 1e6
        assert bool(row["late"]) == slow == late_of[notice], dict(row)
    late = sorted(n for n, r in warnings.items() if r["late"])
    if run.restarted_wall is not None:  # SQLite: due while nothing ran, so taken in late
        fell = [
            n for n, r in warnings.items()
            if run.killed_wall + 1 <= int(r["at"]) / 1e6 <= run.restarted_wall - ON_TIME_SECONDS
        ]  # fmt: skip
        assert fell, "no warning fell due while the serve was down"
        assert set(fell) <= set(late), (fell, late)

    first_after = min(a.at for a in arrivals if a.at > run.killed_at) - run.killed_at
    refused_before = {a.webhook_id for a in arrivals if a.status != 200 and a.at < run.killed_at}
    after_kill = {a.webhook_id for a in arrivals if a.at > run.killed_at}
    return Tally(
        delivered=len(expected & taken_ids),
        expected=len(expected),
        duplicates=duplicates,
        late=len(late),
        first_after=first_after,
        retried_across=len(refused_before & after_kill),
    )
