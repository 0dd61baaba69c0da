"""The knowledge quiz (知识竞赛 / 业务知识擂台赛) as a contest kind.

Rounds are questions frozen from a bank; an answer is judged at intake
(kinds/quiz/scoring.py); the stage shows the question, then the room's
answers and the right one; the results report each question.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from contests.engine import registry
from contests.engine.registry import ContestKind, Judgement, StageTemplates
from contests.kinds.quiz import questions, scoring
from contests.kinds.quiz.models import QuizOptions
from contests.models import Contest, Entry, Kind, Phase, Round, Submission, Verdict
from training.models import OPTION_LETTERS

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
        rows = []
        for entry in question_report(contest):
            question = entry["question"]
            shares = entry["distribution"]
            spread = ", ".join(
                f"{OPTION_LETTERS[i] if question.options else ('✓✗'[i])}: {n}"
                for i, n in enumerate(shares.option_counts)
            ) or "; ".join(f"{text}: {n}" for text, n in shares.common_texts)
            rows.append(
                [
                    question.number,
                    question.prompt,
                    shares.answered,
                    round(100 * entry["correct_rate"])
                    if entry["correct_rate"] is not None
                    else "",
                    round(entry["average_s"], 1)
                    if entry["average_s"] is not None
                    else "",
                    spread,
                ]
            )
        header = [
            _("No."),
            _("Question"),
            _("Answers"),
            _("Correct (%)"),
            _("Average time (s)"),
            _("Distribution"),
        ]
        return [(_("Questions"), [str(h) for h in header], rows)]


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
                "correct_rate": shares.correct / answers if answers else None,
                "correct_percent": round(100 * shares.correct / answers)
                if answers
                else None,
                "average_s": elapsed[each.pk] / answers / 1000 if answers else None,
            }
        )
    return report


registry.register(QuizKind())
