"""The lifecycle of a station grant (驿站建设/运维补助), declared once for the workflow engine:
proposed by a keeper of the host union, approved (money reserved) by an approver who did not
propose it, paid by finance, or cancelled before payment."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import StationGrant, StationGrantEvent

Status = StationGrant.Status
# Who keeps a station's record: the host union's caseworkers and the station keepers.
KEEPER_ROLES = frozenset({Role.CASEWORKER, Role.STATION_KEEPER})


class GrantStep(models.TextChoices):
    APPROVE = "approve", _("Approve and reserve the money")  # 审批: reserved in the ledger
    PAY = "pay", _("Record as paid")  # 支付: the reservation is spent
    WITHDRAW = "withdraw", _("Withdraw the proposal")  # 撤回: nothing was reserved yet
    CANCEL = "cancel", _("Cancel the grant")  # 撤销: the reservation is released


GRANT_FLOW = Workflow(
    name="station",
    model=StationGrant,
    history=StationGrantEvent,
    history_fk="grant",
    noun=_("grant"),
    status_labels=Status,
    step_labels=GrantStep,
    states=[
        State(Status.PROPOSED, queue=frozenset({Role.APPROVER})),  # keepers may withdraw it
        State(Status.APPROVED, queue=frozenset({Role.FINANCE})),
        State(Status.PAID),
        State(Status.CANCELLED),
    ],
    steps=[
        step(
            GrantStep.APPROVE,
            sources=[Status.PROPOSED],
            target=Status.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            action="grant_approved",
            not_by={"proposed_by": _("You proposed this grant; another person must approve it.")},
        ),
        step(
            GrantStep.PAY,
            sources=[Status.APPROVED],
            target=Status.PAID,
            roles=[Role.FINANCE],
            action="grant_paid",
        ),
        # A proposed grant is withdrawn by its keepers; an approved one (money reserved) is
        # cancelled by an approver. Both end as cancelled.
        step(
            GrantStep.WITHDRAW,
            sources=[Status.PROPOSED],
            target=Status.CANCELLED,
            roles=KEEPER_ROLES,
            action="grant_cancelled",
        ),
        step(
            GrantStep.CANCEL,
            sources=[Status.APPROVED],
            target=Status.CANCELLED,
            roles=[Role.APPROVER],
            action="grant_cancelled",
            reason=_("Say why the grant is cancelled."),
        ),
    ],
)
