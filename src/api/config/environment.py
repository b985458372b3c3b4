"""Reading PROPDESK_* variables with pydantic-settings: the part every settings class shares.

A settings class names each variable by its field (`db` is PROPDESK_DB) and checks it in
a validator of its own that raises `SettingsError` with the message a user reads. The
first variable that fails, in the order of the fields, is the one reported. Values are
read from a given mapping, so that a test's variables never mix with the process's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Self

from pydantic import AliasGenerator, ValidationError, ValidationInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    SettingsConfigDict,
)

PREFIX = "PROPDESK_"


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


def variable(name: str) -> str:
    """The environment variable of a field."""
    return PREFIX + name.upper()


def variable_of(info: ValidationInfo) -> str:
    """The environment variable of the field a validator is checking."""
    return variable(info.field_name or "")


class _Variables(EnvSettingsSource):
    """The variables of a mapping: the process's environment, or a test's own."""

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str]) -> None:
        self._variables = variables
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._variables)


class EnvironmentSettings(BaseSettings):
    """Variables named exactly (PROPDESK_DB, never propdesk_db), each checked by its field's
    validator; flags given to `read` win over them."""

    model_config = SettingsConfigDict(
        case_sensitive=True,
        alias_generator=AliasGenerator(validation_alias=variable),
        validate_default=True,
        arbitrary_types_allowed=True,
        hide_input_in_errors=True,
        frozen=True,
        extra="ignore",
    )

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Self:
        """The variables of `environ` (default: the process's), flags winning where given."""
        given = {variable(name): value for name, value in flags.items() if value not in (None, "")}
        variables = os.environ if environ is None else environ
        sources = (InitSettingsSource(cls, given), _Variables(cls, variables))
        try:
            # A parameter of BaseSettings.__init__ that the fields' signature hides from mypy.
            return cls(_build_sources=(sources, {}))  # type: ignore[call-arg]
        except ValidationError as error:
            raise SettingsError(_first_message(error)) from None


def _first_message(error: ValidationError) -> str:
    """The first failing variable's own message (validators raise SettingsError)."""
    first = error.errors(include_input=False, include_url=False)[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"
