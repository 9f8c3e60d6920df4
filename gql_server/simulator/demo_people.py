"""The demo company's employees: realistic names, managers, teams, a few leavers."""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Sequence

from .store import SimulatorStore

FIRST_NAMES = (
    "Ana", "Marc", "Laura", "Jordi", "Lucía", "Pau", "Marta", "Javier", "Núria", "David",
    "Carmen", "Sergi", "Elena", "Álvaro", "Claire", "Thomas", "Sophie", "Lukas", "Emma", "James",
    "Giulia", "Matteo", "Inês", "João", "Aisha", "Omar", "Priya", "Chen", "Olga", "Mateo",
)  # fmt: skip
LAST_NAMES = (
    "García", "Puig", "Martínez", "Ferrer", "López", "Soler", "Sánchez", "Vidal", "Romero",
    "Serra", "Dubois", "Müller", "Smith", "Rossi", "Silva", "Costa", "Khan", "Patel", "Wang",
    "Novak", "Fernández", "Roca", "Navarro", "Bosch", "Moreno", "Camps", "Weber", "Brown",
)  # fmt: skip
PLACES = (
    ("Barcelona", "ES", "+34 6## ### ###"),
    ("Madrid", "ES", "+34 6## ### ###"),
    ("Valencia", "ES", "+34 6## ### ###"),
    ("Lisbon", "PT", "+351 9## ### ###"),
    ("Paris", "FR", "+33 6 ## ## ## ##"),
    ("Berlin", "DE", "+49 15# #######"),
    ("London", "GB", "+44 7### ######"),
    ("Mexico City", "MX", "+52 55 #### ####"),
)
MANAGER_EVERY = 8  # about one employee in eight manages others
LEAVER_EVERY = 20  # and one in twenty has left the company
LOCATION_OFFSET = 3000
LEGAL_ENTITY_OFFSET = 4000
ACCESS_OFFSET = 6000


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")


def _digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def add_demo_employees(
    store: SimulatorStore,
    rng: random.Random,
    employee_ids: Sequence[int],
    team_ids: Sequence[int],
    id_start: int,
) -> None:
    """An employee record for each of `employee_ids`, in teams among `team_ids`.

    The first ids are the managers (the very first manages them); locations, legal entities
    and access ids sit at fixed offsets above `id_start`, like the owners.
    """
    managers = list(employee_ids[: max(1, len(employee_ids) // MANAGER_EVERY)])
    emails: set[str] = set()
    for index, employee_id in enumerate(employee_ids):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, country, phone = rng.choice(PLACES)
        email = f"{_ascii(first)}.{_ascii(last)}@example.com"
        suffix = 1
        while email in emails:
            suffix += 1
            email = f"{_ascii(first)}.{_ascii(last)}{suffix}@example.com"
        emails.add(email)
        created = datetime.datetime.combine(
            _day(rng, datetime.date(2018, 1, 8), datetime.date(2024, 6, 28)),
            datetime.time(9, rng.randrange(60)),
            tzinfo=datetime.UTC,
        )
        is_manager = employee_id in managers
        leaves = not is_manager and index % LEAVER_EVERY == LEAVER_EVERY - 1
        store.add_employee(
            id=employee_id,
            access_id=id_start + ACCESS_OFFSET + index,
            first_name=first,
            last_name=last,
            location_id=id_start + LOCATION_OFFSET + rng.randrange(3),
            created_at=created,
            updated_at=created + datetime.timedelta(hours=rng.randrange(24 * 400)),
            email=email,
            legal_entity_id=id_start + LEGAL_ENTITY_OFFSET + (country != "ES"),
            manager_id=(
                None
                if employee_id == managers[0]
                else managers[0]
                if is_manager
                else rng.choice(managers)
            ),
            terminated_on=(
                _day(rng, datetime.date(2024, 7, 1), datetime.date(2024, 12, 31))
                if leaves
                else None
            ),
            birthday_on=_day(rng, datetime.date(1965, 1, 1), datetime.date(2003, 12, 31)),
            nationality=country,
            country=country,
            city=city,
            phone_number=_digits(rng, phone),
            company_identifier=f"EMP-{index + 1:04d}",
            team_ids=tuple(sorted(rng.sample(list(team_ids), min(len(team_ids), 1 + index % 2)))),
        )
