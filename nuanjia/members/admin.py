from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin

from .models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin):
    """The wording of messages to members; the topic names one of `TOPICS`, and the text
    must keep exactly the placeholders of the built-in wording (checked on save)."""

    list_display = ("topic", "text", "is_active")

    def save_model(self, request, obj, form, change):
        from .services.messages import check_template

        check_template(obj.topic, obj.text)
        super().save_model(request, obj, form, change)
