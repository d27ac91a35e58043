"""What the merge does row by row, and only for rows of records already registered: the audit
event of every updated worker (before and after, as services.update_worker writes it), and
the rows kept for review because the name differs from the registered one."""

import itertools
from collections.abc import Iterator
from typing import Any

from ..models import ImportReview, Worker
from ..services.records import PHONE_FIELDS, _diff
from ..services.workers import _public_state, after_worker_update
from .sheet import SheetContext
from .writing import KEPT_COLUMNS, StageWrites

CHUNK = 500
# Stage columns kept with a row to review, as services.update_worker takes them.
# The phone is kept sealed in the review (services.import_reviews decrypts it to apply it).
REVIEW_VALUES = (
    "phone_encrypted",
    "phone_masked",
    *KEPT_COLUMNS[len(PHONE_FIELDS) :],
    "employer_name",
    "employer_credit_code",
)
REVIEW_COLUMNS = ("name", *REVIEW_VALUES, "occupation_mask")
REVIEW_COLUMNS += ("bank_account_encrypted", "bank_account_masked")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk


def _occupation_names(workers: list[Worker]) -> dict[int, list[str]]:
    through = Worker.occupations.through
    names: dict[int, list[str]] = {worker.pk: [] for worker in workers}
    for worker_id, name in through.objects.filter(worker_id__in=list(names)).values_list(
        "worker_id", "occupationtag__name"
    ):
        names[worker_id].append(name)
    return {pk: sorted(found) for pk, found in names.items()}


class UpdatedWorkers:
    """The updated rows' workers, read before the merge writes and again after: one
    `worker.updated` event each (services.workers.after_worker_update, as a person's edit)."""

    def __init__(self, stage: StageWrites):
        rows = stage.rows_with_outcome("updated", ("occupations_changed",))
        self.ids = [existing for _row, existing, _changed in rows]
        self.occupations_changed = {existing for _row, existing, changed in rows if changed}
        self.before: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def _load(self, ids: list[int]) -> list[Worker]:
        return list(Worker.objects.select_related("org").filter(pk__in=ids).order_by("pk"))

    def read_before(self) -> None:
        for ids in _chunks(self.ids):
            workers = self._load(ids)
            occupations = _occupation_names(workers)
            for worker in workers:
                self.before[worker.pk] = (_public_state(worker), occupations[worker.pk])

    def record_after(self, *, by, actor_label: str) -> None:
        for ids in _chunks(self.ids):
            workers = self._load(ids)
            occupations = _occupation_names(workers)
            for worker in workers:
                state, occupations_before = self.before[worker.pk]
                changes = _diff(state, _public_state(worker))
                after = occupations[worker.pk]
                if worker.pk in self.occupations_changed and after != occupations_before:
                    changes["occupations"] = [occupations_before, after]
                if changes:
                    after_worker_update(worker, changes, by=by, actor_label=actor_label)


def keep_rows_to_review(stage: StageWrites, context: SheetContext) -> int:
    """Write an ImportReview for every row whose name differs from its record's."""
    tag_names = context.occupation_bits  # active tag name -> bit of the stage's mask
    reviews = []
    for row, existing, *cells in stage.rows_with_outcome("review", REVIEW_COLUMNS):
        found = dict(zip(REVIEW_COLUMNS, cells, strict=True))
        values = {key: _plain(found[key]) for key in REVIEW_VALUES if found[key] is not None}
        if found["occupation_mask"] is not None:
            mask = int(found["occupation_mask"])
            values["occupations"] = sorted(name for name, bit in tag_names.items() if mask & bit)
        reviews.append(
            ImportReview(
                batch=stage.batch,
                row=row,
                worker_id=existing,
                name=found["name"],
                values=values,
                bank_account_encrypted=found["bank_account_encrypted"] or "",
                bank_account_masked=found["bank_account_masked"] or "",
            )
        )
    ImportReview.objects.bulk_create(reviews, batch_size=1000)
    return len(reviews)


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str) else str(value)
