"""The one error type a step raises for bad input or a failed tool; the CLI turns it into exit 1."""

from __future__ import annotations


class StepError(Exception):
    """A failure the user can act on: the message names what is wrong and, where possible, the fix."""

    def __init__(self, message: str, log_tail: str = "") -> None:
        super().__init__(message)
        self.log_tail = log_tail
