from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the email address, in any case (both are unique in any case)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        user = (
            user_model.objects.filter(username__iexact=username).first()
            or user_model.objects.filter(email__iexact=username).first()
        )
        if user is None:
            # Same cost as a real check, so timing does not reveal which usernames exist.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
