"""Read models of an older table layout, brought up to this one where that is simple and
safe: each step rewrites what the older layout stored, in the same transaction as the
layout it reaches. A step may also fill in, from the event log, what the older layout never
held (`FILLED_FROM_THE_LOG`). A layout with no step here must be rebuilt from the events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.application import Application
from eventsourcing.utils import resolve_topic

from projections.store import Rewrite, Statement
from workflow.communities import DEFAULT_COMMUNITY
from workflow.events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceRequested,
    Amended,
    Approved,
    Arrived,
    CallbackRecorded,
    Cancelled,
    Completed,
    DepositRefunded,
    Dispatched,
    HandedOver,
    Held,
    Inspected,
    Invalidated,
    QuoteAccepted,
    Quoted,
    Received,
    Rejected,
    Replied,
    ReporterErased,
    Resumed,
    Signed,
)

# What layout 4's timeline stored as an event's type, its class name then, and the topic
# stored now. The names are a record of what was written, so they are spelled out: they
# must not follow a class that is renamed later.
LAYOUT_4_TYPES: dict[str, str] = {
    "Received": Received.TOPIC,
    "Dispatched": Dispatched.TOPIC,
    "Signed": Signed.TOPIC,
    "Arrived": Arrived.TOPIC,
    "Quoted": Quoted.TOPIC,
    "QuoteAccepted": QuoteAccepted.TOPIC,
    "Held": Held.TOPIC,
    "Resumed": Resumed.TOPIC,
    "Replied": Replied.TOPIC,
    "Completed": Completed.TOPIC,
    "CallbackRecorded": CallbackRecorded.TOPIC,
    "HandedOver": HandedOver.TOPIC,
    "Cancelled": Cancelled.TOPIC,
    "Invalidated": Invalidated.TOPIC,
    "Approved": Approved.TOPIC,
    "Rejected": Rejected.TOPIC,
    "Inspected": Inspected.TOPIC,
    "AcceptanceRequested": AcceptanceRequested.TOPIC,
    "AcceptancePassed": AcceptancePassed.TOPIC,
    "AcceptanceFailed": AcceptanceFailed.TOPIC,
    "DepositRefunded": DepositRefunded.TOPIC,
}

# Layout -> (the layout it upgrades to, the statements that do it).
UPGRADES: dict[str, tuple[str, list[Statement]]] = {
    # Layout 5: the timeline names each event by its topic, not by its class name.
    "4": (
        "5",
        [
            (
                "UPDATE rm_timeline SET type = ? WHERE type = ?",
                [(topic, name) for name, topic in LAYOUT_4_TYPES.items()],
            )
        ],
    ),
    # Layout 6: every case belongs to a community; those indexed before belong to the
    # default one, as their events do (Received's upcaster).
    "5": (
        "6",
        [
            (
                "ALTER TABLE rm_case_index ADD COLUMN community TEXT NOT NULL"
                f" DEFAULT '{DEFAULT_COMMUNITY}'",
                [()],
            ),
        ],
    ),
    # Layout 7: the policy version each case and each milestone is judged under; every one
    # indexed before is judged under the deployment's policy (version 0), which the read
    # models were built with.
    "6": (
        "7",
        [
            (
                "ALTER TABLE rm_case_index ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0",
                [()],
            ),
            (
                "ALTER TABLE rm_milestones ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0",
                [()],
            ),
            ("ALTER TABLE rm_milestones ADD COLUMN policy_name TEXT", [()]),
            (
                "UPDATE rm_milestones SET policy_name ="
                " (SELECT value FROM rm_meta WHERE key = 'policy_name')",
                [()],
            ),
        ],
    ),
    # Layout 8: the case index holds each case's description as last corrected and its
    # reporter's record's reference, filled from the log (`case_texts`).
    "7": (
        "8",
        [
            ("ALTER TABLE rm_case_index ADD COLUMN description TEXT NOT NULL DEFAULT ''", [()]),
            ("ALTER TABLE rm_case_index ADD COLUMN reporter_ref TEXT", [()]),
        ],
    ),
}

PAGE = 1000  # events read from the log at a time by a fill


def case_texts(log: Application[Any], position: int) -> Rewrite:
    """Each case's description and reporter reference, from the events up to `position`
    (those the read models have applied; the follower applies the later ones). Read in log
    order, a correction's description overwrites the one before it. Only the receipts and
    corrections are decoded; the rows are produced as the upgrade writes them, so no more
    than a page of events is held."""

    def rows() -> Iterator[tuple[str | None, int, str | None, str]]:
        after = 0
        while after < position and (
            notes := log.recorder.select_notifications(
                start=after, limit=PAGE, stop=position, inclusive_of_start=False
            )
        ):
            for note in notes:
                if not issubclass(resolve_topic(note.topic), Received | Amended | ReporterErased):
                    continue
                event = log.mapper.to_domain_event(note)
                case_id = str(event.originator_id)
                if isinstance(event, Received):
                    yield event.description, 0, event.reporter_ref, case_id
                elif isinstance(event, Amended) and event.description is not None:
                    yield event.description, 0, None, case_id
                elif isinstance(event, ReporterErased):
                    # The record is gone: the case index forgets its reference, as the
                    # follower does (`projections.casefile`).
                    yield None, 1, None, case_id
            after = notes[-1].id

    return (
        "UPDATE rm_case_index SET description = COALESCE(?, description), reporter_ref ="
        " CASE WHEN ? = 1 THEN NULL ELSE COALESCE(?, reporter_ref) END WHERE case_id = ?",
        rows(),
    )


# The layouts whose step also fills what the older layout never held from the event log:
# a function of the log and the read models' position.
FILLED_FROM_THE_LOG: dict[str, Callable[[Application[Any], int], Rewrite]] = {"8": case_texts}
