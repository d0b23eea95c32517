"""The one base of every domain error. Each app's exceptions.py subclasses it.

A domain error carries a machine ``code`` (part of the API contract), a human
``detail`` and optional ``extra`` data. The API turns it into
``{"detail", "code", **extra}`` with its ``status_code``; the storefront and the
admin show ``detail`` as a message.
"""


class DomainError(Exception):
    status_code = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state."

    def __init__(self, detail: str | None = None, **extra):
        self.detail = detail or self.default_detail
        self.extra = extra
        super().__init__(self.detail)

    def as_dict(self) -> dict:
        return {"detail": self.detail, "code": self.code, **self.extra}


class InvalidInput(DomainError):
    """Input the service refuses although its shape is valid (a 400, not a 409)."""

    status_code = 400
    code = "invalid"
    default_detail = "Invalid input."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class InvalidTransition(DomainError):
    code = "invalid_transition"
    default_detail = "That status change is not allowed."
