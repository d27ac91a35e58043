"""Possible duplicates (疑似重复): finding them, merging, undoing a merge, keeping apart."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import DateField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import (
    Consent,
    DuplicateCandidate,
    Household,
    TransferRequest,
    Worker,
)
from .cleaning import _text
from .guards import in_scope, may
from .households import _sync_self_member
from .records import BANK_FIELDS, ID_FIELDS, PHONE_FIELDS, _lock_worker

MAX_COMPARED = 200  # records compared per worker; blocking keeps this far from reached


def _facts(worker: Worker) -> rules.PersonFacts:
    return rules.PersonFacts(
        worker.name,
        worker.name_pinyin,
        worker.birth_date,
        worker.phone,
        worker.address,
        worker.has_id_number,
    )


def find_possible_duplicates(worker: Worker) -> list[DuplicateCandidate]:
    """Compare a worker with records sharing its name pinyin, birth date or phone (each an
    index), score each pair (rules.duplicate_score) and queue those above the threshold.

    Pairs already decided are not queued again; an open pair gets its new score. Runs inside
    the caller's transaction (register_worker, update_worker).
    """
    if worker.merged_into_id:
        return []
    block = Q()
    if worker.name_pinyin:
        block |= Q(name_pinyin=worker.name_pinyin)
    if worker.birth_date:
        block |= Q(birth_date=worker.birth_date)
    if worker.phone_index:
        block |= Q(phone_index=worker.phone_index)
    if not block:
        return []
    others = list(
        Worker.objects.filter(block, merged_into__isnull=True)
        .exclude(pk=worker.pk)
        .select_related("org")[:MAX_COMPARED]
    )
    known = {
        (pair.worker_id, pair.other_id): pair
        for pair in DuplicateCandidate.objects.filter(Q(worker=worker) | Q(other=worker))
    }
    queued = []
    mine = _facts(worker)
    for other in others:
        result = rules.duplicate_score(mine, _facts(other))
        if not result.is_candidate:
            continue
        first, second = rules.ordered_pair(worker.pk, other.pk)
        pair = known.get((first, second))
        if pair is not None:
            if pair.status == DuplicateCandidate.Status.OPEN and pair.score != result.score:
                pair.score, pair.reasons = result.score, result.reasons
                pair.save(update_fields=["score", "reasons"])
            continue
        pair = DuplicateCandidate.objects.create(
            worker_id=first, other_id=second, score=result.score, reasons=result.reasons
        )
        record_event(
            pair,
            "duplicate.queued",
            org=worker.org,
            changes={"workers": [first, second], "score": str(result.score)},
        )
        queued.append(pair)
    return queued


def _lock_candidate(
    candidate: DuplicateCandidate, by: Actor
) -> tuple[DuplicateCandidate, Worker, Worker]:
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    first = _lock_worker(candidate.worker)
    second = _lock_worker(candidate.other)
    if not (may(by, rules.REVIEW_DUPLICATE_ROLES, first.org) and in_scope(by, second.org)):
        raise PermissionDenied
    candidate.decided_by = staff_of(by)
    candidate.decided_at = timezone.now()
    return candidate, first, second


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _restore(worker: Worker, name: str, value: Any) -> None:
    """Set a field from its snapshot (JSON) value; `name` may be an attname such as employer_id."""
    field = Worker._meta.get_field(name)
    if value is not None and isinstance(field, DateField):
        value = datetime.date.fromisoformat(value)
    setattr(worker, name, value)


# Fields a merge copies from the merged record when the kept one has none; the ID and bank
# groups move whole.
FILLABLE_FIELDS = (
    "address",
    "region_code",
    "employer_id",
    "union_id",
    "joined_union_on",
    "member_card_number",
    "bank_name",
)


@transaction.atomic
def merge_duplicates(
    candidate: DuplicateCandidate, *, keep: Worker, by: Actor, note: str = ""
) -> DuplicateCandidate:
    """Merge a pair: the kept record takes what only the other has (ID and bank numbers,
    phone, address…), its consents, household and occupations; the other is marked merged
    into it and disappears from every list. A snapshot of every change is stored, so
    `unmerge` can restore both records."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.UNMERGED):
        raise RuleViolation(_("This pair has already been decided."), field="candidate")
    if keep.pk not in (first.pk, second.pk):
        raise RuleViolation(_("Choose one of the two records to keep."), field="keep")
    kept, merged = (first, second) if keep.pk == first.pk else (second, first)
    merged_household = _mergeable_household(kept, merged)
    filled, merged_cleared = _fields_to_fill(kept, merged)
    snapshot = {
        "kept": kept.pk,
        "merged": merged.pk,
        "kept_before": {name: _jsonable(getattr(kept, name)) for name in filled},
        "kept_after": {name: _jsonable(value) for name, value in filled.items()},
        "merged_before": {name: _jsonable(value) for name, value in merged_cleared.items()},
        "consents": list(Consent.objects.filter(worker=merged).values_list("pk", flat=True)),
        "household": merged_household.pk if merged_household else None,
        "household_org": merged_household.org_id if merged_household else None,
        "occupations": sorted(
            set(merged.occupations.values_list("pk", flat=True))
            - set(kept.occupations.values_list("pk", flat=True))
        ),
    }
    _move_into_kept(kept, merged, filled, merged_cleared, snapshot)
    candidate.merge_snapshot = snapshot
    return _decided(
        candidate,
        DuplicateCandidate.Status.MERGED,
        note,
        "duplicate.merged",
        by=by,
        org=kept.org,
        kept=kept.pk,
        merged=merged.pk,
        filled=sorted(_field_names(list(filled))),
    )


def _mergeable_household(kept: Worker, merged: Worker) -> Household | None:
    """Refuse a merge the records' state forbids; the merged record's household, if any."""
    if kept.merged_into_id or merged.merged_into_id:
        raise RuleViolation(
            _("One of the records was merged into another since; review that one."),
            field="candidate",
        )
    kept_household = Household.objects.filter(worker=kept).first()
    merged_household = Household.objects.filter(worker=merged).first()
    if kept_household and merged_household:
        raise RuleViolation(
            _("Both records have a household; move the members into one household before merging."),
            field="candidate",
        )
    if TransferRequest.objects.filter(
        worker=merged, status=TransferRequest.Status.PENDING
    ).exists():
        raise RuleViolation(
            _("A transfer of the record to merge is waiting; decide it first."), field="candidate"
        )
    return merged_household


def _fields_to_fill(kept: Worker, merged: Worker) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the kept record takes from the merged one, what the merged one gives up): the
    fillable fields it lacks, and the ID and bank groups whole, which leave the merged record."""
    filled: dict[str, Any] = {}
    for name in FILLABLE_FIELDS:
        if not getattr(kept, name) and getattr(merged, name):
            filled[name] = getattr(merged, name)
    if not kept.phone_index and merged.phone_index:  # copied sealed, never in clear
        filled.update({name: getattr(merged, name) for name in PHONE_FIELDS})
    if not kept.gender and merged.gender:
        filled["gender"] = merged.gender
    if not kept.birth_date and merged.birth_date:
        filled["birth_date"] = merged.birth_date
    merged_cleared: dict[str, Any] = {}
    for group in (ID_FIELDS, BANK_FIELDS):
        if not getattr(kept, group[0]) and getattr(merged, group[0]):
            for name in group:
                filled[name] = getattr(merged, name)
                merged_cleared[name] = getattr(merged, name)
    if "id_number_index" in filled:  # the ID decides gender and birth date
        filled["gender"], filled["birth_date"] = merged.gender, merged.birth_date
    return filled, merged_cleared


def _move_into_kept(
    kept: Worker,
    merged: Worker,
    filled: dict[str, Any],
    merged_cleared: dict[str, Any],
    snapshot: dict[str, Any],
) -> None:
    """Write the merge: the merged record emptied and pointed at the kept one, which takes the
    filled fields, the consents, the household and the occupations the snapshot lists."""
    for name in merged_cleared:
        setattr(merged, name, "")
    merged.merged_into = kept
    merged.save()
    for name, value in filled.items():
        setattr(kept, name, value)
    kept.save()
    Consent.objects.filter(pk__in=snapshot["consents"]).update(worker=kept)
    if snapshot["household"]:
        Household.objects.filter(pk=snapshot["household"]).update(
            worker=kept, org=kept.org, updated_at=timezone.now()
        )
    kept.occupations.add(*snapshot["occupations"])
    _sync_self_member(kept)


def _field_names(columns: list[str]) -> list[str]:
    """Columns as the audit trail names them: the sealed phone's columns as "phone"."""
    names = [name for name in columns if name not in PHONE_FIELDS]
    return [*names, "phone"] if len(names) < len(columns) else names


@transaction.atomic
def unmerge(candidate: DuplicateCandidate, *, by: Actor, note: str = "") -> DuplicateCandidate:
    """Undo a merge from its snapshot: the merged record comes back with its numbers, consents,
    household and occupations. A field of the kept record edited since the merge keeps the edit."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status != DuplicateCandidate.Status.MERGED:
        raise RuleViolation(_("Only a merged pair can be unmerged."), field="candidate")
    snapshot = candidate.merge_snapshot
    kept, merged = (first, second) if first.pk == snapshot["kept"] else (second, first)
    kept_edits = [
        name
        for name in snapshot["kept_before"]
        if _jsonable(getattr(kept, name)) != snapshot["kept_after"][name]
    ]
    if any(name in kept_edits for name in PHONE_FIELDS):  # the sealed phone is one value
        kept_edits = [name for name in kept_edits if name not in PHONE_FIELDS]
        kept_edits += [name for name in PHONE_FIELDS if name in snapshot["kept_before"]]
    if any(name in kept_edits for name in ID_FIELDS):
        raise RuleViolation(
            _(
                "The kept record's ID number was changed after the merge; it cannot be undone automatically."
            ),
            field="candidate",
        )
    for name, before in snapshot["kept_before"].items():
        if name not in kept_edits:
            _restore(kept, name, before)
    kept.save()
    for name, before in snapshot["merged_before"].items():
        _restore(merged, name, before)
    merged.merged_into = None
    merged.save()
    Consent.objects.filter(pk__in=snapshot["consents"], worker=kept).update(worker=merged)
    if snapshot["household"]:
        Household.objects.filter(pk=snapshot["household"], worker=kept).update(
            worker=merged, org_id=snapshot["household_org"], updated_at=timezone.now()
        )
    kept.occupations.remove(*snapshot["occupations"])
    _sync_self_member(kept)
    _sync_self_member(merged)
    return _decided(
        candidate,
        DuplicateCandidate.Status.UNMERGED,
        note,
        "duplicate.unmerged",
        by=by,
        org=kept.org,
        kept=kept.pk,
        merged=merged.pk,
        kept_edits=_field_names(kept_edits),
    )


@transaction.atomic
def keep_apart(candidate: DuplicateCandidate, *, by: Actor, note: str = "") -> DuplicateCandidate:
    """Decide the pair is two different people; it is not queued again."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.UNMERGED):
        raise RuleViolation(_("This pair has already been decided."), field="candidate")
    return _decided(
        candidate,
        DuplicateCandidate.Status.DISTINCT,
        note,
        "duplicate.kept_apart",
        by=by,
        org=first.org,
        workers=[first.pk, second.pk],
    )


def _decided(
    candidate: DuplicateCandidate,
    status: str,
    note: str,
    action: str,
    *,
    by: Actor,
    org: Org,
    **changes: Any,
) -> DuplicateCandidate:
    """Save the pair's decision with the reviewer's note, and audit it (`changes` and the note)."""
    candidate.status = status
    candidate.decision_note = _text(note, "note", 200)
    candidate.save()
    record_event(
        candidate, action, by=by, org=org, changes={**changes, "note": candidate.decision_note}
    )
    return candidate
