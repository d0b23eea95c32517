from rest_framework.permissions import BasePermission

from petshop.core.roles import is_shop_admin


class IsShopAdmin(BasePermission):
    """Holds the `admin` role (is_staff), read from the database on this very request."""

    message = "This needs the admin role."

    def has_permission(self, request, view):
        return is_shop_admin(request.user)
