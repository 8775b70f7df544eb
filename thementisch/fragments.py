"""Rendered rows kept by what they show: a list page renders each row once.

A row of a list (a barrier, a pilot, a member) is the same HTML for every
viewer who may see the same things, as long as its data has not changed.
`render_each` renders each item with a small template and keeps the HTML in
the "fragments" cache under a key made of

- the deployment stamp (a hash of every template and compiled translation,
  so a deploy never serves HTML of the old templates),
- the template name and the active language,
- `key(item)`: every value of the item the row shows (ids, title, status,
  counters, names of related objects, the values that decide masking),
- the extra context, which must be plain values (it is part of the key).

Because the key holds the data itself, a change to anything the row shows is
a new key: nothing needs deleting, and a forgotten signal cannot serve a
stale row. The price is that `key` must name every input of the row template;
the tests of each list change every shown value and look for the new one.

Row templates are rendered without the request (no context processors): what
a row needs about the viewer is passed in `context` and so is in the key.
One `get_many` reads all rows of a page; only the missing ones are rendered
and stored with one `set_many`.

`render_once` keeps the frame around such rows (a dashboard panel) the same
way: its key is its whole context, the rows by their row keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CACHE_ALIAS = "fragments"
PLAIN = (str, int, float, bool, type(None))


@cache
def deployment_stamp() -> str:
    """Hash of all templates and compiled translations of this deployment (once per process)."""
    if settings.FRAGMENT_CACHE_VERSION:
        return settings.FRAGMENT_CACHE_VERSION
    digest = hashlib.sha1(usedforsecurity=False)
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    roots += [Path(d) for d in settings.LOCALE_PATHS]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".txt", ".mo") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cache_key(prefix: str, parts: Any) -> str:
    # Short keys: the cache checks every character of every key it is given.
    return "f:" + hashlib.sha1(f"{prefix}{parts!r}".encode(), usedforsecurity=False).hexdigest()


def render_each(
    template_name: str,
    items: Iterable[Any],
    key: Callable[[Any], tuple],
    *,
    name: str = "item",
    context: dict[str, Any] | None = None,
) -> list[SafeString]:
    """The HTML of each item rendered with `template_name`, from the cache where it is there.

    `key(item)` returns a tuple of every value the template shows of the item;
    `context` holds plain values the template needs besides the item (they
    are part of the key). The item is in the template as `name`.
    """
    context = context or {}
    for value in context.values():
        if not isinstance(value, PLAIN):
            raise TypeError(f"fragment context values must be plain values, not {value!r}")
    prefix = f"{deployment_stamp()}:{template_name}:{get_language()}:"
    shared = tuple(sorted(context.items()))
    items = list(items)
    keys = [_cache_key(prefix, (key(item), shared)) for item in items]
    store = caches[CACHE_ALIAS]
    found = store.get_many(keys)
    missing = {}
    template = None
    html = []
    for item, cache_key in zip(items, keys, strict=True):
        if cache_key not in found:
            template = template or get_template(template_name)
            found[cache_key] = missing[cache_key] = str(template.render({**context, name: item}))
        html.append(mark_safe(found[cache_key]))  # rendered by our template
    if missing:
        store.set_many(missing, timeout=settings.FRAGMENT_CACHE_TIMEOUT)
    return html


@dataclass(frozen=True)
class Rows:
    """Rows of a frame (`render_once`): in the frame's key by their row keys (what
    each row shows), rendered with `render_each` only when the frame is not kept."""

    template_name: str
    items: Sequence[Any]
    key: Callable[[Any], tuple]
    name: str = "item"

    def key_parts(self) -> tuple:
        return (self.template_name, tuple(self.key(item) for item in self.items))

    def render(self) -> tuple[SafeString, ...]:
        return tuple(render_each(self.template_name, self.items, self.key, name=self.name))


def render_once(template_name: str, context: dict[str, Any]) -> SafeString:
    """`template_name` rendered with `context`, from the cache where the same context
    was rendered before.

    For the frame around rows, such as a dashboard panel: `context` holds plain
    values (or tuples of them) and `Rows`, and all of it is the key (rows by
    their row keys, as `render_each` keys them), so any change to what the
    frame or one of its rows shows renders it anew; the rows are rendered
    (or read from the cache) only then. Rendered without the request, as rows are.
    """
    parts = []
    for name, value in sorted(context.items()):
        if isinstance(value, Rows):
            parts.append((name, value.key_parts()))
        elif _is_key_value(value):
            parts.append((name, value))
        else:
            raise TypeError(f"fragment context values must be plain values, not {value!r}")
    prefix = f"{deployment_stamp()}:{template_name}:{get_language()}:"
    cache_key = _cache_key(prefix, tuple(parts))
    store = caches[CACHE_ALIAS]
    html = store.get(cache_key)
    if html is None:
        rendered = {
            name: value.render() if isinstance(value, Rows) else value
            for name, value in context.items()
        }
        html = str(get_template(template_name).render(rendered))
        store.set(cache_key, html, timeout=settings.FRAGMENT_CACHE_TIMEOUT)
    return mark_safe(html)  # rendered by our template


def _is_key_value(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(isinstance(part, PLAIN) for part in value)
    return isinstance(value, PLAIN)
