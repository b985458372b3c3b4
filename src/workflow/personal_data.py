"""Personal data (PIPL) lives outside the immutable event history.

Case events hold only a reference; the record behind it can be erased.
Storage adapters implement `ReporterRegistry` outside the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str | None


class ReporterRegistry(Protocol):
    def add_all(self, records: Sequence[tuple[str, Reporter]]) -> None:
        """Store each record unless one is already stored under its ref (first write
        wins), all in one transaction."""

    def get(self, ref: str) -> Reporter | None:
        """The record, or None when unknown or erased."""

    def erase(self, ref: str) -> bool:
        """Erase the record; True when there was one."""


class InMemoryReporters:
    """For the in-memory application and tests: each change is one step on a dict."""

    def __init__(self) -> None:
        self._records: dict[str, Reporter] = {}

    def add_all(self, records: Sequence[tuple[str, Reporter]]) -> None:
        for ref, reporter in records:
            self._records.setdefault(ref, reporter)

    def get(self, ref: str) -> Reporter | None:
        return self._records.get(ref)

    def erase(self, ref: str) -> bool:
        return self._records.pop(ref, None) is not None
