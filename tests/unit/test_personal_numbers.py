"""Mobile and resident ID-card numbers are found in free text however they are typed, and
nothing else is: a landline, a room, an amount, a date, a longer run of digits or an
18-digit string whose check digit is wrong is left alone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workflow.errors import PersonalNumberInText
from workflow.personal_numbers import ID_CARD, MOBILE, check_character, find

TODAY = date(2026, 5, 4)
# Around a number: letters, Chinese and punctuation, but no digit, nor anything that
# NFKC turns into one, nor a decimal point.
AROUND = st.text(st.sampled_from("abcXYZ 业主电话手机号码请联系：，。:;()（）-/#"), max_size=12)
MOBILES = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
FULL_WIDTH = str.maketrans("0123456789+- ", "０１２３４５６７８９＋－\u3000")
PROVINCES = ("11", "12", "31", "33", "44", "50", "65", "71", "81", "82", "83")


@st.composite
def typed_mobile(draw: st.DrawFn, number: str) -> str:
    """The number as a person types it: whole or grouped 3-4-4, after a country code or
    not, in ASCII or full-width characters."""
    gaps = draw(st.tuples(*[st.sampled_from(["", " ", "-"])] * 2))
    body = f"{number[:3]}{gaps[0]}{number[3:7]}{gaps[1]}{number[7:]}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "86", "86-"]))
    typed = prefix + body
    return typed.translate(FULL_WIDTH) if draw(st.booleans()) else typed


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1900, 1, 1), TODAY))
    region = draw(st.sampled_from(PROVINCES)) + draw(st.text("0123456789", min_size=4, max_size=4))
    first = f"{region}{born:%Y%m%d}{draw(st.text('0123456789', min_size=3, max_size=3))}"
    return first + check_character(first)


@given(AROUND, MOBILES, AROUND, st.data())
def test_a_mobile_number_is_found_however_it_is_typed(
    before: str, number: str, after: str, data: st.DataObject
) -> None:
    typed = data.draw(typed_mobile(number))
    found = find(before + typed + after)
    assert found is not None
    assert (found.what, found.at) == (MOBILE, len(before) + 1)
    assert found.masked == f"{number[:3]}****{number[7:]}"


@given(AROUND, id_numbers(), AROUND, st.booleans())
def test_an_id_card_number_is_found_with_its_check_character_in_either_case(
    before: str, number: str, after: str, lower: bool
) -> None:
    typed = number.lower() if lower else number
    found = find(before + typed + after, today=TODAY)
    assert found is not None
    assert (found.what, found.at) == (ID_CARD, len(before) + 1)
    assert found.masked == typed[:4] + "*" * 12 + typed[-2:]


@given(id_numbers(), st.sampled_from("0123456789X"))
def test_an_18_digit_string_with_a_wrong_check_character_is_no_id_card_number(
    number: str, check: str
) -> None:
    assume(check != number[-1])
    assert find(f"编号 {number[:17]}{check} ", today=TODAY) is None


@given(id_numbers())
def test_an_id_card_number_born_after_today_is_no_id_card_number(number: str) -> None:
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert find(number, today=born - timedelta(days=1)) is None


@given(st.text("0123456789", min_size=12, max_size=30), AROUND, AROUND)
def test_a_longer_run_of_digits_is_no_phone_number(run: str, before: str, after: str) -> None:
    assume(len(run) != 18)  # an ID card's length: its own rule
    assume(not run.startswith(("86", "0086")))  # a country code and a mobile number
    assert find(before + run + after) is None


@given(st.text("0123456789", min_size=11, max_size=11), AROUND)
def test_eleven_digits_not_starting_with_13_to_19_are_no_phone_number(
    run: str, around: str
) -> None:
    assume(run[:2] not in {"13", "14", "15", "16", "17", "18", "19"})
    assert find(around + run + around) is None


LANDLINES = st.builds(
    lambda area, local, gap: f"0{area}{gap}{local}",
    st.text("0123456789", min_size=2, max_size=3),
    st.text("0123456789", min_size=7, max_size=8),
    st.sampled_from(["-", " ", ""]),
)
EVERYDAY = st.one_of(
    LANDLINES,
    st.builds(lambda b, e, r: f"{b}-{e}-{r}", *(st.integers(1, n) for n in (999, 99, 99999))),
    st.decimals(0, 100_000_000, places=2).map(lambda amount: f"¥{amount}"),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ", timespec="minutes")),
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.dates().map(lambda day: f"{day.year}年{day.month}月{day.day}日"),
)


@given(st.lists(EVERYDAY, min_size=1, max_size=4), AROUND)
def test_landlines_rooms_amounts_dates_and_times_are_left_alone(
    texts: list[str], around: str
) -> None:
    assert find(f"{around} {'，'.join(texts)} {around}") is None


@pytest.mark.parametrize(
    ("text", "what", "at"),
    [
        ("请联系业主13812345678", MOBILE, 6),
        ("业主电话 138 1234 5678，下午在家", MOBILE, 6),
        ("手机：138-1234-5678", MOBILE, 4),
        ("call +86 138 1234 5678 after 6", MOBILE, 6),
        ("+8613812345678", MOBILE, 1),
        ("0086 13812345678", MOBILE, 1),
        ("86-19912345678", MOBILE, 1),
        ("１３８１２３４５６７８", MOBILE, 1),
        ("电话：１３８－１２３４－５６７８", MOBILE, 4),
        ("Tel.17012345678", MOBILE, 5),
        ("3-2-1201 王先生 13800000000", MOBILE, 14),
        ("身份证号11010519491231002X，已核验", ID_CARD, 5),
        ("id 11010519491231002x", ID_CARD, 4),
        ("440304198506151237", ID_CARD, 1),
        ("出生于闰日 510107200002294564", ID_CARD, 7),
        ("４４０３０４１９８５０６１５１２３７", ID_CARD, 1),
    ],
)
def test_real_looking_numbers_are_found(text: str, what: str, at: int) -> None:
    found = find(text, today=TODAY)
    assert found is not None
    assert (found.what, found.at) == (what, at)


@pytest.mark.parametrize(
    "text",
    [
        "座机 021-12345678",
        "0755-1234567 转 8021",
        "(0755) 1234 5678",
        "3-2-1201",
        "3号楼2单元1201室",
        "报价 ¥13800.50，押金 2000.00 元",
        "0.13800138000",
        "2026-05-04 13:30 到场",
        "2026年5月4日13:30",
        "12345678901",
        "10086 客服",
        "订单号 138001380001",
        "电表读数 0013800138000",
        "快递单号 SF1381234567890",
        "IMEI 356938035643809",
        "110105194912310021",  # a check digit off by one
        "11010519491231002Y",
        "110105194913310023",  # no 13th month
        "510107200102294562",  # no 29 February in 2001
        "913101150123456789",  # a credit code's shape: no province 91
        "营业执照 110105194912310",  # the old 15-digit form is not looked for
    ],
)
def test_borderline_strings_are_left_alone(text: str) -> None:
    assert find(text, today=TODAY) is None


@given(MOBILES, st.data())
def test_the_refusal_names_the_field_and_what_was_found_but_never_the_number(
    number: str, data: st.DataObject
) -> None:
    typed = data.draw(typed_mobile(number))
    found = find(f"业主 {typed}")
    assert found is not None
    refusal = PersonalNumberInText("description", found.what, found.at, found.masked)
    assert str(refusal).startswith("description: holds what looks like a mobile phone number")
    assert number not in str(refusal)
    assert "reporter.name, reporter.phone" in str(refusal)
