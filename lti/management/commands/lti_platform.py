"""Register an LMS by hand: `manage.py lti_platform add|list|remove`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction
from lti_tool.models import Key, LtiDeployment, LtiRegistration


class Command(BaseCommand):
    help = "Add, list or remove the LMS platforms Counterpoint accepts launches from."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register a platform (or add a deployment to one).")
        add.add_argument("--issuer", required=True)
        add.add_argument("--client-id", required=True)
        add.add_argument("--deployment-id", required=True, action="append")
        add.add_argument("--auth-login-url", required=True)
        add.add_argument("--auth-token-url", required=True)
        add.add_argument("--keyset-url", required=True)
        add.add_argument("--audience", default="")
        add.add_argument("--name", default="")
        sub.add_parser("list", help="List registered platforms and their deployments.")
        link = sub.add_parser(
            "registration-link",
            help="Print a link (valid 7 days) to paste into an LMS that registers tools by URL "
            "(LTI Dynamic Registration).",
        )
        link.add_argument("--base-url", required=True, help="e.g. https://counterpoint.example.org")
        remove = sub.add_parser("remove", help="Remove a platform registration.")
        remove.add_argument("--issuer", required=True)
        remove.add_argument("--client-id", required=True)

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action.replace('-', '_')}")(**options)

    def handle_registration_link(self, **o):
        from django.urls import reverse

        from lti.services import registration_link_token

        path = reverse("lti:register", args=[registration_link_token()])
        self.stdout.write(o["base_url"].rstrip("/") + path)

    @transaction.atomic
    def handle_add(self, **o):
        check = URLValidator(schemes=["https", "http"])
        for flag in ("auth_login_url", "auth_token_url", "keyset_url"):
            try:
                check(o[flag])
            except ValidationError:
                raise CommandError(f"--{flag.replace('_', '-')} is not a URL: {o[flag]}") from None
        registration, created = LtiRegistration.objects.update_or_create(
            issuer=o["issuer"],
            client_id=o["client_id"],
            defaults={
                "name": o["name"] or o["issuer"],
                "audience": o["audience"],
                "auth_url": o["auth_login_url"],
                "token_url": o["auth_token_url"],
                "keyset_url": o["keyset_url"],
                "is_active": True,
            },
        )
        for deployment_id in o["deployment_id"]:
            LtiDeployment.objects.update_or_create(
                registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
            )
        if not Key.objects.active().exists():
            Key.objects.generate()
            self.stdout.write("Generated Counterpoint's first signing key.")
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {registration.issuer} ({registration.client_id}).")
        )

    def handle_list(self, **o):
        registrations = LtiRegistration.objects.prefetch_related("deployments").order_by("issuer")
        if not registrations:
            self.stdout.write("No platforms registered.")
        for r in registrations:
            deployments = ", ".join(
                d.deployment_id + ("" if d.is_active else " (inactive)")
                for d in r.deployments.all()
            )
            state = "" if r.is_active else " [inactive]"
            self.stdout.write(
                f"{r.issuer}  client {r.client_id}{state}\n  deployments: {deployments or '-'}\n"
                f"  login {r.auth_url}\n  token {r.token_url}\n  keys  {r.keyset_url}"
            )

    def handle_remove(self, **o):
        deleted, _ = LtiRegistration.objects.filter(
            issuer=o["issuer"], client_id=o["client_id"]
        ).delete()
        if not deleted:
            raise CommandError(f"No platform {o['issuer']} with client id {o['client_id']}.")
        self.stdout.write(self.style.SUCCESS(f"Removed {o['issuer']} ({o['client_id']})."))
