"""The keys a partitioned table allows (ADR 0023), checked on the models so it fails on SQLite
too: a unique key of a partitioned table holds its partition column (or is one of the known
keys widened by the migration), and no foreign key into one has a database constraint."""

from django.apps import apps
from django.db import models

from nuanjia.core.partitions import TABLES

# Unique keys the conversion widened with the partition column in the database only.
WIDENED = {
    ("core_auditevent", "audit_event_chain_seq"),
    ("benefits_redemption", "coupon"),
}


def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def test_every_declared_table_has_its_model_and_a_not_null_time_column():
    by_table = _models_by_table()
    for table, spec in TABLES.items():
        field = by_table[table]._meta.get_field(spec.column)
        assert isinstance(field, models.DateTimeField) and not field.null, table


def test_unique_keys_of_partitioned_tables_include_the_partition_column():
    by_table = _models_by_table()
    for table, spec in TABLES.items():
        meta = by_table[table]._meta
        for constraint in meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                fields = set(constraint.fields)
                assert spec.column in fields or (table, constraint.name) in WIDENED, (
                    f"{table}.{constraint.name} needs {spec.column}"
                )
        for field in meta.concrete_fields:
            if field.unique and not field.primary_key:
                assert (table, field.name) in WIDENED, f"{table}.{field.name} is unique"


def test_no_foreign_key_into_a_partitioned_table_has_a_database_constraint():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target is not None and target._meta.db_table in TABLES:
                assert not field.db_constraint, (
                    f"{model._meta.label}.{field.name} points into {target._meta.db_table}: "
                    "db_constraint=False (ADR 0023)"
                )
