"""Public pages in a real browser: accessible, nothing loaded from other hosts."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/accounts/signup/", "/imprint/", "/privacy/", "/accessibility/"],
)
def test_public_page_is_accessible(page, path):
    page.goto(path)

    assert page.locator("main#main").count() == 1
    assert_accessible(page, path)


def test_language_switch_to_english(page):
    page.goto("/")
    page.get_by_role("button", name="English").click()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Become a member").count() == 1


def test_accessibility_check_catches_a_violation(page):
    # Guards the guard: an unlabelled field and an image without alt text must fail.
    page.set_content('<html><body><main><input type="text"><img src="x.png"></main></body></html>')

    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "inline")
