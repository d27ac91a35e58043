from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nuanjia.accounts"
    label = "accounts"
    verbose_name = _("Sign-in and security")

    def ready(self):
        # The admin site's own login form would skip the lockout, the audit and the second
        # factor: send it to our login page. Runs before the URLconf builds admin.site.urls.
        from django.contrib import admin

        from nuanjia.orgs.signals import staff_credentials_changed

        from .services import revoke_tokens_on_credentials_change
        from .views import admin_login_view

        admin.site.login = admin_login_view
        staff_credentials_changed.connect(
            revoke_tokens_on_credentials_change, dispatch_uid="accounts.revoke_tokens"
        )
