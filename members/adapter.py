"""allauth hooks: its mails go through the outbox; confirmation tells coordinators."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from thementisch import mail

from . import services
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Store allauth's message in the outbox instead of sending it directly."""
        user = User.objects.filter(email__iexact=email).first()
        language = (user.language if user else None) or translation.get_language() or "de"
        with translation.override(language):
            request = context.get("request")
            message = self.render_mail(template_prefix, email, {"request": request, **context})
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        mail.queue_email(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            to=email,
            to_name=user.get_full_name() if user else "",
            recipient=user,
            template=template_prefix,
            language=language,
            topic="account",
            rendered=(" ".join(message.subject.split()), message.body, html),
        )

    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.announce_pending_member(email_address.user)
        return confirmed
