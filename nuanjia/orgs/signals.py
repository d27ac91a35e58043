"""What the orgs app tells the apps above it about staff accounts, without knowing them."""

from django.dispatch import Signal

# Sent inside the service's transaction when an account's credentials or powers change (password
# reset, roles changed, deactivated, moved to another union): kwargs staff, reason, by. Whatever
# an app above keeps for the account's old powers (accounts: API tokens) ends there.
staff_credentials_changed = Signal()
