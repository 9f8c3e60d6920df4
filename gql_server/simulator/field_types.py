"""Field types: how a cell's text `value` is written for each, checked, and typed on the wire.

Cells travel as text (`value`, the only thing a write sends); the typed member of the record
says the same thing typed. Per type:

| field_type | `value` text | typed member |
|---|---|---|
| text | any text | none |
| long_text | any text | `long_text_value` (the text) |
| date | `YYYY-MM-DD` | `date_value` (the same text) |
| rating | an integer within the field's `min_value`..`max_value` | none |
| checkbox | `true` or `false` | none |
| single_choice | one option's `value` | `single_choice_value` (that option's label) |
| multiple_choice | option `value`s joined by commas, or empty | none |
| money, cents | an integer amount in cents (`-` allowed) | `cents_value` (that integer) |
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from .rows import FieldRow, OptionRow

FIELD_TYPES = (
    "text",
    "long_text",
    "date",
    "rating",
    "checkbox",
    "single_choice",
    "multiple_choice",
    "money",
    "cents",
)
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
PERMISSION_GROUPS = ("everybody", "legal_entity", "owned", "reportees", "team_leader")
DEFAULT_RATING = (1, 5)
_CENTS = re.compile(r"-?\d{1,15}")
_INTEGER = re.compile(r"-?\d{1,9}")


def slugify(text: str) -> str:
    """A lower-case ASCII slug of `text` (`"Disk encrypted?"` -> `"disk_encrypted"`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "field"


def rating_bounds(field: FieldRow) -> tuple[int, int]:
    """The inclusive range of a rating field (1..5 unless the field says otherwise)."""
    low = field.min_value if field.min_value is not None else DEFAULT_RATING[0]
    high = field.max_value if field.max_value is not None else DEFAULT_RATING[1]
    return low, high


def _is_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_cell_value(field: FieldRow, options: Sequence[OptionRow], text: str) -> str | None:
    """Why `text` is not a valid value of `field`, or None when it is."""
    if text == "":
        return "value can't be blank" if field.required or field.field_type == "checkbox" else None
    kind = field.field_type
    active = {o.value for o in options if o.is_active}
    if kind == "date" and not _is_date(text):
        return "value must be a date (YYYY-MM-DD)"
    if kind == "rating":
        low, high = rating_bounds(field)
        if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
            return f"value must be an integer from {low} to {high}"
    if kind == "checkbox" and text not in ("true", "false"):
        return "value must be true or false"
    if kind in ("money", "cents") and not _CENTS.fullmatch(text):
        return "value must be an integer amount of cents"
    if kind == "single_choice" and text not in active:
        return "value is not an option of this field"
    if kind == "multiple_choice" and not set(text.split(",")) <= active:
        return "value must be option values separated by commas"
    return None


def typed_members(
    field: FieldRow | None, options: Mapping[str, OptionRow], text: str
) -> dict[str, Any]:
    """The typed member(s) a value record of `field` carries beside `value` (maybe none)."""
    kind = field.field_type if field is not None else "text"
    if kind == "long_text":
        return {"long_text_value": text}
    if kind == "date" and _is_date(text):
        return {"date_value": text}
    if kind == "single_choice" and text in options:
        return {"single_choice_value": options[text].label}
    if kind in ("money", "cents") and _CENTS.fullmatch(text):
        return {"cents_value": int(text)}
    return {}
