"""Each kind's state x command matrix, written by hand from the domain (docs/domain.md).

The answers are literals, not read from the transition tables they check: for every
state of every kind, the commands allowed and where each may lead. A command that
records a fact without changing the state (a claim, a handover, an urge, a correction, a
reply, an inspection, an unreachable callback) leads to the state it was sent in.
"""

from __future__ import annotations

Matrix = dict[str, dict[str, set[str]]]


def _open_state(here: str, **commands: set[str]) -> dict[str, set[str]]:
    """A state's commands; every open case may be handed over (internal), corrected
    (更正, internal), cancelled, or urged (催办: the resident chases it, internal)."""
    return {
        **commands,
        "handover": {here},
        "amend": {here},
        "cancel": {"cancelled"},
        "urge": {here},
        **_ended(here),
    }


def _ended(here: str) -> dict[str, set[str]]:
    """An ended state's commands: only the erasure of the reporter's record (PIPL), which
    every state, open or ended, allows (internal)."""
    return {"erase_reporter": {here}}


def _received(**commands: set[str]) -> dict[str, set[str]]:
    """Intake's state: a case received unowned (self-service) may be claimed there (认领,
    internal); any other command claims it first, so it never leaves unowned."""
    return _open_state("received", claim={"received"}, **commands)


def _awaiting_callback() -> dict[str, set[str]]:
    # Satisfied or basically satisfied closes, unsatisfied reopens, unreachable stays.
    return _open_state("completed", callback={"closed", "reopened", "completed"})


REPAIR: Matrix = {
    # Whoever takes the call may settle it at once (当场解决): completed, awaiting callback.
    "received": _received(dispatch={"dispatched"}, hold={"on_hold"}, resolve={"completed"}),
    # Dispatch again reassigns the work order to another engineer.
    "dispatched": _open_state(
        "dispatched", dispatch={"dispatched"}, sign={"signed"}, hold={"on_hold"}
    ),
    # An engineer who signed for the order can still be replaced before arriving.
    "signed": _open_state("signed", dispatch={"dispatched"}, arrive={"on_site"}, hold={"on_hold"}),
    # Paid work in a home is quoted; finished work is completed.
    "on_site": _open_state("on_site", quote={"quoted"}, complete={"completed"}, hold={"on_hold"}),
    # Work starts only once the resident accepts the quote.
    "quoted": _open_state("quoted", accept_quote={"on_site"}, hold={"on_hold"}),
    # Resume goes back to the step the case was held in.
    "on_hold": _open_state(
        "on_hold",
        resume={"received", "dispatched", "signed", "on_site", "quoted", "reopened"},
    ),
    "completed": _awaiting_callback(),
    # Rework (返修) after an unsatisfied callback: dispatched again.
    "reopened": _open_state("reopened", dispatch={"dispatched"}, hold={"on_hold"}),
    "closed": _ended("closed"),
    "cancelled": _ended("cancelled"),
}

COMPLAINT: Matrix = {
    # The first reply (回复) to the complainant records a fact at any step before the work
    # is done, on hold included; an invalid complaint (无效投诉) ends with an explanation.
    "received": _received(
        dispatch={"dispatched"},
        reply={"received"},
        hold={"on_hold"},
        invalidate={"invalid"},
        resolve={"completed"},
    ),
    "dispatched": _open_state(
        "dispatched",
        dispatch={"dispatched"},
        reply={"dispatched"},
        hold={"on_hold"},
        complete={"completed"},
        invalidate={"invalid"},
    ),
    "on_hold": _open_state(
        "on_hold",
        reply={"on_hold"},
        resume={"received", "dispatched", "reopened"},
        invalidate={"invalid"},
    ),
    "completed": _awaiting_callback(),
    # Reopened after an unsatisfied callback: handed to the department again.
    "reopened": _open_state(
        "reopened", dispatch={"dispatched"}, reply={"reopened"}, hold={"on_hold"}
    ),
    "closed": _ended("closed"),
    "invalid": _ended("invalid"),
    "cancelled": _ended("cancelled"),
}

_REVIEW = {"approve": {"approved"}, "reject": {"rejected"}, "hold": {"on_hold"}}

RENOVATION: Matrix = {
    # The application goes to a reviewer (dispatch); review may wait for missing
    # documents (hold), then approves (permit, deposit, fee) or rejects with reasons.
    "received": _received(dispatch={"dispatched"}, **_REVIEW),
    "dispatched": _open_state("dispatched", dispatch={"dispatched"}, **_REVIEW),
    # While documents are missing it can be rejected, not approved.
    "on_hold": _open_state("on_hold", resume={"received", "dispatched"}, reject={"rejected"}),
    # Works in progress are inspected (巡查) until the owner asks for final acceptance.
    "approved": _open_state(
        "approved", inspect={"approved"}, request_acceptance={"acceptance_requested"}
    ),
    # Acceptance (验收) passes, or fails and sends the works back.
    "acceptance_requested": _open_state(
        "acceptance_requested",
        inspect={"acceptance_requested"},
        pass_acceptance={"accepted"},
        fail_acceptance={"approved"},
    ),
    # Refunding the deposit completes the renovation.
    "accepted": _open_state("accepted", refund_deposit={"completed"}),
    "completed": _awaiting_callback(),
    # An unsatisfied callback reopens it; the contractor is sent back (rework) and the
    # rework is completed; it may be dispatched again to someone else meanwhile.
    "reopened": _open_state("reopened", dispatch={"rework"}),
    "rework": _open_state("rework", dispatch={"rework"}, complete={"completed"}),
    "closed": _ended("closed"),
    "rejected": _ended("rejected"),
    "cancelled": _ended("cancelled"),
}

EXPECTED: dict[str, Matrix] = {
    "repair": REPAIR,
    "complaint": COMPLAINT,
    "renovation": RENOVATION,
}

ENDED = {"closed", "cancelled", "rejected", "invalid"}
