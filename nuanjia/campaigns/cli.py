"""`nuanjia campaigns enrol`: an enrolment run here, with progress, as a named caseworker; the
same run as the page's, resumable (`--resume RUN`) after a kill."""

from __future__ import annotations

import sys

from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org, Staff

from . import services
from .models import Activity, EnrolmentRun


def _progress(run: EnrolmentRun) -> None:
    share = 100 * run.last_id // max(run.max_id, 1)
    print(f"  {share:3d}%  chunk {run.chunks}  added {run.added}", flush=True)


def enrol_cli(*, activity_id: int, org_code: str, username: str, resume: int | None) -> int:
    staff = Staff.objects.filter(username=username, is_active=True).first()
    if staff is None:
        print(_("No active staff account %(name)s.") % {"name": username}, file=sys.stderr)
        return 2
    try:
        if resume is not None:
            run = EnrolmentRun.objects.get(pk=resume, activity_id=activity_id)
        else:
            activity = Activity.objects.get(pk=activity_id)
            org = Org.objects.get(code=org_code)
            preview = services.preview(activity, org)
            print(f"{preview.rule_text}: {preview.total}", flush=True)
            run = services.start_run(activity, org, by=staff, expected=preview.total)
        print(f"run {run.pk}", flush=True)
        run = services.continue_run(run, by=staff, progress=_progress)
    except (Activity.DoesNotExist, Org.DoesNotExist, EnrolmentRun.DoesNotExist) as missing:
        print(str(missing), file=sys.stderr)
        return 2
    except RuleViolation as refused:
        print(refused.message, file=sys.stderr)
        return 1
    print(f"done: {run.added} added, hash {run.ids_hash}", flush=True)
    return 0
