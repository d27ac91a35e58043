"""`makemessages` that also reads `_lazy(...)`: our modules import `gettext_lazy as _lazy`
beside `gettext as _` where one module needs both (list exports, form labels), and xgettext
knows only the function's own name."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
