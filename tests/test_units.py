"""Unit tests of plain engine functions (no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.catalog import parse_catalog, suggest
from grader.forbid import static_scan
from grader.quiz import Question, grade_answers, is_correct, parse_answer, parse_quiz
from grader.results import compose
from grader.yamlio import ContentError


def test_suggest_finds_typos_and_bare_names() -> None:
    ids = ["mlp/dropout", "cnn/pooling", "seq2seq/bleu"]
    assert suggest("mlp/droput", ids)[0] == "mlp/dropout"
    assert suggest("pooling", ids)[0] == "cnn/pooling"
    assert suggest("zzz", ids) == []


def test_static_scan_resolves_aliases_and_getattr() -> None:
    forbidden = ("torch.nn.functional.max_pool2d", "torch.nn.MaxPool2d")
    src = ("import torch.nn.functional as G\nfrom torch import nn as N\n"
           "a = G.max_pool2d\nb = N.MaxPool2d\nc = getattr(G, 'max_pool2d')\n")
    assert static_scan(src, forbidden) == ["torch.nn.functional.max_pool2d", "torch.nn.MaxPool2d"]
    assert static_scan("x = 1\n'''max_pool2d in a docstring is fine'''\n", forbidden) == []
    assert static_scan("from torch.nn.functional import max_pool2d as mp\n", forbidden) == [
        "torch.nn.functional.max_pool2d"]


def test_compose_outcomes() -> None:
    def check(name: str, outcome: str, points: int = 1) -> dict:
        return {"type": "check", "name": name, "outcome": outcome,
                "points": points if outcome == "passed" else 0, "max_points": points}

    done = {"type": "done"}
    collected = {"type": "collected", "checks": [["a", 1], ["b", 2]]}
    r = compose("x/y", [collected, check("a", "passed"), check("b", "passed", 2), done],
                max_score=3, seed=1)
    assert (r.outcome, r.score, r.max_score) == ("passed", 3, 3)
    r = compose("x/y", [collected, check("a", "not_attempted"), check("b", "not_attempted", 2),
                        done], max_score=3, seed=1)
    assert r.outcome == "not_attempted"
    r = compose("x/y", [collected, check("a", "passed"), check("b", "not_attempted", 2), done],
                max_score=3, seed=1)
    assert r.outcome == "failed" and "not attempted" in r.message
    r = compose("x/y", [collected, check("a", "passed"), {"type": "start", "name": "b"}],
                max_score=3, seed=1, ended="timed out after 5 s")
    assert r.outcome == "error" and "during check 'b'" in r.message and r.score == 1
    r = compose("x/y", [collected, check("a", "passed"), check("b", "passed", 2),
                        {"type": "forbidden", "apis": ["torch.nn.functional.max_pool2d"]}, done],
                max_score=3, seed=1)
    assert r.outcome == "failed" and r.score == 0 and "max_pool2d" in r.message


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_catalog_errors_name_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "catalog.yaml", "format_version: 1\nexercises:\n  - id: a/b\n"
                  "    title: t\n    section: s\n    file: a/wrong.py\n    names: [f]\n"
                  "    hints: [h]\n    points: 1\n")
    with pytest.raises(ContentError) as info:
        parse_catalog(path)
    assert info.value.line == 6 and "a/b.py" in str(info.value)
    path = _write(tmp_path, "catalog.yaml", "format_version: 9\nexercises: []\n")
    with pytest.raises(ContentError, match="upgrade"):
        parse_catalog(path)


QUIZ = """format_version: 1
exercise: a/b
questions:
  - id: q1
    kind: single
    prompt: p
    choices: [x, y]
    answer: c
    explanation: e
"""


def test_quiz_schema_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        parse_quiz(_write(tmp_path, "q.yaml", QUIZ))
    assert info.value.line == 8 and "one letter" in str(info.value)
    with pytest.raises(ContentError) as info:
        fixed = QUIZ.replace("answer: c", "answer: a")
        parse_quiz(_write(tmp_path, "q.yaml", fixed + fixed.split("questions:\n", 1)[1]))
    assert "duplicate question id" in str(info.value)


def test_answer_kinds() -> None:
    single = Question("s", "single", "p", "e", choices=("x", "y", "z"), answer="b")
    multi = Question("m", "multiple", "p", "e", choices=("x", "y", "z"), answer=("a", "c"))
    num = Question("n", "numeric", "p", "e", answer=0.5, tolerance=0.01)
    text = Question("t", "text", "p", "e", accepted=("layer norm",))
    assert is_correct(single, parse_answer(single, "B)"))
    assert is_correct(multi, parse_answer(multi, "c, a"))
    assert not is_correct(multi, parse_answer(multi, ["a"]))
    assert is_correct(num, parse_answer(num, "0.505"))
    assert not is_correct(num, parse_answer(num, 0.52))
    assert is_correct(text, parse_answer(text, "  Layer   Norm "))
    with pytest.raises(ValueError):
        parse_answer(single, "d")
    with pytest.raises(ValueError):
        parse_answer(num, "half")


def test_unanswered_questions_are_wrong(tmp_path: Path) -> None:
    quiz = parse_quiz(_write(tmp_path, "q.yaml", QUIZ.replace("answer: c", "answer: a")))
    [result] = grade_answers(quiz, {})
    assert not result.correct and result.problem == "not answered"


def test_csv_cells_never_become_spreadsheet_formulas() -> None:
    from grader.report import csv_text

    assert csv_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [csv_text(v) for v in ("+1", "-2", "@a", "\tx")] == ["'+1", "'-2", "'@a", "'\tx"]
    assert csv_text("ada") == "ada" and csv_text(16) == 16
