"""Sign-in tokens: one for each device that signs in, stored as a hash, each with an end."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_digest(key: str) -> str:
    """The form a token is stored in: its SHA-256, which cannot be turned back into it.

    A token is 256 random bits, so a fast hash suffices; a slow one, as for passwords,
    would only slow down every request.
    """
    return hashlib.sha256(key.encode()).hexdigest()


class SignInTokenQuerySet(models.QuerySet):
    def live(self) -> "SignInTokenQuerySet":
        return self.filter(expires__gt=timezone.now())


class SignInToken(models.Model):
    """One device's sign-in: the database keeps its digest, never the token itself."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_tokens"
    )
    # What the device called itself when it signed in (its User-Agent), to tell them apart.
    device = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)

    objects = SignInTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} on {self.device or 'an unnamed device'}"

    @classmethod
    def issue(cls, user, device: str = "") -> tuple["SignInToken", str]:
        """Makes a token for one device; returns it and the key, which only its owner keeps."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            digest=token_digest(key),
            device=device[: cls._meta.get_field("device").max_length],
            expires=timezone.now() + settings.SIGN_IN_TOKEN_LIFETIME,
        )
        return token, key
