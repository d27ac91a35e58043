"""The SQL that writes each part of the registry from the stage table: employers, existing
records compared, new and changed workers, name search keys, occupations."""

# ruff: noqa: S608
# SQL text by design: only identifiers this package makes are interpolated (see merging).

from django.db import connection

from .. import rules
from ..models import Employer, Worker
from ..services.records import BANK_FIELDS, PHONE_FIELDS
from .sheet import SheetContext
from .staging import StageTable, _batches

# Columns an imported row sets on a registered record, a blank cell keeping what is recorded.
KEPT_COLUMNS = (
    *PHONE_FIELDS,  # sealed (core.sealed_phones)
    "address",
    "region_code",
    "union_id",
    "joined_union_on",
    "member_card_number",
    "bank_name",
)
# The columns compared to tell an updated row: the phone by its blind index (its token differs
# on every encryption).
COMPARED_COLUMNS = ("phone_index", *KEPT_COLUMNS[len(PHONE_FIELDS) :])


class StageWrites(StageTable):
    """The stage table with the statements the merge runs, one per part of the registry."""

    def employer_id_sql(self) -> str:
        return """CASE
            WHEN s.employer_credit_code IS NOT NULL THEN (
                SELECT e.id FROM people_employer e
                WHERE e.credit_code = s.employer_credit_code AND NOT (e.credit_code = ''))
            WHEN s.employer_name IS NOT NULL THEN (
                SELECT MIN(e.id) FROM people_employer e
                WHERE e.name = s.employer_name AND e.credit_code = '')
            END"""

    def insert_employers(self, named: list[tuple], *, region: str) -> None:
        """Employers named in the sheet and not yet registered: by credit code, else by name
        (the registry services' rule: a name without a code matches a code-less employer).
        A file names a few thousand at most, so this is done with the ORM in batches."""
        coded: dict[str, tuple[str, str]] = {}
        plain: dict[str, str] = {}
        for code, name, region_code in named:
            if code and name:
                coded.setdefault(code, (name, region_code or region))
            elif name and not code:
                plain.setdefault(name, region_code or region)
        known_codes: set[str] = set()
        for part in _batches(sorted(coded)):
            known_codes |= set(
                Employer.objects.filter(credit_code__in=part).values_list("credit_code", flat=True)
            )
        known_names: set[str] = set()
        for part in _batches(sorted(plain)):
            known_names |= set(
                Employer.objects.filter(credit_code="", name__in=part).values_list(
                    "name", flat=True
                )
            )
        Employer.objects.bulk_create(
            [
                Employer(name=name, credit_code=code, region_code=region_code)
                for code, (name, region_code) in coded.items()
                if code not in known_codes
            ]
            + [
                Employer(name=name, credit_code="", region_code=region_code)
                for name, region_code in plain.items()
                if name not in known_names
            ],
            batch_size=1000,
        )

    def _tag_bits_sql(self, context: SheetContext) -> str:
        if not context.tag_bits:
            return "SELECT 0 AS tag_id, 0 AS bit_value WHERE 1 = 0"
        return " UNION ALL ".join(
            f"SELECT {int(tag_id)} AS tag_id, {int(bit)} AS bit_value"
            for tag_id, bit in context.tag_bits.items()
        )

    def classify_existing(self, context: SheetContext) -> None:
        """Rows of records already kept in the subtree: 'review' when the name differs from the
        registered one (the record is left alone, the row waits in ImportReview: an ID under
        another name is a typo or someone else's ID, never a silent overwrite); 'updated' when
        a given cell differs, else 'unchanged' (and then left alone). A blank cell keeps what
        is recorded."""
        mask = f"""(SELECT COALESCE(SUM(b.bit_value), 0) FROM people_worker_occupations o
                    JOIN ({self._tag_bits_sql(context)}) b ON b.tag_id = o.occupationtag_id
                    WHERE o.worker_id = w.id)"""
        same = " AND ".join(
            [
                *(
                    f"(s.{name} IS NULL OR s.{name} = w.{name})"
                    for name in (*COMPARED_COLUMNS, "bank_account_index")
                ),
                f"""(s.employer_name IS NULL AND s.employer_credit_code IS NULL
                     OR {self.employer_id_sql()} = w.employer_id)""",
                f"(s.occupation_mask IS NULL OR s.occupation_mask = {mask})",
            ]
        )
        self._execute(
            f"""UPDATE {self.table} AS s SET
                    outcome = CASE WHEN s.name <> w.name THEN 'review'
                        WHEN {same} THEN 'unchanged' ELSE 'updated' END,
                    name_changed = 0,
                    occupations_changed = CASE
                        WHEN s.name <> w.name OR s.occupation_mask IS NULL
                            OR s.occupation_mask = {mask} THEN 0
                        ELSE 1 END
                FROM people_worker AS w
                WHERE w.id = s.existing_id AND s.has_error = 0"""
        )

    def insert_workers(self, params: dict) -> None:
        """New workers, in file order. Columns the sheet does not fill take their defaults."""
        given = {
            "id": self.new_id,
            "org_id": "%(org_id)s",
            "name": "s.name",
            "name_pinyin": "s.name_pinyin",
            "name_initials": "s.name_initials",
            "gender": "s.gender",
            "birth_date": "s.birth_date",
            "id_number_encrypted": "s.id_number_encrypted",
            "id_number_index": "s.id_number_index",
            "id_number_masked": "s.id_number_masked",
            "id_last4": "s.id_last4",
            "phone_encrypted": "COALESCE(s.phone_encrypted, '')",
            "phone_index": "COALESCE(s.phone_index, '')",
            "phone_last4_index": "COALESCE(s.phone_last4_index, '')",
            "phone_masked": "COALESCE(s.phone_masked, '')",
            "address": "COALESCE(s.address, '')",
            "region_code": "COALESCE(s.region_code, %(region)s)",
            "employer_id": self.employer_id_sql(),
            "union_id": "s.union_id",
            "joined_union_on": "s.joined_union_on",
            "member_card_number": "COALESCE(s.member_card_number, '')",
            "bank_name": "COALESCE(s.bank_name, '')",
            "bank_account_encrypted": "COALESCE(s.bank_account_encrypted, '')",
            "bank_account_index": "COALESCE(s.bank_account_index, '')",
            "bank_account_masked": "COALESCE(s.bank_account_masked, '')",
            "created_by_id": "%(by_id)s",
            "import_batch_id": "%(batch_id)s",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
        }
        columns, values = [], []
        for model_field in Worker._meta.concrete_fields:
            column = model_field.column
            columns.append(connection.ops.quote_name(column))
            if column in given:
                values.append(given[column])
            else:
                key = f"default_{column}"
                params[key] = model_field.get_db_prep_save(model_field.get_default(), connection)
                values.append(f"%({key})s")
        self._execute(
            f"""INSERT INTO people_worker ({", ".join(columns)})
                SELECT {", ".join(values)} FROM {self.table} s
                WHERE s.has_error = 0 AND s.existing_id IS NULL ORDER BY s.row_number""",
            params,
        )

    def update_workers(self, params: dict) -> None:
        kept = {
            name: f"COALESCE(s.{name}, people_worker.{name})"
            for name in (*KEPT_COLUMNS, *BANK_FIELDS)
        }
        assignments = {
            "name": "s.name",
            "name_pinyin": "s.name_pinyin",
            "name_initials": "s.name_initials",
            **kept,
            "employer_id": f"""CASE WHEN s.employer_name IS NULL AND s.employer_credit_code IS NULL
                THEN people_worker.employer_id ELSE {self.employer_id_sql()} END""",
            "import_batch_id": "%(batch_id)s",
            "updated_at": "%(now)s",
        }
        self._execute(
            f"""UPDATE people_worker SET {", ".join(f"{name} = {value}" for name, value in assignments.items())}
                FROM {self.table} AS s
                WHERE people_worker.id = s.existing_id AND s.outcome = 'updated'""",
            params,
        )

    def write_name_keys(self, params: dict, *, ordered: bool = True) -> None:
        """Every suffix of the normalized name (rules.name_keys), made in SQL: substr(key, i, 50)
        for i = 1 … length. A name longer than NAME_KEY_LENGTH can repeat a key: DISTINCT there."""
        target = f"COALESCE(s.existing_id, {self.new_id})"
        changed = "s.has_error = 0 AND (s.existing_id IS NULL OR s.name_changed = 1)"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {self.table} WHERE name_changed = 1 LIMIT 1")
            renamed = cursor.fetchone() is not None
        if renamed:  # one pass over the keys (no index on worker, see WorkerNameKey)
            self._execute(
                f"""DELETE FROM people_workernamekey WHERE worker_id IN (
                        SELECT existing_id FROM {self.table} WHERE name_changed = 1)"""
            )
        limit = rules.NAME_KEY_LENGTH
        if self.is_postgresql:
            numbers = "CROSS JOIN LATERAL generate_series(1, char_length(s.name_key)) AS n(i)"
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(length(name_key)) FROM {self.table}")
                longest = cursor.fetchone()[0] or 0
                cursor.execute(f"CREATE TEMPORARY TABLE {self.numbers} (i integer PRIMARY KEY)")
                cursor.executemany(
                    f"INSERT INTO {self.numbers} (i) VALUES (%s)",
                    [(i,) for i in range(1, longest + 1)],
                )
            numbers = f"JOIN {self.numbers} n ON n.i <= length(s.name_key)"
        # In key order, each key lands next to the last in the (key, worker) index; when the
        # index is rebuilt afterwards (`ordered` False) the rows are simply appended.
        order = "ORDER BY 2" if ordered and not self.is_postgresql else ""
        for distinct, length in (("", f"<= {limit}"), ("DISTINCT", f"> {limit}")):
            self._execute(
                f"""INSERT INTO people_workernamekey (worker_id, {connection.ops.quote_name("key")})
                    SELECT {distinct} {target}, substr(s.name_key, n.i, {limit})
                    FROM {self.table} s {numbers}
                    WHERE {changed} AND length(s.name_key) {length} {order}""",
                params,
            )
        self.write_reading_keys(params, target=target, changed=changed)

    def write_reading_keys(self, params: dict, *, target: str, changed: str) -> None:
        """The name's other pinyin keys (rules.reading_keys), staged space-separated: split in
        SQL. They are letters and digits only, so a JSON array is made by text replacement."""
        if self.is_postgresql:
            keys = "CROSS JOIN LATERAL unnest(string_to_array(s.reading_keys, ' ')) AS k(value)"
        else:
            keys = """JOIN json_each('["' || replace(s.reading_keys, ' ', '","') || '"]') k"""
        self._execute(
            f"""INSERT INTO people_workernamekey (worker_id, {connection.ops.quote_name("key")})
                SELECT {target}, k.value FROM {self.table} s {keys}
                WHERE {changed} AND s.reading_keys IS NOT NULL""",
            params,
        )

    def write_occupations(self, params: dict, context: SheetContext) -> None:
        """The occupations of new rows, and of updated rows whose cell changed them.

        The stage keeps them as a bit mask; the few distinct masks of a file are expanded
        into (mask, tag) pairs once, so each row is one index probe."""
        if not context.tag_bits:
            return
        self._execute(
            f"""DELETE FROM people_worker_occupations WHERE worker_id IN (
                    SELECT existing_id FROM {self.table} WHERE occupations_changed = 1)"""
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT occupation_mask FROM {self.table} "
                "WHERE has_error = 0 AND occupation_mask IS NOT NULL AND occupation_mask <> 0"
            )
            masks = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.masks} (mask bigint, tag_id bigint, "
                "PRIMARY KEY (mask, tag_id))"
            )
            cursor.executemany(
                f"INSERT INTO {self.masks} (mask, tag_id) VALUES (%s, %s)",
                [
                    (mask, tag_id)
                    for mask in masks
                    for tag_id, bit in context.tag_bits.items()
                    if int(mask) & bit
                ],
            )
        self._execute(
            f"""INSERT INTO people_worker_occupations (worker_id, occupationtag_id)
                SELECT COALESCE(s.existing_id, {self.new_id}), m.tag_id
                FROM {self.table} s JOIN {self.masks} m ON m.mask = s.occupation_mask
                WHERE s.has_error = 0 AND (s.existing_id IS NULL OR s.occupations_changed = 1)""",
            params,
        )

    def counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT
                    COALESCE(SUM(CASE WHEN existing_id IS NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'updated' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'unchanged' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'review' THEN 1 ELSE 0 END), 0)
                    FROM {self.table} WHERE has_error = 0"""
            )
            created, updated, unchanged, to_review = cursor.fetchone()
        return {
            "created": int(created),
            "updated": int(updated),
            "unchanged": int(unchanged),
            "to_review": int(to_review),
        }

    def rows_with_outcome(self, outcome: str, columns: tuple[str, ...]) -> list[tuple]:
        """(row_number, existing_id, *columns) of the valid rows that ended with `outcome`."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT row_number, existing_id, {", ".join(columns)} FROM {self.table}
                    WHERE has_error = 0 AND outcome = %s ORDER BY row_number""",
                [outcome],
            )
            return cursor.fetchall()
