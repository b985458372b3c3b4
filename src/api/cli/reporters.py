"""`propdesk reporters erase`: an operator erases a resident's personal data (PIPL), by
case or by the phone number they called from. Each erasure is recorded on its case as
`ReporterErased`, by the command line (as `propdesk community` records its changes), at
a resident's request; the cases are listed by number and id."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.communities import ADMIN
from api.cli.errors import DbOption, reports_errors
from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.storage.reporters import SqlReporters
from api.terminal.consoles import output_console, say_error
from api.wiring import open_read_models, open_service
from workflow.case_numbers import NUMBER_PATTERN
from workflow.errors import InvalidInput

console = output_console()
reporters_app = typer.Typer(help="Reporters' personal data (PIPL): erase it.", no_args_is_help=True)


def cases_of_records(settings: Settings, refs: list[str]) -> tuple[list[str], list[str]]:
    """(the cases whose records these are, the references no case is known for yet). A
    reference is made from its case's id at intake, so each names one case; the case index
    maps it back, once the read models have followed the case's receipt."""
    store = open_read_models(settings)
    try:
        found: dict[str, str] = {}
        for start in range(0, len(refs), 500):
            chunk = refs[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in store.query(
                f"SELECT case_id, reporter_ref FROM rm_case_index WHERE reporter_ref IN ({marks})",
                chunk,
            ):
                found[str(row["reporter_ref"])] = str(row["case_id"])
    finally:
        datastore = getattr(store, "datastore", None)
        if datastore is not None:
            datastore.close()
    return [found[r] for r in refs if r in found], [r for r in refs if r not in found]


@reporters_app.command("erase")
@reports_errors
def erase(
    case: Annotated[
        str | None, typer.Option("--case", help="the case id or its number (工单号)")
    ] = None,
    phone: Annotated[
        str | None,
        typer.Option(help="every case whose reporter has this number, exactly as stored"),
    ] = None,
    db: DbOption = None,
) -> None:
    """Erase the reporter's record of a case, or of every case with a phone number; each is
    recorded on its case (ReporterErased, reason request). A case with no record left is
    refused (exit 2), erasing nothing."""
    if (case is None) == (phone is None):
        raise typer.BadParameter("name either --case or --phone")
    settings = Settings.load(db=db)
    service = open_service(settings)
    numbers = open_case_numbers(settings)
    try:
        unknown: list[str] = []
        if case is not None:
            given = case.strip().upper()
            found = numbers.case_of(given) if NUMBER_PATTERN.fullmatch(given) else case
            if found is None:
                raise InvalidInput("case", f"no case has the number {given}")
            case_ids = [found]
        else:
            assert phone is not None
            registry = service.reporters
            if not isinstance(registry, SqlReporters):  # the wiring always gives one
                raise TypeError(f"cannot search {type(registry).__name__} by phone number")
            refs = registry.refs_with_phone(phone)
            if not refs:
                raise InvalidInput("phone", "no reporter's record has this number (any more)")
            case_ids, unknown = cases_of_records(settings, refs)
        erased = [service.erase_reporter(c, actor=ADMIN).case.id for c in case_ids]
        shown = numbers.numbers_of(erased)
    finally:
        numbers.close()
        service.close()
    console.print(f"erased the reporter's record of {len(erased)} case(s):")
    for case_id in erased:
        console.print(f"  {shown.get(str(case_id), '-')}  {case_id}", highlight=False)
    if unknown:
        say_error(
            f"{len(unknown)} record(s) with this number belong to cases the read models have "
            "not followed yet; run `propdesk projections run` (or wait for the server's), "
            "then erase again"
        )
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(reporters_app, name="reporters")
