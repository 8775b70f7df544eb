"""Reference data copied from the working group's domain file (domain.yaml).

Taxonomies, barrier categories, governance levels, R-strategies, policy
items, funding programmes and the fictitious demo barriers and pilots.
The project reads only this copy, never ../shared.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DOMAIN_FILE = Path(__file__).with_name("domain.yaml")


@cache
def domain() -> dict[str, Any]:
    """The parsed reference file (cached for the process)."""
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def section(name: str) -> list[dict[str, Any]]:
    return domain()[name]
