"""Exports of the course to other tools (nbgrader)."""
