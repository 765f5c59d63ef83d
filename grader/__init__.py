"""learn: self-grading Dive into Deep Learning exercises and quizzes.

The package is the engine: the CLI (:mod:`grader.cli`), the catalog (:mod:`grader.catalog`),
the runner that grades a submission in a separate process (:mod:`grader.runner`), quizzes,
progress and rendering. Hidden checks live in ``grader/checks/``. Importing this package
never imports torch.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
