"""A cell's text as typed values, and typed values back to the text Factorial stores.

| field_type | stored text | typed as |
|---|---|---|
| text, long_text | any text | text |
| date | `YYYY-MM-DD` | date |
| rating | an integer (within the field's min..max) | number |
| checkbox | `true` / `false` | boolean |
| single_choice | one option's `value` | one option |
| multiple_choice | option values joined by commas | several options |
| money, cents | an integer amount in cents | cents |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .custom_fields import CellRecord, FieldRecord, OptionRecord

TEXT_TYPES = frozenset({"text", "long_text"})
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
CENTS_TYPES = frozenset({"money", "cents"})
MAX_TEXT = 65_535
MAX_CENTS = 10**15


class CellValueError(ValueError):
    """A value that does not fit its field; the message is safe to show to the client."""


def cell_text(cell: CellRecord) -> str | None:
    """The cell's value as text, from the typed member when the upstream sent one."""
    if cell.long_text_value is not None:
        return cell.long_text_value
    return cell.value


def cell_date(cell: CellRecord) -> date | None:
    raw = cell.date_value or cell.value
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def cell_integer(cell: CellRecord) -> int | None:
    if cell.cents_value is not None:
        return cell.cents_value
    raw = (cell.value or "").strip()
    return int(raw) if raw.lstrip("-").isdigit() else None


def cell_boolean(cell: CellRecord) -> bool | None:
    raw = (cell.value or "").strip().lower()
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    return None


def cell_choices(cell: CellRecord, options: Sequence[OptionRecord]) -> list[OptionRecord]:
    """The options a choice cell holds, matched by value (or by label as a fallback)."""
    by_value = {o.value: o for o in options}
    by_label = {o.label: o for o in options}
    if cell.single_choice_value is not None and cell.value is None:
        found = by_label.get(cell.single_choice_value)
        return [found] if found else []
    chosen: list[OptionRecord] = []
    for part in (cell.value or "").split(","):
        key = part.strip()
        option = by_value.get(key) or by_label.get(key)
        if key and option is not None:
            chosen.append(option)
    return chosen


@dataclass(frozen=True, slots=True)
class TypedInput:
    """One typed value a client sends for a cell; exactly one member is set."""

    text: str | None = None
    date: date | None = None
    number: int | None = None
    cents: int | None = None
    boolean: bool | None = None
    choice: str | None = None
    choices: tuple[str, ...] | None = None

    def members(self) -> list[str]:
        return [name for name in self.__slots__ if getattr(self, name) is not None]


def _option(options: Sequence[OptionRecord], given: str) -> OptionRecord:
    for option in options:
        if given in (option.id, option.value, option.label) and option.active:
            return option
    raise CellValueError(f"'{given[:40]}' is not an option of this field.")


def encode_cell(field: FieldRecord, options: Sequence[OptionRecord], given: TypedInput) -> str:
    """The text Factorial stores for `given` in `field`, or CellValueError saying why not."""
    members = given.members()
    if len(members) != 1:
        raise CellValueError("Give exactly one of text, date, number, cents, boolean, choice(s).")
    kind = field.field_type
    wanted = {
        "text": "text",
        "long_text": "text",
        "date": "date",
        "rating": "number",
        "checkbox": "boolean",
        "single_choice": "choice",
        "multiple_choice": "choices",
        "money": "cents",
        "cents": "cents",
    }.get(kind)
    if wanted is None:
        raise CellValueError(f"Fields of type '{kind}' cannot be written here.")
    if members[0] != wanted:
        raise CellValueError(f"A {kind} field takes `{wanted}`, not `{members[0]}`.")
    if given.text is not None:
        if len(given.text) > MAX_TEXT:
            raise CellValueError(f"Text is longer than {MAX_TEXT} characters.")
        if field.required and not given.text.strip():
            raise CellValueError("This field is required and cannot be blank.")
        return given.text
    if given.date is not None:
        return given.date.isoformat()
    if given.number is not None:
        low = field.min_value if field.min_value is not None else 1
        high = field.max_value if field.max_value is not None else 5
        if not low <= given.number <= high:
            raise CellValueError(f"A rating must be between {low} and {high}.")
        return str(given.number)
    if given.cents is not None:
        if abs(given.cents) >= MAX_CENTS:
            raise CellValueError("The amount is too large.")
        return str(given.cents)
    if given.boolean is not None:
        return "true" if given.boolean else "false"
    if given.choice is not None:
        return _option(options, given.choice).value
    chosen = [_option(options, c).value for c in given.choices or ()]
    if len(set(chosen)) != len(chosen):
        raise CellValueError("An option is chosen twice.")
    if field.required and not chosen:
        raise CellValueError("This field is required: choose at least one option.")
    return ",".join(chosen)
