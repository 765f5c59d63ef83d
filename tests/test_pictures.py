"""Maps of the wrong cells (grader.pictures), in assert_close's messages and in a real check."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from grader import pictures
from grader.asserts import MESSAGE_BUDGET, CheckFailure, assert_close
from tests.conftest import ROOT


def _mask(rows: list[str]) -> list[list[bool]]:
    return [[ch == "x" for ch in row] for row in rows]


def test_text_map_one_character_per_cell() -> None:
    rows = ["........", "..xx....", "..xx....", "........", "........", ".......x"]
    assert pictures.text_map(_mask(rows)) == rows
    sentence = pictures.mask_map(_mask(rows))
    assert sentence == ("Map of the wrong cells (6x8; x wrong, . right): "
                        "........|..xx....|..xx....|........|........|.......x")


def test_big_masks_are_reduced_a_block_wrong_when_any_cell_is() -> None:
    mask = [[False] * 300 for _ in range(100)]
    mask[50][151] = True
    block = pictures.block_size((100, 300))
    assert block == (5, 7)
    rows = pictures.text_map(pictures.reduce(mask, block))
    assert len(rows) == 20 and {len(r) for r in rows} == {43}
    assert [(i, r.index("x")) for i, r in enumerate(rows) if "x" in r] == [(10, 21)]
    assert "one character per 5x7 block" in pictures.describe(rows, shape=(100, 300), block=block)


def test_block_size_fits_the_character_budget() -> None:
    for shape in [(6, 8), (24, 48), (100, 300), (1000, 7), (7, 1000), (512, 512)]:
        for budget in (60, 200, 500, None):
            rows, cols = pictures.block_size(shape, max_chars=budget)
            tall, wide = -(-shape[0] // rows), -(-shape[1] // cols)
            assert tall <= pictures.MAX_ROWS and wide <= pictures.MAX_COLS
            if budget is not None:
                assert tall * (wide + 1) <= budget or (rows, cols) == shape
    assert pictures.block_size((6, 8)) == (1, 1)


def test_uninformative_maps_are_left_out() -> None:
    assert pictures.mask_map(_mask(["xx", "xx"])) == ""
    assert pictures.mask_map(_mask(["..", ".."])) == ""
    assert pictures.mask_map(_mask([".x.x"])) == ""  # one row: the index says it all
    noisy = [[(i + j) % 2 == 0 for j in range(200)] for i in range(200)]
    assert pictures.mask_map(noisy) == ""  # every block has a wrong cell


def test_split_expand_and_html() -> None:
    message = "f(X): 2 of 6 values are wrong. Why. " + pictures.mask_map(_mask(["x..", "..x"]))
    text, heading, rows = pictures.split(message)
    assert text == "f(X): 2 of 6 values are wrong. Why." and rows == ["x..", "..x"]
    assert heading == "Map of the wrong cells (2x3; x wrong, . right)"
    assert pictures.expand(message, "> ").endswith("right):\n> x..\n> ..x")
    page = pictures.html(message + " <b>")  # not a map at the end any more: plain text
    assert "<svg" not in page and "&lt;b&gt;" in page
    page = pictures.html("<i> " + message)
    assert page.startswith("&lt;i&gt;") and page.count("<rect") == 6 and "#cf222e" in page
    assert pictures.split("no map here: ..|..") is None


def _message(actual: torch.Tensor, expected: torch.Tensor, **kwargs: str) -> str:
    with pytest.raises(CheckFailure) as info:
        assert_close(actual, expected, what=kwargs.get("what", "pool2d(X)"),
                     why=kwargs.get("why", "Padding never wins a max."))
    return str(info.value)


def test_assert_close_maps_a_2d_output() -> None:
    expected = torch.arange(48.0).reshape(6, 8) + 1000
    actual = expected.clone()
    actual[0, :] = 0
    message = _message(actual, expected)
    assert message.endswith("Map of the wrong cells (6x8; x wrong, . right): "
                            "xxxxxxxx|........|........|........|........|........")
    assert "1000" not in message and "1047" not in message  # never an expected value


def test_assert_close_maps_the_first_wrong_slice_of_a_batch() -> None:
    expected = torch.zeros(2, 3, 5, 4)
    actual = expected.clone()
    actual[0, 2, 1, 1] = 1
    actual[1, 0] = 1
    message = _message(actual, expected)
    assert "2 of 6 slices [i, j, :, :] have wrong values; the first is [0, 2, :, :]." in message
    _, heading, rows = pictures.split(message)
    assert heading == "Map of the wrong cells of [0, 2, :, :] (5x4; x wrong, . right)"
    assert rows == ["....", ".x..", "....", "....", "...."]
    actual[0, 2] = 1
    message = _message(actual, expected)
    assert message.endswith("the first is [0, 2, :, :], wrong in every cell.")


def test_assert_close_leaves_out_maps_that_tell_nothing() -> None:
    expected = torch.zeros(4, 5)
    assert "Map" not in _message(expected + 1, expected)  # all wrong
    assert "Map" not in _message(torch.tensor([0.0, 1.0]), torch.zeros(2))  # 1-D
    assert "Map" not in _message(torch.tensor([[0.0, 1.0]]), torch.zeros(1, 2))  # one row


def test_big_outputs_keep_the_message_within_its_budget() -> None:
    expected = torch.zeros(1, 1, 300, 400)
    actual = expected.clone()
    actual[0, 0, 100:120, 200:] = 1
    message = _message(actual, expected, what="conv2d(X of shape (1, 1, 300, 400), K)",
                       why="Each output is the sum of its window times the kernel. " * 4)
    assert len(message) <= MESSAGE_BUDGET
    _, heading, rows = pictures.split(message)
    assert "block" in heading and len(rows) <= pictures.MAX_ROWS
    assert max(len(r) for r in rows) <= pictures.MAX_COLS
    assert all(r.startswith(".") for r in rows) and any(r.endswith("x") for r in rows)
    # with no room left, the message keeps its text and drops the map
    long = _message(actual, expected, what="conv2d(X)", why="why " * 230)
    assert "Map" not in long and long.endswith("why")


@pytest.mark.slow
def test_a_real_failing_pooling_check_shows_where_padding_won(learn_home) -> None:
    """A max pooling that pads with zeros: with all-negative inputs the zero padding wins
    every border window, so the map of that check is a ring of x around dots."""
    variant = ROOT / "tests" / "variants" / "cnn" / "pooling" / "wrong_max_zero_padding.py"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "check", "cnn/pooling",
                           "--submission", str(variant), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    result = json.loads(proc.stdout)
    check = next(c for c in result["checks"] if c["name"] == "test_max_padding_never_wins"
                 or c["name"] == "max_padding_never_wins")
    assert check["outcome"] == "failed"
    found = pictures.split(check["message"])
    assert found is not None, check["message"]
    _, heading, rows = found
    assert heading.startswith("Map of the wrong cells (") and "x wrong, . right" in heading
    assert set(rows[0]) == {"x"} and set(rows[-1]) == {"x"}
    assert all(r[0] == r[-1] == "x" and set(r[1:-1]) == {"."} for r in rows[1:-1]), rows
