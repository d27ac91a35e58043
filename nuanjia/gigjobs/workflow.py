"""The match's lifecycle (撮合): proposed by the corner's staff (waiting for the worker's
consent) or by the worker (consented at once); started, completed with the days worked, a
no-show, or cancelled. A member consents or declines on the phone (services.matches); the
staff record a consent given in person through the CONSENT step."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Match, MatchEvent
from .rules import MatchStatus, MatchStep

S = MatchStatus
STAFF = [Role.CASEWORKER, Role.APPROVER]
QUEUE = frozenset({Role.CASEWORKER})

MATCH_FLOW = Workflow(
    name="gigjobs.match",
    model=Match,
    history=MatchEvent,
    history_fk="match",
    noun=_("match"),
    status_labels=MatchStatus,
    step_labels=MatchStep,
    states=[
        State(S.PROPOSED, queue=QUEUE),
        State(S.CONSENTED, queue=QUEUE),
        State(S.STARTED, queue=QUEUE),
        State(S.COMPLETED),
        State(S.CANCELLED),
        State(S.NO_SHOW),
        State(S.DECLINED),
    ],
    steps=[
        step(MatchStep.CONSENT, sources=[S.PROPOSED], target=S.CONSENTED, roles=STAFF,
             stamp="consent_recorded_by"),
        step(MatchStep.DECLINE, sources=[S.PROPOSED], target=S.DECLINED, roles=STAFF),
        step(MatchStep.START, sources=[S.CONSENTED], target=S.STARTED, roles=STAFF),
        step(MatchStep.COMPLETE, sources=[S.STARTED], target=S.COMPLETED, roles=STAFF,
             fields=("note", "days_worked")),
        step(MatchStep.NO_SHOW, sources=[S.CONSENTED], target=S.NO_SHOW, roles=STAFF),
        step(MatchStep.CANCEL, sources=[S.PROPOSED, S.CONSENTED, S.STARTED], target=S.CANCELLED,
             roles=STAFF, stamp="decided_by", reason=_("Say why the match is cancelled.")),
    ],
)  # fmt: skip
