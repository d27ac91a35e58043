"""Domain errors shared by every app."""


class RuleViolation(Exception):
    """A business rule refused the action; the message is shown to the user as it is.

    `field` names the form or API field at fault, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "rule_violation"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
