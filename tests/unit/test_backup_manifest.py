"""A backup's manifest is read strictly: anything but a well-formed one (not an object, wrong
types, deep nesting, huge numbers, missing or unknown keys, file names with a path, another
set of files than the backend needs) is a damaged backup with a reason, never a traceback."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.backup.manifest import BackupError, Manifest

DIGEST = "ab" * 32
GOOD: dict[str, Any] = {
    "format": "propdesk-backup",
    "version": 1,
    "backend": "sqlite",
    "created_at": "2026-11-27T12:09:59.785417+00:00",
    "source": "/srv/propdesk/propdesk.db",
    "contents": {"events": 8592, "head": 8592, "reporters": 1031, "tokens": 3},
    "read_models_position": 8590,
    "files": {"events.db": DIGEST, "readmodels.db": DIGEST},
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def load(text: str) -> Manifest:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "manifest.json").write_text(text)
        return Manifest.load(Path(folder))


def damaged(text: str) -> str:
    with pytest.raises(BackupError) as raised:
        load(text)
    message = str(raised.value)
    assert message.startswith("damaged backup: "), message
    return message


def test_a_well_formed_manifest_is_read() -> None:
    manifest = load(json.dumps(GOOD))
    assert manifest.contents.events == 8592
    assert manifest.expected_files() == ("events.db", "readmodels.db")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2]", "Input should be an object"),
        ("[" * 10_000 + "]" * 10_000, "recursion limit"),
        ('{"format": ' + "[" * 10_000, "recursion limit"),
        ("[" * 100_000 + "]" * 100_000, "larger than a manifest can be"),
        ("\xff\xfe not json", "Invalid JSON"),
        (json.dumps({**GOOD, "contents": {**GOOD["contents"], "events": 10**30}}), "less than"),
        (json.dumps(GOOD).replace("8592,", "9" * 5000 + ",", 1), "number out of range"),
        (json.dumps({**GOOD, "read_models_position": 1e400}), "read_models_position"),
        (json.dumps({**GOOD, "contents": {**GOOD["contents"], "head": True}}), "head"),
        (json.dumps({**GOOD, "contents": {**GOOD["contents"], "tokens": -1}}), "tokens"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "files"}), "files: Field required"),
        (json.dumps({**GOOD, "files": {}}), "lists exactly events.db, readmodels.db"),
        (json.dumps({**GOOD, "files": {"events.db": DIGEST}}), "lists exactly"),
        (json.dumps({**GOOD, "files": {"../events.db": DIGEST}}), "not a plain file name"),
        (json.dumps({**GOOD, "files": {"/etc/passwd": DIGEST}}), "not a plain file name"),
        (json.dumps({**GOOD, "files": {"events.db": "0"}}), "files.events.db"),
        (json.dumps({**GOOD, "backend": "mysql"}), "backend"),
        (json.dumps({**GOOD, "extra": 1}), "extra"),
        (json.dumps({**GOOD, "contents": [1, 2, 3, 4]}), "contents"),
    ],
)
def test_a_malformed_manifest_is_a_damaged_backup_with_a_reason(text: str, reason: str) -> None:
    assert reason in damaged(text)


def test_a_manifest_of_another_format_or_version_says_which() -> None:
    with pytest.raises(
        BackupError, match=r"is version 2 of 'propdesk-backup'; this propdesk reads"
    ):
        load(json.dumps({**GOOD, "version": 2}))


@given(value=json_values)
def test_any_json_value_as_a_manifest_is_refused_as_damaged(value: Any) -> None:
    damaged(json.dumps(value))


@given(key=st.sampled_from(sorted(GOOD)), value=json_values)
def test_a_manifest_with_any_field_replaced_is_read_or_refused_never_a_crash(
    key: str, value: Any
) -> None:
    text = json.dumps({**GOOD, key: value})
    try:
        manifest = load(text)
    except BackupError:
        damaged_or_newer(text)
        return
    # The replacement happened to be valid: then what was read is what was written.
    assert json.loads(text)[key] == json.loads(json.dumps(asdict(manifest)))[key]
    assert sorted(manifest.files) == sorted(manifest.expected_files())


def damaged_or_newer(text: str) -> None:
    with pytest.raises(BackupError, match=r"^damaged backup: |this propdesk reads version 1$"):
        load(text)
