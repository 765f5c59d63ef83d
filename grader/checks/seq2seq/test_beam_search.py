"""Hidden checks for exercises/seq2seq/beam_search.py (beam search with a length penalty).

Every check drives the submission with a toy decoder: ``step_fn(prefix)`` looks up the
log-probabilities of the next token in a table that is a pure function of the prefix
(random tables are seeded by a hash of the prefix). Random tables are redrawn whenever
some decision of the search (a place at the edge of the beam, or the winner) is closer
than ``MARGIN``, so float32 rounding can never decide a check.

The decoders are the public fixture :mod:`grader.sandbox.fixtures.beam`: the learner's
step_fn is built in the sandbox from a table's spec (``make``), and what it recorded (its
calls, a misuse) is read back by value; the reference runs here on the same decoder built
locally from the same spec.
"""

from __future__ import annotations

import math

import pytest
import torch

from grader.asserts import expect_raises, fail
from grader.sandbox.fixtures import beam
from grader.sandbox.fixtures.beam import DesignedTable, RandomTable
from grader.sandbox.host import LearnerError, make

MARGIN = 1e-3
"""The smallest gap (in log-probability or in score) allowed at any decision of the search."""

STEP_FN = "grader.sandbox.fixtures.beam:step_fn"
"""The factory of the learner's step_fn (built in the sandbox from a table's spec)."""

SCALE0 = (0.3, 1.5)
"""Range of the logits' standard deviation at the first step (a fairly flat start)."""
SCALE1 = (1.0, 6.0)
"""The same at later steps (often a confident decoder)."""


# --------------------------------------------------------------------------------------
# The specified search, traced in float64 (used for margins, never instead of `ref`)
# --------------------------------------------------------------------------------------

def _score(total: float, length: int, alpha: float) -> float:
    return total / length ** alpha


def _log_p(table, bos: int, seq: list[int]) -> float:
    total, key = 0.0, (bos,)
    for t in seq:
        total += table.row(key)[t]
        key += (t,)
    return total


def _trace(table, bos: int, beam_size: int, max_len: int, alpha: float):
    """(margin, extended prefixes, beam after each step) of the specified search."""
    beam: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    candidates: list[tuple[tuple[int, ...], float]] = []
    extended: list[tuple[int, ...]] = []
    beams: list[list[tuple[int, ...]]] = []
    margin = math.inf
    for _ in range(max_len):
        live = [(s, v) for s, v in beam if not (s and s[-1] == table.eos)]
        if not live:
            break
        ext = []
        for s, v in live:
            extended.append((bos,) + s)
            ext += [(s + (t,), v + lp) for t, lp in enumerate(table.row((bos,) + s))]
        ext.sort(key=lambda h: -h[1])
        if len(ext) > beam_size:
            margin = min(margin, ext[beam_size - 1][1] - ext[beam_size][1])
        beam = ext[:beam_size]
        beams.append([s for s, _ in beam])
        candidates += beam
    scores = sorted((_score(v, len(s), alpha) for s, v in candidates), reverse=True)
    if len(scores) > 1:
        margin = min(margin, scores[0] - scores[1])
    return margin, extended, beams


def _random_case(rng: torch.Generator, *, V=(3, 8), beam=(1, 5), max_len=(1, 7),
                 alpha: float | tuple = 0.75, dtype=torch.float32, eos_bias=(-1.0, 2.0)):
    """A random decoder and search settings whose decisions are all clear (gap >= MARGIN)."""
    def draw(lo, hi):
        return int(torch.randint(lo, hi + 1, (1,), generator=rng))

    for _ in range(200):
        n = draw(*V)
        eos = draw(0, n - 1)
        bos = draw(0, n)
        bos = n if bos == eos else bos  # sometimes a token id, sometimes outside the vocabulary
        u = torch.rand(2, generator=rng).tolist()
        scales = (SCALE0[0] + (SCALE0[1] - SCALE0[0]) * u[0],
                  SCALE1[0] + (SCALE1[1] - SCALE1[0]) * u[1])
        bias = eos_bias[0] + (eos_bias[1] - eos_bias[0]) * float(torch.rand((), generator=rng))
        table = RandomTable(n, eos, draw(0, 2**30), scales, bias, dtype)
        a = alpha if not isinstance(alpha, tuple) else alpha[draw(0, len(alpha) - 1)]
        k, m = draw(*beam), draw(*max_len)
        margin, extended, beams = _trace(table, bos, k, m, a)
        if margin >= MARGIN:
            return dict(table=table, bos=bos, eos=eos, beam_size=k, max_len=m, alpha=a,
                        extended=extended, beams=beams)
    raise AssertionError("could not draw a case without near ties")  # pragma: no cover


def _call(sub, case, device, strict=False):
    """The learner's beam_search on the case's decoder: (result, step_fn's record).

    The record (``calls``, ``problem``, ``changed``) is read back by value; a misuse that
    step_fn rejected fails the check with its message, even if the search caught it.
    """
    step = make(sub, STEP_FN, case["table"].spec, case["bos"], device, strict=strict)
    try:
        out = sub.beam_search(step, case["bos"], case["eos"], case["beam_size"],
                              case["max_len"], case["alpha"])
    except LearnerError as exc:
        if not isinstance(exc, NotImplementedError):
            _reject(step.report)
        raise
    record = step.report
    _reject(record)
    return out, record


def _reject(record) -> None:
    if record["problem"]:
        fail(record["problem"])


def _what(case) -> str:
    return (f"beam_search(step_fn, bos={case['bos']}, eos={case['eos']}, "
            f"beam_size={case['beam_size']}, max_len={case['max_len']}, alpha={case['alpha']}) "
            f"on a toy decoder with {case['table'].V} tokens")


# --------------------------------------------------------------------------------------
# Judging a returned sequence
# --------------------------------------------------------------------------------------

def _as_tokens(out, what: str) -> list[int]:
    if isinstance(out, torch.Tensor):
        fail(f"{what} returned a torch.Tensor; return a list of Python ints (e.g. "
             "tensor.tolist()), as the signature says.")
    if not isinstance(out, list):
        kind = "None (did you forget `return`?)" if out is None else type(out).__name__
        fail(f"{what} returned {kind}, not a list of Python ints.")
    for t in out:
        if isinstance(t, bool) or not isinstance(t, int):
            fail(f"{what} returned a list containing {type(t).__name__}; every token must be a "
                 "Python int (use int(...) or .tolist()).")
    return out


# Scorings that differ from the specified one only in how eos counts: (score(total, eos
# log-prob, length, finished, alpha), the mistake, the rule).
_MISSCORINGS = (
    (lambda total, lp_eos, n, fin, a: total / max(1, n - fin) ** a,
     "L did not count the final eos",
     "L is the candidate's length with its eos counted"),
    (lambda total, lp_eos, n, fin, a: (total - lp_eos) / n ** a,
     "log P left out the eos token's log-probability",
     "log P sums the log-probabilities of all the candidate's tokens, its final eos included"),
    (lambda total, lp_eos, n, fin, a: (total - lp_eos) / max(1, n - fin) ** a,
     "log P and L both left out the final eos (as d2l's book does when it truncates at eos)",
     "here log P includes eos's log-probability and L counts eos"),
)


def _misscoring(case, seq: list[int]) -> tuple[str, str] | None:
    """(mistake, rule) of an eos-scoring mistake whose ranking of the correct candidates picks
    ``seq`` alone (None if none does, or ``seq`` is not a candidate)."""
    table, bos, eos, alpha = case["table"], case["bos"], case["eos"], case["alpha"]
    _, _, beams = _trace(table, bos, case["beam_size"], case["max_len"], alpha)
    candidates = {s for beam in beams for s in beam}
    if tuple(seq) not in candidates:
        return None
    terms = []
    for s in candidates:
        finished = s[-1] == eos
        lp_eos = table.row((bos,) + s[:-1])[eos] if finished else 0.0
        terms.append((s, _log_p(table, bos, list(s)), lp_eos, len(s), int(finished)))
    for score, mistake, rule in _MISSCORINGS:
        scores = {s: score(total, lp, n, fin, alpha) for s, total, lp, n, fin in terms}
        best = max(scores.values())
        if scores[tuple(seq)] >= best - 1e-9 and \
                sum(v >= best - 1e-9 for v in scores.values()) == 1:
            return mistake, rule
    return None


def _judge(out, expected: list[int], case, what: str | None = None, why: str = "") -> None:
    what = what or _what(case)
    seq = _as_tokens(out, what)
    if seq == expected:
        return
    table, bos, eos = case["table"], case["bos"], case["eos"]
    tail = f" {why}" if why else ""
    if not seq:
        if expected == [eos]:
            fail(f"{what} returned an empty list; the best sequence here is eos alone (a "
                 "one-token finished sequence): keep the eos of a finished sequence in the "
                 f"result.{tail}")
        fail(f"{what} returned an empty list; the empty start sequence is not a candidate, "
             f"the answer has at least one token.{tail}")
    if seq[0] == bos and seq[1:] == expected:
        fail(f"{what} returned the right tokens but with bos in front; the result must not "
             f"include bos.{tail}")
    misscored = _misscoring(case, seq)
    if expected and expected[-1] == eos and seq == expected[:-1]:
        # Two different mistakes return the winner's tokens without its eos: dropping the eos
        # from the result, or a ranking that leaves eos out of L or log P and so prefers the
        # unfinished prefix. Name the second only when its ranking gives this very answer.
        if misscored is None:
            fail(f"{what} returned the tokens of the best sequence without its final eos; keep "
                 f"the eos of a finished sequence in the result.{tail}")
        fail(f"{what} returned the tokens of the best sequence without its final eos. Either "
             "the eos was dropped from the result (keep it), or the candidates were ranked as "
             f"if {misscored[0]}, which makes this unfinished prefix win ({misscored[1]})."
             f"{tail}")
    if len(seq) > case["max_len"]:
        fail(f"{what} returned {len(seq)} tokens, more than max_len = {case['max_len']}: stop "
             f"after max_len steps.{tail}")
    if any(not 0 <= t < table.V for t in seq):
        fail(f"{what} returned a token id outside the vocabulary (0..{table.V - 1}); did you "
             f"include bos?{tail}")
    if eos in seq[:-1]:
        fail(f"{what} returned a sequence with eos before its last token: a finished sequence "
             f"must not be extended.{tail}")
    alpha = case["alpha"]
    got = _score(_log_p(table, bos, seq), len(seq), alpha)
    best = _score(_log_p(table, bos, expected), len(expected), alpha)
    if got < best:
        if misscored is not None:
            fail(f"{what} returned a sequence of {len(seq)} token(s), but a correct beam search "
                 "keeps a candidate with a higher score log P / L**alpha. Your choice is the "
                 f"best candidate if {misscored[0]}; {misscored[1]}.{tail}")
        fail(f"{what} returned a sequence of {len(seq)} token(s), but a correct beam search "
             "keeps a candidate with a higher score log P / L**alpha. Every sequence that was "
             "in the beam after any step is a candidate (short ones from early steps, finished "
             "ones, the last beam); log P includes eos's log-probability and L counts eos."
             f"{tail}")
    fail(f"{what} returned a sequence of {len(seq)} token(s) that a correct beam search never "
         "keeps (it scores higher than the correct answer, so the beam must have pruned it): "
         "keep exactly the beam_size best extensions over all parents at each step, extend "
         "only unfinished sequences, and do not let finished ones take places in the beam."
         f"{tail}")


def _expected(ref, case, device) -> list[int]:
    """The reference's answer, on the same decoder built here from the same fixture code."""
    step = beam.StepFn(case["table"], case["bos"], device)
    return ref.beam_search(step, case["bos"], case["eos"], case["beam_size"], case["max_len"],
                           case["alpha"])


def _perm(rng: torch.Generator, n: int) -> list[int]:
    return torch.randperm(n, generator=rng).tolist()


def _designed(rng, symbols: str, rows, bos_outside: bool = True, dtype=torch.float32):
    perm = _perm(rng, len(symbols))
    bos = len(symbols) if bos_outside else perm[symbols.index("A")]
    return DesignedTable(symbols, rows, perm, bos, dtype)


def _designed_case(table: DesignedTable, beam_size: int, max_len: int, alpha: float):
    return dict(table=table, bos=table.bos, eos=table.eos, beam_size=beam_size,
                max_len=max_len, alpha=alpha)


# Designed decoders. "E" is always eos.

# The length penalty decides: raw log P prefers "A"; with alpha = 0.75 "ABE" wins.
ALPHA_ROWS = {
    "": {"A": 0.5, "B": 0.3, "C": 0.15, "E": 0.05},
    "A": {"B": 0.9, "A": 0.04, "C": 0.03, "E": 0.03},
    "AB": {"E": 0.9, "A": 0.04, "B": 0.03, "C": 0.03},
}

# A near-certain chain A -> B -> E: the answer grows with max_len (A, AB, ABE).
CHAIN_ROWS = {
    "": {"A": 0.6, "B": 0.2, "C": 0.15, "E": 0.05},
    "A": {"B": 0.99},
    "AB": {"E": 0.999},
}

# "AB" (kept at step 2, unfinished, pruned later) beats everything the last beam holds.
EARLY_ROWS = {
    "": {"A": 0.6, "B": 0.25, "C": 0.1, "E": 0.05},
    "A": {"B": 0.99},
}

# The finished "AE" outranks "BCF" at step 3. If it kept its place in the beam, "BCF" would be
# pruned and the winner "BCFAAE" never found.
FINISHED_ROWS = {
    "": {"A": 0.54, "B": 0.44, "C": 0.01, "D": 0.005, "F": 0.003, "E": 0.002},
    "A": {"E": 0.6, "C": 0.2},
    "B": {"C": 0.99},
    "BC": {"D": 0.5, "F": 0.49},
    "BCD": {"E": 0.3},
    "BCF": {"A": 0.97},
    "BCFA": {"A": 0.97},
    "BCFAA": {"E": 0.97},
}

# Step 2 must keep the two best extensions overall, "AC" and "AD" (both from parent "A"),
# and drop "BC". The winner grows from "AD"; "BC" leads to a better chain the beam prunes.
GLOBAL_ROWS = {
    "": {"A": 0.5, "B": 0.35, "C": 0.06, "D": 0.05, "E": 0.04},
    "A": {"C": 0.6, "D": 0.35, "E": 0.01, "A": 0.02, "B": 0.02},
    "B": {"C": 0.45, "D": 0.3},
    "AD": {"A": 0.9},
    "ADA": {"A": 0.9},
    "ADAA": {"E": 0.9},
    "BC": {"A": 0.999},
    "BCA": {"A": 0.999},
    "BCAA": {"E": 0.999},
}


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------

@pytest.mark.points(4)
def test_matches_reference_on_random_step_functions(sub, ref, device, rng):
    for _ in range(60):
        case = _random_case(rng)
        out, _ = _call(sub, case, device)
        _judge(out, _expected(ref, case, device), case)


@pytest.mark.points(2)
def test_matches_reference_for_other_alphas(sub, ref, device, rng):
    for _ in range(40):
        case = _random_case(rng, alpha=(0.0, 0.5, 1.0, 1.5))
        out, _ = _call(sub, case, device)
        _judge(out, _expected(ref, case, device), case,
               why="The score of a candidate is log P / L**alpha with the alpha passed in.")


def _brute_force(table, bos: int, max_len: int, alpha: float):
    """Every sequence a beam that never prunes holds: length 1..max_len, eos only at the end."""
    scored = []

    def walk(seq: tuple[int, ...], total: float) -> None:
        if seq:
            scored.append((_score(total, len(seq), alpha), list(seq)))
            if len(seq) == max_len or seq[-1] == table.eos:
                return
        for t, lp in enumerate(table.row((bos,) + seq)):
            walk(seq + (t,), total + lp)

    walk((), 0.0)
    scored.sort(key=lambda x: -x[0])
    return scored[0][1], scored[0][0] - scored[1][0]


@pytest.mark.points(3)
def test_wide_beam_equals_exhaustive_search(sub, device, rng):
    sizes = [(3, 1), (3, 2), (3, 3), (3, 4), (4, 2), (4, 3), (5, 2), (6, 2), (8, 2), (8, 1)]
    for V, max_len in sizes:
        for _ in range(3):
            for _ in range(100):
                case = _random_case(rng, V=(V, V), max_len=(max_len, max_len),
                                    alpha=(0.75, 0.5, 1.0))
                expected, margin = _brute_force(case["table"], case["bos"], max_len,
                                                case["alpha"])
                if margin >= MARGIN:
                    break
            else:  # pragma: no cover
                raise AssertionError("could not draw a case without near ties")
            case["beam_size"] = V ** max_len + int(torch.randint(0, 3, (1,), generator=rng))
            out, _ = _call(sub, case, device)
            _judge(out, expected, case,
                   why="This beam is wide enough to keep every sequence, so nothing is pruned "
                       "and the answer must be the best of all sequences of length 1..max_len "
                       "(eos only at the end) by log P / L**alpha.")


def _greedy(table, bos: int, max_len: int, alpha: float):
    """Greedy decoding: argmax at every step; every greedy prefix is a candidate."""
    seq, total, scored, margin = [], 0.0, [], math.inf
    for _ in range(max_len):
        row = table.row((bos, *seq))
        order = sorted(range(len(row)), key=lambda t: -row[t])
        margin = min(margin, row[order[0]] - row[order[1]])
        seq = seq + [order[0]]
        total += row[order[0]]
        scored.append((_score(total, len(seq), alpha), seq))
        if seq[-1] == table.eos:
            break
    scored.sort(key=lambda x: -x[0])
    if len(scored) > 1:
        margin = min(margin, scored[0][0] - scored[1][0])
    return scored[0][1], margin


@pytest.mark.points(2)
def test_beam_size_one_is_greedy_search(sub, device, rng):
    for _ in range(30):
        for _ in range(100):
            case = _random_case(rng, beam=(1, 1), max_len=(1, 8), alpha=(0.75, 1.0))
            expected, margin = _greedy(case["table"], case["bos"], case["max_len"], case["alpha"])
            if margin >= MARGIN:
                break
        else:  # pragma: no cover
            raise AssertionError("could not draw a case without near ties")
        out, _ = _call(sub, case, device)
        _judge(out, expected, case,
               why="With beam_size = 1 beam search is greedy search: take the most likely token "
                   "at every step; the candidates are the greedy prefixes.")


@pytest.mark.points(2)
def test_length_penalty_lets_a_longer_sequence_win(sub, device, rng):
    table = _designed(rng, "EABC", ALPHA_ROWS)
    for alpha, answer in ((0.0, "A"), (0.75, "ABE"), (1.0, "ABE")):
        case = _designed_case(table, 2, 3, alpha)
        out, _ = _call(sub, case, device)
        _judge(out, table.seq(answer), case,
               why=("With alpha = 0 the score is the raw log-probability, and every extra token "
                    "lowers it, so the best one-token sequence wins." if alpha == 0 else
                    "Dividing log P by L**alpha (L counts eos) makes up for the extra factors "
                    "below 1 of a longer sequence; here a longer finished sequence wins."))


def test_alpha_zero_returns_the_best_first_token(sub, device, rng):
    for _ in range(15):
        case = _random_case(rng, alpha=0.0, max_len=(2, 6))
        row = case["table"].row((case["bos"],))
        expected = [max(range(len(row)), key=lambda t: row[t])]
        out, _ = _call(sub, case, device)
        _judge(out, expected, case,
               why="With alpha = 0 candidates compare by raw log-probability; an extension "
                   "only adds a log-probability <= 0, so the best first token is the answer. "
                   "The one-token sequences of step 1 are candidates too.")


@pytest.mark.points(2)
def test_candidates_include_every_step(sub, device, rng):
    for beam_size in (1, 2, 3):
        table = _designed(rng, "EABC", EARLY_ROWS)
        case = _designed_case(table, beam_size, 3, 0.75)
        out, _ = _call(sub, case, device)
        _judge(out, table.seq("AB"), case,
               why="The winner here is a sequence kept at step 2 that is neither finished nor in "
                   "the last beam: every sequence that was ever in the beam is a candidate.")


@pytest.mark.points(2)
def test_finished_sequences_leave_the_beam(sub, device, rng):
    table = _designed(rng, "EABCDF", FINISHED_ROWS)
    case = _designed_case(table, 2, 6, 0.75)
    out, _ = _call(sub, case, device)
    _judge(out, table.seq("BCFAAE"), case,
           why="A finished sequence (ending in eos) stays a candidate but gives up its place: the "
               "next beam is the beam_size best extensions of the unfinished sequences only.")


@pytest.mark.points(2)
def test_finished_sequences_are_never_extended(sub, ref, device, rng):
    done = 0
    for _ in range(200):
        case = _random_case(rng, beam=(2, 5), max_len=(2, 6), eos_bias=(1.0, 3.0))
        # Only cases where a sequence finishes before the last step test this.
        early = case["beams"][:case["max_len"] - 1]
        if not any(s[-1] == case["eos"] for beam in early for s in beam):
            continue
        out, _ = _call(sub, case, device, strict=True)
        _judge(out, _expected(ref, case, device), case)
        done += 1
        if done == 12:
            break


@pytest.mark.points(2)
def test_keeps_global_top_k_across_parents(sub, device, rng):
    table = _designed(rng, "EABCD", GLOBAL_ROWS)
    case = _designed_case(table, 2, 5, 0.75)
    out, _ = _call(sub, case, device)
    _judge(out, table.seq("ADAAE"), case,
           why="At each step rank all extensions of all parents together and keep the "
               "beam_size best overall: one strong parent may keep several children and a weak "
               "parent none.")


@pytest.mark.points(2)
def test_stops_after_max_len(sub, ref, device, rng):
    table = _designed(rng, "EABC", CHAIN_ROWS)
    for max_len, answer in ((1, "A"), (2, "AB"), (3, "ABE"), (5, "ABE")):
        case = _designed_case(table, 2, max_len, 0.75)
        out, _ = _call(sub, case, device)
        _judge(out, table.seq(answer), case,
               why="Run at most max_len steps (the first step extends the empty sequence), so "
                   "no candidate is longer than max_len; stop earlier only when every sequence "
                   "in the beam has finished.")
    for _ in range(20):
        case = _random_case(rng, max_len=(1, 4))
        out, _ = _call(sub, case, device)
        _judge(out, _expected(ref, case, device), case)


@pytest.mark.points(2)
def test_result_has_no_bos_and_keeps_eos(sub, device, rng):
    for bos_outside in (True, False):
        table = _designed(rng, "EABC", CHAIN_ROWS, bos_outside=bos_outside)
        case = _designed_case(table, 2, 4, 0.75)
        out, _ = _call(sub, case, device)
        _judge(out, table.seq("ABE"), case,
               why="Return the winning tokens without bos (bos can even be an id the decoder "
                   "may output) and with the eos that finished the sequence.")


def test_returns_list_of_python_ints(sub, device, rng):
    for _ in range(5):
        case = _random_case(rng)
        out, _ = _call(sub, case, device)
        _as_tokens(out, _what(case))


def test_step_fn_gets_list_prefixes_starting_with_bos(sub, device, rng):
    for _ in range(10):
        case = _random_case(rng, max_len=(2, 6))
        _, record = _call(sub, case, device, strict=True)
        if not record["calls"]:
            fail(f"{_what(case)} never called step_fn; the log-probabilities come only from "
                 "step_fn([bos, y1, ..., yt]).")


@pytest.mark.points(2)
def test_calls_step_fn_once_per_extended_sequence(sub, device, rng):
    for _ in range(25):
        case = _random_case(rng, max_len=(2, 7))
        _, record = _call(sub, case, device)
        calls = record["calls"]
        what, k, m = _what(case), case["beam_size"], case["max_len"]
        if len(calls) > k * m:
            fail(f"{what} called step_fn {len(calls)} times; a beam search extends at most "
                 f"beam_size sequences per step, so it needs at most beam_size * max_len = {k * m} "
                 "calls: one per extended sequence, whose result serves all its extensions.")
        if len(set(calls)) < len(calls):
            fail(f"{what} called step_fn more than once with the same prefix; call it once per "
                 "sequence you extend and reuse the log-probabilities for all its extensions.")


@pytest.mark.points(3)
def test_beam_holds_the_right_sequences_at_every_step(sub, device, rng):
    for _ in range(40):
        case = _random_case(rng, beam=(2, 5), max_len=(2, 7))
        _, record = _call(sub, case, device)
        calls = record["calls"]
        if sorted(calls) == sorted(case["extended"]):
            continue
        for n in sorted({len(c) for c in calls + case["extended"]}):
            got = sorted(c for c in calls if len(c) == n)
            want = sorted(c for c in case["extended"] if len(c) == n)
            if got != want:
                t = n - 1  # tokens after bos
                break
        fail(f"{_what(case)}: at step {t + 1} your search called step_fn for {len(got)} "
             f"prefix(es) of {t} token(s) that differ from the unfinished sequences a correct "
             f"beam holds after step {t} ({len(want)} of them). The beam after a step is the "
             "beam_size best extensions of all its unfinished sequences together (ranked by "
             "total log-probability, not per parent); finished sequences leave it; step 1 "
             "extends only [bos]; there are at most max_len steps.")


def test_does_not_mutate_prefixes_given_to_step_fn(sub, device, rng):
    # eos is made unlikely, so the winner is usually a sequence that was extended later.
    for alpha in (0.0, 0.0, 0.0, 0.75, 0.75, 0.75, 0.75, 1.0, 1.0, 1.5):
        case = _random_case(rng, max_len=(2, 6), alpha=alpha, eos_bias=(-4.0, -2.0))
        _, record = _call(sub, case, device, strict=True)
        if record["changed"]:
            fail(record["changed"])


def test_invalid_arguments_raise_value_error(sub, device, rng):
    case = _random_case(rng)
    step = make(sub, STEP_FN, case["table"].spec, case["bos"], device)
    for beam_size, max_len in ((0, 3), (-1, 3), (2, 0), (2, -2), (0, 0)):
        expect_raises(ValueError, sub.beam_search, step, case["bos"], case["eos"], beam_size,
                      max_len, what=f"beam_search(step_fn, ..., beam_size={beam_size}, "
                                    f"max_len={max_len})",
                      why="beam_size and max_len must both be at least 1.")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16],
                         ids=["float32", "float64", "float16", "bfloat16"])
def test_accepts_step_fn_output_dtype_and_device(sub, ref, device, rng, dtype):
    half = dtype in (torch.float16, torch.bfloat16)
    for _ in range(10):
        case = _random_case(rng, dtype=dtype)
        out, _ = _call(sub, case, device)
        _judge(out, _expected(ref, case, device), case,
               why=f"step_fn returns {dtype} log-probabilities on {device.type}; read them "
                   "whatever their dtype and device" + (
                       " (half precision too: numpy has no bfloat16, so .numpy() fails on it)"
                       if half else "") + " and add them up in float64 or Python floats.")
