"""The way in: signup, email confirmation, review by the coordinator, dashboard."""

import re

import pytest
from django.test import Client

from members.models import Organisation, OrganisationType, User
from tests.helpers import assert_email_contains

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "neu@example.com",
    "first_name": "Nora",
    "last_name": "Neumann",
    "position": "Leitung Nachhaltigkeit",
    "new_organisation_name": "Ruhr Gießerei GmbH",
    "new_organisation_kind": OrganisationType.SME,
    "password1": "ein-langes-passwort-2026",
    "password2": "ein-langes-passwort-2026",
    "show_in_directory": "on",
    "privacy_consent": "on",
}


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def sign_up_and_confirm(client, mailoutbox, django_capture_on_commit_callbacks, data=SIGNUP):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link = confirmation_link(mailoutbox[-1])
    assert client.get(link).status_code == 200  # GET only shows the confirm button
    assert not User.objects.get(email=data["email"]).emailaddress_set.get().verified
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    return response


def test_signup_confirm_pending_approve_dashboard(
    coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()

    response = sign_up_and_confirm(client, mailoutbox, django_capture_on_commit_callbacks)

    user = User.objects.get(email="neu@example.com")
    assert user.status == User.Status.PENDING
    assert user.privacy_consent_at is not None
    assert user.organisation.name == "Ruhr Gießerei GmbH"
    assert user.organisation.kind == OrganisationType.SME
    assert response.status_code == 302
    home = client.get("/")
    assert home.templates[0].name == "digests/pending.html"
    assert "Danke für Ihre Registrierung" in home.content.decode()
    assert client.get("/members/").status_code == 403

    to_coordinator = mailoutbox[-1]
    assert to_coordinator.to == ["Konrad Koordinator <koordination@example.com>"]
    assert to_coordinator.subject == "Neue Registrierung wartet auf Freigabe: Nora Neumann"
    assert_email_contains(to_coordinator, "Ruhr Gießerei GmbH")

    admin = Client()
    admin.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/members/user/",
            {"action": "approve_as_member", "_selected_action": [user.pk]},
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.APPROVED
    approval = mailoutbox[-1]
    assert approval.to == ["Nora Neumann <neu@example.com>"]
    assert_email_contains(approval, "Mitgliedschaft im Thementisch Metall freigegeben")

    member = Client()
    response = member.post(
        "/accounts/login/", {"login": "neu@example.com", "password": "ein-langes-passwort-2026"}
    )
    assert response.status_code == 302
    dashboard = member.get("/")
    # The page's template; cached rows of the panels may have been rendered before it.
    assert "digests/dashboard.html" in [template.name for template in dashboard.templates]
    assert "Mein Thementisch" in dashboard.content.decode()


def test_signup_with_existing_organisation(mailoutbox, django_capture_on_commit_callbacks):
    organisation = Organisation.objects.create(
        name="Westfalen Stahl AG", slug="westfalen-stahl", kind=OrganisationType.LARGE_COMPANY
    )
    data = {**SIGNUP, "organisation": organisation.pk, "new_organisation_name": ""}
    data["new_organisation_kind"] = ""

    sign_up_and_confirm(Client(), mailoutbox, django_capture_on_commit_callbacks, data)

    assert User.objects.get(email="neu@example.com").organisation == organisation
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"privacy_consent": ""},
            "privacy_consent",
            "Bitte stimmen Sie der Datenschutzerklärung zu",
        ),
        ({"new_organisation_name": ""}, "organisation", "Wählen Sie Ihre Organisation"),
        ({"new_organisation_kind": ""}, "new_organisation_kind", "Wählen Sie den Typ"),
        ({"password1": "kurz", "password2": "kurz"}, "password1", "zu kurz"),
    ],
)
def test_signup_refuses_bad_input_and_creates_nothing(changes, field, message):
    data = {key: value for key, value in {**SIGNUP, **changes}.items() if value != ""}

    response = Client().post("/accounts/signup/", data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not User.objects.filter(email="neu@example.com").exists()
    assert not Organisation.objects.exists()


def test_signup_refuses_duplicate_new_organisation():
    Organisation.objects.create(name="Ruhr Gießerei GmbH", slug="rg", kind=OrganisationType.SME)
    data = {**SIGNUP, "new_organisation_name": "ruhr gießerei gmbh"}

    response = Client().post("/accounts/signup/", data)

    assert response.status_code == 200
    assert "gibt es bereits" in response.context["form"].errors["new_organisation_name"][0]


def test_role_is_never_chosen_at_signup(mailoutbox, django_capture_on_commit_callbacks):
    data = {**SIGNUP, "role": "coordinator", "status": "approved", "is_staff": "on"}
    data["new_organisation_kind"] = OrganisationType.MINISTRY

    sign_up_and_confirm(Client(), mailoutbox, django_capture_on_commit_callbacks, data)

    user = User.objects.get(email="neu@example.com")
    assert (user.role, user.status, user.is_staff) == (User.Role.MEMBER, User.Status.PENDING, False)
    assert user.suggested_role == User.Role.MINISTRY


def test_rejected_member_cannot_log_in(
    pending_user, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/admin/members/user/",
            {
                "action": "reject",
                "_selected_action": [pending_user.pk],
                "apply": "1",
                "reason": "Keine Organisation der Metallbranche.",
            },
        )

    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.REJECTED
    assert_email_contains(mailoutbox[-1], "Keine Organisation der Metallbranche.")
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": pending_user.email, "password": "password"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert client.get("/members/me/").status_code == 302  # not logged in


def test_role_change_in_admin_makes_coordinator_staff(member, coordinator):
    admin = Client()
    admin.force_login(coordinator)
    url = f"/admin/members/user/{member.pk}/change/"
    form = admin.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "last_login", "date_joined")
    }
    data.update(
        {
            "role": User.Role.COORDINATOR,
            "organisation": member.organisation_id,
            "materials": [],
            "value_chain_stages": [],
            "groups": [],
            "user_permissions": [],
            "notification_settings": "{}",
            "is_active": "on",
            "show_in_directory": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )

    response = admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.role, member.is_staff, member.is_coordinator) == ("coordinator", True, True)
