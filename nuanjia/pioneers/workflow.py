"""The 工人先锋号 title's lifecycle (ADR 0010, ADR 0028): nominated by a grassroots union,
reviewed and publicised (公示) by a higher union by someone other than the nominator, then
awarded at the union's level or refused with a reason; an awarded title passes its annual
review (年度复核) or is revoked (撤销) with a reason by the awarding level."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Title, TitleEvent
from .rules import TitleStatus, TitleStep

S = TitleStatus
CHECKERS = [Role.REVIEWER, Role.APPROVER]
NOT_NOMINATOR = {"nominated_by": _("Someone other than the nominator reviews the nomination.")}

TITLE_FLOW = Workflow(
    name="pioneers.title",
    model=Title,
    history=TitleEvent,
    history_fk="title",
    noun=_("Worker Pioneer nomination"),
    status_labels=TitleStatus,
    step_labels=TitleStep,
    states=[
        State(S.NOMINATED, queue=frozenset({Role.REVIEWER})),
        State(S.PUBLICITY, queue=frozenset({Role.APPROVER})),
        State(S.AWARDED, queue=frozenset({Role.REVIEWER})),
        State(S.REFUSED),
        State(S.REVOKED),
    ],
    steps=[
        step(TitleStep.REVIEW, sources=[S.NOMINATED], target=S.PUBLICITY, roles=CHECKERS,
             stamp="reviewed_by", not_by=NOT_NOMINATOR,
             fields=("publicity_starts_on", "publicity_ends_on", "note")),
        step(TitleStep.AWARD, sources=[S.PUBLICITY], target=S.AWARDED, roles=[Role.APPROVER],
             stamp="awarded_by", not_by=NOT_NOMINATOR,
             fields=("level", "award_year", "certificate_number", "note")),
        step(TitleStep.REFUSE, sources=[S.NOMINATED, S.PUBLICITY], target=S.REFUSED,
             roles=CHECKERS, not_by=NOT_NOMINATOR,
             reason=_("Say why the team is not awarded the title."),
             roles_by_source={S.PUBLICITY: [Role.APPROVER]}),
        step(TitleStep.PASS_REVIEW, sources=[S.AWARDED], target=S.AWARDED, roles=CHECKERS,
             not_by=NOT_NOMINATOR, fields=("review_year", "note")),
        step(TitleStep.REVOKE, sources=[S.AWARDED], target=S.REVOKED, roles=CHECKERS,
             stamp="revoked_by", not_by=NOT_NOMINATOR,
             reason=_("Say why the title is revoked.")),
    ],
)  # fmt: skip
