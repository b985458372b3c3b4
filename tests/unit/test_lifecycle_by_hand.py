"""The lifecycle tables against each kind's state x command matrix, written by hand from
the domain (tests/support/domain_matrix.py), not read from the tables."""

from __future__ import annotations

import pytest

from support.domain_matrix import ENDED, EXPECTED, Matrix
from workflow.errors import InvalidTransition
from workflow.lifecycles import TERMINAL, lifecycle


def _commands(matrix: Matrix) -> list[str]:
    return sorted({command for row in matrix.values() for command in row})


CELLS = [
    (kind, state, command)
    for kind, matrix in EXPECTED.items()
    for state in matrix
    for command in _commands(matrix)
]


@pytest.mark.parametrize("kind", EXPECTED)
def test_each_kind_has_exactly_the_states_of_its_domain(kind: str) -> None:
    assert set(lifecycle(kind).states) == set(EXPECTED[kind])


@pytest.mark.parametrize("kind", EXPECTED)
def test_each_kind_declares_exactly_the_commands_its_domain_uses(kind: str) -> None:
    assert set(lifecycle(kind).commands) == set(_commands(EXPECTED[kind]))


@pytest.mark.parametrize(("kind", "state"), [(k, s) for k, m in EXPECTED.items() for s in m])
def test_a_state_allows_exactly_the_commands_the_domain_allows_there(kind: str, state: str) -> None:
    assert set(lifecycle(kind).allowed(state)) == set(EXPECTED[kind][state])


@pytest.mark.parametrize(("kind", "state", "command"), CELLS)
def test_a_command_leads_where_the_domain_says_or_is_refused(
    kind: str, state: str, command: str
) -> None:
    lc = lifecycle(kind)
    expected = EXPECTED[kind][state].get(command, set())
    assert set(lc.destinations(state, command)) == expected
    if expected:
        assert set(lc.check(state, command)) == expected
    else:
        with pytest.raises(InvalidTransition, match=f"^cannot {command} {kind} in state"):
            lc.check(state, command)


def test_the_ended_states_are_closed_cancelled_rejected_and_invalid() -> None:
    assert set(TERMINAL) == ENDED


@pytest.mark.parametrize(("kind", "state"), [(k, s) for k, m in EXPECTED.items() for s in m])
def test_a_case_is_open_exactly_when_its_state_allows_more_than_erasing_its_reporter(
    kind: str, state: str
) -> None:
    assert lifecycle(kind).is_open(state) is (state not in ENDED)
    assert (set(lifecycle(kind).allowed(state)) != {"erase_reporter"}) is (state not in ENDED)


def test_a_lifecycle_cannot_be_changed_while_the_service_runs() -> None:
    repair = lifecycle("repair")
    with pytest.raises(AttributeError):
        repair.states = ("received",)  # type: ignore[misc]


@pytest.mark.parametrize("kind", EXPECTED)
def test_no_state_can_be_reached_by_naming_it_only_by_a_declared_command(kind: str) -> None:
    lc = lifecycle(kind)
    for state in EXPECTED[kind]:
        for target in EXPECTED[kind]:
            assert lc.destinations(state, f"to_{target}") == ()
