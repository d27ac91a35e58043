"""The staff decisions of the member portal, declared once for the workflow engine:
confirming a member's binding to a registry record (绑定确认), deciding an online join
(入会审批) and answering a request about personal data (个人信息申请). Each is one waiting
state (or two, for joins) and two steps, a yes and a no with its reason, both stamped with
who decided."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Step, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Binding, BindingEvent, DataRequest, DataRequestEvent, Join, JoinEvent

DECIDING_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})


def yes_and_no(
    names: type[models.TextChoices],
    prefix: str,
    *,
    sources: Iterable[str],
    yes: str,
    no: str,
    reasons: tuple[str | Promise, str | Promise],
    roles_by_source: Mapping[str, Iterable[str]] | None = None,
) -> list[Step]:
    """The two steps of a decision: the first of `names` moves to `yes`, the second to `no`;
    `reasons` are the notes each needs ("" for none). The actions are "<model>_<target>"."""
    yes_name, no_name = list(names)
    prefix = names.__name__.removesuffix("Step").lower()
    common: dict[str, Any] = {
        "sources": list(sources),
        "roles": DECIDING_ROLES,
        "stamp": "decided_by",
        "roles_by_source": roles_by_source,
    }
    return [
        step(yes_name, target=yes, action=f"{prefix}_{yes}", reason=reasons[0], **common),
        step(no_name, target=no, action=f"{prefix}_{no}", reason=reasons[1], **common),
    ]


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
    steps=yes_and_no(
        BindingStep,
        "binding",
        sources=[Binding.Status.PENDING],
        yes=Binding.Status.CONFIRMED,
        no=Binding.Status.REFUSED,
        reasons=("", _("Say why, for the member.")),
    ),
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
    # A join to the county's holding pool is the county approver's; one to a named workplace
    # union its own staff's (or the county approver's, who sees below).
    steps=yes_and_no(
        JoinStep,
        "join",
        sources=Join.WAITING,
        yes=Join.Status.ACCEPTED,
        no=Join.Status.REFUSED,
        reasons=("", _("Say why, for the applicant.")),
        roles_by_source={Join.Status.POOL_REVIEW: [Role.APPROVER]},
    ),
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
    steps=yes_and_no(
        DataStep,
        "data_request",
        sources=[DataRequest.Status.OPEN],
        yes=DataRequest.Status.DONE,
        no=DataRequest.Status.REFUSED,
        reasons=(
            _("Say what was done, for the member."),
            _("Say why, for the member (the law that keeps the data, its date)."),
        ),
    ),
)
