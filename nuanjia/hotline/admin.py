"""Hotline configuration in the Django admin (superusers only): deadlines and answer
templates. Tickets change only through services; the admin shows them read-only."""

from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin, ReadOnlyAdmin

from .models import AnswerTemplate, DeadlinePolicy, FastTrackPolicy, Ticket


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedAdmin):
    list_display = [
        "kind",
        "ticket_class",
        "first_contact_hours",
        "resolution_days",
        "callback_days",
    ]
    list_filter = ["kind"]


@admin.register(FastTrackPolicy)
class FastTrackPolicyAdmin(AuditedAdmin):
    list_display = ["region_code", "effective_on", "dibao_multiple", "cap_fen", "paperwork_days"]
    search_fields = ["region_code"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AuditedAdmin):
    list_display = ["title", "kind", "org", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "text"]
    raw_id_fields = ["org"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "status", "org", "received_at"]
    search_fields = ["number"]
    list_filter = ["status", "kind"]
