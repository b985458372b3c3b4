"""Case numbers of many cases at once (a queue's CSV may name 100,000): read a few hundred
ids a query, on each backend, with every number found."""

from __future__ import annotations

from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.wiring import open_service
from workflow.intake import NewRequest


def test_the_numbers_of_more_cases_than_one_query_takes_are_all_found(db: str) -> None:
    settings = Settings.load({}, db=db)
    app = open_service(settings)
    numbers = open_case_numbers(settings)
    try:
        ids = [
            str(
                app.receive(
                    NewRequest(
                        kind="repair", channel="phone", location="3-2-1201",
                        category="plumbing", priority="normal", description="a drip",
                        received_by="desk-zhang",
                    )
                ).case.id
            )
            for _ in range(1203)
        ]  # fmt: skip
        found = numbers.numbers_of(ids)
        assert sorted(found) == sorted(ids)
        assert len(set(found.values())) == len(ids)
        assert numbers.numbers_of([]) == {}
    finally:
        numbers.close()
        app.close()
