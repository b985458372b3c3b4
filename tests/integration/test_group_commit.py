"""Group commit for intake: many new requests in one save, each answered as `receive` would
answer it alone, on every store (two services share one real database where it matters)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError

from api.config.settings import Settings
from api.http.group_commit import IntakeWriter
from api.storage.case_numbers import CaseNumbers
from api.storage.own_tables import open_side_database, schema_lock
from api.storage.reporters import SqlReporters
from api.wiring import open_service
from support.driver import new_request
from workflow.backdating import Backdating
from workflow.case import Case
from workflow.errors import CaseNotFound, DomainError, IdempotencyConflict, InvalidInput
from workflow.intake import NewRequest, case_id_for, reporter_ref_for
from workflow.personal_data import InMemoryReporters, Reporter
from workflow.receiving import Prepared
from workflow.service import CaseService, Recorded

Batch = Sequence[tuple[NewRequest, str | None]]


def recorded(answer: Recorded | DomainError) -> Recorded:
    assert isinstance(answer, Recorded), f"refused: {answer!r}"
    return answer


def logged_ids(app: CaseService) -> list[UUID | str]:
    """The case of every event in the log, in log order."""
    return [n.originator_id for n in app.recorder.select_notifications(start=1, limit=1000)]


def count_saves(app: CaseService, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cases each write to the event store carried (a failed write counts too)."""
    calls: list[int] = []
    real = app.events.put

    def put(events: Sequence[Any], **kwargs: Any) -> Any:
        calls.append(len({event.originator_id for event in events}))
        return real(events, **kwargs)

    monkeypatch.setattr(app.events, "put", put)
    return calls


@pytest.fixture
def twins(db: str) -> Iterator[tuple[CaseService, CaseService]]:
    """Two services on one database, as two server processes would have."""
    first, second = (open_service(Settings.load({}, db=db)) for _ in range(2))
    yield first, second
    first.close()
    second.close()


def test_a_batch_answers_each_request_in_order_as_receive_would(app: CaseService) -> None:
    wang = Reporter("王先生", "13800000000")
    li = Reporter("李女士", None)
    batch: Batch = [
        (new_request("repair", idempotency_key="b-1", description="one"), None),
        (new_request("complaint", description="two"), "desk-7"),
        (new_request("repair", idempotency_key="b-3", reporter=wang, description="three"), None),
        (new_request("complaint", reporter=li, description="four"), "desk-8"),
    ]
    answers = [recorded(a) for a in app.receive_all(batch)]

    assert [a.case.description for a in answers] == ["one", "two", "three", "four"]
    assert all(a.created for a in answers)
    ids = [a.case.id for a in answers]
    assert (ids[0], ids[2]) == (case_id_for("phone", "b-1"), case_id_for("phone", "b-3"))
    # Every case stored once, in answer order, each at its answered position.
    assert logged_ids(app) == ids
    positions = [a.position for a in answers if a.position is not None]
    assert len(positions) == len(answers)
    assert all(a < b for a, b in pairwise(positions))
    assert positions[-1] == app.recorder.max_notification_id()
    for answer, position in zip(answers, positions, strict=True):
        [note] = app.recorder.select_notifications(start=position, limit=1)
        assert note.originator_id == answer.case.id
        assert list(answer.events) == list(app.repository.event_store.get(answer.case.id))
        assert [type(e).__name__ for e in answer.events] == ["Received"]
    assert [app.history(i)[0].actor for i in ids] == ["desk-1", "desk-7", "desk-1", "desk-8"]
    # Personal data: readable through the registry, referenced by the case.
    assert (answers[0].case.reporter_ref, answers[1].case.reporter_ref) == (None, None)
    assert answers[2].case.reporter_ref == reporter_ref_for(ids[2])
    assert app.reporters.get(reporter_ref_for(ids[2])) == wang
    assert answers[3].case.reporter_ref is not None
    assert app.reporters.get(answers[3].case.reporter_ref) == li
    # The same requests received one by one make the same cases.
    alone = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    for (request, actor), answer in zip(batch, answers, strict=True):
        single = alone.receive(request, actor=actor)
        assert (single.created, single.case.fingerprint, single.case.version) == (
            answer.created,
            answer.case.fingerprint,
            answer.case.version,
        )
        assert (single.case.owner, single.case.state) == (answer.case.owner, answer.case.state)
    # A retry of a keyed request is answered with the case the batch made.
    again = app.receive(batch[2][0])
    assert (again.created, again.case.id) == (False, ids[2])


def test_new_cases_are_saved_below_the_snapshot_interval_and_load_the_same(
    app: CaseService,
) -> None:
    # Intake writes new cases straight to the event store, which takes no snapshots:
    # that is right only while a new case is younger than the snapshot interval.
    answers = [recorded(a) for a in app.receive_all([(new_request("repair"), None)] * 3)]
    interval = CaseService.snapshotting_intervals[Case]
    for answer in answers:
        assert answer.case.version < interval
        loaded = app.get(answer.case.id)
        assert (loaded.version, loaded.state, loaded.owner) == (
            answer.case.version,
            answer.case.state,
            answer.case.owner,
        )


def test_a_batch_is_one_save_and_one_reporter_write(
    app: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    saves = count_saves(app, monkeypatch)
    writes: list[int] = []
    real_add_all = app.reporters.add_all

    def add_all(records: Sequence[tuple[str, Reporter]]) -> None:
        writes.append(len(records))
        real_add_all(records)

    monkeypatch.setattr(app.reporters, "add_all", add_all)
    someone = Reporter("张女士", "139")
    batch: Batch = [
        (
            new_request("repair", idempotency_key=f"one-{i}", reporter=someone if i % 2 else None),
            None,
        )
        for i in range(5)
    ]
    answers = [recorded(a) for a in app.receive_all(batch)]
    assert saves == [5]
    # A real store writes the records in the save's own transaction.
    assert writes == ([2] if isinstance(app.reporters, InMemoryReporters) else [])
    assert len(set(logged_ids(app))) == len(logged_ids(app)) == len(answers) == 5
    refs = [a.case.reporter_ref for a in answers]
    assert [app.reporters.get(r) if r else None for r in refs] == [
        None,
        someone,
        None,
        someone,
        None,
    ]


def test_an_invalid_request_gets_its_invalid_input_and_nothing_is_written_for_it(
    app: CaseService,
) -> None:
    bad = new_request(
        "repair", idempotency_key="bad-1", category="no such category", reporter=Reporter("赵", "1")
    )
    batch: Batch = [
        (new_request("repair", idempotency_key="good-1"), None),
        (bad, None),
        (new_request("complaint", reporter=Reporter("钱", "2")), None),
    ]
    first, refused, third = app.receive_all(batch)

    assert isinstance(refused, InvalidInput)
    assert refused.field == "category"
    with pytest.raises(InvalidInput) as alone:
        app.receive(bad)
    assert str(refused) == str(alone.value)
    bad_id = case_id_for("phone", "bad-1")
    with pytest.raises(CaseNotFound):
        app.get(bad_id)
    assert app.reporters.get(reporter_ref_for(bad_id)) is None
    assert logged_ids(app) == [recorded(first).case.id, recorded(third).case.id]
    third_ref = recorded(third).case.reporter_ref
    assert third_ref is not None
    assert app.reporters.get(third_ref) == Reporter("钱", "2")


def test_the_same_key_twice_in_one_batch_makes_one_case_that_both_answers_name(
    app: CaseService,
) -> None:
    request = new_request("repair", idempotency_key="twice-1", reporter=Reporter("孙", "3"))
    other = new_request("complaint", idempotency_key="other-1")
    answers = [
        recorded(a) for a in app.receive_all([(request, None), (other, None), (request, None)])
    ]

    first, _, repeat = answers
    assert first.case.id == repeat.case.id == case_id_for("phone", "twice-1")
    assert [a.created for a in answers] == [True, True, False]
    assert logged_ids(app) == [first.case.id, answers[1].case.id]
    assert app.reporters.get(reporter_ref_for(first.case.id)) == Reporter("孙", "3")


def test_the_same_key_twice_with_different_bodies_answers_the_second_with_a_conflict(
    app: CaseService,
) -> None:
    batch: Batch = [
        (new_request("repair", idempotency_key="twice-2", description="the first"), None),
        (new_request("repair", idempotency_key="twice-2", description="the second"), None),
    ]
    first, second = app.receive_all(batch)

    assert recorded(first).created
    assert isinstance(second, IdempotencyConflict)
    assert "'twice-2' on channel 'phone' was already used" in str(second)
    assert logged_ids(app) == [recorded(first).case.id]
    assert app.get(case_id_for("phone", "twice-2")).description == "the first"


def test_a_repeat_of_a_key_this_service_created_is_answered_alone_without_failing_the_batch(
    app: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = new_request("repair", idempotency_key="recent-1")
    made = recorded(app.receive_all([(request, None)])[0])
    saves = count_saves(app, monkeypatch)
    batch: Batch = [
        (new_request("complaint"), None),
        (request, None),
        (new_request("repair", idempotency_key="recent-2"), None),
    ]
    answers = [recorded(a) for a in app.receive_all(batch)]

    assert saves == [2]  # the two new cases in one save, which did not meet the stored key
    assert [a.created for a in answers] == [True, False, True]
    assert answers[1].case.id == made.case.id
    assert logged_ids(app) == [made.case.id, answers[0].case.id, answers[2].case.id]


def test_a_key_stored_by_another_service_makes_the_batch_fall_back_to_one_by_one(
    twins: tuple[CaseService, CaseService], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = twins
    request = new_request("repair", idempotency_key="elsewhere-1", reporter=Reporter("周", "5"))
    stored = first.receive(request)
    saves = count_saves(second, monkeypatch)
    batch: Batch = [
        (new_request("complaint", reporter=Reporter("吴", "6"), description="before"), None),
        (request, None),
        (new_request("repair", idempotency_key="elsewhere-2", description="after"), "desk-9"),
    ]
    before, repeat, after = (recorded(a) for a in second.receive_all(batch))

    assert saves[0] == 3  # the batch was tried once, met the stored key, then one by one
    assert saves[1:] == [1, 1]
    assert (repeat.created, repeat.position, repeat.case.id) == (False, None, stored.case.id)
    assert (before.created, after.created) == (True, True)
    assert after.case.id == case_id_for("phone", "elsewhere-2")
    assert logged_ids(first) == [stored.case.id, before.case.id, after.case.id]
    positions = {n.originator_id: n.id for n in first.recorder.select_notifications(1, 10)}
    # (PostgreSQL may leave a gap where the failed batch drew its ids.)
    assert (before.position, after.position) == (
        positions[before.case.id],
        positions[after.case.id],
    )
    assert first.get(before.case.id).description == "before"
    assert first.history(after.case.id)[0].actor == "desk-9"
    assert before.case.reporter_ref is not None
    assert first.reporters.get(before.case.reporter_ref) == Reporter("吴", "6")
    assert second.reporters.get(reporter_ref_for(stored.case.id)) == Reporter("周", "5")


def test_a_key_stored_by_another_service_with_another_body_is_refused_in_a_batch(
    twins: tuple[CaseService, CaseService],
) -> None:
    first, second = twins
    stored = first.receive(new_request("repair", idempotency_key="elsewhere-3"))
    changed = new_request("repair", idempotency_key="elsewhere-3", description="changed")
    conflict, fresh = second.receive_all([(changed, None), (new_request("complaint"), None)])

    assert isinstance(conflict, IdempotencyConflict)
    assert recorded(fresh).created
    assert logged_ids(first) == [stored.case.id, recorded(fresh).case.id]
    assert first.get(stored.case.id).description == "water leaking from the ceiling"


class CountingTurn:
    """A write turn that counts its entries and says whether it is held."""

    def __init__(self) -> None:
        self.entered = 0
        self.held = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.entered += 1
        self.held = True
        try:
            yield
        finally:
            self.held = False


def test_the_write_turn_is_held_around_a_batch_write_and_not_taken_for_refusals(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.load({}, db=db)
    turn = CountingTurn()
    with schema_lock(settings):
        side = open_side_database(settings)
        reporters = SqlReporters(side)
        app = CaseService(settings.eventsourcing_env(), reporters=reporters, write_turn=turn)
    held_at: list[tuple[str, bool]] = []
    real_put, real_add_all = app.events.put, reporters.add_all

    def put(events: Sequence[Any], **kwargs: Any) -> Any:
        held_at.append(("save", turn.held))
        return real_put(events, **kwargs)

    def add_all(records: Sequence[tuple[str, Reporter]]) -> None:
        held_at.append(("reporters", turn.held))
        real_add_all(records)

    monkeypatch.setattr(app.events, "put", put)
    monkeypatch.setattr(reporters, "add_all", add_all)
    try:
        invalid = [
            (new_request("repair", location=""), None),
            (new_request("repair", description=""), None),
        ]
        assert all(isinstance(a, InvalidInput) for a in app.receive_all(invalid))
        assert (turn.entered, held_at) == (0, [])

        batch: Batch = [
            (new_request("repair", reporter=Reporter("郑", "7")), None),
            (new_request("complaint", idempotency_key="turn-1"), None),
            (new_request("repair", location=""), None),
        ]
        answers = app.receive_all(batch)
        assert [type(a).__name__ for a in answers] == ["Recorded", "Recorded", "InvalidInput"]
        assert turn.entered == 1
        # This service keeps the default recorder: the records follow the save, in the turn.
        assert held_at == [("save", True), ("reporters", True)]
        assert not turn.held
    finally:
        app.close()
        side.close()


def test_a_storage_failure_reaches_every_request_of_the_batch_and_stores_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_service(Settings.load({}, db=db))
    sizes: list[int] = []
    started, go = threading.Event(), threading.Event()
    real_receive_prepared = app.receive_prepared

    def receive_prepared(requests: Sequence[Prepared]) -> list[Recorded | Exception]:
        sizes.append(len(requests))
        if len(sizes) == 1:  # holds the first batch until the others have queued
            started.set()
            go.wait(10)
        return real_receive_prepared(requests)

    def failing_put(events: Sequence[Any], **kwargs: Any) -> Any:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(app, "receive_prepared", receive_prepared)
    monkeypatch.setattr(app.events, "put", failing_put)
    writer = IntakeWriter(app)
    try:
        futures: list[Future[Recorded]] = [
            writer.submit(new_request("repair", idempotency_key="fail-0"), None)
        ]
        assert started.wait(10)
        futures += [
            writer.submit(new_request("complaint", idempotency_key=f"fail-{i}"), f"desk-{i}")
            for i in range(1, 5)
        ]
        go.set()
        errors = [f.exception(timeout=10) for f in futures]

        assert sizes == [1, 4]
        assert all(isinstance(e, OperationalError) for e in errors)
        assert len({id(e) for e in errors[1:]}) == 1  # the batch's one error, to each request
        assert app.recorder.max_notification_id() in (None, 0)
        for i in range(5):
            with pytest.raises(CaseNotFound):
                app.get(case_id_for("phone", f"fail-{i}"))

        monkeypatch.delattr(app.events, "put")  # the storage is back
        later = writer.submit(new_request("repair", idempotency_key="fail-0"), None)
        assert later.result(timeout=10).case.id == case_id_for("phone", "fail-0")
        assert logged_ids(app) == [case_id_for("phone", "fail-0")]
    finally:
        go.set()
        writer.close()
        app.close()


def reporter_refs(app: CaseService, db: str) -> set[str]:
    """Every reporter record stored, by reference (the table the service writes)."""
    settings = Settings.load({}, db=db)
    side = open_side_database(settings)
    try:
        _, rows = side.run("SELECT ref FROM propdesk_reporters")
    finally:
        side.close()
    return {str(r[0]) for r in rows}


def test_a_retried_batch_never_brings_back_an_erased_reporter_record(
    twins: tuple[CaseService, CaseService],
) -> None:
    first, second = twins
    request = new_request("repair", idempotency_key="erased-1", reporter=Reporter("冯", "8"))
    stored = first.receive(request)
    ref = reporter_ref_for(stored.case.id)
    assert first.reporters.erase(ref)

    batch: Batch = [(request, None), (new_request("complaint", description="other"), None)]
    repeat, other = (recorded(a) for a in second.receive_all(batch))

    assert (repeat.created, repeat.case.id, other.created) == (False, stored.case.id, True)
    assert first.reporters.get(ref) is None


def test_a_batch_that_falls_back_leaves_no_reporter_record_without_its_case(
    twins: tuple[CaseService, CaseService], db: str
) -> None:
    first, second = twins
    stored = first.receive(new_request("repair", idempotency_key="orphan-1"))
    batch: Batch = [
        (new_request("complaint", reporter=Reporter("陈", "1"), description="keyless"), None),
        (new_request("repair", idempotency_key="orphan-1", reporter=Reporter("褚", "2")), None),
    ]
    keyless, conflict = second.receive_all(batch)

    assert isinstance(conflict, IdempotencyConflict)
    saved = recorded(keyless)
    assert saved.case.reporter_ref is not None
    # One record, the saved case's: none for the key's case, none for the batch's first try.
    assert reporter_refs(second, db) == {saved.case.reporter_ref}
    assert logged_ids(first) == [stored.case.id, saved.case.id]


def test_a_request_answered_alone_that_fails_leaves_the_saved_answers_of_its_batch(
    app: CaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = app.receive(new_request("repair", idempotency_key="alone-1"))
    real_receive = app.receive

    def receive(
        request: NewRequest, *, actor: str | None = None, backdating: Backdating | None = None
    ) -> Recorded:
        if request.idempotency_key == "alone-1":
            raise OperationalError("database is locked")
        return real_receive(request, actor=actor, backdating=backdating)

    monkeypatch.setattr(app, "receive", receive)
    batch: Batch = [
        (new_request("complaint", idempotency_key="alone-2"), None),
        (new_request("repair", idempotency_key="alone-1"), None),  # created here lately
    ]
    saved, failed = app.receive_all(batch)

    assert isinstance(failed, OperationalError)
    assert recorded(saved).created
    assert logged_ids(app) == [first.case.id, case_id_for("phone", "alone-2")]


def test_a_stored_key_with_another_body_is_a_conflict_in_a_batch_even_when_the_body_is_wrong(
    app: CaseService,
) -> None:
    app.receive(new_request("repair", idempotency_key="order-1"))
    future = datetime.now(UTC) + timedelta(days=1)
    changed = new_request("complaint", idempotency_key="order-1", received_at=future)
    fresh = new_request("complaint", received_at=future)

    with pytest.raises(IdempotencyConflict):
        app.receive(changed)
    conflict, refused = app.receive_all([(changed, None), (fresh, None)])

    assert isinstance(conflict, IdempotencyConflict)  # as `receive` answers it
    assert isinstance(refused, InvalidInput)  # a time in the future


def test_a_case_and_its_reporters_record_are_stored_together_or_not_at_all(db: str) -> None:
    app = open_service(Settings.load({}, db=db))
    side = open_side_database(Settings.load({}, db=db))
    try:
        side.run("ALTER TABLE propdesk_reporters RENAME TO propdesk_reporters_away")
        with pytest.raises(Exception, match="propdesk_reporters"):
            app.receive(
                new_request("repair", idempotency_key="both-1", reporter=Reporter("卫", "3"))
            )
        both_2 = new_request("repair", idempotency_key="both-2", reporter=Reporter("蒋", "4"))
        with pytest.raises(Exception, match="propdesk_reporters"):
            app.receive_all([(both_2, None)])
        assert logged_ids(app) == []  # no case without its record

        side.run("ALTER TABLE propdesk_reporters_away RENAME TO propdesk_reporters")
        made = app.receive(
            new_request("repair", idempotency_key="both-1", reporter=Reporter("卫", "3"))
        )
        assert made.case.reporter_ref is not None
        assert app.reporters.get(made.case.reporter_ref) == Reporter("卫", "3")
    finally:
        side.close()
        app.close()


def test_the_writer_reads_a_batch_s_new_numbers_once_and_each_request_takes_its_own(
    db: str,
) -> None:
    settings = Settings.load({}, db=db)
    app = open_service(settings)
    numbers = CaseNumbers(open_side_database(settings))
    reads: list[list[str]] = []

    def numbers_of(case_ids: list[str]) -> dict[str, str]:
        reads.append(case_ids)
        return numbers.numbers_of(case_ids)

    writer = IntakeWriter(app, numbers_of=numbers_of)
    try:
        answers = [writer.submit(new_request("repair"), None) for _ in range(5)]
        saved = [answer.result(timeout=30) for answer in answers]
    finally:
        writer.close()
    assert sorted(i for read in reads for i in read) == sorted(str(r.case.id) for r in saved)
    taken = [writer.number_for(r.case.id) for r in saved]
    assert taken == [numbers.number_of(r.case.id) for r in saved]
    assert all(taken)
    assert [writer.number_for(r.case.id) for r in saved] == [None] * 5  # each taken once
    numbers.close()
    app.close()
