"""A private reply gets a field of its own (is_private_reply) instead of the "teacher"
visibility value it used to borrow, and every reply then carries its thread's visibility.

Which old replies were private: any reply narrower than its thread (a "teacher" reply on a
class note, say), and a teacher's "teacher" reply on a "teacher" note. The second cannot be
told apart from an ordinary teacher's reply in such a thread, so it is taken as private: the
safe side (it stays between the student and the teachers if the student later shares the
note with the class). A private reply that an earlier visibility change already made public
left no trace and cannot be recovered.
"""

from django.db import migrations, models

NARROWNESS = {"private": 0, "teacher": 1, "class": 2}


def mark_private_replies(apps, schema_editor):
    Annotation = apps.get_model("annotations", "Annotation")
    Membership = apps.get_model("counterpoint", "Membership")
    teachers = set(Membership.objects.filter(role="teacher").values_list("user_id", "classroom_id"))
    replies = Annotation.objects.filter(parent__isnull=False).values_list(
        "pk",
        "visibility",
        "author_id",
        "assignment__classroom_id",
        "parent__visibility",
    )
    private, by_thread = [], {}
    for pk, visibility, author_id, classroom_id, thread in replies.iterator():
        narrower = NARROWNESS.get(visibility, 0) < NARROWNESS.get(thread, 0)
        teachers_word = visibility == thread == "teacher" and (author_id, classroom_id) in teachers
        if narrower or teachers_word:
            private.append(pk)
        if visibility != thread:
            by_thread.setdefault(thread, []).append(pk)
    for start in range(0, len(private), 500):
        Annotation.objects.filter(pk__in=private[start : start + 500]).update(is_private_reply=True)
    for thread, pks in by_thread.items():
        for start in range(0, len(pks), 500):
            Annotation.objects.filter(pk__in=pks[start : start + 500]).update(visibility=thread)


def unmark_private_replies(apps, schema_editor):
    """Back to the old representation: a private reply is a "teacher" reply."""
    Annotation = apps.get_model("annotations", "Annotation")
    Annotation.objects.filter(is_private_reply=True).update(visibility="teacher")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_orphan_on_passage_delete"),
        ("counterpoint", "0002_assignment_think_first"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotation",
            name="is_private_reply",
            field=models.BooleanField(
                default=False,
                help_text="A teacher's reply for the annotation's author alone (and the "
                "class's teachers), whatever happens to the thread's visibility.",
            ),
        ),
        migrations.RunPython(mark_private_replies, unmark_private_replies),
    ]
