"""The quiz's own tables go: their rows are contests now (0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0004_quizzes_become_contests"),
        ("people", "0001_initial"),
        ("training", "0001_question_bank"),
    ]

    operations = [
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="Participant"),
        migrations.DeleteModel(name="QuizQuestion"),
        migrations.DeleteModel(name="Quiz"),
    ]
