"""Errors anchorlib raises on bad input: each names what, where, and what to do."""


class AnchorError(Exception):
    """Base class: every error anchorlib raises on bad data or bad input."""


class UnknownSourceError(AnchorError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


class MissingSourceFileError(AnchorError, FileNotFoundError):
    pass


class ChecksumMismatchError(AnchorError):
    pass


class DataValidationError(AnchorError, ValueError):
    """A file failed its declared schema; ``failures`` holds every problem found."""

    def __init__(self, message: str, failures=None):
        super().__init__(message)
        self.failures = failures


class PlaceError(AnchorError, ValueError):
    """A place specification is invalid (unknown code, bad YAML, ...)."""


class PostcodeError(AnchorError, ValueError):
    pass
