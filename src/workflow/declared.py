"""Every command on a case, declared once (the shape of a declaration: `workflow.declaration`);
a renovation's own commands are declared in `workflow.renovation_declared`.

A new command takes its transitions in `lifecycles.py`, its method on `Case` and its event
in `events.py`, its declaration here, and the read models that show it; docs/commands.md
is regenerated (`make docs`).
"""

from __future__ import annotations

from workflow import events as ev
from workflow.declaration import Command, Input, Inputs, Route, Value
from workflow.renovation_declared import RENOVATION_COMMANDS
from workflow.roles import DESK, DESK_AND_WORKER, Role
from workflow.vocabulary import CallbackOutcome

_REASON = Inputs(
    "Reason",
    (Input("reason", Value.LINE, "why, in a line", example="waiting for parts"),),
)


COMMANDS: tuple[Command, ...] = (
    Command(
        "dispatch",
        "Dispatch to a worker or department (派工)",
        ev.Dispatched,
        DESK,
        Inputs(
            "Dispatch",
            (
                Input(
                    "assignee",
                    Value.LINE,
                    "the staff name of the worker or department "
                    "that does the work; another name reassigns",
                    example="eng-wang",
                ),
                Input(
                    "team",
                    Value.LINE,
                    "the team the assignee works in",
                    example="engineering",
                    required=False,
                ),
            ),
        ),
    ),
    Command("sign", "The worker signs for the work order (签收)", ev.Signed, DESK_AND_WORKER),
    Command("arrive", "The worker arrives on site (到场)", ev.Arrived, DESK_AND_WORKER),
    Command(
        "quote",
        "Quote paid in-home work (报价)",
        ev.Quoted,
        DESK_AND_WORKER,
        Inputs(
            "Quote", (Input("amount", Value.MONEY, "the price quoted, above 0", example="120.50"),)
        ),
    ),
    Command("accept_quote", "The resident accepts the quote", ev.QuoteAccepted, DESK_AND_WORKER),
    Command(
        "hold",
        "Put on hold: the clocks that measure the work pause",
        ev.Held,
        DESK_AND_WORKER,
        _REASON,
    ),
    Command("resume", "Resume after a hold", ev.Resumed, DESK_AND_WORKER),
    Command(
        "reply",
        "Reply to the complainant (回复)",
        ev.Replied,
        DESK,
        Inputs(
            "Reply",
            (
                Input(
                    "message",
                    Value.TEXT,
                    "what the complainant is told",
                    example="an engineer will come by 15:00",
                ),
            ),
        ),
    ),
    Command(
        "complete",
        "Record the work done (完工)",
        ev.Completed,
        DESK_AND_WORKER,
        Inputs(
            "Complete",
            (Input("resolution", Value.TEXT, "what was done", example="replaced the valve"),),
        ),
    ),
    Command(
        "resolve",
        "Resolve at first contact (当场解决): completed with no one dispatched; "
        "the callback follows",
        ev.ResolvedAtFirstContact,
        (Role.AGENT, Role.SUPERVISOR),
        Inputs(
            "Resolve",
            (
                Input(
                    "resolution",
                    Value.TEXT,
                    "how it was settled",
                    example="water off for maintenance until 16:00; told the resident",
                ),
            ),
        ),
    ),
    Command(
        "callback",
        "Record the callback (回访)",
        ev.CallbackRecorded,
        DESK,
        Inputs(
            "Callback",
            (
                Input(
                    "outcome",
                    Value.CHOICE,
                    "what the resident said, or that they could "
                    "not be reached; satisfied or basically satisfied closes the case, "
                    "unsatisfied reopens it",
                    example="satisfied",
                    choices=CallbackOutcome,
                ),
                Input(
                    "comment",
                    Value.TEXT,
                    "the resident's words",
                    example="fixed quickly",
                    required=False,
                ),
            ),
        ),
    ),
    Command(
        "handover",
        "Hand first-contact ownership over (交接)",
        ev.HandedOver,
        DESK,
        Inputs(
            "Handover",
            (
                Input(
                    "to",
                    Value.LINE,
                    "the staff name of the new first-contact owner",
                    example="desk-li",
                ),
                Input("reason", Value.LINE, "why ownership moves", example="shift change"),
            ),
        ),
    ),
    Command(
        "claim",
        "Claim a case received unowned (认领): a self-service request's first-contact owner "
        "(首问人) is whoever claims it; any other command from the desk claims it first",
        ev.Claimed,
        (Role.AGENT, Role.SUPERVISOR),
    ),
    Command(
        "amend",
        "Correct what intake recorded (更正): location, category or description; "
        "never the kind or priority",
        ev.Amended,
        (Role.AGENT, Role.SUPERVISOR),
        Inputs(
            "Amend",
            (
                Input(
                    "location",
                    Value.LINE,
                    "the corrected location",
                    example="3-2-502",
                    required=False,
                ),
                Input(
                    "category",
                    Value.LINE,
                    "the corrected category, one of the kind's (no example: each kind has its own)",
                    required=False,
                ),
                Input(
                    "description",
                    Value.TEXT,
                    "the corrected description",
                    example="the kitchen tap leaks, not the bathroom's",
                    required=False,
                ),
                Input("reason", Value.LINE, "why, in a line", example="wrong unit taken down"),
            ),
        ),
    ),
    Command("cancel", "Cancel the case", ev.Cancelled, DESK, _REASON),
    Command(
        "invalidate",
        "Judge a complaint invalid (无效投诉)",
        ev.Invalidated,
        DESK,
        Inputs(
            "Invalidate",
            (
                Input(
                    "reason",
                    Value.LINE,
                    "why the complaint is invalid, in a line",
                    example="outside the company's remit",
                ),
                Input(
                    "explanation",
                    Value.TEXT,
                    "what the complainant is told",
                    example="street lights are the city's",
                ),
            ),
        ),
    ),
    *RENOVATION_COMMANDS,
    Command(
        "urge",
        "The resident chases the case (催办); the state does not change",
        ev.Urged,
        (Role.CHANNEL, Role.AGENT),
        Inputs(
            "Urge",
            (
                Input(
                    "note",
                    Value.TEXT,
                    "what the resident said when chasing",
                    example="住户第二次来电催促",
                ),
            ),
        ),
    ),
    Command(
        "erase_reporter",
        "Erase the reporter's personal data (PIPL): their record is deleted, the case keeps "
        "who erased it and why; in every state, the state does not change",
        ev.ReporterErased,
        (Role.ADMIN,),
        # Deleting a resource: the reporter of the case.
        route=Route("DELETE", "reporter"),
    ),
)

BY_NAME: dict[str, Command] = {command.name: command for command in COMMANDS}


def declared(name: str) -> Command:
    """The command of that name (`accept_quote`), or KeyError."""
    return BY_NAME[name]
