"""The content linter, run over the real catalog: catalog and files agree, quizzes parse."""

from __future__ import annotations

import ast
import re
from collections import Counter

import pytest

from grader.catalog import load_catalog, paths_for
from grader.quiz import LETTERS, fairness, load_bank, parse_quiz, quiz_files

CATALOG = load_catalog()
IDS = CATALOG.ids


def _defined(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_entry_has_its_files(exercise_id: str) -> None:
    paths = paths_for(exercise_id)
    for kind in ("stub", "solution", "checks", "quiz"):
        assert getattr(paths, kind).is_file(), f"{exercise_id}: missing {kind} {getattr(paths, kind)}"


@pytest.mark.parametrize("exercise_id", IDS)
def test_stub_and_solution_define_the_names(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    paths = paths_for(exercise_id)
    for path in (paths.stub, paths.solution):
        missing = set(exercise.names) - _defined(path)
        assert not missing, f"{path} does not define {sorted(missing)}"
    stub = paths.stub.read_text(encoding="utf-8")
    assert "NotImplementedError" in stub
    assert ast.get_docstring(ast.parse(stub)), f"{paths.stub}: the stub needs a module docstring"
    assert f"learn check {exercise_id}" in stub, "the stub should name the command that checks it"


@pytest.mark.parametrize("exercise_id", IDS)
def test_hints_and_points(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    assert len(exercise.hints) >= 2 and all("TODO" not in h for h in exercise.hints)
    assert exercise.points > 0


BANK = load_bank(catalog_ids=IDS)
QUIZ_IDS = [q.id for q in BANK]


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_exercise_has_its_quiz(exercise_id: str) -> None:
    quiz = parse_quiz(paths_for(exercise_id).quiz)
    assert quiz.exercise == exercise_id and not quiz.quiz_only


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_quiz_parses_and_is_substantial(quiz_id: str) -> None:
    quiz = next(q for q in BANK if q.id == quiz_id)
    assert quiz.path == paths_for(quiz_id).quiz, "a quiz file lives at its id's derived path"
    assert len(quiz.questions) >= 5
    assert len({q.kind for q in quiz.questions}) >= 2, "mix question kinds"
    for question in quiz.questions:
        assert len(question.explanation) >= 40, f"{question.id}: explain the answer"
    if quiz.quiz_only:
        assert quiz_id not in IDS, "a quiz-only topic must not reuse an exercise id"
        assert quiz.title and quiz.title_zh and quiz.sections
        assert all(q.section for q in quiz.questions), "tag every question with its seed section"


def test_every_quiz_file_is_in_the_bank() -> None:
    assert sorted(q.path for q in BANK) == quiz_files()
    orphans = [q.id for q in BANK if not q.quiz_only and q.id not in IDS]
    assert not orphans, f"quizzes for exercises that are not in the catalog: {orphans}"


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_quiz_is_bilingual(quiz_id: str) -> None:
    """Every prompt, choice and explanation has Chinese text (d2l-zh's terms)."""
    quiz = next(q for q in BANK if q.id == quiz_id)
    han = re.compile(r"[\u4e00-\u9fff]")
    for q in quiz.questions:
        assert han.search(q.prompt_zh), f"{q.id}: prompt_zh missing or not Chinese"
        assert han.search(q.explanation_zh), f"{q.id}: explanation_zh missing or not Chinese"
        if q.kind in ("single", "multiple"):
            assert len(q.choices_zh) == len(q.choices), f"{q.id}: choices_zh missing"
        # a rounding instruction in English must be in the Chinese prompt too
        if q.kind == "numeric" and re.search(r"decimal|round", q.prompt, re.IGNORECASE):
            assert "小数" in q.prompt_zh, f"{q.id}: prompt_zh drops the rounding instruction"
        if q.kind == "numeric" and q.tolerance == 0:
            assert float(q.answer).is_integer(), f"{q.id}: an exact answer must be an integer"


# The rules of issue 10: a test-wise guesser must not beat the bank.
STATS = fairness(BANK)


def test_right_option_is_rarely_the_longest() -> None:
    assert STATS["single_longest_right"] <= STATS["single"] / 3, STATS
    assert STATS["single_longest_right_zh"] <= STATS["single"] / 3, STATS


def test_right_option_is_rarely_the_shortest() -> None:
    singles = [q for quiz in BANK for q in quiz.questions if q.kind == "single"]
    shortest = sum(len(q.choices[LETTERS.index(q.answer)]) == min(map(len, q.choices))
                   for q in singles)
    assert shortest <= len(singles) / 3


def test_no_letter_is_the_answer_too_often() -> None:
    assert max(STATS["single_letters"].values()) <= 0.4 * STATS["single"], STATS
    multiples = [q for quiz in BANK for q in quiz.questions if q.kind == "multiple"]
    assert STATS["multiple_first_k"] <= 0.4 * len(multiples), STATS
    patterns = Counter(q.answer for q in multiples)
    assert max(patterns.values()) <= 0.4 * len(multiples), patterns


def test_choices_are_distinct_and_questions_unique() -> None:
    prompts = Counter(q.prompt for quiz in BANK for q in quiz.questions)
    assert max(prompts.values()) == 1, [p for p, n in prompts.items() if n > 1]


# The seed sections that have no exercise (shared/CURRICULUM.md, "Quiz-only sections"; the two
# empty ones, 特征工程 and 总结, have nothing to ask) plus the seed's Transformer section.
QUIZ_ONLY_SECTIONS = [
    "网页爬取工具 selenium.webdriver",
    "数据标注 › 半监督学习的假设",
    "数据工程 › CSV 文件处理 (zip/rar, feather)",
    "数据变换 › 图片/视频/文本 bullets",
    "深度学习基础 › CNN/RNN 简单介绍",
    "RNN › MODEL SELECTION",
    "过拟合/欠拟合",
    "梯度爆炸 & 梯度消失 (conceptual part)",
    "CNN › 什么是卷积 (4D weights, translation invariance, locality)",
    "R-CNN / Fast/Faster/Mask R-CNN, SSD, YOLO",
    "语义分割 › 应用",
    "编码器/解码器",
    "注意力机制 › 随意/非随意线索",
    'Transformer › "only two hyperparameters"',
    "BERT › architecture sizes",
    "Transformer",
]


@pytest.mark.parametrize("section", QUIZ_ONLY_SECTIONS)
def test_every_quiz_only_section_is_covered(section: str) -> None:
    asked = [q.id for quiz in BANK if quiz.quiz_only for q in quiz.questions if q.section == section]
    assert len(asked) >= 2, f"seed section {section!r} needs quiz questions"


def test_forbidden_names_resolve_to_real_apis() -> None:
    """Each forbidden operator exists under at least one of its derived aliases, and each
    module class and each plain torch name exists (other libraries may not be installed)."""
    from grader.catalog import OP_ALIASES
    from grader.forbid import _resolve
    from grader.yamlio import load_yaml

    data = load_yaml(CATALOG.path)
    unresolved = []
    for entry in data["exercises"]:
        for item in entry.get("forbidden", []):
            family = item if isinstance(item, dict) else {"names": [item]}
            for op in family.get("ops", []):
                if not any(_resolve(p.format(op=op)) for p in OP_ALIASES):
                    unresolved.append((entry["id"], op))
            for module in family.get("modules", []):
                if _resolve(f"torch.nn.{module}") is None:
                    unresolved.append((entry["id"], module))
            for name in family.get("names", []):
                if name.split(".")[0] == "torch" and _resolve(name) is None:
                    unresolved.append((entry["id"], name))
    assert not unresolved, f"forbidden names that do not exist in this torch: {unresolved}"


def test_forbidden_families_expand_to_every_alias() -> None:
    pooling = CATALOG.get("cnn/pooling")
    for name in ("torch.nn.functional.max_pool2d", "torch.max_pool2d", "torch._VF.max_pool2d",
                 "torch._C._VariableFunctions.max_pool2d", "torch.ops.aten.max_pool2d",
                 "torch._C._nn.max_pool2d_with_indices", "torch.nn.MaxPool2d",
                 "torch.nn.functional.avg_pool2d", "torch._C._nn.avg_pool2d"):
        assert name in pooling.forbidden, name
    assert len(pooling.forbidden_summary) == 1 and "pooling" in pooling.forbidden_summary[0]
