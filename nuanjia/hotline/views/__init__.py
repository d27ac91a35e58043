"""Hotline pages: the agent desk (intake with caller lookup), queues, a ticket with its
timeline and the steps the user's roles allow, KPIs with drill-down, the export, and the
public pages (submit, follow). Every write goes through services.

One module per subject (desk, lists, ticket, public); the views are re-exported here for
urls.py."""

from .desk import (
    desk_view,
    lookup_view,
)
from .lists import (
    PAGE_SIZE,
    kpi_view,
    ticket_export_view,
    ticket_list_view,
)
from .member import my_request_new_view, my_request_view, my_requests_view
from .public import (
    public_follow_view,
    public_submit_view,
)
from .ticket import (
    STEP_PAGES,
    attach_view,
    attachment_view,
    fast_track_approve_view,
    fast_track_open_view,
    fast_track_paperwork_view,
    hold_view,
    link_worker_view,
    note_view,
    step_view,
    ticket_detail_view,
)

__all__ = [
    "PAGE_SIZE",
    "STEP_PAGES",
    "attach_view",
    "attachment_view",
    "desk_view",
    "fast_track_approve_view",
    "fast_track_open_view",
    "fast_track_paperwork_view",
    "hold_view",
    "kpi_view",
    "link_worker_view",
    "lookup_view",
    "my_request_new_view",
    "my_request_view",
    "my_requests_view",
    "note_view",
    "public_follow_view",
    "public_submit_view",
    "step_view",
    "ticket_detail_view",
    "ticket_export_view",
    "ticket_list_view",
]
