"""What the relief app tells other apps, so they follow a payment without relief knowing them."""

from django.dispatch import Signal

# Sent inside the paying transaction (confirm_payment, or the bank-result import), once the
# grants are marked paid: kwargs grant_ids (list of Grant pks), paid_on (date), by. A receiver
# that raises undoes the payment.
grants_paid = Signal()
