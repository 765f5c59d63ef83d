"""The ordered exercise catalog (``exercises/catalog.yaml``) and the paths derived from an id.

Every content path is derived from an exercise id by :func:`paths_for`; nothing else in the
package writes those paths by hand.
"""

from __future__ import annotations

import difflib
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.yamlio import ContentError, line_of, load_yaml

FORMAT_VERSION = 1
DEFAULT_TIMEOUT = 30.0


def content_root() -> Path:
    """Where exercises/, solutions/ and quizzes/ live.

    An installed wheel carries them in ``grader/_content``; a clone (or an editable install)
    has them at the repository root, beside the ``grader`` package. ``LEARN_CONTENT``
    overrides both (used by tests and by course authors trying out content).
    """
    override = os.environ.get("LEARN_CONTENT")
    if override:
        return Path(override).expanduser().resolve()
    here = Path(__file__).resolve().parent
    packaged = here / "_content"
    if (packaged / "exercises" / "catalog.yaml").is_file():
        return packaged
    return here.parent


@dataclass(frozen=True)
class Exercise:
    """One catalog entry.

    Attributes:
        id: ``chapter/name``, e.g. ``cnn/pooling``.
        title: one line for listings.
        section: the seed note's section the exercise comes from.
        file: the learner's file, relative to ``exercises/``.
        names: the functions and classes the learner defines.
        hints: shown one at a time by ``learn hint``.
        points: the exercise's maximum score (the sum of its checks' points).
        forbidden: dotted names of APIs the submission must not call, every alias included
            (derived from the catalog's families: :func:`expand_forbidden`).
        timeout: seconds the checks may run before the submission is stopped.
        forbidden_summary: the same, in a few lines a learner reads (``learn exercise show``).
    """

    id: str
    title: str
    section: str
    file: str
    names: tuple[str, ...]
    hints: tuple[str, ...]
    points: int
    forbidden: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    forbidden_summary: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExercisePaths:
    """Mirrored content paths of one exercise."""

    stub: Path
    solution: Path
    checks: Path
    quiz: Path


def paths_for(exercise_id: str, root: Path | None = None) -> ExercisePaths:
    """Derive every content path of ``exercise_id`` (``chapter/name``)."""
    root = root or content_root()
    chapter, _, name = exercise_id.partition("/")
    module = name.replace("-", "_")
    return ExercisePaths(
        stub=root / "exercises" / chapter / f"{module}.py",
        solution=root / "solutions" / chapter / f"{module}.py",
        checks=Path(__file__).resolve().parent / "checks" / chapter / f"test_{module}.py",
        quiz=root / "quizzes" / chapter / f"{name}.yaml",
    )


def relative_file(exercise_id: str) -> str:
    """The learner's file relative to ``exercises/`` (e.g. ``cnn/pooling.py``)."""
    chapter, _, name = exercise_id.partition("/")
    return f"{chapter}/{name.replace('-', '_')}.py"


@dataclass(frozen=True)
class Catalog:
    """All exercises in learning order."""

    path: Path
    exercises: tuple[Exercise, ...]

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.exercises]

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; :class:`UnknownExercise` (with suggestions) otherwise."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise UnknownExercise(exercise_id, suggest(exercise_id, self.ids))


class UnknownExercise(KeyError):
    """No exercise has this id."""

    def __init__(self, exercise_id: str, suggestions: list[str]) -> None:
        self.exercise_id = exercise_id
        self.suggestions = suggestions
        super().__init__(exercise_id)

    def __str__(self) -> str:
        text = f"unknown exercise {self.exercise_id!r}"
        if self.suggestions:
            text += "; did you mean " + " or ".join(self.suggestions) + "?"
        return text + " (run `learn exercise list` to see every id)"


def suggest(word: str, choices: list[str]) -> list[str]:
    """Up to three ids close to ``word``: by spelling, or sharing its last part."""
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    tail = word.rsplit("/", 1)[-1]
    for choice in choices:
        if choice.rsplit("/", 1)[-1] == tail and choice not in close:
            close.insert(0, choice)
    for choice in choices:
        if tail and tail in choice and choice not in close and len(close) < 3:
            close.append(choice)
    return close[:3]


def _require(entry: Any, key: str, kind: type | tuple[type, ...], path: Path) -> Any:
    if key not in entry:
        raise ContentError(path, line_of(entry), f"exercise entry is missing {key!r}")
    value = entry[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(path, line_of(entry, key), f"{key!r} must be a {names}")
    return value


def _string_list(entry: Any, key: str, path: Path, required: bool = True) -> tuple[str, ...]:
    if key not in entry and not required:
        return ()
    value = _require(entry, key, list, path)
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(path, line_of(entry, key), f"{key!r} must be a list of non-empty strings")
    return tuple(value)


# Where one torch operator can be reached from Python: the public function (and its in-place
# twin), torch.nn.functional (public and private), and the binding tables underneath.
OP_ALIASES = ("torch.{op}", "torch.{op}_", "torch.nn.functional.{op}", "torch.nn.functional._{op}",
              "torch._VF.{op}", "torch._C._VariableFunctions.{op}", "torch._C._nn.{op}",
              "torch.ops.aten.{op}")
FAMILY_KEYS = {"family", "says", "ops", "modules", "names"}


def expand_forbidden(entry: dict[str, Any]) -> list[str]:
    """Every dotted name of a forbidden family: each ATen operator in ``ops`` under every
    alias of :data:`OP_ALIASES`, each ``torch.nn`` module class in ``modules``, and the
    plain dotted ``names``."""
    found: list[str] = []
    for op in entry.get("ops", ()):
        found += [pattern.format(op=op) for pattern in OP_ALIASES]
    found += [f"torch.nn.{module}" for module in entry.get("modules", ())]
    found += list(entry.get("names", ()))
    return list(dict.fromkeys(found))


def _forbidden(entry: Any, path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every forbidden dotted name, the summary lines) of a catalog entry."""
    if "forbidden" not in entry:
        return (), ()
    items = entry["forbidden"]
    if not isinstance(items, list):
        raise ContentError(path, line_of(entry, "forbidden"), "'forbidden' must be a list")
    names: list[str] = []
    summary: list[str] = []
    for item in items:
        if isinstance(item, str) and item.strip():
            names.append(item)
            summary.append(item)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("says"), str):
            raise ContentError(path, line_of(items), "each 'forbidden' item is a dotted name or "
                               "a family with 'says' and some of 'ops', 'modules', 'names'")
        unknown = set(item) - FAMILY_KEYS
        if unknown:
            raise ContentError(path, line_of(item, sorted(unknown)[0]),
                               f"unknown key {sorted(unknown)[0]!r} in a forbidden family")
        for key in ("ops", "modules", "names"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ContentError(path, line_of(item, key), f"{key!r} must be a list of names")
        names += expand_forbidden(item)
        summary.append(item["says"])
    return tuple(dict.fromkeys(names)), tuple(summary)


def parse_catalog(path: Path) -> Catalog:
    """Load and validate a catalog file; errors name file and line."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(path, line_of(data), "the catalog must be a mapping with 'exercises'")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise ContentError(path, line_of(data, "format_version"),
                               f"format_version {version} is newer than this learn understands "
                               f"({FORMAT_VERSION}); upgrade with `pip install -U learn-d2l`")
        raise ContentError(path, line_of(data, "format_version"),
                           f"format_version must be {FORMAT_VERSION}")
    entries = data.get("exercises")
    if not isinstance(entries, list) or not entries:
        raise ContentError(path, line_of(data, "exercises"), "'exercises' must be a non-empty list")
    exercises: list[Exercise] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise ContentError(path, line_of(entries), "each exercise must be a mapping")
        known = {"id", "title", "section", "file", "names", "hints", "points", "forbidden", "timeout"}
        for key in entry:
            if key not in known:
                raise ContentError(path, line_of(entry, str(key)), f"unknown key {key!r}")
        ex_id = _require(entry, "id", str, path)
        chapter, slash, name = ex_id.partition("/")
        if not slash or not chapter or not name or "/" in name:
            raise ContentError(path, line_of(entry, "id"), f"id {ex_id!r} must look like chapter/name")
        if ex_id in seen:
            raise ContentError(path, line_of(entry, "id"), f"duplicate id {ex_id!r}")
        seen.add(ex_id)
        file = _require(entry, "file", str, path)
        if file != relative_file(ex_id):
            raise ContentError(path, line_of(entry, "file"),
                               f"file must be {relative_file(ex_id)!r} for id {ex_id!r}")
        points = _require(entry, "points", int, path)
        timeout = entry.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise ContentError(path, line_of(entry, "timeout"), "'timeout' must be a positive number")
        exercises.append(Exercise(
            id=ex_id,
            title=_require(entry, "title", str, path),
            section=_require(entry, "section", str, path),
            file=file,
            names=_string_list(entry, "names", path),
            hints=_string_list(entry, "hints", path),
            points=points,
            forbidden=_forbidden(entry, path)[0],
            timeout=float(timeout),
            forbidden_summary=_forbidden(entry, path)[1],
        ))
    return Catalog(path=path, exercises=tuple(exercises))


def load_catalog(root: Path | None = None) -> Catalog:
    """The catalog of the installed content (``exercises/catalog.yaml``)."""
    return _load_catalog(root or content_root())


@functools.lru_cache(maxsize=8)
def _load_catalog(root: Path) -> Catalog:
    return parse_catalog(root / "exercises" / "catalog.yaml")
