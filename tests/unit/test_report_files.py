"""Reports as files: CSV cells that a spreadsheet would run as formulas become text."""

from __future__ import annotations

import csv
import io

import pytest

from api.report_files.formats import csv_cell, rows_csv


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", "-"])
def test_text_beginning_like_a_formula_gets_a_leading_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["desk-zhang", "1+2", "a=b", "", "王 = 1"])
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert csv_cell(text) == text


def test_numbers_stay_numbers_even_when_negative() -> None:
    written = rows_csv(["staff", "delta", "rate"], [{"staff": "-x", "delta": -5, "rate": -0.25}])
    assert written == "staff,delta,rate\n'-x,-5,-0.25\n"


def test_empty_values_and_lists_become_plain_cells() -> None:
    written = rows_csv(["a", "b"], [{"a": None, "b": ["met", "=x"]}])
    assert list(csv.reader(io.StringIO(written))) == [["a", "b"], ["", "met;=x"]]
