"""Hardship pages: the file list and to-do lists, a file with its timeline and the steps the
user's roles allow, objections, changes, the publicity print view, the watch list, the
review due list and the 低保 standards table. Every write goes through services."""

# One module per page group: common, attachments, lists, opening, files (a file and its step pages),
# objections (and changes), publicity, reviews, standards, policies, copy. Their names are
# re-exported here for urls.py.
from .attachments import attachment_add_view, attachment_download_view, attachment_remove_view
from .common import FORM_FIELDS, INLINE_BULK_LIMIT, PAGE_SIZE, SEARCH_LIMIT
from .copy import worker_copy_view
from .files import STEP_PAGES, file_detail_view, step_view
from .lists import (
    file_export_view,
    file_list_view,
    objection_list_view,
    watch_export_view,
    watch_list_view,
)
from .objections import change_view, objection_new_view, objection_resolve_view
from .opening import file_new_view
from .policies import POLICY_FIELDS, policies_view, policy_edit_view, policy_new_view
from .publicity import publicity_export_view, publicity_view
from .reviews import review_list_view
from .standards import (
    STANDARD_KINDS,
    reassess_view,
    standard_edit_view,
    standard_new_view,
    standards_view,
    wage_edit_view,
)

__all__ = [
    "FORM_FIELDS",
    "INLINE_BULK_LIMIT",
    "PAGE_SIZE",
    "POLICY_FIELDS",
    "SEARCH_LIMIT",
    "STANDARD_KINDS",
    "STEP_PAGES",
    "attachment_add_view",
    "attachment_download_view",
    "attachment_remove_view",
    "change_view",
    "file_detail_view",
    "file_export_view",
    "file_list_view",
    "file_new_view",
    "objection_list_view",
    "objection_new_view",
    "objection_resolve_view",
    "policies_view",
    "policy_edit_view",
    "policy_new_view",
    "publicity_export_view",
    "publicity_view",
    "reassess_view",
    "review_list_view",
    "standard_edit_view",
    "standard_new_view",
    "standards_view",
    "step_view",
    "wage_edit_view",
    "watch_export_view",
    "watch_list_view",
    "worker_copy_view",
]
