"""Errors the engine raises for bad documents and bad policy files."""


class InvalidDocument(ValueError):  # noqa: N818 -- the name is the public contract (issue 3)
    """A misper/1 document that cannot be assessed.

    `field` is a dotted, indexed path such as ``child.vulnerabilities[1]`` (``$`` for the whole
    document) and `message` says what is wrong with it, in plain English.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def as_dict(self) -> dict[str, str]:
        """Return the error as ``{"field", "message"}`` for JSON output."""
        return {"field": self.field, "message": self.message}


class PolicyError(ValueError):
    """A policy that cannot be found, read or trusted. The message names the file and the key."""
