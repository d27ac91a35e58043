"""The help payment's lifecycle (困难劳模帮扶): proposed for a period by a caseworker,
approved by another person (the amount reserved on the union's 困难劳模帮扶 earmark in the
same transaction) or refused; then paid by the payment batches (`payable`: in a batch, paid
or failed)."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import HelpPayment, HelpPaymentEvent
from .rules import PaymentStatus, PaymentStep

S = PaymentStatus

PAYMENT_FLOW = Workflow(
    name="modelworkers.payment",
    model=HelpPayment,
    history=HelpPaymentEvent,
    history_fk="payment",
    noun=_("help payment"),
    status_labels=PaymentStatus,
    step_labels=PaymentStep,
    states=[
        State(S.PROPOSED, queue=frozenset({Role.APPROVER})),
        State(S.APPROVED),  # finance puts it in a batch (core.payables), no step here
        State(S.REFUSED),
        State(S.IN_BATCH),  # the batch moves it (core.payables)
        State(S.PAID),
        State(S.FAILED),  # into a new batch, reserved again (the payable)
    ],
    steps=[
        step(
            PaymentStep.APPROVE,
            sources=[S.PROPOSED],
            target=S.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"proposed_by": _("Someone other than the proposer approves the payment.")},
        ),
        step(
            PaymentStep.REFUSE,
            sources=[S.PROPOSED],
            target=S.REFUSED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            reason=_("Say why the payment is refused."),
        ),
    ],
)
