"""Markdown written by members, rendered to safe HTML (markdown + nh3)."""

import html as html_lib
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre",
    "blockquote", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    # Building a Markdown instance costs more than converting a comment with
    # it; each thread keeps one and resets it between texts.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(
            extensions=["extra", "sane_lists"], output_format="html"
        )
    return converter


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """HTML for `text`: raw HTML, scripts, event handlers and javascript: links removed.

    Headings start at level 3, so user content never outranks the page's own
    headings. The same text always gives the same HTML, so results are kept
    (by text) for the pages that show the same comments again and again.
    """
    if not text:
        return ""
    html = _converter().reset().convert(text)
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def markdown_to_text(text: str) -> str:
    """Plain text of `text` for emails and snippets."""
    return html_lib.unescape(nh3.clean(render_markdown(text), tags=set())).strip()
