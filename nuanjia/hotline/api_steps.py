"""Request bodies of the ticket steps' own API operations (`POST /tickets/{id}/<step>`)."""

from ninja import Field, Schema

from .rules import Step

REASON = Field(..., min_length=1, max_length=2000)


class TicketClassifyIn(Schema):
    kind: str = Field(..., description="What the request is about (rules.Kind).")
    ticket_class: str = Field(..., description="general, difficult or complex.")
    is_urgent: bool = False
    note: str = Field("", max_length=2000)


class TicketDispatchIn(Schema):
    org_code: str = Field("", description="Empty: the proposed union.")
    reason: str = Field("", max_length=2000, description="Needed for another union.")


class TicketReasonIn(Schema):
    reason: str = REASON


class TicketTransferIn(Schema):
    org_code: str = Field(..., min_length=1, description="The code of the union to take it.")
    reason: str = REASON


class TicketAnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=2000)


class TicketCallBackIn(Schema):
    satisfaction: str = Field(..., description="satisfied, basic or unsatisfied.")
    comment: str = Field("", max_length=2000, description="Needed when unsatisfied.")
    escalate: bool = Field(False, description="Unsatisfied: send it up to the parent union.")


STEP_SCHEMAS: dict[str, type[Schema]] = {
    Step.CLASSIFY: TicketClassifyIn,
    Step.DISPATCH: TicketDispatchIn,
    Step.RETURN: TicketReasonIn,
    Step.TRANSFER: TicketTransferIn,
    Step.PAUSE: TicketReasonIn,
    Step.ANSWER: TicketAnswerIn,
    Step.CALL_BACK: TicketCallBackIn,
}

STEP_SUMMARIES = {
    Step.CLASSIFY: "Classify a ticket (kind, class, urgency; the deadlines follow)",
    Step.DISPATCH: "Dispatch a ticket to the responsible union",
    Step.ACCEPT: "Accept a dispatched ticket (the first contact)",
    Step.START: "Start handling an accepted ticket",
    Step.RETURN: "Return a ticket to whoever dispatched it, with the reason",
    Step.TRANSFER: "Transfer a ticket to another union, with the reason",
    Step.PAUSE: "Pause a ticket while waiting for the caller (the resolution clock stops)",
    Step.RESUME: "Resume a paused ticket",
    Step.ANSWER: "Record the answer given to the caller",
    Step.CALL_BACK: "Record the call-back and the caller's satisfaction",
    Step.CLOSE: "Close a called-back ticket",
}
