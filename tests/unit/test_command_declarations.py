"""Each command is declared once: the lifecycle tables, the aggregate, the service's methods,
the docs and the tests' driver agree with the declarations, and hold nothing undeclared."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from support.driver import (
    CASE_DEPENDENT,
    paths_to_states,
    replay,
    request_for,
    run,
    variants,
)
from support.text_fields import COMMAND_TEXTS
from workflow.case import Case
from workflow.command_docs import commands_document
from workflow.commands import CaseCommands
from workflow.declaration import Command, Value
from workflow.declared import COMMANDS
from workflow.lifecycles import LIFECYCLES
from workflow.service import CaseService

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "commands.md"
DECLARED = [c.name for c in COMMANDS]


def test_docs_commands_md_matches_the_declarations() -> None:
    assert DOCS.read_text() == commands_document(), "docs/commands.md is stale: run `make docs`"


def documented_commands(document: str) -> list[str]:
    """The commands the docs' first table lists, in order."""
    table = document.split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE)


def test_each_command_is_declared_once_and_every_trigger_of_a_lifecycle_is_declared() -> None:
    assert len(set(DECLARED)) == len(DECLARED)
    triggers = {c for lc in LIFECYCLES.values() for c in lc.commands}
    assert set(DECLARED) == triggers
    assert all(c.kinds for c in COMMANDS)


def test_every_declared_command_has_a_docs_row_a_driver_and_a_service_method_and_only_they_do() -> (
    None
):
    assert documented_commands(DOCS.read_text()) == [c.wire_name for c in COMMANDS]
    assert set(CASE_DEPENDENT) <= set(DECLARED)
    # Typing a new command's method is optional (`send` takes any declared command).
    assert set(typed_methods()) <= set(DECLARED)
    public = {name for name in vars(CaseCommands) if not name.startswith("_")}
    assert public == {*DECLARED, "send"}


def typed_methods() -> dict[str, ast.FunctionDef]:
    """The command methods `CaseCommands` declares for the type checker."""
    tree = ast.parse((ROOT / "src" / "workflow" / "commands.py").read_text())
    service = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CaseCommands")
    checking = [n for n in service.body if isinstance(n, ast.If)]
    return {f.name: f for block in checking for f in block.body if isinstance(f, ast.FunctionDef)}


def own_parameters(method: ast.FunctionDef) -> list[tuple[str, bool]]:
    """A typed method's command fields: (name, whether it has a default)."""
    args = method.args
    defaults = [None] * (len(args.kwonlyargs) - len(args.kw_defaults)) + args.kw_defaults
    fields = [(a.arg, d is not None) for a, d in zip(args.kwonlyargs, defaults, strict=True)]
    return [f for f in fields if f[0] != "actor"]


def aggregate_parameters(name: str) -> list[tuple[str, bool]]:
    parameters = list(inspect.signature(getattr(Case, name)).parameters.values())[2:]
    return [(p.name, p.default is not inspect.Parameter.empty) for p in parameters]


@pytest.mark.parametrize("command", COMMANDS, ids=DECLARED)
def test_a_commands_inputs_are_its_aggregate_methods_and_its_typed_service_methods_parameters(
    command: Command,
) -> None:
    declared = [(f.name, not f.required) for f in command.inputs.fields]
    assert aggregate_parameters(command.name) == declared
    typed = typed_methods().get(command.name)
    assert typed is None or own_parameters(typed) == declared


@pytest.fixture(scope="module")
def app() -> CaseService:
    return CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture(scope="module")
def paths(app: CaseService) -> dict[str, dict[str, list[tuple[str, dict[str, Any]]]]]:
    return {kind.value: paths_to_states(app, kind.value) for kind in LIFECYCLES}


@pytest.mark.parametrize("command", COMMANDS, ids=DECLARED)
def test_a_command_records_the_event_its_declaration_names(
    app: CaseService,
    paths: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]],
    command: Command,
) -> None:
    kind = command.kinds[0]
    state = next(s for s in paths[kind] if command.name in LIFECYCLES[kind].allowed(s))
    case_id = replay(app, kind, paths[kind][state], **request_for(command.name))
    recorded = run(app, case_id, command.name, variants(app, case_id, command.name)[0])
    assert [type(e) for e in recorded.events] == [command.event]


def test_a_command_sent_with_a_field_it_does_not_declare_or_without_one_it_requires_is_refused(
    app: CaseService,
) -> None:
    case_id = replay(app, "repair", [])
    with pytest.raises(TypeError, match="dispatch\\(\\) got unexpected arguments: assigne"):
        app.send("dispatch", case_id, actor="desk-1", fields={"assigne": "eng-wang"})
    with pytest.raises(TypeError, match="dispatch\\(\\) is missing arguments: assignee"):
        app.dispatch(case_id, actor="desk-1")
    with pytest.raises(TypeError, match="dispatch\\(\\) got unexpected options: when"):
        app.dispatch(case_id, actor="desk-1", assignee="eng-wang", when="now")  # type: ignore[call-arg]
    assert app.get(case_id).version == 1


def test_a_command_taking_the_note_as_its_own_field_refuses_a_second_note_as_an_option(
    app: CaseService,
) -> None:
    case_id = replay(app, "complaint", [])
    with pytest.raises(TypeError, match=r"^urge\(\) got note as a field and an option$"):
        app.send("urge", case_id, actor="desk-1", fields={"note": "催促"}, note="another")
    with pytest.raises(TypeError, match=r"^urge\(\) is missing arguments: note$"):
        app.send("urge", case_id, actor="desk-1", note="as an option only")
    assert app.get(case_id).version == 1
    app.send("urge", case_id, actor="desk-1", fields={"note": "催促"})
    assert app.history(case_id)[-1].note == "催促"


def test_the_text_fields_the_hidden_character_tests_spoil_are_the_declared_text_inputs() -> None:
    texts = (Value.LINE, Value.TEXT)
    declared_texts = {
        c.name: [(f.name, f.value is Value.TEXT) for f in c.inputs.fields if f.value in texts]
        for c in COMMANDS
    }
    listed = {name: [(f.name, f.lines) for f in fields] for name, fields in COMMAND_TEXTS.items()}
    assert listed == {name: fields for name, fields in declared_texts.items() if fields}
