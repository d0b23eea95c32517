"""Small pieces the API viewsets share."""

from rest_framework.permissions import IsAuthenticated

from petshop.core.api.permissions import IsShopAdmin


class AdminActionsMixin:
    """Actions named in `admin_actions` need the admin role; the others any user.
    Permissions run before get_object(), so a customer on an admin action is a 403."""

    admin_actions: frozenset[str] = frozenset()

    def get_permissions(self):
        if self.action in self.admin_actions:
            return [IsShopAdmin()]
        return [IsAuthenticated()]


def validated(serializer_class, data, **kwargs) -> dict:
    """Parse a request body with an input serializer; a 400 with DRF's shape if it is wrong."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
