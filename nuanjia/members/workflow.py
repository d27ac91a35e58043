"""The two staff decisions of the member portal, declared once for the workflow engine:
confirming a member's binding to a registry record (绑定确认) and deciding an online join
(入会审批)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Binding, BindingEvent, DataRequest, DataRequestEvent, Join, JoinEvent

DECIDING_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})


class BindingStep(models.TextChoices):
    CONFIRM = "confirm", _("Confirm it is this worker")  # 确认绑定
    REFUSE = "refuse", _("Refuse the binding")  # 不予绑定


BINDING_FLOW = Workflow(
    name="binding",
    model=Binding,
    history=BindingEvent,
    history_fk="binding",
    noun=_("binding"),
    status_labels=Binding.Status,
    step_labels=BindingStep,
    states=[
        State(Binding.Status.PENDING, queue=frozenset({Role.CASEWORKER})),
        State(Binding.Status.CONFIRMED),
        State(Binding.Status.REFUSED),
    ],
    steps=[
        step(
            BindingStep.CONFIRM,
            sources=[Binding.Status.PENDING],
            target=Binding.Status.CONFIRMED,
            roles=DECIDING_ROLES,
            stamp="decided_by",
            action="binding_confirmed",
        ),
        step(
            BindingStep.REFUSE,
            sources=[Binding.Status.PENDING],
            target=Binding.Status.REFUSED,
            roles=DECIDING_ROLES,
            stamp="decided_by",
            action="binding_refused",
            reason=_("Say why, for the member."),
        ),
    ],
)


class JoinStep(models.TextChoices):
    ACCEPT = "accept", _("Accept as a member")  # 同意入会
    REFUSE = "refuse", _("Refuse the application")  # 不予入会


JOIN_FLOW = Workflow(
    name="join",
    model=Join,
    history=JoinEvent,
    history_fk="join",
    noun=_("join application"),
    status_labels=Join.Status,
    step_labels=JoinStep,
    states=[
        State(Join.Status.POOL_REVIEW, queue=frozenset({Role.APPROVER})),
        State(Join.Status.UNION_REVIEW, queue=DECIDING_ROLES),
        State(Join.Status.ACCEPTED),
        State(Join.Status.REFUSED),
        State(Join.Status.WITHDRAWN),
    ],
    steps=[
        # A join to the county's holding pool is the county approver's; one to a named
        # workplace union its own staff's (or the county approver's, who sees below).
        step(
            JoinStep.ACCEPT,
            sources=Join.WAITING,
            target=Join.Status.ACCEPTED,
            roles=DECIDING_ROLES,
            roles_by_source={Join.Status.POOL_REVIEW: [Role.APPROVER]},
            stamp="decided_by",
            action="join_accepted",
        ),
        step(
            JoinStep.REFUSE,
            sources=Join.WAITING,
            target=Join.Status.REFUSED,
            roles=DECIDING_ROLES,
            roles_by_source={Join.Status.POOL_REVIEW: [Role.APPROVER]},
            stamp="decided_by",
            action="join_refused",
            reason=_("Say why, for the applicant."),
        ),
    ],
)


class DataStep(models.TextChoices):
    DONE = "done", _("Mark as done")  # 已办结 (the answer says what was done)
    REFUSE = "refuse", _("Refuse")  # 不予办理 (the answer says why)


DATA_FLOW = Workflow(
    name="data_request",
    model=DataRequest,
    history=DataRequestEvent,
    history_fk="request",
    noun=_("personal data request"),
    status_labels=DataRequest.Status,
    step_labels=DataStep,
    states=[
        State(DataRequest.Status.OPEN, queue=frozenset({Role.CASEWORKER})),
        State(DataRequest.Status.DONE),
        State(DataRequest.Status.REFUSED),
    ],
    steps=[
        step(
            DataStep.DONE,
            sources=[DataRequest.Status.OPEN],
            target=DataRequest.Status.DONE,
            roles=DECIDING_ROLES,
            stamp="decided_by",
            action="data_request_done",
            reason=_("Say what was done, for the member."),
        ),
        step(
            DataStep.REFUSE,
            sources=[DataRequest.Status.OPEN],
            target=DataRequest.Status.REFUSED,
            roles=DECIDING_ROLES,
            stamp="decided_by",
            action="data_request_refused",
            reason=_("Say why, for the member (the law that keeps the data, its date)."),
        ),
    ],
)
