"""The tables moved from hardship to standards without moving a row."""

import csv
import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from nuanjia.orgs.services import DIVISIONS_CSV
from nuanjia.standards.models import DibaoStandard, MinimumWage

BEFORE_THE_MOVE = [("hardship", "0004_file_engine_exit_proposed"), ("standards", None)]


def test_the_models_keep_the_tables_hardship_made():
    assert DibaoStandard._meta.db_table == "hardship_dibaostandard"
    assert MinimumWage._meta.db_table == "hardship_minimumwage"


def test_demo_standards_cover_every_henan_city_level_region():
    demo = importlib.import_module("nuanjia.standards.migrations.0002_demo_standards")
    with DIVISIONS_CSV.open(encoding="utf-8") as handle:
        cities = {
            row["code"]
            for row in csv.DictReader(handle)
            if row["kind"] == "city" or row["kind"].startswith("city-level")
        }
    assert set(demo.DEMO_AMOUNTS) == cities and len(cities) == 18
    assert all(50_000 <= dibao * 100 <= 120_000 for dibao, _wage in demo.DEMO_AMOUNTS.values())


@pytest.mark.django_db(transaction=True)
def test_a_row_written_before_the_move_is_read_after_it():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        old_state = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[0]).apps
        old_model = old_state.get_model("hardship", "DibaoStandard")
        old_model.objects.create(
            region_code="410108", effective_on=datetime.date(2026, 7, 1), monthly_fen=95_000
        )
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    moved = DibaoStandard.objects.get(region_code="410108", effective_on=datetime.date(2026, 7, 1))
    assert moved.monthly_fen == 95_000
    assert DibaoStandard.objects.filter(region_code="410100").exists()  # the demo rows, again
