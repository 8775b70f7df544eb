"""Fill the database with demo content a new user can explore.

Each app contributes a `<app>/demo.py` with `seed(*, scale, stdout)`; they run
in the order of INSTALLED_APPS, so lower apps exist before higher ones link
to them. `seed` may return lines for the summary printed at the end (the
demo logins). Idempotent: running it again creates nothing twice.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo organisations, logins and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Add N units of bulk data for benchmarks (one unit: 3 organisations, "
            "50 members, and each app's share; see README).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (benchmark databases only).",
        )

    def handle(self, *args, scale: int, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates logins with a known password and is refused when DEBUG "
                "is off. Use --allow-production only for a throw-away benchmark database."
            )
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        summary: list[str] = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name.startswith("django") or find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                summary.extend(module.seed(scale=scale, stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("\nDemo data is ready."))
        for line in summary:
            self.stdout.write(line)
