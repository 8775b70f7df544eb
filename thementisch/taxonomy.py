"""Labels of the taxonomies (stages, materials), cached: they change rarely.

Pages that only need a label for an id (list rows, match reasons) look it up
here instead of loading the rows again. The cache entry lives five minutes,
so an edit in the admin shows everywhere within that time.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from .models import Material, ValueChainStage

CACHE_KEY = "taxonomy:labels:v1"
TIMEOUT = 300


def _load() -> dict[str, dict[int, tuple[str, str]]]:
    return {
        "stages": {
            pk: (de, en)
            for pk, de, en in ValueChainStage.objects.values_list("pk", "label_de", "label_en")
        },
        "materials": {
            pk: (de, en)
            for pk, de, en in Material.objects.values_list("pk", "label_de", "label_en")
        },
    }


def _labels(kind: str) -> dict[int, str]:
    english = (get_language() or "de").startswith("en")
    table = cache.get_or_set(CACHE_KEY, _load, TIMEOUT)[kind]
    return {pk: (en if english and en else de) for pk, (de, en) in table.items()}


def stage_labels() -> dict[int, str]:
    """Value-chain stage id → label in the active language."""
    return _labels("stages")


def material_labels() -> dict[int, str]:
    """Material id → label in the active language."""
    return _labels("materials")
