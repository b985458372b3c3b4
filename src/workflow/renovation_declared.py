"""The commands of a renovation application's own work (装修申报): review, inspection,
acceptance and the deposit's refund, declared once. `workflow.declared` lists them with
every other command, in the order the docs and the HTTP API show them."""

from __future__ import annotations

from workflow import events as ev
from workflow.declaration import Command, Input, Inputs, Value
from workflow.roles import DESK

_REASONS = Inputs(
    "Reasons",
    (
        Input(
            "reasons",
            Value.TEXT,
            "what is wrong, for the owner to put right",
            example="drawings missing",
        ),
    ),
)

RENOVATION_COMMANDS: tuple[Command, ...] = (
    Command(
        "approve",
        "Approve a renovation (permit, deposit, fee)",
        ev.Approved,
        DESK,
        Inputs(
            "Approve",
            (
                Input(
                    "permit_no",
                    Value.LINE,
                    "the renovation permit's number",
                    example="ZX-2026-0042",
                ),
                Input(
                    "deposit",
                    Value.MONEY,
                    "the deposit the owner pays, refunded after acceptance",
                    example="2000.00",
                ),
                Input("fee", Value.MONEY, "the management fee for the works", example="300.00"),
            ),
        ),
    ),
    Command("reject", "Reject a renovation application", ev.Rejected, DESK, _REASONS),
    Command(
        "inspect",
        "Record an inspection of renovation works (巡查)",
        ev.Inspected,
        DESK,
        Inputs(
            "Inspect",
            (
                Input("findings", Value.TEXT, "what the inspection found", example="all in order"),
                Input(
                    "violation",
                    Value.TEXT,
                    "a breach of the renovation rules, if any",
                    required=False,
                ),
            ),
        ),
    ),
    Command(
        "request_acceptance",
        "The owner asks for final acceptance",
        ev.AcceptanceRequested,
        DESK,
    ),
    Command("pass_acceptance", "Final acceptance passed (验收)", ev.AcceptancePassed, DESK),
    Command(
        "fail_acceptance",
        "Final acceptance failed: back to works",
        ev.AcceptanceFailed,
        DESK,
        _REASONS,
    ),
    Command(
        "refund_deposit",
        "Refund the deposit, less anything withheld",
        ev.DepositRefunded,
        DESK,
        Inputs(
            "Refund",
            (
                Input("refunded", Value.MONEY, "what goes back to the owner", example="2000.00"),
                Input(
                    "withheld",
                    Value.MONEY,
                    "what is kept; refunded and withheld add up to the deposit",
                    example="0.00",
                    required=False,
                    default="0",
                ),
                Input(
                    "reason",
                    Value.TEXT,
                    "why anything is withheld: required when it is",
                    required=False,
                ),
            ),
        ),
    ),
)
