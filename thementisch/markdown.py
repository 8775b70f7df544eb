"""Markdown written by members, rendered to safe HTML (markdown + nh3)."""

import html as html_lib

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre",
    "blockquote", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """HTML for `text`: raw HTML, scripts, event handlers and javascript: links removed.

    Headings start at level 3, so user content never outranks the page's own
    headings.
    """
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
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
