"""What the people app tells other apps, so they follow a worker without people knowing them."""

from django.dispatch import Signal

# Sent inside accept_transfer's transaction, after the worker and household moved:
# kwargs worker, from_org, to_org, transfer, by. A receiver that raises undoes the transfer.
worker_transferred = Signal()
