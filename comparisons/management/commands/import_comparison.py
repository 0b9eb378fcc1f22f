from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comparisons.converters import DOCX, FORMAT_NAMES, import_document, max_bytes_for
from comparisons.importer import ERROR, size_problem
from comparisons.services import comparison_import


class Command(BaseCommand):
    help = (
        "Import a comparison article from a Word document (.docx), a saved web page (.html), "
        "a text file (.txt) or Markdown (.md), reporting anything the author should fix."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="The article; its format is chosen by the extension and checked against the "
            "content.",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the comparison straight away."
        )
        parser.add_argument(
            "--author",
            metavar="EMAIL",
            help="E-mail address of the author; defaults to the first superuser.",
        )
        parser.add_argument(
            "--show-text",
            action="store_true",
            help="Print the article as converted to Markdown; the report's line numbers point "
            "into it.",
        )

    def handle(self, *args, file, publish, author, show_text=False, **options):
        author = self._author(author)
        data = self._read(file)
        parsed, converted = import_document(
            data, filename=file.name, max_bytes=settings.IMPORT_MAX_BYTES
        )
        if show_text:
            self.stdout.write(converted.markdown)
        elif converted.format != "markdown" and converted.markdown:
            self.stdout.write(
                f"Read {file} as a {FORMAT_NAMES[converted.format]}; line numbers below refer "
                "to the converted text (see --show-text)."
            )
        refusal = not converted.markdown.strip() and len(parsed.problems) == 1
        if refusal and not parsed.ok:
            raise CommandError(f"{file}: {parsed.problems[0].message}")

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

    def _read(self, path: Path) -> bytes:
        """The file's bytes, refusing one larger than any format allows before reading it."""
        try:
            largest = max_bytes_for(DOCX, settings.IMPORT_MAX_BYTES)
            too_big = size_problem(path.stat().st_size, max_bytes=largest)
            if too_big:
                raise CommandError(f"{path}: {too_big.message}")
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
