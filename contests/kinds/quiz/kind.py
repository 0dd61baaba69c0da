"""The knowledge quiz (知识竞赛 / 业务知识擂台赛) as a contest kind.

Rounds are questions frozen from a bank; an answer is judged at intake
(kinds/quiz/scoring.py); the stage shows the question, then the room's
answers and the right one; the results report each question.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contests.engine import registry, standings
from contests.engine.registry import ContestKind, Judgement, StageTemplates
from contests.kinds.quiz import questions, scoring
from contests.kinds.quiz.models import QuizOptions
from contests.models import Contest, Entry, Kind, Phase, Round, Submission, Verdict
from training.models import QuestionKind

T = "contests/quiz/"


class QuizKind(ContestKind):
    name = Kind.QUIZ
    templates = StageTemplates(
        player_stage=T + "_player_stage.html",
        host_stage=T + "_host_stage.html",
        audience_stage=T + "_audience_stage.html",
        player_me=T + "_player_me.html",
        receipt=T + "_player_answer.html",
        console=T + "console.html",
        play=T + "play.html",
        results=T + "results.html",
        my_result=T + "my_result.html",
    )
    not_open = _("This question is not open.")
    already_over = _("This question is already over.")
    late = _("Time is up: your answer reached the server after the deadline.")
    last_round = _("That was the last question: end the quiz.")
    time_up = _("Time is already up for this question.")

    def options(self, contest: Contest) -> QuizOptions:
        # Kept on the contest object: a batch judges many answers to one quiz.
        cached = getattr(contest, "_quiz_options", None)
        if cached is None:
            cached = QuizOptions.objects.get(contest_id=contest.pk)
            contest._quiz_options = cached
        return cached

    def freeze_round(self, material) -> Round:
        return questions.freeze(material)

    def clean(self, contest: Contest, round: Round, payload):
        return questions.clean_choice(questions.Question.of(round), payload)

    def judge(self, contest, round, entry, payload, *, elapsed_s, streak_if_right):
        question = questions.Question.of(round)
        settings = self.options(contest)
        right = scoring.is_correct(question.kind, question.correct, payload)
        points = scoring.answer_points(
            correct=right,
            elapsed_s=elapsed_s,
            limit_s=contest.seconds_per_round,
            points=settings.points_per_question,
            speed=settings.speed_scoring,
        )
        bonus = 0
        if right and settings.streak_bonus and settings.points_per_question:
            bonus = scoring.streak_bonus(streak_if_right)
        return Judgement(Verdict.RIGHT if right else Verdict.WRONG, points, bonus)

    def receipt_labels(self, round: Round, payload) -> list:
        return questions.answer_labels(questions.Question.of(round), payload)

    def stage_context(self, contest, round, context) -> None:
        question = questions.Question.of(round) if round is not None else None
        context["question"] = question
        context["options"] = questions.options(question)
        context["quiz_options"] = self.options(contest)
        if question is not None and contest.phase in (
            Phase.REVEALED,
            Phase.LEADERBOARD,
        ):
            rows = list(round.submissions.values_list("payload", "verdict"))
            shares = questions.distribution(question, rows)
            context["distribution"] = shares
            context["bars"] = questions.bars(question, shares)

    def personal_extra(self, contest: Contest, entry_id: int) -> dict:
        shuffle = self.options(contest).shuffle_options
        return {"shuffle_key": questions.shuffle_key(contest, entry_id, shuffle)}

    # Results -------------------------------------------------------------

    def results_context(self, contest: Contest) -> dict:
        return {"questions": question_report(contest)}

    def my_result_rows(self, contest: Contest, entry: Entry) -> list:
        submissions = {s.round_id: s for s in entry.submissions.all()}
        rows = []
        for round in contest.rounds.all():
            question = questions.Question.of(round)
            submission = submissions.get(round.pk)
            rows.append(
                {
                    "question": question,
                    "answer": submission,
                    "chosen": questions.answer_labels(
                        question, submission.payload if submission else None
                    ),
                    "correct": questions.correct_labels(question),
                }
            )
        return rows

    def workbook_sheets(self, contest: Contest) -> list:
        return [question_sheet(contest), answer_sheet(contest)]


def words(labels: list) -> str:
    """answer_labels as a spreadsheet reads them: true/false in words."""
    return "; ".join(
        str(gettext("True") if label["tf"] else gettext("False"))
        if isinstance(label, dict)
        else str(label)
        for label in labels
    )


def spread_text(question, shares) -> str:
    """How the room answered, each option named by its letter and its text."""
    if question.kind == QuestionKind.TEXT:
        return "; ".join(f"{text}: {n}" for text, n in shares.common_texts)
    parts = []
    for option, count in zip(
        questions.options(question), shares.option_counts, strict=False
    ):
        if "tf" in option:
            name = gettext("True") if option["tf"] else gettext("False")
        else:
            name = f"{option['letter']}. {option['text']}"
        parts.append(f"{name}: {count}")
    return "; ".join(parts)


def question_sheet(contest: Contest) -> tuple:
    rows = []
    for entry in question_report(contest):
        question = entry["question"]
        percent, seconds = entry["correct_percent"], entry["average_s"]
        rows.append(
            [
                question.number,
                question.prompt,
                words(questions.correct_labels(question)),
                entry["distribution"].answered,
                percent if percent is not None else "",
                round(seconds, 1) if seconds is not None else "",
                spread_text(question, entry["distribution"]),
            ]
        )
    header = [
        gettext("No."),
        gettext("Question"),
        gettext("Right answer"),
        gettext("Answers"),
        gettext("Correct (%)"),
        gettext("Average time (s)"),
        gettext("Distribution"),
    ]
    return (gettext("Questions"), header, rows)


def answer_sheet(contest: Contest) -> tuple:
    """Every player against every question: what they answered in words, right
    or wrong, how long it took and the points it earned (score + bonus)."""
    rounds = [(r, questions.Question.of(r)) for r in contest.rounds.all()]
    sent = {
        (s.entry_id, s.round_id): s
        for s in Submission.objects.filter(round__contest=contest).only(
            "entry_id", "round_id", "payload", "verdict", "elapsed_ms", "score", "bonus"
        )
    }
    rows = []
    for person in standings.individual_standings(contest):
        for each, question in rounds:
            submission = sent.get((person.entry_id, each.pk))
            start = [
                person.employee_number,
                person.name,
                person.team_name,
                question.number,
                question.prompt,
            ]
            if submission is None:
                rows.append([*start, "", gettext("No answer"), None, 0])
                continue
            rows.append(
                [
                    *start,
                    words(questions.answer_labels(question, submission.payload)),
                    submission.get_verdict_display(),
                    round(submission.elapsed_ms / 1000, 1),
                    submission.score + submission.bonus,
                ]
            )
    header = [
        capfirst(gettext("employee number")),
        gettext("Name"),
        gettext("Team"),
        gettext("No."),
        gettext("Question"),
        gettext("Answer"),
        gettext("Result"),
        gettext("Time (s)"),
        gettext("Points"),
    ]
    return (gettext("Player answers"), header, rows)


def question_report(contest: Contest) -> list[dict]:
    """Per question: answers, correct rate, average time and the distribution."""
    rows = defaultdict(list)
    elapsed = defaultdict(int)
    for round_id, payload, verdict, elapsed_ms in Submission.objects.filter(
        round__contest=contest
    ).values_list("round_id", "payload", "verdict", "elapsed_ms"):
        rows[round_id].append((payload, verdict))
        elapsed[round_id] += elapsed_ms
    report = []
    for each in contest.rounds.all():
        question = questions.Question.of(each)
        answers = len(rows[each.pk])
        shares = questions.distribution(question, rows[each.pk])
        report.append(
            {
                "question": question,
                "distribution": shares,
                "bars": questions.bars(question, shares),
                "correct_rate": shares.correct / answers if answers else None,
                "correct_percent": round(100 * shares.correct / answers)
                if answers
                else None,
                "average_s": elapsed[each.pk] / answers / 1000 if answers else None,
            }
        )
    return report


registry.register(QuizKind())
