"""`{% blank_form_fields %}`: the same markup as `{% form_fields %}`, kept only for blank forms."""

from django.template import engines
from django.utils import translation

from thementisch.comments import CommentForm

TEMPLATE = engines["django"].from_string(
    "{% load blank_forms %}{% blank_form_fields form %}|{% form_fields form %}"
)


def render(form) -> tuple[str, str]:
    cached, plain = TEMPLATE.render({"form": form}).split("|")
    return cached, plain


def test_blank_form_markup_is_the_usual_markup_in_each_language():
    with translation.override("de"):
        german = render(CommentForm())
        assert german[0] == german[1]
        assert "Ihr Kommentar" in german[0]
    with translation.override("en"):
        english = render(CommentForm())
        assert english[0] == english[1]
        assert "Your comment" in english[0]


def test_bound_and_prefilled_forms_are_rendered_as_usual():
    with translation.override("en"):
        render(CommentForm())  # the blank copy is kept
        bound = CommentForm({"body": "  "})
        bound.is_valid()
        cached, plain = render(bound)
        assert cached == plain
        assert "This field is required." in cached

        prefilled = render(CommentForm(initial={"body": "Mein Text"}))
        assert prefilled[0] == prefilled[1]
        assert "Mein Text" in prefilled[0]
