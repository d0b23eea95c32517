from rest_framework.permissions import BasePermission


class IsShopAdmin(BasePermission):
    """Holds the `admin` role (is_staff), read from the database on this very request."""

    message = "This needs the admin role."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_shop_admin)
