"""Builds the application from the settings: the one place that knows the storage."""

from __future__ import annotations

from api.reporters_sql import PostgresReporters, SQLiteReporters
from api.settings import Settings
from workflow.personal_data import ReporterRegistry
from workflow.service import CaseService, Clock, system_clock


def open_service(settings: Settings, *, clock: Clock = system_clock) -> CaseService:
    env = settings.eventsourcing_env()
    reporters: ReporterRegistry
    if settings.is_postgres:
        reporters = PostgresReporters(env)
    else:
        reporters = SQLiteReporters(settings.sqlite_path)
    return CaseService(env, clock=clock, reporters=reporters)
