from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the email address, in any case (both are unique in any case)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        # At most two matches: the user with that username and the user with that email.
        # Both are tried (the username's first): anyone may register a username spelled
        # like another user's email, and that must not lock the email's owner out.
        matches = list(
            user_model.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))[:2]
        )
        if not matches:
            # Same cost as a real check, so timing does not reveal which usernames exist.
            user_model().set_password(password)
            return None
        matches.sort(key=lambda user: user.username.casefold() != username.casefold())
        for user in matches:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
