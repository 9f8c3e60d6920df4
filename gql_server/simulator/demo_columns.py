"""The demo tables' columns, one set per schema theme, and plausible cell values for them.

Laptops alone has every field type; together the themes use each type several times. Columns
marked `linked` describe one thing together (a contact's name, e-mail and phone; a laptop's
model, serial number and system): a row takes the same sample position in each of them.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A demo column: `samples` are texts (`#` a digit, `^` a capital letter) or, for choice
    fields, the option labels; `low`..`high` bound ratings, or amounts in cents."""

    label: str
    field_type: str
    samples: tuple[str, ...] = ()
    required: bool = False
    low: int = 1
    high: int = 5
    linked: bool = False


def _text(label: str, *samples: str, required: bool = False, linked: bool = False) -> ColumnSpec:
    return ColumnSpec(label, "text", samples, required, linked=linked)


def _choice(
    label: str, *labels: str, many: bool = False, required: bool = False, linked: bool = False
) -> ColumnSpec:
    kind = "multiple_choice" if many else "single_choice"
    return ColumnSpec(label, kind, labels, required, linked=linked)


def _money(label: str, low: int, high: int) -> ColumnSpec:
    """Whole amounts in cents (a price, a fee)."""
    return ColumnSpec(label, "money", low=low, high=high)


def _cents(label: str, low: int, high: int) -> ColumnSpec:
    """Amounts to the cent (an expense, an excess)."""
    return ColumnSpec(label, "cents", low=low, high=high)


def _date(label: str, *, required: bool = False) -> ColumnSpec:
    return ColumnSpec(label, "date", required=required)


def _notes(label: str, *samples: str) -> ColumnSpec:
    return ColumnSpec(label, "long_text", samples)


def _flag(label: str) -> ColumnSpec:
    return ColumnSpec(label, "checkbox")


def _rating(label: str, high: int = 5) -> ColumnSpec:
    return ColumnSpec(label, "rating", high=high)


NOTES = (
    "Handed over in person at the Barcelona office.",
    "Replacement requested; waiting for stock.\nFollow up with IT next month.",
    "Checked during the yearly review, nothing to report.",
    "Employee asked to keep this on file until the end of the contract.",
)

THEMES: dict[str, tuple[ColumnSpec, ...]] = {
    "Laptops": (
        _text(
            "Model",
            *("MacBook Pro 14", "Dell Latitude 7440", "Lenovo ThinkPad X1"),
            required=True,
            linked=True,
        ),
        _text("Serial number", "C02^^##^^^#", "#^^#^#^", "PF-####-^^", required=True, linked=True),
        _choice("Operating system", "macOS", "Windows", "Linux", linked=True),
        _choice("Accessories", "Charger", "Docking station", "Mouse", "Keyboard", many=True),
        _date("Purchase date"),
        _money("Purchase price", 60_000, 350_000),
        _cents("Insurance excess", 5_000, 30_000),
        _rating("Condition"),
        _flag("Disk encrypted"),
        _notes("Notes", *NOTES),
    ),
    "Certifications": (
        _text("Certificate", "AWS Solutions Architect", "PMP", "Scrum Master", required=True),
        _text("Issuer", "Amazon Web Services", "PMI", "Scrum Alliance", "Google"),
        _date("Issued on", required=True),
        _date("Expires on"),
        _choice("Level", "Foundation", "Associate", "Professional", "Expert"),
        _flag("Verified"),
        _money("Cost", 10_000, 90_000),
    ),
    "Emergency contacts": (
        _text(
            "Name",
            *("Laura Martín", "Jordi Puig", "Anna Schmidt", "Tom Baker"),
            required=True,
            linked=True,
        ),
        _choice("Relationship", "Partner", "Parent", "Sibling", "Friend", "Other"),
        _text(
            "Phone",
            *("+34 6## ### ###", "+34 6## ### ###", "+49 15# #######", "+44 7### ######"),
            required=True,
            linked=True,
        ),
        _text(
            "Email",
            "laura.martin@example.com",
            "jordi.puig@example.net",
            "anna.schmidt@example.de",
            "tom.baker@example.co.uk",
            linked=True,
        ),
        _flag("Primary contact"),
        _notes("Notes", "Prefers a text message to a call.", "Call after 18:00 on weekdays."),
    ),
    "Company cars": (
        _text("Make and model", "Tesla Model 3", "SEAT León", "Toyota Corolla", required=True),
        _text("Licence plate", "####^^^", "^^##^^^", required=True),
        _choice("Fuel", "Petrol", "Diesel", "Hybrid", "Electric"),
        _date("Assigned on"),
        _money("Monthly fee", 25_000, 90_000),
        _cents("Fuel card limit", 10_000, 60_000),
        _choice("Extras", "Fuel card", "Parking permit", "Toll tag", "Winter tyres", many=True),
        _rating("Condition"),
    ),
    "Training courses": (
        _text("Course", "Advanced Excel", "Leadership 101", "GDPR essentials", required=True),
        _text("Provider", "Coursera", "LinkedIn Learning", "In-house"),
        _date("Completed on"),
        _cents("Travel expenses", 0, 80_000),
        _rating("Score", 10),
        _money("Cost", 0, 150_000),
        _flag("Certificate received"),
        _notes("Summary", "Hands-on sessions with a final project.", "Recorded videos and a quiz."),
    ),
    "Languages": (
        _choice("Language", "English", "Spanish", "French", "German", "Catalan", required=True),
        _choice("Level", "A1", "A2", "B1", "B2", "C1", "C2"),
        _choice("Skills", "Reading", "Writing", "Speaking", "Listening", many=True),
        _flag("Native"),
        _date("Certified on"),
    ),
    "Mobile phones": (
        _text("Model", "iPhone 15", "Samsung Galaxy S24", "Pixel 8", required=True),
        _text("Phone number", "+34 6## ### ###"),
        _text("IMEI", "35########"),
        _choice("Plan", "Basic", "Unlimited", "Roaming"),
        _money("Monthly cost", 1_500, 6_000),
        _date("Delivered on"),
        _flag("Has case"),
    ),
    "Work permits": (
        _choice("Permit type", "EU Blue Card", "Work visa", "Residence permit", required=True),
        _text("Document number", "^########", required=True),
        _text("Issuing country", "Spain", "Germany", "France", "Portugal"),
        _date("Valid from"),
        _date("Valid until"),
        _notes("Restrictions", "Valid for the current employer only.", "None."),
    ),
    "Parking spots": (
        _text("Spot", "P-##", "B2-##", required=True),
        _choice("Building", "HQ", "Warehouse", "Annex"),
        _text("Vehicle plate", "####^^^"),
        _money("Monthly fee", 0, 12_000),
        _flag("EV charger"),
        _date("Since"),
    ),
    "Equipment loans": (
        _text("Item", "Projector", "Standing desk", "Headset", "Camera kit", required=True),
        _text("Asset tag", "EQ-#####"),
        _date("Loaned on", required=True),
        _date("Due on"),
        _money("Deposit", 0, 50_000),
        _flag("Returned"),
        _rating("Condition on return"),
    ),
    "Vaccinations": (
        _choice("Vaccine", "Influenza", "COVID-19", "Hepatitis B", "Tetanus", required=True),
        _choice("Dose", "First", "Second", "Booster"),
        _date("Administered on", required=True),
        _text("Provider", "Company doctor", "Public health service", "Private clinic"),
        _flag("Certificate uploaded"),
    ),
    "Professional memberships": (
        _text("Organisation", "ACM", "IEEE", "Chartered Institute of Personnel", required=True),
        _text("Membership number", "M-######"),
        _date("Member since"),
        _money("Annual fee", 5_000, 60_000),
        _choice("Areas", "Engineering", "HR", "Finance", "Design", many=True),
        _flag("Board member"),
        _notes("Notes", "Fee reimbursed by the company.", "Renewal every January."),
    ),
}
# Dates land in this window: recent enough to look live, in the past of any test run.
DATE_START = datetime.date(2019, 1, 1)
DATE_DAYS = (datetime.date(2026, 6, 30) - DATE_START).days


def columns_for(schema_name: str) -> tuple[ColumnSpec, ...]:
    """The columns of a demo schema (`"Laptops 2"` has Laptops' columns)."""
    for theme, columns in THEMES.items():
        if schema_name == theme or schema_name.startswith(f"{theme} "):
            return columns
    return THEMES["Laptops"]


def _fill(rng: random.Random, pattern: str) -> str:
    digits = "0123456789"
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return "".join(
        rng.choice(digits) if c == "#" else rng.choice(letters) if c == "^" else c for c in pattern
    )


def sample_value(
    rng: random.Random, spec: ColumnSpec, option_values: Sequence[str], pick: int = 0
) -> str:
    """A plausible cell text for `spec` (choice fields pick among `option_values`); a linked
    column takes sample number `pick`, the same in every linked column of a row."""
    kind = spec.field_type
    if spec.linked and kind in ("text", "long_text"):
        return _fill(rng, spec.samples[pick % len(spec.samples)])
    if spec.linked and kind == "single_choice":
        return option_values[pick % len(option_values)]
    if kind in ("text", "long_text"):
        return _fill(rng, rng.choice(spec.samples))
    if kind == "date":
        return (DATE_START + datetime.timedelta(days=rng.randrange(DATE_DAYS))).isoformat()
    if kind == "rating":
        return str(rng.randint(spec.low, spec.high))
    if kind == "checkbox":
        return "true" if rng.random() < 0.6 else "false"
    if kind == "single_choice":
        return rng.choice(option_values)
    if kind == "multiple_choice":
        picked = set(rng.sample(option_values, rng.randint(0, min(3, len(option_values)))))
        return ",".join(v for v in option_values if v in picked)
    if kind == "money":
        return str(rng.randint(spec.low // 100, spec.high // 100) * 100)
    return str(rng.randint(spec.low, spec.high))
