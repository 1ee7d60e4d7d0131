from django.contrib import admin

from config.models import SignInToken


@admin.register(SignInToken)
class SignInTokenAdmin(admin.ModelAdmin):
    """Each device's sign-in: deleting one signs that device out.

    Only a digest of each token is stored, so there is no token to show or to copy.
    """

    list_display = ["user", "device", "created", "expires"]
    search_fields = ["user__username", "device"]
    readonly_fields = ["user", "device", "created", "expires"]

    def has_add_permission(self, request) -> bool:
        return False
