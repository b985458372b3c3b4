"""The command routes are made from the declarations: one route per declared command, with
the declared inputs as its body and the declared roles as its permission, and no other."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.routing import APIRoute

from api.http.app import create_app
from api.http.auth import Bearer
from api.http.bodies import body_of
from api.http.routes import commands
from workflow import events as ev
from workflow.declaration import Command, Input, Inputs, Value
from workflow.declared import COMMANDS, declared
from workflow.roles import Role
from workflow.vocabulary import CallbackOutcome

PREFIX = "/requests/{case_id}/"
COMMON = ["at", "note", "late_reason"]  # what every command may carry


def command_operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each command's operation by its wire name: POST /requests/{case_id}/{wire name}, or
    the route its declaration names."""
    paths = document["paths"]
    found = {}
    for command in COMMANDS:
        operation = paths.get(PREFIX + command.http_path, {}).get(command.http_method.lower())
        if operation is not None:
            found[command.wire_name] = operation
    posted = [
        path.removeprefix(PREFIX)
        for path, operations in paths.items()
        if path.startswith(PREFIX) and "post" in operations
    ]
    own = {c.http_path for c in COMMANDS if c.route is not None}
    assert [p for p in posted if p not in own] == [
        c.wire_name for c in COMMANDS if c.route is None
    ], "a POST route under a case that no command declares"
    return found


def body_schema_name(operation: dict[str, Any]) -> str:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    refs = [s["$ref"] for s in schema.get("anyOf", [schema]) if "$ref" in s]
    assert len(refs) == 1, schema
    return str(refs[0]).rsplit("/", 1)[-1]


def test_every_declared_command_has_a_route_and_every_command_route_is_declared() -> None:
    document = create_app().openapi()
    assert list(command_operations(document)) == [c.wire_name for c in COMMANDS]


def test_each_command_routes_body_holds_exactly_its_declared_inputs() -> None:
    document = create_app().openapi()
    operations = command_operations(document)
    for command in COMMANDS:
        if command.route is not None:  # sent with no body
            assert "requestBody" not in operations[command.wire_name]
            continue
        name = body_schema_name(operations[command.wire_name])
        assert name == f"{command.inputs.name}In"
        schema = document["components"]["schemas"][name]
        own = [name for name in command.inputs.names() if name not in COMMON]
        assert list(schema["properties"]) == [*COMMON, *own]
        required = [f.name for f in command.inputs.fields if f.required]
        assert schema.get("required", []) == required


def test_each_command_route_admits_exactly_the_roles_its_declaration_names() -> None:
    found: dict[str, tuple[Role, ...]] = {}
    # The commands' router, as the app includes it (the OpenAPI document shows its routes).
    for route in commands.router.routes:
        if isinstance(route, APIRoute) and route.path.startswith(PREFIX):
            bearers = [d.call for d in route.dependant.dependencies if isinstance(d.call, Bearer)]
            assert len(bearers) == 1, route.path
            (method,) = route.methods
            found[method, route.path.removeprefix(PREFIX)] = bearers[0].roles
    assert found == {(c.http_method, c.http_path): c.roles for c in COMMANDS}


def test_an_optional_money_or_choice_input_without_a_default_may_be_omitted_or_null() -> None:
    tip = Input("tip", Value.MONEY, "what the resident adds", required=False)
    mood = Input("mood", Value.CHOICE, "how it went", required=False, choices=CallbackOutcome)
    probe = Command("probe", "a command made up here", ev.Quoted, (), Inputs("Probe", (tip, mood)))
    body = body_of(probe)
    for sent in ({}, {"tip": None, "mood": None}):
        assert body.model_validate(sent).arguments() == {"tip": None, "mood": None}
    given = body.model_validate({"tip": "1.50", "mood": "satisfied"}).arguments()
    assert given == {"tip": Decimal("1.50"), "mood": CallbackOutcome.SATISFIED}


def test_an_input_named_note_is_the_commands_own_field_with_its_declared_limits() -> None:
    said = Input("note", Value.TEXT, "what the resident said")
    probe = Command("probe", "a command made up here", ev.Quoted, (), Inputs("Said", (said,)))
    body = body_of(probe)
    schema = body.model_json_schema()
    assert schema["required"] == ["note"]
    assert schema["properties"]["note"]["minLength"] == 1
    sent = body.model_validate({"note": "second call today", "late_reason": "radio down"})
    assert sent.arguments() == {"note": "second call today"}
    assert sent.options() == {"at": None, "late_reason": "radio down"}
    held = body_of(declared("hold")).model_validate({"reason": "parts", "note": "by Friday"})
    assert held.arguments() == {"reason": "parts"}
    assert held.options() == {"at": None, "note": "by Friday", "late_reason": None}
