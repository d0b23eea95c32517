from petshop.core.exceptions import DomainError, InvalidInput, NotFound


class RoleAlreadyAssigned(DomainError):
    code = "role_already_assigned"
    default_detail = "The user already holds that role."


class RoleNotHeld(NotFound):
    code = "role_not_held"
    default_detail = "The user does not hold that role."


class LastRole(DomainError):
    code = "last_role"
    default_detail = "A user must keep at least one role."


class LastAdmin(DomainError):
    code = "last_admin"
    default_detail = "The last active admin cannot lose the admin role."


class InvalidResetToken(InvalidInput):
    code = "invalid_token"
    default_detail = "This password reset link is invalid, used or expired. Ask for a new one."
