"""A policy file's errors speak to the person editing it: which milestone (numbered from 1,
as in the file), which field, what is allowed; none of the validation library's wording."""

from __future__ import annotations

import pytest

from projections.policy import PolicyError, default_policy_text, parse_policy

HEAD = 'name = "test"\neffective = 2026-01-01\n'
FIELDS = {
    "name": '"completion"',
    "kind": '"repair"',
    "priority": '"normal"',
    "start": '"received"',
    "stop": '["completed"]',
    "target": '"9h"',
    "clock": '"business"',
    "hold_pauses": "true",
}
FIRST = {**FIELDS, "name": '"dispatch"', "stop": '["dispatched"]', "target": '"30m"'}


def milestone(fields: dict[str, str], **changes: str | None) -> str:
    chosen = {**fields, **changes}
    lines = [f"{key} = {value}" for key, value in chosen.items() if value is not None]
    return "\n[[milestone]]\n" + "\n".join(lines) + "\n"


def second(**changes: str | None) -> str:
    """A policy whose second milestone (repair/normal completion) has `changes`."""
    return HEAD + milestone(FIRST) + milestone(FIELDS, **changes)


def refusal(text: str) -> str:
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "p.toml")
    return str(refused.value)


CASES = {
    "a stop naming no signal": (
        second(stop="[]"),
        "milestone 2 (repair/normal completion): `stop` must name at least one signal",
    ),
    "an unknown signal": (
        second(stop='["completed", "landed"]'),
        "milestone 2 (repair/normal completion): `stop` signal 2 'landed' is not a signal; "
        "allowed: received, received_unowned, claimed, dispatched, arrived, completed, "
        "replied, decided, acceptance_requested, acceptance_decided, callback_reached",
    ),
    "an unknown start": (
        second(start='"opened"'),
        "milestone 2 (repair/normal completion): `start` 'opened' is not a signal; allowed: "
        "received, received_unowned, claimed, dispatched, arrived, completed, replied, "
        "decided, acceptance_requested, acceptance_decided, callback_reached",
    ),
    "a target that is not a duration": (
        second(target='"half a day"'),
        "milestone 2 (repair/normal completion): `target` 'half a day' is not a duration "
        "such as 10m, 24h or 3d",
    ),
    "an unknown kind": (
        second(kind='"leak"'),
        "milestone 2 (leak/normal completion): `kind` 'leak' is not allowed; "
        "allowed: repair, complaint, renovation",
    ),
    "a priority the kind does not have": (
        second(priority='"urgent"'),
        "milestone 2 (repair/urgent completion): `priority` 'urgent' is not a repair "
        "priority; allowed: emergency, normal",
    ),
    "a missing field": (
        second(clock=None),
        "milestone 2 (repair/normal completion): `clock` is required",
    ),
    "an unknown field": (
        second(pause="1"),
        "milestone 2 (repair/normal completion): `pause` is not a milestone field; allowed: "
        "name, kind, priority, start, stop, target, clock, hold_pauses, at_risk",
    ),
    "hold_pauses given as text": (
        second(hold_pauses='"no"'),
        "milestone 2 (repair/normal completion): `hold_pauses` must be true or false",
    ),
    "a milestone defined twice": (
        second(name='"dispatch"'),
        "milestone 2 (repair/normal dispatch): repair/normal has a `dispatch` milestone "
        "already (milestone 1)",
    ),
    "a milestone without a name": (
        second(name=None),
        "milestone 2 (repair/normal): `name` is required",
    ),
    "no milestones": (HEAD, "no [[milestone]] tables; a policy needs at least one"),
    "milestone given as a number": (
        HEAD + "milestone = 5\n",
        "`milestone` must be [[milestone]] tables",
    ),
    "a milestone that is not a table": (
        HEAD + "milestone = [5]\n",
        "milestone 1: must be a table of name, kind, priority, start, stop, target, clock, "
        "hold_pauses, at_risk",
    ),
    "a missing name": (
        "effective = 2026-01-01\n" + milestone(FIRST),
        "`name` is required",
    ),
    "an effective date that is not a date": (
        'name = "t"\neffective = "soon"\n' + milestone(FIRST),
        "`effective` must be a date such as 2026-01-01",
    ),
    "an unknown top-level field": (
        HEAD + "colour = 1\n" + milestone(FIRST),
        "`colour` is not a policy field; allowed: name, effective, calendar, warnings, milestone",
    ),
    "an opening time that is not a time": (
        HEAD + '[calendar]\nopens = "8.30am"\n' + milestone(FIRST),
        "calendar: `opens` must be a time such as 08:30",
    ),
    "a closing time before the opening": (
        HEAD + '[calendar]\nopens = "09:00"\ncloses = "08:00"\n' + milestone(FIRST),
        "calendar: `closes` (08:00) must be after `opens` (09:00)",
    ),
    "another time zone": (
        HEAD + '[calendar]\ntimezone = "UTC"\n' + milestone(FIRST),
        "calendar: `timezone` 'UTC' is not allowed; allowed: Asia/Shanghai",
    ),
    "a supplied holiday that is not a date": (
        HEAD
        + '[calendar]\nyears = [{year = 2027, holidays = [2027-01-01, "x"]}]\n'
        + milestone(FIRST),
        "calendar year 1 (2027): `holidays` date 2 must be a date such as 2026-01-01",
    ),
}


@pytest.mark.parametrize(("text", "message"), CASES.values(), ids=CASES.keys())
def test_each_kind_of_policy_error_names_the_place_and_what_is_allowed(
    text: str, message: str
) -> None:
    assert refusal(text) == f"p.toml: {message}"


def test_several_errors_are_listed_one_a_line() -> None:
    text = second(clock=None, target='"soon"')
    assert refusal(text) == (
        "p.toml: 2 problems:\n"
        "  milestone 2 (repair/normal completion): `target` 'soon' is not a duration "
        "such as 10m, 24h or 3d\n"
        "  milestone 2 (repair/normal completion): `clock` is required"
    )


def test_no_message_carries_the_validation_library_s_wording() -> None:
    for text, _ in CASES.values():
        message = refusal(text)
        for noise in ("Value error", "input_value", "pydantic", "Input should", "https://"):
            assert noise not in message


def test_the_test_policies_differ_from_a_valid_one_only_by_their_fault() -> None:
    assert parse_policy(second(), "p.toml").milestones[1].name == "completion"
    assert parse_policy(default_policy_text()).name == "default (一级)"
