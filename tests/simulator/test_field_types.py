"""Cell values per field type: what is accepted, and the typed member it gets."""

from __future__ import annotations

import pytest

from gql_server.simulator.field_types import (
    FIELD_TYPES,
    check_cell_value,
    slugify,
    typed_members,
)
from gql_server.simulator.rows import FieldRow, OptionRow

OPTIONS = [
    OptionRow(1, 9, "Charger", "charger"),
    OptionRow(2, 9, "Mouse", "mouse"),
    OptionRow(3, 9, "Floppy drive", "floppy_drive", is_active=False),
]


def field(kind: str, **kw: object) -> FieldRow:
    return FieldRow(9, kind, "Label", 1, "label", "x" * 40, **kw)  # type: ignore[arg-type]


def test_the_sdk_enum() -> None:
    assert set(FIELD_TYPES) == {
        "text",
        "long_text",
        "date",
        "rating",
        "checkbox",
        "single_choice",
        "multiple_choice",
        "money",
        "cents",
    }


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("text", ["", "anything", "12"], []),
        ("long_text", ["line 1\nline 2"], []),
        ("date", ["2025-02-28", ""], ["2025-02-30", "28/02/2025", "2025-2-8", "2025-02-28T10:00"]),
        ("rating", ["1", "5", ""], ["0", "6", "4.5", "five"]),
        ("checkbox", ["true", "false"], ["", "yes", "True", "1"]),
        ("single_choice", ["charger", ""], ["Charger", "floppy_drive", "charger,mouse"]),
        ("multiple_choice", ["charger", "mouse,charger", ""], ["charger, mouse", "floppy_drive"]),
        ("money", ["129900", "-500", "0"], ["1299.00", "12,99", "1e5"]),
        ("cents", ["1420"], ["14.2"]),
    ],
)
def test_check_cell_value(kind: str, good: list[str], bad: list[str]) -> None:
    for text in good:
        assert check_cell_value(field(kind), OPTIONS, text) is None, text
    for text in bad:
        assert check_cell_value(field(kind), OPTIONS, text) is not None, text


def test_rating_bounds_and_required() -> None:
    scale = field("rating", min_value=0, max_value=10)
    assert check_cell_value(scale, [], "0") is None
    assert check_cell_value(scale, [], "10") is None
    assert check_cell_value(scale, [], "11") == "value must be an integer from 0 to 10"
    assert check_cell_value(field("text", required=True), [], "") == "value can't be blank"


@pytest.mark.parametrize(
    ("kind", "text", "members"),
    [
        ("text", "MacBook", {}),
        ("long_text", "a\nb", {"long_text_value": "a\nb"}),
        ("date", "2025-02-28", {"date_value": "2025-02-28"}),
        ("date", "", {}),
        ("rating", "4", {}),
        ("checkbox", "true", {}),
        ("single_choice", "mouse", {"single_choice_value": "Mouse"}),
        ("multiple_choice", "charger,mouse", {}),
        ("money", "-500", {"cents_value": -500}),
        ("cents", "1420", {"cents_value": 1420}),
        ("cents", "n/a", {}),
    ],
)
def test_typed_members(kind: str, text: str, members: dict[str, object]) -> None:
    assert typed_members(field(kind), {o.value: o for o in OPTIONS}, text) == members


@pytest.mark.parametrize(
    ("label", "slug"),
    [("Purchase date", "purchase_date"), ("Año de compra", "ano_de_compra"), ("¿?", "field")],
)
def test_slugify(label: str, slug: str) -> None:
    assert slugify(label) == slug
