"""The file follows the worker's record to another union; the family's printed copy."""

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.orgs.models import Org
from nuanjia.people.models import TransferRequest, Worker

from ..models import HardshipFile
from ..workflow import FLOW


def follow_worker_transfer(
    sender: object,
    *,
    worker: Worker,
    from_org: Org,
    to_org: Org,
    transfer: TransferRequest,
    by: Actor,
    **kwargs: object,
) -> int:
    """A worker's record moved to another union (people.accept_transfer): the family's files go
    with it, open or closed, so the new union carries on the workflow and keeps the history.

    Runs inside the transfer's transaction; returns the number of files moved.
    """
    files = list(
        HardshipFile.objects.select_for_update(of=("self",))
        .filter(household__worker=worker)
        .exclude(org=to_org)
        .order_by("pk")
    )
    for hardship_file in files:
        hardship_file.org = to_org
        hardship_file.save(update_fields=["org", "updated_at"])
        FLOW.record(
            hardship_file,
            "transferred",
            hardship_file.status,
            by=by,
            note=transfer.decision_note,
            changes={"org": [from_org.name, to_org.name], "transfer": transfer.pk},
        )
    return len(files)


def record_copy_printed(hardship_file: HardshipFile, *, by: Actor) -> None:
    """Audit that the family's own copy of its file was printed (it holds personal data)."""
    record_event(
        hardship_file,
        "hardship.copy_printed",
        by=by,
        changes={"worker": hardship_file.household.worker_id},
    )


def record_copy_read_by_member(hardship_file: HardshipFile, *, actor_label: str) -> None:
    """Audit that the worker read their family's file on their own phone."""
    record_event(
        hardship_file,
        "hardship.copy_read_by_member",
        actor_label=actor_label,
        changes={"worker": hardship_file.household.worker_id},
    )
