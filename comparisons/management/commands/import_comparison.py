from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comparisons.importer import ERROR, parse_comparison, size_problem
from comparisons.services import comparison_import


class Command(BaseCommand):
    help = "Import a Markdown comparison article, reporting anything the author should fix."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The Markdown article, as UTF-8 text.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the comparison straight away."
        )
        parser.add_argument(
            "--author",
            metavar="EMAIL",
            help="E-mail address of the author; defaults to the first superuser.",
        )

    def handle(self, *args, file, publish, author, **options):
        author = self._author(author)
        text = self._read(file)
        parsed = parse_comparison(text, max_bytes=settings.IMPORT_MAX_BYTES)

        for problem in parsed.problems:
            where = f"line {problem.line}: " if problem.line else ""
            style = self.style.ERROR if problem.severity == ERROR else self.style.WARNING
            self.stdout.write(style(f"{problem.severity}: {where}{problem.message}"))
        counts = ", ".join(
            f"{number} {name if number != 1 else name.removesuffix('s')}"
            for name, number in parsed.summary_counts().items()
        )
        self.stdout.write(f"Found {counts}.")

        if not parsed.ok:
            raise CommandError(
                f"{file} has {len(parsed.errors)} error(s); nothing was imported. "
                "Fix them and run the command again."
            )
        comparison = comparison_import(parsed=parsed, author=author, publish=publish)
        state = "published" if comparison.is_published else "a draft, not yet published"
        self.stdout.write(
            self.style.SUCCESS(
                f'Imported "{comparison.title}" (id {comparison.pk}) by {author.email}; '
                f"it is {state}."
            )
        )

    def _author(self, email: str | None):
        User = get_user_model()
        if email:
            try:
                return User.objects.get(email__iexact=email)
            except (User.DoesNotExist, User.MultipleObjectsReturned):
                raise CommandError(f"No single user has the e-mail address {email}.") from None
        superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
        if superuser is None:
            raise CommandError(
                "There is no superuser to be the author; pass --author EMAIL "
                "with the e-mail address of an existing user."
            )
        return superuser

    def _read(self, path: Path) -> str:
        """The file as text, refusing an over-large file before reading it into memory."""
        try:
            too_big = size_problem(path.stat().st_size, max_bytes=settings.IMPORT_MAX_BYTES)
            if too_big:
                raise CommandError(f"{path}: {too_big.message}")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path} is not UTF-8 text (the byte at position {error.start} cannot be "
                "read). Save the article as UTF-8 and try again."
            ) from None
