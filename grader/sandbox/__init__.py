"""Grading in two kinds of process: the checker (:mod:`grader.sandbox.host`, trusted, never
runs learner code) and the sandbox (:mod:`grader.sandbox.server`, runs it, holds no secret).
Values cross by value (:mod:`grader.sandbox.wire`)."""
