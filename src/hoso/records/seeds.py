"""Plain data for bulk registration (demo data today, legacy registers later)."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PersonSeed:
    full_name: str
    aliases: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # other Person fields (sex, birth_date, …)


@dataclass
class RelativeSeed:
    person: PersonSeed
    relationship: str
    receives_benefit: bool = False
    keeps_worship: bool = False


@dataclass
class DossierSeed:
    number: str
    category: str
    subject: PersonSeed
    values: dict[str, Any] = field(default_factory=dict)  # Dossier fields (title, status, …)
    martyr: dict[str, Any] | None = None
    assessments: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    relatives: list[RelativeSeed] = field(default_factory=list)
