"""The comparisons a person wrote, for their "Download my data" document
(counterpoint.personal_data)."""

from comparisons.models import Comparison


def sections(user, request):
    comparisons = Comparison.objects.filter(author=user).prefetch_related(
        "subjects", "dimensions", "sections__passages"
    )
    yield (
        "comparisons",
        [
            {
                "title": c.title,
                "question": c.question,
                "summary": c.summary,
                "subjects": [s.name for s in c.subjects.all()],
                "dimensions": [d.name for d in c.dimensions.all()],
                "sections": [
                    {"heading": s.heading, "paragraphs": [p.text for p in s.passages.all()]}
                    for s in c.sections.all()
                ],
            }
            for c in comparisons
        ],
    )
