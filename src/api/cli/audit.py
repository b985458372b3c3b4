"""`propdesk audit key|checkpoint|verify|export|verify-export`: the verifiable history
(docs/audit.md)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.cli.case_ids import named_case
from api.cli.errors import DbOption, reports_errors
from api.cli.output_files import deliver
from api.config.settings import Settings
from api.http.proof_document import case_proof
from api.storage.audit_key import AuditKeyError
from api.terminal.consoles import output_console, say_error
from api.terminal.progress import catch_up, progress_bar
from api.wiring import log_key, open_audit_tree, open_follower, open_service, signer_for
from projections.audit.merkle import ProofError
from projections.audit.notes import NoteError, VerifierKey, parse_note, parse_vkey
from projections.audit.tree import AuditTree
from projections.audit.verify import Given, Verification, verify
from workflow.service import CaseService

console = output_console()
audit_app = typer.Typer(
    help="The verifiable history: signed checkpoints and proofs.", no_args_is_help=True
)

KeyOption = Annotated[
    str | None,
    typer.Option("--key", help="the log's verifier key (as `propdesk audit key` prints it)"),
]


class Format(StrEnum):
    table = "table"
    json = "json"


def _tree(settings: Settings, service: CaseService | None = None) -> AuditTree:
    """The audit tree, having taken in the log up to its head (with a progress bar)."""
    tree = open_audit_tree(settings, service or open_service(settings))
    head = tree.app.recorder.max_notification_id() or 0
    if head > tree.store.position():
        with progress_bar() as bar:
            task = bar.add_task(
                "taking the log into the audit tree", total=head, completed=tree.store.position()
            )
            tree.catch_up(lambda done, _head: bar.update(task, completed=done))
    return tree


@audit_app.command("key")
@reports_errors
def key(db: DbOption = None) -> None:
    """Print the log's verifier key (created with the signing key at first use)."""
    settings = Settings.load(db=db)
    console.out(signer_for(settings).verifier.text(), highlight=False)


@audit_app.command("checkpoint")
@reports_errors
def checkpoint(
    new: Annotated[
        bool, typer.Option("--new", help="sign one now if the log grew since the last")
    ] = False,
    db: DbOption = None,
) -> None:
    """Print the latest signed checkpoint, to hand to the owners' committee or anyone who
    keeps copies. The log is taken into the tree first; a checkpoint is signed if one is due."""
    tree = _tree(Settings.load(db=db))
    tree.checkpoint_if_due(force=new)
    latest = tree.store.latest_checkpoint()
    if latest is None:
        say_error("no checkpoint yet: the log is empty")
        raise typer.Exit(2)
    console.out(latest.note, end="", highlight=False)


def _given(files: list[Path], keys: list[VerifierKey]) -> list[Given]:
    found = []
    for file in files:
        try:
            found.append(Given(str(file), parse_note(file.read_text(encoding="utf-8")), keys))
        except (OSError, UnicodeDecodeError) as error:
            raise NoteError(f"cannot read the checkpoint {file}: {error}") from None
        except NoteError as error:
            raise NoteError(f"{file}: {error}") from None
    return found


@audit_app.command("verify")
@reports_errors
def verify_command(
    checkpoint_files: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="a checkpoint kept outside (repeatable)", dir_okay=False),
    ] = None,
    trusted: KeyOption = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """Recompute the tree from the stored events; check it against the tree as recorded,
    every stored checkpoint and every checkpoint file given. Exits 1 if the history differs."""
    settings = Settings.load(db=db)
    given_key = parse_vkey(trusted) if trusted else None
    try:
        own: VerifierKey | None = log_key(settings)
    except AuditKeyError:  # no checkpoint was ever signed here: the events are still compared
        own = None
    keys = [k for k in (given_key or own,) if k is not None]
    files = _given(checkpoint_files or [], keys)  # refused before any work
    tree = _tree(settings)
    head = tree.app.recorder.max_notification_id() or 0
    with progress_bar() as bar:
        task = bar.add_task("verifying the history", total=head)
        result = verify(
            tree.app,
            tree.store,
            own,
            files,
            lambda done, _head: bar.update(task, completed=done),
        )
        bar.update(task, completed=head)
    if fmt is Format.json:
        console.out(json.dumps(_document(result), ensure_ascii=False, indent=2), highlight=False)
    else:
        _print(result)
    if not result.ok:
        raise typer.Exit(1)


def _document(result: Verification) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "events": result.events,
        "tree_size": result.tree_size,
        "checkpoints": [vars(c) for c in result.checkpoints],
        "findings": [vars(f) for f in result.findings],
        "not_yet_checkpointed": {
            "events": result.unchecked,
            "from_position": result.unchecked_from,
        },
    }


def _print(result: Verification) -> None:
    table = Table(title="checkpoints checked")
    for column in ("source", "tree size", "verdict"):
        table.add_column(column)
    for c in result.checkpoints:
        table.add_row(
            c.source, str(c.size), c.verdict, style=None if c.verdict == "matches" else "red"
        )
    console.print(table)
    for finding in result.findings:
        console.print(f"[red]DIFFERS[/red] {finding.message}", highlight=False)
    if result.unchecked:
        console.print(
            f"{result.unchecked} events from position {result.unchecked_from} are not yet "
            "checkpointed (the next checkpoint will cover them)",
            highlight=False,
        )
    verdict = "the history verifies" if result.ok else "the history does NOT verify"
    console.print(
        f"{verdict}: {result.events} events, {len(result.checkpoints)} checkpoints", highlight=False
    )


@audit_app.command("export")
@reports_errors
def export(
    case: Annotated[str, typer.Argument(help="the case id or its number (工单号)")],
    to: Annotated[Path, typer.Option("--to", help="the file to write (JSON)", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="replace the file if it exists")] = False,
    db: DbOption = None,
) -> None:
    """Write the case's events, each with its inclusion proof against a signed checkpoint,
    and the log's key: a file anyone can check with `propdesk audit verify-export`."""
    settings = Settings.load(db=db)
    service = open_service(settings)
    tree = _tree(settings, service)
    found, number = named_case(settings, service, case)
    case_id = found.id
    follower = open_follower(settings, settings.policy, service)
    catch_up(follower, "building the read models")  # the timeline says where events lie
    document = case_proof(service, tree.store, log_key(settings), case_id, number, follower.store)
    deliver(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", to, force=force, console=console
    )


@audit_app.command("verify-export")
def verify_export(
    file: Annotated[
        Path, typer.Argument(help="a file written by `propdesk audit export`", dir_okay=False)
    ],
    trusted: KeyOption = None,
) -> None:
    """Check an exported case proof offline: no database is needed. Exits 1 if it fails."""
    from projections.audit.proofs import check_proof

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
        checked = check_proof(document, parse_vkey(trusted) if trusted else None)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, NoteError) as error:
        say_error(f"cannot check {file}: {error}")
        raise typer.Exit(2) from None
    except ProofError as error:
        say_error(f"{file} does NOT verify: {error}")
        raise typer.Exit(1) from None
    console.print(
        f"{file} verifies: case {checked.case_id}, versions {checked.proven} are in the log "
        f"{checked.origin} at tree size {checked.checkpoint_size}",
        highlight=False,
    )
    if checked.pending:
        console.print(
            f"versions {checked.pending} came after that checkpoint: not yet provable",
            highlight=False,
        )
    if not trusted:
        console.print(
            "checked with the key inside the file: compare it with the key the operator "
            "published (`--key`) before relying on it",
            highlight=False,
        )


def print_demo_audit(settings: Settings, out: Console) -> None:
    """The demo ends with its history in the audit tree and a signed checkpoint."""
    tree = _tree(settings)
    signed = tree.checkpoint_if_due(force=True) or tree.store.latest_checkpoint()
    if signed is None:
        return
    out.print(
        f"audit: {signed.size} events in the verifiable history, checkpoint signed with "
        f"{log_key(settings).text()}; check with `propdesk audit verify --db {settings.shown_db}`",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
