"""Domain errors: the vocabulary shared by the HTML pages, the JSON API and socket acks.

Each error has a stable `code` (part of the public contract) and an HTTP status.
"""


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message, *, details=None):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self):
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class ValidationFailed(DomainError):
    code = "invalid"
    status = 422


class BadRequest(DomainError):
    code = "bad_request"
    status = 400


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidState(DomainError):
    code = "invalid_state"
    status = 409


class DeadlinePassed(DomainError):
    code = "deadline_passed"
    status = 409


class PayloadTooLarge(DomainError):
    code = "too_large"
    status = 413


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
