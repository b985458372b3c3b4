"""The characters no record accepts, and intake's fast path that skips looking for them."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from api.http.bodies import plain
from support.text_fields import FORBIDDEN, LINE_BREAKS_AND_TABS
from workflow.characters import forbidden

EVERY_FORBIDDEN = [c for characters in FORBIDDEN.values() for c in characters]
# Characters whose UTF-8 starts as a forbidden one's does, or that Chinese text is full of.
NEIGHBOURS = list("“”‘’—…·¥°，。（）：、\u00a0\u3000\u200e\u200f\u2061\u206a\ufeff\ufefe\ufe0f")
TEXT = st.text(
    st.one_of(
        st.sampled_from(EVERY_FORBIDDEN + LINE_BREAKS_AND_TABS + NEIGHBOURS),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)


@given(st.sampled_from(EVERY_FORBIDDEN), TEXT, TEXT)
def test_every_forbidden_character_is_refused_wherever_it_stands(
    char: str, before: str, after: str
) -> None:
    for lines in (True, False):
        problem = forbidden(before + char + after, lines=lines)
        assert problem is not None
        assert problem.startswith("contains U+")


@given(st.sampled_from(LINE_BREAKS_AND_TABS))
def test_tabs_and_line_breaks_are_refused_on_one_line_only(char: str) -> None:
    assert forbidden(f"漏水{char}厨房", lines=True) is None
    problem = forbidden(f"漏水{char}厨房", lines=False)
    assert problem is not None
    assert problem.startswith(f"contains U+{ord(char):04X}")
    assert " at character 3; remove it: this field is one line of text" in problem


def test_the_error_names_the_code_point_its_kind_and_its_position() -> None:
    assert forbidden("desk\u202ezhang", lines=False) == (
        "contains U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional override) at character 5; "
        "remove it: this field is one line of text, with no tabs, line breaks, control, "
        "zero-width or bidirectional override characters"
    )
    assert forbidden("a\u200bb", lines=True) == (
        "contains U+200B ZERO WIDTH SPACE (a zero-width character) at character 2; remove it: "
        "text may hold tabs and line breaks, but no control, zero-width or bidirectional "
        "override characters"
    )
    assert str(forbidden("next\x85line", lines=True)).startswith(
        "contains U+0085 (a control character) at character 5;"
    )


@given(TEXT)
@example("厨房漏水\u202e")
@example("\u0085")
@example("\ufeffdesk")
def test_a_body_that_intake_does_not_look_into_holds_no_forbidden_character(text: str) -> None:
    """Intake skips the body's character check when `plain` says it can: raw in UTF-8 or
    escaped, a forbidden character must make it look."""
    for ascii_only in (True, False):
        sent = json.dumps({"description": text}, ensure_ascii=ascii_only).encode()
        if plain(sent):
            assert forbidden(text, lines=True) is None


def test_intake_skips_the_check_for_plain_text_of_any_script() -> None:
    """The fast path still serves: Chinese text and the bench's bodies skip the check."""
    for text in ("burst pipe in the kitchen", "厨房漏水，请尽快处理", "王先生"):
        assert plain(json.dumps({"description": text}, ensure_ascii=False).encode())
