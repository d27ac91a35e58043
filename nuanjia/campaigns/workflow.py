"""The campaigns' lifecycles, declared once for the workflow engine:

- an enrolment list (名单) is drawn up by caseworkers, submitted, and approved by an approver
  who did not submit it (maker-checker), or returned for changes;
- a goods purchase is proposed by a caseworker and approved by an approver who did not propose
  it: the money is spent from the ledger and the goods received into stock in one step;
- a screening finding (排查) waits for a caseworker's decision: a hardship application, a
  one-off grant (relief's maker-checker follows), or "no help needed" with the reason;
- a partner's monthly settlement (结算单) is prepared by a caseworker, confirmed or disputed
  by the partner on its own pages (not a staff step: `services.settlements` records it with
  the partner person's name), approved by another person with its amount reserved, then
  batched, paid or failed by the payment batches (`settlement_payable`); cancelled on the way.
"""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import (
    Finding,
    FindingEvent,
    GoodsPurchase,
    GoodsPurchaseEvent,
    Nomination,
    NominationEvent,
    Roster,
    RosterEvent,
)
from .partner_models import Settlement, SettlementEvent
from .rules import (
    FindingStatus,
    FindingStep,
    NominationStatus,
    NominationStep,
    PurchaseStatus,
    PurchaseStep,
    RosterStatus,
    RosterStep,
    SettlementStatus,
    SettlementStep,
)

ROSTER_FLOW = Workflow(
    name="campaigns.roster",
    model=Roster,
    history=RosterEvent,
    history_fk="roster",
    noun=_("enrolment list"),
    status_labels=RosterStatus,
    step_labels=RosterStep,
    states=[
        State(RosterStatus.DRAFT, queue=frozenset({Role.CASEWORKER})),
        State(RosterStatus.SUBMITTED, queue=frozenset({Role.APPROVER})),
        State(RosterStatus.APPROVED),
    ],
    steps=[
        step(
            RosterStep.SUBMIT,
            sources=[RosterStatus.DRAFT],
            target=RosterStatus.SUBMITTED,
            roles=[Role.CASEWORKER],
            stamp="submitted_by",
        ),
        step(
            RosterStep.APPROVE,
            sources=[RosterStatus.SUBMITTED],
            target=RosterStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"submitted_by": _("You submitted this list; another person must approve it.")},
        ),
        step(
            RosterStep.RETURN,
            sources=[RosterStatus.SUBMITTED],
            target=RosterStatus.DRAFT,
            roles=[Role.APPROVER],
            reason=_("Say what must change in the list."),
        ),
    ],
)

PURCHASE_FLOW = Workflow(
    name="campaigns.purchase",
    model=GoodsPurchase,
    history=GoodsPurchaseEvent,
    history_fk="purchase",
    noun=_("goods purchase"),
    status_labels=PurchaseStatus,
    step_labels=PurchaseStep,
    states=[
        State(PurchaseStatus.PROPOSED, queue=frozenset({Role.APPROVER})),
        State(PurchaseStatus.RECEIVED),
        State(PurchaseStatus.CANCELLED),
    ],
    steps=[
        step(
            PurchaseStep.APPROVE,
            sources=[PurchaseStatus.PROPOSED],
            target=PurchaseStatus.RECEIVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "proposed_by": _("You proposed this purchase; another person must approve it.")
            },
        ),
        step(
            PurchaseStep.CANCEL,
            sources=[PurchaseStatus.PROPOSED],
            target=PurchaseStatus.CANCELLED,
            roles=[Role.CASEWORKER, Role.APPROVER],
            reason=_("Say why the purchase is withdrawn."),
        ),
    ],
)

FINDING_FLOW = Workflow(
    name="campaigns.finding",
    model=Finding,
    history=FindingEvent,
    history_fk="finding",
    noun=_("screening finding"),
    status_labels=FindingStatus,
    step_labels=FindingStep,
    states=[
        State(FindingStatus.FOUND, queue=frozenset({Role.CASEWORKER})),
        State(FindingStatus.APPLIED),
        State(FindingStatus.GRANTED),
        State(FindingStatus.NO_HELP),
    ],
    steps=[
        step(
            FindingStep.OPEN_APPLICATION,
            sources=[FindingStatus.FOUND],
            target=FindingStatus.APPLIED,
            roles=[Role.CASEWORKER],
            stamp="decided_by",
        ),
        step(
            FindingStep.PROPOSE_GRANT,
            sources=[FindingStatus.FOUND],
            target=FindingStatus.GRANTED,
            roles=[Role.CASEWORKER],
            stamp="decided_by",
        ),
        step(
            FindingStep.NO_HELP,
            sources=[FindingStatus.FOUND],
            target=FindingStatus.NO_HELP,
            roles=[Role.CASEWORKER],
            stamp="decided_by",
            reason=_("Say why no help is needed."),
        ),
    ],
)

# Cancelling a settlement: caseworkers before approval (with approvers once it is confirmed),
# approvers and finance after it (the reservation is released then).
_SETTLEMENT_EARLY = (SettlementStatus.PREPARED, SettlementStatus.DISPUTED)
_SETTLEMENT_LATE = (SettlementStatus.APPROVED, SettlementStatus.FAILED)
_SETTLEMENT_LATE_ROLES = frozenset({Role.APPROVER, Role.FINANCE})

SETTLEMENT_FLOW = Workflow(
    name="campaigns.settlement",
    model=Settlement,
    history=SettlementEvent,
    history_fk="settlement",
    noun=_("settlement"),
    status_labels=SettlementStatus,
    step_labels=SettlementStep,
    states=[
        # Waiting for the partner: the caseworkers follow it up (and may cancel it).
        State(SettlementStatus.PREPARED, queue=frozenset({Role.CASEWORKER})),
        State(SettlementStatus.DISPUTED, queue=frozenset({Role.CASEWORKER})),
        State(SettlementStatus.CONFIRMED, queue=frozenset({Role.APPROVER})),
        State(SettlementStatus.APPROVED, queue=frozenset({Role.FINANCE})),
        State(SettlementStatus.IN_BATCH),  # the batch moves it (core.payables)
        State(SettlementStatus.PAID),
        State(SettlementStatus.FAILED, queue=frozenset({Role.FINANCE})),
        State(SettlementStatus.CANCELLED),
    ],
    steps=[
        # The partner's steps: no staff role takes them; the partner pages call the services.
        step(
            SettlementStep.CONFIRM,
            sources=[SettlementStatus.PREPARED],
            target=SettlementStatus.CONFIRMED,
            roles=[],
        ),
        step(
            SettlementStep.DISPUTE,
            sources=[SettlementStatus.PREPARED],
            target=SettlementStatus.DISPUTED,
            roles=[],
            reason=_("Say what is wrong with the statement."),
        ),
        step(
            SettlementStep.APPROVE,
            sources=[SettlementStatus.CONFIRMED],
            target=SettlementStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "prepared_by": _("You prepared this settlement; another person must approve it.")
            },
        ),
        step(
            SettlementStep.CANCEL,
            sources=[*_SETTLEMENT_EARLY, SettlementStatus.CONFIRMED, *_SETTLEMENT_LATE],
            target=SettlementStatus.CANCELLED,
            roles=[Role.CASEWORKER, *_SETTLEMENT_LATE_ROLES],
            roles_by_source={
                **dict.fromkeys(_SETTLEMENT_EARLY, frozenset({Role.CASEWORKER})),
                SettlementStatus.CONFIRMED: frozenset({Role.CASEWORKER, Role.APPROVER}),
                **dict.fromkeys(_SETTLEMENT_LATE, _SETTLEMENT_LATE_ROLES),
            },
            reason=_("Say why the settlement is cancelled."),
        ),
    ],
)


NOMINATION_FLOW = Workflow(
    name="campaigns.nomination",
    model=Nomination,
    history=NominationEvent,
    history_fk="nomination",
    noun=_("trip nomination"),
    status_labels=NominationStatus,
    step_labels=NominationStep,
    states=[
        State(NominationStatus.NOMINATED, queue=frozenset({Role.APPROVER})),
        # Approved: the caseworkers mark who went once the trip has left (todo_trips).
        State(NominationStatus.APPROVED, queue=frozenset({Role.CASEWORKER})),
        State(NominationStatus.ATTENDED),
        State(NominationStatus.ABSENT),
        State(NominationStatus.WITHDRAWN),
    ],
    steps=[
        step(
            NominationStep.APPROVE,
            sources=[NominationStatus.NOMINATED],
            target=NominationStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "nominated_by": _("You nominated this person; another person must approve it.")
            },
        ),
        step(
            NominationStep.REFUSE,
            sources=[NominationStatus.NOMINATED],
            target=NominationStatus.WITHDRAWN,
            roles=[Role.APPROVER],
            reason=_("Say why the nomination is refused."),
        ),
        step(
            NominationStep.WITHDRAW,
            sources=[NominationStatus.NOMINATED, NominationStatus.APPROVED],
            target=NominationStatus.WITHDRAWN,
            roles=[Role.CASEWORKER, Role.APPROVER],
            reason=_("Say why the nomination is withdrawn."),
        ),
    ],
)
