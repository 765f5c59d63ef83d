"""Data transformation: normalization, standardization, decimal and log scaling
(the note: 数据工程 › 2. 数据变换(归一化, 正规化, 取对数, etc...)).

Features on very different scales (a price in the hundreds of thousands next to a count of
rooms) hurt gradient descent and distance-based models, so numeric columns are rescaled
first. Each transformation below works **per column** (per feature): every statistic is
reduced over axis 0, the rows, so one column never affects another. ``x`` is a 2-D numpy
array of shape (n_samples, n_features), of any numeric dtype (int, float32 or float64), and
every result is a new **float64** array of x's shape.

* Min-max normalization (归一化) to [a, b]::

      x' = (x - min) / (max - min) * (b - a) + a

  A constant column (max == min) maps to a, never to 0/0 = NaN.
* Z-score standardization (标准化)::

      x' = (x - mean) / std,   std = sqrt(sum((x - mean)^2) / (n - ddof))

  ``ddof = 0`` (the default) gives the population std, ``ddof = 1`` the sample std. A column
  whose std is 0 maps to 0.
* Decimal scaling: ``x' = x / 10^j``, with j the smallest integer >= 0 such that every
  ``|x'| < 1`` (strictly). The note writes ``max(abs(x)) <= 1``; the standard definition
  (Han & Kamber) and this exercise use ``< 1``: a column whose largest ``|x|`` is 1 gets
  j = 1, 100 gets j = 3, 1000 gets j = 4, 999.9 gets j = 3, 0.5 gets j = 0. Negative values
  count through ``|x|``, and an all-zero column has j = 0.
* Log scaling: ``x' = ln x`` (natural log), for positive, right-skewed data such as prices;
  any ``x <= 0`` raises ``ValueError``.
* d2l's variant (d2l: Multilayer Perceptrons > Predicting House Prices on Kaggle). d2l does
  ``all_features[numeric].apply(lambda x: (x - x.mean()) / x.std())`` and then
  ``fillna(0)``. Reproduce it **without pandas** (this package does not depend on it), on a
  2-D float array that may contain NaN for missing values:

  1. per column, mean and std with pandas' rules: NaN values are skipped (only the numbers
     present are counted) and ``std`` divides by ``n - 1`` (ddof = 1, unlike ``z_score``'s
     default);
  2. standardize, and only **then** replace every NaN by 0. After standardizing, 0 is the
     column's mean, so a missing value becomes the mean. (Filling with 0 first would pull
     the mean and std towards 0.)
  3. As in d2l, a column whose std is 0 (constant) or undefined (fewer than two numbers)
     becomes all zeros: ``0 / 0`` gives NaN, which the fill turns into 0.

  d2l's one-hot step (``pd.get_dummies(dummy_na=True)``) is separate and not part of this.

Worked example::

    x = np.array([[1.0, -4.0], [3.0, 0.0], [5.0, 4.0]])
    min_max(x)           # [[0, 0], [0.5, 0.5], [1, 1]]
    z_score(x)           # column 0: (x - 3) / sqrt(8/3)
    decimal_scaling(np.array([[99.0], [-100.0]]))   # ([[0.099], [-0.1]], array([3]))

Fill in the five functions, then run::

    learn check data/normalization

Rules: numpy only (``np.nanmean``, ``np.nanstd`` and friends are fine); no pandas, no
``sklearn.preprocessing``, no ``scipy.stats.zscore``. Never modify ``x`` in place (no
``x -= ...``, no ``x[np.isnan(x)] = 0`` on the caller's array): work on a float64 copy.
"""

import numpy as np


def min_max(x: np.ndarray, new_min: float = 0.0, new_max: float = 1.0) -> np.ndarray:
    """Scale each column linearly to [new_min, new_max]; a constant column becomes new_min."""
    raise NotImplementedError("implement min_max")


def z_score(x: np.ndarray, ddof: int = 0) -> np.ndarray:
    """Standardize each column: (x - mean) / std, std with n - ddof; std 0 gives 0."""
    raise NotImplementedError("implement z_score")


def decimal_scaling(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide each column by 10^j, j the smallest integer >= 0 with max |x| / 10^j < 1.

    Returns:
        ``(scaled, j)``: the float64 scaled array of x's shape and an integer (int64) array
        of shape (n_features,) with each column's j.
    """
    raise NotImplementedError("implement decimal_scaling")


def log_scaling(x: np.ndarray) -> np.ndarray:
    """The natural log of every element; raise ValueError if any element is <= 0."""
    raise NotImplementedError("implement log_scaling")


def standardize_like_d2l(x: np.ndarray) -> np.ndarray:
    """d2l's standardization: per column (x - mean) / std with NaN skipped and ddof = 1,
    then every NaN set to 0 (the column mean). Constant columns become 0."""
    raise NotImplementedError("implement standardize_like_d2l")
