"""Hooks where higher apps add to members' pages and data, without members importing them.

Apps call these from their AppConfig.ready():

- `register_exporter(key, function, models=[...])`: the member's data of that
  app for the JSON export (Art. 15/20 GDPR). `models` names every model of the
  app with a foreign key to the user; a test fails if one is missing.
- `register_profile_section(template, context=...)`: a panel on /members/me/
  (calendar feed link, notification settings, ...).
- `register_notification_kind(kind, label)`: a kind of notification the
  member can set to instant, digest or off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Exporter:
    key: str
    function: Callable[[Any], Any]
    models: list[str] = field(default_factory=list)


@dataclass
class ProfileSection:
    template: str
    context: Callable[[HttpRequest], dict] | None
    order: int


exporters: dict[str, Exporter] = {}
profile_sections: list[ProfileSection] = []
notification_kinds: dict[str, Any] = {}


def register_exporter(key: str, function: Callable[[Any], Any], *, models: list[str]) -> None:
    exporters[key] = Exporter(key, function, models)


def register_profile_section(
    template: str, *, context: Callable[[HttpRequest], dict] | None = None, order: int = 100
) -> None:
    profile_sections[:] = [s for s in profile_sections if s.template != template]
    profile_sections.append(ProfileSection(template, context, order))
    profile_sections.sort(key=lambda section: section.order)


def register_notification_kind(kind: str, label: Any) -> None:
    notification_kinds[kind] = label
