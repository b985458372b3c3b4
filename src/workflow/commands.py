"""The application service's command methods, one per declared command (`workflow.declared`).

Each loads the case, calls the aggregate's method of the command's name, and saves once
(see `CaseService._act`). The methods are made from the declarations. Their types are
written out below for the type checker, and a test holds each to its declaration; a new
command works without one (`send("urge", ...)`), and gains typed calls when one is added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from uuid import UUID

from workflow.backdating import Backdating
from workflow.case import Case, Stamp
from workflow.declaration import Command
from workflow.declared import COMMANDS, declared

if TYPE_CHECKING:
    from workflow.service import Recorded

Instant = datetime | str
# Refuses a command by raising, given the case exactly as loaded for it and then saved.
Guard = Callable[[Case], None]
Money = Decimal | str | int
CaseRef = UUID | str


class CommandOptions(TypedDict, total=False):
    """What every command may carry besides its own fields."""

    at: Instant | None  # when it happened; default now
    note: str | None
    expected_version: int | None  # optimistic concurrency: fail if the case moved on
    late_reason: str | None  # why it is entered late (docs/sla.md)
    backdating: Backdating | None  # how late the actor may enter it; default the service's
    guard: Guard | None  # a caller's own condition, held by the same optimistic concurrency


OPTIONS = frozenset(CommandOptions.__annotations__)


class CaseCommands:
    """The commands of every kind; the application service supplies `_act`."""

    def _act(
        self,
        case_id: UUID | str,
        actor: str,
        at: Instant | None,
        note: str | None,
        expected_version: int | None,
        action: Callable[[Case, Stamp], None],
        late_reason: str | None = None,
        backdating: Backdating | None = None,
        guard: Guard | None = None,
    ) -> Recorded:
        raise NotImplementedError

    def send(
        self,
        command: Command | str,
        case_id: UUID | str,
        *,
        actor: str,
        fields: Mapping[str, Any] | None = None,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        """The declared command (or the command of that name) with its own `fields`."""
        found = declared(command) if isinstance(command, str) else command
        given = found.arguments(dict(fields or {}))
        method = getattr(Case, found.name)
        unknown = sorted(set(opts) - OPTIONS)
        if unknown:
            raise TypeError(f"{found.name}() got unexpected options: {', '.join(unknown)}")
        # An input may take an option's name (`note`): the command's method records it.
        twice = sorted(name for name in given if opts.get(name) is not None)
        if twice:
            raise TypeError(f"{found.name}() got {', '.join(twice)} as a field and an option")
        return self._act(
            case_id,
            actor,
            opts.get("at"),
            opts.get("note"),
            opts.get("expected_version"),
            lambda case, stamp: method(case, stamp, **given),
            late_reason=opts.get("late_reason"),
            backdating=opts.get("backdating"),
            guard=opts.get("guard"),
        )

    if TYPE_CHECKING:

        def dispatch(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            assignee: str,
            team: str | None = None,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def sign(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def arrive(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def quote(
            self, case_id: CaseRef, *, actor: str, amount: Money, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def accept_quote(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def hold(
            self, case_id: CaseRef, *, actor: str, reason: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def resume(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def reply(
            self, case_id: CaseRef, *, actor: str, message: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def complete(
            self, case_id: CaseRef, *, actor: str, resolution: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def callback(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            outcome: str,
            comment: str | None = None,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def handover(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            to: str,
            reason: str,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def claim(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def amend(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            location: str | None = None,
            category: str | None = None,
            description: str | None = None,
            reason: str,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def cancel(
            self, case_id: CaseRef, *, actor: str, reason: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def invalidate(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            reason: str,
            explanation: str,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def approve(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            permit_no: str,
            deposit: Money,
            fee: Money,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def reject(
            self, case_id: CaseRef, *, actor: str, reasons: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def inspect(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            findings: str,
            violation: str | None = None,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...
        def request_acceptance(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def pass_acceptance(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def fail_acceptance(
            self, case_id: CaseRef, *, actor: str, reasons: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def erase_reporter(
            self, case_id: CaseRef, *, actor: str, **opts: Unpack[CommandOptions]
        ) -> Recorded: ...
        def refund_deposit(
            self,
            case_id: CaseRef,
            *,
            actor: str,
            refunded: Money,
            withheld: Money = 0,
            reason: str | None = None,
            **opts: Unpack[CommandOptions],
        ) -> Recorded: ...


def _method(command: Command) -> Callable[..., Recorded]:
    own = frozenset(command.inputs.names())

    def method(self: CaseCommands, case_id: CaseRef, *, actor: str, **given: Any) -> Recorded:
        fields = {name: given.pop(name) for name in own & given.keys()}
        return self.send(command, case_id, actor=actor, fields=fields, **given)

    method.__name__ = command.name
    method.__qualname__ = f"CaseCommands.{command.name}"
    method.__doc__ = command.summary
    return method


for _command in COMMANDS:
    setattr(CaseCommands, _command.name, _method(_command))
