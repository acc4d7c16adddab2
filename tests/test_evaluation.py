from __future__ import annotations

import pytest

from interviewer.evaluation import pearson, quadratic_weighted_kappa, spearman


def test_pearson_known_values() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0


def test_spearman_handles_ties() -> None:
    assert spearman([1, 2, 2, 3], [10, 20, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)


def test_quadratic_weighted_kappa() -> None:
    assert quadratic_weighted_kappa([0, 1, 2, 3], [0, 1, 2, 3], categories=4) == pytest.approx(1.0)
    # a worked example: hand-computed from the observed and expected matrices
    assert quadratic_weighted_kappa([0, 0, 1, 1], [0, 1, 1, 1], categories=2) == pytest.approx(0.5)
    assert quadratic_weighted_kappa([0, 3], [3, 0], categories=4) < 0
