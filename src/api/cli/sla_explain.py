"""`propdesk sla explain`: why each milestone of a case met or breached its target, as a
readable table per milestone or, with --format json, GET /requests/{id}/sla's body."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from api.cli.case_ids import named_case
from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_text
from api.cli.printable import plain
from api.cli.read_side import AsOfOption, known_moment
from api.config.settings import Settings
from api.http.sla_explanation import SlaExplanation, SlaMilestone, explanation_body
from api.terminal.consoles import output_console, text
from api.wiring import open_service, policy_book
from workflow.errors import InvalidInput
from workflow.events import CaseEvent

console = output_console()
sla_app = typer.Typer(help="Service-level explanations of single cases.", no_args_is_help=True)
REASONS = {
    "counted": "counted",
    "before_opening": "before opening",
    "after_closing": "after closing",
    "weekend": "weekend",
    "holiday": "holiday",
}


class Format(StrEnum):
    table = "table"
    json = "json"


@sla_app.command("explain")
@reports_errors
def explain_case(
    case_id: Annotated[str, typer.Argument(help="the case id or its number (工单号)")],
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="this milestone alone, e.g. dispatch")
    ] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """Why each milestone met or breached: its start and stop, the minutes counted day by
    day and why the rest was left out, the holds subtracted, target, policy and verdict."""
    settings = Settings.load(db=db)
    zone = settings.timezone
    moment = known_moment(as_of, zone) if as_of else None
    service = open_service(settings)
    case, number = named_case(settings, service, case_id, moment)
    events = [
        cast(CaseEvent, e) for e in service.repository.event_store.get(case.id, lte=case.version)
    ]
    book = policy_book(settings.policy, service)
    body = explanation_body(
        case.id, number, events, book, book.new_calendar(), moment or datetime.now(UTC)
    )
    if milestone is not None:
        body = _only(body, milestone)
    if fmt is Format.json:
        document = plain(body.model_dump(by_alias=True), zone)
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    for row in body.milestones:
        for table in milestone_tables(row, zone):
            console.print(table)


def _only(body: SlaExplanation, name: str) -> SlaExplanation:
    chosen = [m for m in body.milestones if m.name == name]
    if not chosen:
        names = ", ".join(m.name for m in body.milestones)
        raise InvalidInput("--milestone", f"the case has no milestone {name!r}; it has: {names}")
    return body.model_copy(update={"milestones": chosen})


def milestone_tables(row: SlaMilestone, zone: ZoneInfo) -> list[Table]:
    facts = Table(show_header=False, title=text(f"{row.name}: {row.status}"))
    facts.add_column("", no_wrap=True)
    facts.add_column("", overflow="fold")
    for label, value in _facts(row, zone):
        facts.add_row(text(label), text(value))
    if not row.days:
        return [facts]
    days = Table(title=text(f"{row.name}: minutes counted per day"))
    for name in ("date", "day", "counted min", "spans"):
        days.add_column(name, justify="right" if name == "counted min" else "left")
    for day in row.days:
        kind = day.kind.replace("_", " ") + (f" {day.holiday}" if day.holiday else "")
        kind += " (estimated)" if day.estimated else ""
        spans = "; ".join(
            f"{s.start:%H:%M}-{s.to:%H:%M} {REASONS[s.reason]}"
            for s in (
                span.model_copy(
                    update={"start": span.start.astimezone(zone), "to": span.to.astimezone(zone)}
                )
                for span in day.spans
            )
        )
        days.add_row(
            text(day.date.isoformat()), text(kind), f"{day.counted_minutes:.1f}", text(spans)
        )
    return [facts, days]


def _facts(row: SlaMilestone, zone: ZoneInfo) -> list[tuple[str, str]]:
    stop = row.stop_event or "/".join(row.stop_signals)
    found: list[tuple[str, Any]] = [
        ("policy", f"{row.policy} (version {row.policy_version})"),
        ("clock", "business hours" if row.clock == "business" else "24x7 (wall time)"),
        ("target", f"{row.target} ({row.target_minutes:.0f} min)"),
        ("start", f"{row.start_event or row.start_signal} {local_text(row.started_at, zone)}"),
        ("stop", f"{stop} {local_text(row.stopped_at, zone)}" if row.stopped_at else "-"),
        ("counted until", local_text(row.counted_until, zone) or "-"),
        ("due", local_text(row.due_at, zone) or "-"),
    ]
    for hold in row.holds:
        until = local_text(hold.to, zone) or "(still on hold)"
        found.append(("hold", f"{local_text(hold.start, zone)} to {until}: {hold.minutes:.1f} min"))
    if row.elapsed_minutes is not None:
        found.append(
            (
                "minutes",
                f"{row.counted_minutes:.1f} counted - {row.held_minutes:.1f} held = "
                f"{row.elapsed_minutes:.1f} elapsed",
            )
        )
    if row.status == "excluded" and row.stop_event:
        found.append(("excluded by", row.stop_event))
    return [(label, str(value)) for label, value in found]


def register(app: typer.Typer) -> None:
    app.add_typer(sla_app, name="sla")
