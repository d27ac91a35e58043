"""The buy-to-help order's lifecycle, declared once for the workflow engine: drawn up and
submitted by a caseworker of the buying union, approved (by another person when the amount is
above the union's limit; the amount reserved in the ledger), delivered by the producer and
received by the union, then paid to the producer by the payment batches (`order_payable`:
in a batch, paid or failed); cancelled on the way, its reservation released."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import HelpOrder, HelpOrderEvent
from .rules import OrderStatus, OrderStep

S = OrderStatus

ORDER_FLOW = Workflow(
    name="produce.order",
    model=HelpOrder,
    history=HelpOrderEvent,
    history_fk="order",
    noun=_("buy-to-help order"),
    status_labels=OrderStatus,
    step_labels=OrderStep,
    states=[
        State(S.DRAFT, queue=frozenset({Role.CASEWORKER})),
        State(S.SUBMITTED, queue=frozenset({Role.APPROVER})),
        State(S.APPROVED, queue=frozenset({Role.CASEWORKER})),
        State(S.DELIVERED, queue=frozenset({Role.CASEWORKER})),
        State(S.RECEIVED, queue=frozenset({Role.FINANCE})),
        State(S.IN_BATCH),  # the batch moves it (core.payables)
        State(S.PAID),
        State(S.FAILED, queue=frozenset({Role.FINANCE})),
        State(S.CANCELLED),
    ],
    steps=[
        step(
            OrderStep.SUBMIT,
            sources=[S.DRAFT],
            target=S.SUBMITTED,
            roles=[Role.CASEWORKER],
            stamp="submitted_by",
        ),
        # Above the union's limit the service refuses the submitter (maker-checker).
        step(
            OrderStep.APPROVE,
            sources=[S.SUBMITTED],
            target=S.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
        ),
        step(
            OrderStep.DELIVER,
            sources=[S.APPROVED],
            target=S.DELIVERED,
            roles=[Role.CASEWORKER],
        ),
        step(
            OrderStep.RECEIVE,
            sources=[S.DELIVERED],
            target=S.RECEIVED,
            roles=[Role.CASEWORKER],
            stamp="received_by",
        ),
        step(
            OrderStep.CANCEL,
            sources=[S.DRAFT, S.SUBMITTED, S.APPROVED, S.DELIVERED, S.RECEIVED, S.FAILED],
            target=S.CANCELLED,
            roles=[Role.CASEWORKER, Role.APPROVER, Role.FINANCE],
            roles_by_source={
                S.DRAFT: [Role.CASEWORKER],
                S.SUBMITTED: [Role.CASEWORKER, Role.APPROVER],
                S.APPROVED: [Role.APPROVER],
                S.DELIVERED: [Role.APPROVER],
                S.RECEIVED: [Role.APPROVER, Role.FINANCE],
                S.FAILED: [Role.APPROVER, Role.FINANCE],
            },
            reason=_("Say why the order is cancelled."),
        ),
    ],
)
