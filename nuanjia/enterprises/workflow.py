"""The enterprises app's lifecycles, declared once for the workflow engine: a rent relief is
proposed by a caseworker and approved by another person (the register and the schedules
change, the refund of rent already paid is reserved), or cancelled (everything reversed)."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import (
    FirmHelp,
    FirmHelpEvent,
    RebateBatch,
    RebateBatchEvent,
    RentRelief,
    RentReliefEvent,
)
from .rules import (
    HelpStatus,
    HelpStep,
    RebateBatchStatus,
    RebateBatchStep,
    ReliefStatus,
    ReliefStep,
)

RELIEF_FLOW = Workflow(
    name="enterprises.rent_relief",
    model=RentRelief,
    history=RentReliefEvent,
    history_fk="relief",
    noun=_("rent relief"),
    status_labels=ReliefStatus,
    step_labels=ReliefStep,
    states=[
        State(ReliefStatus.PROPOSED, queue=frozenset({Role.APPROVER})),
        # Approved: finance sends the refund of rent already paid to the bank.
        State(ReliefStatus.APPROVED, queue=frozenset({Role.FINANCE})),
        State(ReliefStatus.CANCELLED),
    ],
    steps=[
        step(
            ReliefStep.APPROVE,
            sources=[ReliefStatus.PROPOSED],
            target=ReliefStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"proposed_by": _("You proposed this relief; another person must approve it.")},
        ),
        step(
            ReliefStep.CANCEL,
            sources=[ReliefStatus.PROPOSED, ReliefStatus.APPROVED],
            target=ReliefStatus.CANCELLED,
            roles=[Role.CASEWORKER, Role.APPROVER, Role.FINANCE],
            roles_by_source={
                ReliefStatus.PROPOSED: frozenset({Role.CASEWORKER, Role.APPROVER}),
                ReliefStatus.APPROVED: frozenset({Role.APPROVER, Role.FINANCE}),
            },
            reason=_("Say why the relief is cancelled."),
        ),
    ],
)


REBATE_BATCH_FLOW = Workflow(
    name="enterprises.rebate_batch",
    model=RebateBatch,
    history=RebateBatchEvent,
    history_fk="batch",
    noun=_("rebate batch"),
    status_labels=RebateBatchStatus,
    step_labels=RebateBatchStep,
    states=[
        State(RebateBatchStatus.STAGED, queue=frozenset({Role.APPROVER})),
        State(RebateBatchStatus.APPROVED),
        State(RebateBatchStatus.CANCELLED),
    ],
    steps=[
        step(
            RebateBatchStep.APPROVE,
            sources=[RebateBatchStatus.STAGED],
            target=RebateBatchStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"staged_by": _("You staged these rebates; another person must approve them.")},
        ),
        step(
            RebateBatchStep.CANCEL,
            sources=[RebateBatchStatus.STAGED],
            target=RebateBatchStatus.CANCELLED,
            roles=[Role.FINANCE, Role.APPROVER],
            reason=_("Say why the staged rebates are cancelled."),
        ),
    ],
)


HELP_FLOW = Workflow(
    name="enterprises.help",
    model=FirmHelp,
    history=FirmHelpEvent,
    history_fk="help",
    noun=_("help for a firm"),
    status_labels=HelpStatus,
    step_labels=HelpStep,
    states=[
        State(HelpStatus.PROPOSED, queue=frozenset({Role.APPROVER})),
        State(HelpStatus.PAID),
        State(HelpStatus.CANCELLED),
    ],
    steps=[
        step(
            HelpStep.APPROVE,
            sources=[HelpStatus.PROPOSED],
            target=HelpStatus.PAID,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"proposed_by": _("You proposed this help; another person must approve it.")},
        ),
        step(
            HelpStep.CANCEL,
            sources=[HelpStatus.PROPOSED],
            target=HelpStatus.CANCELLED,
            roles=[Role.CASEWORKER, Role.APPROVER],
            reason=_("Say why the help is cancelled."),
        ),
    ],
)
