"""Quizzes as a learner meets them: shuffled options (stable per learner), languages,
answers files and their conventions, quiz-only topics, ``learn quiz --review``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import load_catalog, paths_for
from grader.cli import cli
from grader.progress import Progress
from grader.quiz import (
    LETTERS,
    Question,
    default_lang,
    display_order,
    grade_answers,
    is_correct,
    load_bank,
    parse_answer,
    parse_quiz,
    to_file_letters,
)

BANK = load_bank(catalog_ids=load_catalog().ids)
CHOICE_QUESTIONS = [(quiz.id, q) for quiz in BANK for q in quiz.questions
                    if q.kind in ("single", "multiple")]


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, obj={}, catch_exceptions=False)
    return result.exit_code, result.output


def shown(question: Question, order: list[int], right: bool = True) -> str:
    """What a learner types for ``question`` shown in ``order`` (right or wrong)."""
    if question.kind == "single":
        index = LETTERS.index(question.answer)
        if not right:
            index = (index + 1) % len(question.choices)
        return LETTERS[order.index(index)]
    if question.kind == "multiple":
        letters = [LETTERS[order.index(LETTERS.index(a))] for a in question.answer]
        return ",".join(letters if right else letters[:-1] or ["a", "b"])
    if question.kind == "numeric":
        return repr(question.answer if right else question.answer + 10 * question.tolerance + 1)
    return question.accepted[0] if right else "something else"


def shown_answers(quiz_id: str, wrong: tuple[str, ...] = ()) -> list[str]:
    """The lines a learner types to answer quiz ``quiz_id`` in the order this store shows."""
    with Progress.open() as store:
        learner = store.learner_id()
    quiz = parse_quiz(paths_for(quiz_id).quiz)
    return [shown(q, display_order(q, learner, quiz.id), q.id not in wrong)
            for q in quiz.questions]


# --- the shuffle ----------------------------------------------------------------------------


@pytest.mark.parametrize("topic,question", CHOICE_QUESTIONS,
                         ids=[f"{t}:{q.id}" for t, q in CHOICE_QUESTIONS])
def test_shuffle_is_a_stable_permutation_and_grades_right(topic: str, question: Question) -> None:
    order = display_order(question, "learner-1", topic)
    assert sorted(order) == list(range(len(question.choices)))
    assert display_order(question, "learner-1", topic) == order  # a retry shows the same order
    typed = parse_answer(question, shown(question, order))
    assert is_correct(question, to_file_letters(question, typed, order))
    wrong = parse_answer(question, shown(question, order, right=False))
    assert not is_correct(question, to_file_letters(question, wrong, order))


def test_shuffle_differs_between_learners_and_moves_the_answer() -> None:
    orders = {tuple(display_order(q, f"learner-{i}", t)) for i in range(20)
              for t, q in CHOICE_QUESTIONS[:1]}
    assert len(orders) > 5
    moved = [q for t, q in CHOICE_QUESTIONS if q.kind == "single"
             and display_order(q, "learner-1", t).index(LETTERS.index(q.answer))
             != LETTERS.index(q.answer)]
    assert len(moved) > len(CHOICE_QUESTIONS) / 3


def test_learner_id_is_made_once_and_kept(tmp_path: Path) -> None:
    with Progress.open(tmp_path) as store:
        first = store.learner_id()
    with Progress.open(tmp_path) as store:
        assert store.learner_id() == first and len(first) == 16


def test_an_old_store_stays_readable(tmp_path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(tmp_path / "progress.sqlite3")
    conn.executescript("CREATE TABLE quizzes (exercise TEXT NOT NULL, correct INTEGER NOT NULL, "
                       "total INTEGER NOT NULL, at REAL NOT NULL);"
                       "INSERT INTO quizzes VALUES ('mlp/dropout', 4, 6, 1.0);"
                       "PRAGMA user_version = 1;")
    conn.close()
    with Progress.open(tmp_path) as store:
        assert not store.notice
        assert store.summary()["mlp/dropout"].quiz_correct == 4
        assert store.review_due() == []


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize("env,lang", [({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
                                      ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}, "zh"),
                                      ({"LANG": "C.UTF-8"}, "both"), ({}, "both"),
                                      ({"LANG": "de_DE.UTF-8"}, "both"),
                                      ({"LANG": "zh_CN", "LEARN_LANG": "en"}, "en")])
def test_default_lang_from_the_locale(env: dict[str, str], lang: str) -> None:
    assert default_lang(env) == lang


@pytest.mark.parametrize("lang,present,absent", [
    ("en", "What is the idea behind dropout", "暂退法作为正则化"),
    ("zh", "暂退法作为正则化", "What is the idea behind dropout"),
    ("both", "暂退法作为正则化", None)])
def test_interactive_quiz_in_each_language(learn_home: Path, lang: str, present: str,
                                           absent: str | None) -> None:
    answers = "\n".join(shown_answers("mlp/dropout")) + "\n"
    code, out = run("quiz", "mlp/dropout", "--lang", lang, input=answers)
    assert code == 0, out
    assert "6/6" in out and present in out
    if absent:
        assert absent not in out
    if lang == "both":
        assert "What is the idea behind dropout" in out


def test_lang_comes_from_the_environment(learn_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARN_LANG", "zh")
    code, out = run("quiz", "mlp/dropout",
                    input="\n".join(["z", *shown_answers("mlp/dropout")]) + "\n")
    assert code == 0 and "你的答案" in out and "your answer" not in out
    assert "请用 a 到 d 中的一个字母作答" in out and "答对 6/6" in out


def test_retry_shows_the_same_order(learn_home: Path) -> None:
    answers = "\n".join(shown_answers("cnn/pooling")) + "\n"
    _, first = run("quiz", "cnn/pooling", "--lang", "en", input=answers)
    _, second = run("quiz", "cnn/pooling", "--lang", "en", input=answers)
    assert first == second and "10/10 correct" in first


# --- answers files --------------------------------------------------------------------------


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_answers_by_option_text(learn_home: Path, tmp_path: Path) -> None:
    quiz = parse_quiz(paths_for("mlp/dropout").quiz)
    noise, vs = quiz.get("noise-idea"), quiz.get("vs-weight-decay")
    text = (f"convention: text\nnoise-idea: {json.dumps(noise.choices_zh[0], ensure_ascii=False)}\n"
            f"vs-weight-decay: {json.dumps([vs.choices[LETTERS.index(a)] for a in vs.answer])}\n")
    code, out = run("quiz", "mlp/dropout", "--answers", _file(tmp_path, text), "--format", "json")
    data = json.loads(out)
    assert data["convention"] == "text"
    got = {q["id"]: q["correct"] for q in data["questions"]}
    assert got["noise-idea"] and got["vs-weight-decay"] and data["correct"] == 2 and code == 1


def test_answers_convention_must_be_known(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("quiz", "mlp/dropout", "--answers", _file(tmp_path, "convention: shown\n"))
    assert code == 2 and "convention must be one of letters, text" in out


def test_letters_are_the_files_own_order_not_the_shown_one(learn_home: Path,
                                                          tmp_path: Path) -> None:
    quiz = parse_quiz(paths_for("mlp/dropout").quiz)
    results = grade_answers(quiz, {"noise-idea": "a"})
    assert next(r for r in results if r.question.id == "noise-idea").correct
    _, out = run("quiz", "mlp/dropout", "--answers", _file(tmp_path, "noise-idea: a\n"))
    assert "letters of the quiz file" in out and "✓ noise-idea" in out


# --- quiz-only topics -----------------------------------------------------------------------


def test_quiz_list_has_every_quiz_and_scores(learn_home: Path, tmp_path: Path) -> None:
    topic = "transformer/architecture"
    quiz = parse_quiz(paths_for(topic).quiz)
    right = {q.id: (list(q.answer) if q.kind == "multiple" else
                    q.accepted[0] if q.kind == "text" else q.answer) for q in quiz.questions}
    right.pop("decoder-mask")
    code, _ = run("quiz", topic, "--answers", _file(tmp_path, json.dumps(right)))
    assert code == 1
    code, out = run("quiz", "list", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert set(rows) == {q.id for q in BANK}
    n = len(quiz.questions)
    assert rows[topic]["quiz_only"] and rows[topic]["quiz"] == f"{n - 1}/{n}"
    assert rows[topic]["to_review"] == 1
    code, out = run("quiz", "list")
    assert code == 0 and topic in out and "quiz only" in out
    code, out = run("exercise", "list")
    assert code == 0 and "Quiz-only topics" in out and topic in out and f"{n - 1}/{n}" in out
    code, out = run("progress", "--format", "json")
    data = json.loads(out)
    assert next(t for t in data["quiz_topics"] if t["id"] == topic)["quiz"] == f"{n - 1}/{n}"
    assert data["review_due"] == 1
    code, out = run("progress")
    assert topic in out and "1 question(s) to review" in out


def test_unknown_quiz_id_suggests_topics(learn_home: Path) -> None:
    code, out = run("quiz", "transformer/architectur")
    assert code == 2 and "did you mean transformer/architecture" in out


# --- review ---------------------------------------------------------------------------------


def test_review_asks_misses_first_until_each_is_right(learn_home: Path, tmp_path: Path) -> None:
    # Miss two questions of one quiz, one of them twice, and one of another quiz.
    for wrong in (("keep-expectation",), ("noise-idea", "keep-expectation")):
        run("quiz", "mlp/dropout", "--lang", "en",
            input="\n".join(shown_answers("mlp/dropout", wrong)) + "\n")
    run("quiz", "cnn/pooling", "--lang", "en",
        input="\n".join(shown_answers("cnn/pooling", ("max-pool-padding",))) + "\n")
    with Progress.open() as store:
        due = store.review_due()
        learner = store.learner_id()
    assert [(t, q, n) for t, q, n in due] == [("mlp/dropout", "keep-expectation", 2),
                                              ("cnn/pooling", "max-pool-padding", 1),
                                              ("mlp/dropout", "noise-idea", 1)]
    assert {(t, q) for t, q, _ in due} == {("mlp/dropout", "noise-idea"),
                                           ("mlp/dropout", "keep-expectation"),
                                           ("cnn/pooling", "max-pool-padding")}
    questions = {(t, q): parse_quiz(paths_for(t).quiz).get(q) for t, q, _ in due}

    def typed(key: tuple[str, str], right: bool) -> str:
        q = questions[key]
        return shown(q, display_order(q, learner, key[0]), right)

    order = [(t, q) for t, q, _ in due]
    # First pass: the first one wrong again; it comes back at the end.
    lines = [typed(order[0], False), typed(order[1], True), typed(order[2], True),
             typed(order[0], True)]
    code, out = run("quiz", "--review", "--lang", "en", input="\n".join(lines) + "\n")
    assert code == 0, out
    assert out.count("[keep-expectation]") == 2
    assert "review done: all 3 answered right (4 answers)" in out
    assert out.index("[keep-expectation]") < out.index("[max-pool-padding]") < out.index("[noise-idea]")
    code, out = run("quiz", "--review")
    assert code == 0 and ("nothing to review" in out or "没有要复习的题" in out)


def test_review_stopped_early_keeps_the_rest(learn_home: Path) -> None:
    run("quiz", "mlp/dropout", "--lang", "en",
        input="\n".join(shown_answers("mlp/dropout", ("keep-expectation", "expected-zeros")))
        + "\n")
    with Progress.open() as store:
        first, second = [q for _, q, _ in store.review_due()]
    assert first == "expected-zeros"  # as often missed: the latest miss first
    code, out = run("quiz", "--review", "--lang", "en", input="300\n")
    assert code == 1 and "1/2 answered right, 1 still to review" in out
    with Progress.open() as store:
        assert [q for _, q, _ in store.review_due()] == [second]


def test_review_with_answers_is_refused(learn_home: Path, tmp_path: Path) -> None:
    code, out = run("quiz", "--review", "--answers", _file(tmp_path, "a: b\n"))
    assert code == 2 and "--review" in out


# --- notebook and nbgrader ------------------------------------------------------------------


def test_notebook_quiz_shuffles_and_speaks_chinese(learn_home: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from grader import notebook

    answers = iter(shown_answers("mlp/dropout", ("noise-idea",)))
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    notebook.quiz("mlp/dropout", lang="zh")
    out = capsys.readouterr().out
    assert "5/6 correct" in out and "暂退法作为正则化" in out and "你的答案" not in out
    with Progress.open() as store:
        assert store.review_due() == [("mlp/dropout", "noise-idea", 1)]


def test_nbgrader_quiz_cells_follow_the_language() -> None:
    from grader.export.nbgrader import quiz_cells

    exercise = load_catalog().get("mlp/dropout")
    quiz = parse_quiz(paths_for("mlp/dropout").quiz)
    zh = "\n".join("".join(c["source"]) for c in quiz_cells(exercise, quiz, lang="zh"))
    en = "\n".join("".join(c["source"]) for c in quiz_cells(exercise, quiz, lang="en"))
    both = "\n".join("".join(c["source"]) for c in quiz_cells(exercise, quiz, lang="both"))
    assert "暂退法作为正则化" in zh and "What is the idea behind dropout" not in zh
    assert "暂退法" not in en and "What is the idea behind dropout" in en
    assert "暂退法作为正则化" in both and "What is the idea behind dropout" in both
    # the file's order is kept: every student's notebook is the same
    assert f"a) {quiz.get('noise-idea').choices[0]}" in en
