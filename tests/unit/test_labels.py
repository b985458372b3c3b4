"""Staff names, teams, locations and permit numbers: small vocabularies that leave no room
for free text, so that nothing personal reaches the analysts' feed through them."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.simulation import world
from api.simulation.sites import MOST, company_sites
from workflow import labels
from workflow.errors import InvalidInput
from workflow.inputs import HOUSEHOLD, area_of

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LETTERS = st.characters(categories=["L"])  # type: ignore[arg-type]


def refusal(check: Callable[..., object], *args: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        check(*args)
    return str(caught.value)


@given(st.text(CJK, min_size=1, max_size=64))
def test_a_chinese_name_is_a_staff_name(name: str) -> None:
    assert labels.name("assignee", name) == name


@given(st.text(LETTERS, min_size=1, max_size=20), st.text("0123456789-_.", max_size=6))
def test_a_name_of_letters_of_any_script_is_recorded_in_its_composed_form(
    letters: str, rest: str
) -> None:
    typed = unicodedata.normalize("NFD", letters + rest)
    composed = unicodedata.normalize("NFC", typed)
    if labels.NAME.passes(composed):  # a few letters are compatibility forms (ﬁ, ｄ)
        assert labels.name("actor", typed) == composed


def test_a_decomposed_name_is_stored_composed() -> None:
    assert labels.name("to", "Jose\u0301") == "José" == "Jos\u00e9"
    assert labels.name("to", "\u1100\u1175\u11b7") == "김"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("...", "starts with '.'"),
        ("-_-", "starts with '-'"),
        ("desk zhang", "has ' ' (SPACE) at character 5"),
        ("desk@wechat", "has '@' (COMMERCIAL AT) at character 5"),
        ("王先生13800000000", "has a phone-like run of 11 digits at character 4"),
        ("desk-138.0000.0000", "has a phone-like run of 11 digits at character 6"),
        (
            "ｄesk-zhang",
            "has 'ｄ' (FULLWIDTH LATIN SMALL LETTER D) at character 1, a compatibility",
        ),
        ("x" * 65, "is 65 characters long"),
        ("", "must not be empty"),
        ("desk\u200bzhang", "contains U+200B ZERO WIDTH SPACE (a zero-width character)"),
    ],
)
def test_a_staff_name_is_letters_digits_and_dashes_underscores_or_dots(
    name: str, problem: str
) -> None:
    message = refusal(labels.name, "received_by", name)
    assert message.startswith(f"received_by: {problem}")
    if "contains U+" not in problem:
        assert message.endswith(
            "a staff name is 1-64 letters, digits, '-', '_' or '.', starting with a letter or "
            "digit, e.g. desk-zhang or 张伟"
        )


def test_a_team_may_have_spaces_and_blank_means_none() -> None:
    assert labels.team("  elevator   contractor ") == "elevator contractor"
    assert labels.team("工程部") == "工程部"
    assert labels.team("  ") is None
    assert labels.team(None) is None
    assert refusal(labels.team, "plumbing (night)").startswith("team: has '(' (LEFT PARENTHESIS)")
    assert "zero-width" in refusal(labels.team, "\u200b")


def test_the_issues_location_with_a_name_and_a_phone_number_is_refused() -> None:
    assert refusal(labels.location, "3-2-1201 王先生 13800000000") == (
        "location: has a phone-like run of 11 digits at character 14; personal data has no "
        "place here (a reporter's phone goes in reporter.phone); a location is a household "
        "unit building-entrance-room in digits, e.g. 3-2-1201, or a common area of 1-40 "
        "letters, digits, spaces and '-', starting with a letter or digit, e.g. north gate "
        "or 3号楼大堂"
    )


@pytest.mark.parametrize(
    "phone",
    [
        "13800000000",
        "138 0000 0000",
        "138-0000-0000",
        "1380000 0000",
        "8765432",
        "１３８００１３８０００",
    ],
)
def test_a_phone_number_however_written_is_no_location(phone: str) -> None:
    for location in (phone, f"north gate {phone}", f"{phone}北门"):
        assert "phone-like run" in refusal(labels.location, location)


@given(st.from_regex(HOUSEHOLD))
def test_every_household_unit_the_pattern_accepted_is_still_a_location(unit: str) -> None:
    unit = unit.rstrip("\n")  # `$` also matches before a final line break
    assert labels.location(unit) == unit
    assert area_of(unit) == "in_home"


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("north gate", "north gate"),
        ("  B1   car park ", "B1 car park"),
        ("3号楼\u3000大堂", "3号楼 大堂"),
        ("building 12 elevator 2", "building 12 elevator 2"),
        ("3-2-1201 balcony", "3-2-1201 balcony"),
        ("x" * 40, "x" * 40),
    ],
)
def test_a_common_area_is_letters_digits_spaces_and_dashes(typed: str, recorded: str) -> None:
    assert labels.location(typed) == recorded
    assert area_of(recorded) == "common"


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("children's playground", 'has "\'" (APOSTROPHE) at character 9'),
        ("x" * 41, "is 41 characters long"),
        ("#3 lobby", "starts with '#'"),
        ("  ", "must not be empty"),
    ],
)
def test_anything_else_is_no_location(location: str, problem: str) -> None:
    message = refusal(labels.location, location)
    assert message.startswith(f"location: {problem}; a location is a household unit")


def test_a_permit_number_is_letters_digits_dashes_and_slashes() -> None:
    for permit in ("ZX-2026-0042", "ZX20261104-00042", "沪装2026/0042"):
        assert labels.permit_no(permit) == permit
    assert refusal(labels.permit_no, "ZX 2026").startswith("permit_no: has ' ' (SPACE)")
    assert "1-40 letters, digits, '-' or '/'" in refusal(labels.permit_no, "P" * 41)


def test_every_location_name_and_team_of_the_demo_keeps_to_the_rules() -> None:
    community = world.build_community(400)
    rng = random.Random(7)
    places = {
        *community.households,
        *world.FIXED_COMMON_AREAS,
        *(community.common_area(rng) for _ in range(200)),
        *(community.elevator(rng) for _ in range(50)),
    }
    for place in places:
        assert labels.location(place) == place
    staff = [
        *world.DESK_AGENTS,
        *world.ENGINEERS,
        *world.ELEVATOR_CONTRACTOR,
        *world.DEPARTMENTS.values(),
        *world.INSPECTORS,
        world.REVIEWER,
        world.FINANCE,
        world.SUPERVISOR,
    ]
    for site in company_sites(2000, MOST):  # each community's own desk and engineers
        own = world.build_community(site.households, site.code)
        staff.extend([*own.front_desk, *own.engineers])
    for name in staff:
        assert labels.name("actor", name) == name
    for category in ("elevator", "plumbing"):
        team, _ = world.crew_for(category, None)
        assert labels.team(team) == team
    assert labels.team("renovation review") == "renovation review"
    assert labels.team("engineering") == "engineering"
    assert labels.permit_no("ZX20261104-00042") == "ZX20261104-00042"  # as the demo numbers them


ASCII_TEXT = st.text(st.sampled_from("az09._- @\t\n/#"), max_size=70)


@given(ASCII_TEXT)
def test_the_fast_path_for_ascii_names_accepts_only_what_the_rule_accepts(typed: str) -> None:
    try:
        recorded = labels.name("actor", typed)
    except InvalidInput:
        recorded = None
    assert recorded == (typed.strip() if labels.NAME.passes(typed) else None)


@given(st.one_of(ASCII_TEXT, st.from_regex(r"[0-9]{1,4}-[0-9]{1,3}-[0-9]{1,6}", fullmatch=True)))
def test_the_fast_path_for_household_units_accepts_only_what_the_rule_accepts(typed: str) -> None:
    try:
        recorded = labels.location(typed)
    except InvalidInput:
        recorded = None
    try:
        expected: str | None = labels.COMMON_AREA.clean("location", typed)
    except InvalidInput:
        expected = None
    if expected is not None and not HOUSEHOLD.match(expected):
        expected = expected if labels.COMMON_AREA.passes(expected) else None
    assert recorded == expected
