"""Named personas for every test: staff of 惠济区, 郑州, 开封 and the province.

The Henan union tree is loaded once per test database; each test runs in a transaction.
"""

import datetime
import zoneinfo
from pathlib import Path

import hypothesis
import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import load_union_tree, set_roles

PASSWORD = "Persona#2026pw"

# Timing is not what these tests assert: a busy machine (CI beside other jobs) must not fail
# a property test with a deadline or a slow-generation health check.
hypothesis.settings.register_profile(
    "nuanjia",
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.load_profile("nuanjia")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "replica: needs a real streaming read replica (NUANJIA_REPLICA_URL)"
    )
    config.addinivalue_line(
        "markers", "slow: minutes of work, e.g. the full demo (runs in `make test` like the rest)"
    )


def pytest_collection_modifyitems(items):
    """A test naming its databases also gets the read replica's alias (`django_db_setup`)."""
    from django.conf import settings

    if "replica" not in settings.DATABASES or settings.NUANJIA_REPLICA_URL:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        databases = marker.kwargs.get("databases") if marker else None
        if databases is None or databases == "__all__" or "replica" in databases:
            continue
        kwargs = {**marker.kwargs, "databases": sorted({"replica", *databases})}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real Argon2, cheap parameters: production keeps Django's defaults."""
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


# The data migrations' seed functions (all idempotent): a transactional test starts after an
# earlier one flushed the database, so it puts these rows back itself.
SEEDS = [
    ("nuanjia.people.migrations.0003_default_occupation_tags", "add_tags"),
    ("nuanjia.standards.migrations.0002_demo_standards", "load"),
    ("nuanjia.hardship.migrations.0002_demo_standards", "load"),
    ("nuanjia.funds.migrations.0002_seed_earmarks", "seed"),
    ("nuanjia.relief.migrations.0002_seed_types_and_caps", "seed"),
    ("nuanjia.stations.migrations.0002_seed_facilities", "seed"),
    ("nuanjia.enterprises.migrations.0002_seed_thresholds", "seed"),
    ("nuanjia.enterprises.migrations.0004_seed_fee_rebate", "seed"),
    ("nuanjia.enterprises.migrations.0006_seed_help_cap", "seed"),
    ("nuanjia.modelworkers.migrations.0002_seed_earmark", "seed"),
    ("nuanjia.skills.migrations.0002_training_earmark", "seed"),
]


def reseed_migration_data() -> None:
    from importlib import import_module

    from django.apps import apps

    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def seeded_after_flush(request):
    """Transactional tests (flushed database) get the seeded reference rows back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        reseed_migration_data()


@pytest.fixture(autouse=True, scope="session")
def static_root_exists():
    """WhiteNoise warns on every request when STATIC_ROOT is missing, as in a fresh clone that
    never ran collectstatic; the tests serve static files from the apps' folders anyway."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads and generated files of a test go to its own folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches (Django's, core.cache's) and no rate-limit counts
    (sign-in throttles, public limits: core.ratelimit)."""
    from django.core.cache import cache

    from nuanjia.core import cache as ttl_caches
    from nuanjia.core import ratelimit

    def clear() -> None:
        cache.clear()
        ttl_caches.clear_all()
        ratelimit.clear()

    clear()
    yield
    clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_union_tree()
    from django.conf import settings
    from django.db import connections

    if "replica" in settings.DATABASES and not settings.NUANJIA_REPLICA_URL:
        share_the_replica_alias(connections)


def share_the_replica_alias(connections) -> None:
    """The suite runs with the read replica's router on (core.db_router, ADR 0020): without a
    real replica, the `replica` alias mirrors the test database on the test's own connection,
    so routed reads see the test's uncommitted rows, and every database test may use it."""
    from django.test import TransactionTestCase

    connections["replica"].creation.set_as_test_mirror(connections["default"].settings_dict)
    connections["replica"] = connections["default"]  # this thread; other threads: the mirror
    TransactionTestCase.databases = {"default", "replica"}


@pytest.fixture
def tree(db):
    """The union tree (reloaded if a transactional test flushed it)."""
    if not Org.objects.filter(code="410000").exists():
        load_union_tree()
    return {org.code: org for org in Org.objects.filter(depth__lte=2)}


@pytest.fixture
def make_staff(tree):
    counter = {"n": 0}

    def make(org_code: str, *roles: str, username: str | None = None) -> Staff:
        counter["n"] += 1
        org = Org.objects.get(code=org_code)
        staff = Staff(
            username=username or f"{org_code}-{'-'.join(roles) or 'none'}-{counter['n']}",
            full_name=f"测试{counter['n']}",
            org=org,
        )
        staff.set_password(PASSWORD)
        staff.save()
        set_roles(staff, set(roles), by=None)
        return Staff.objects.get(pk=staff.pk)

    return make


@pytest.fixture
def caseworker(make_staff):
    """惠济区总工会 caseworker (经办人)."""
    return make_staff("410108", Role.CASEWORKER, username="hj_caseworker")


@pytest.fixture
def reviewer(make_staff):
    return make_staff("410108", Role.REVIEWER, username="hj_reviewer")


@pytest.fixture
def approver(make_staff):
    return make_staff("410108", Role.APPROVER, username="hj_approver")


@pytest.fixture
def province_finance(make_staff):
    return make_staff("410000", Role.FINANCE, username="sz_finance")


@pytest.fixture
def city_finance(make_staff):
    return make_staff("410100", Role.FINANCE, username="zz_finance")


@pytest.fixture
def dibao(db):
    """惠济区's 低保 standard: 800 元 a person a month, since 2020."""
    from nuanjia.standards.models import DibaoStandard

    return DibaoStandard.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=80_000
    )


@pytest.fixture
def frozen_clock():
    """The clock stands at 2026-03-02 10:00 in Shanghai unless the test moves it
    (`frozen_clock.move_to(…)`); the hardship and relief tests use it for every test."""
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=shanghai), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def finance(make_staff):
    return make_staff("410108", Role.FINANCE, username="hj_finance")


@pytest.fixture
def hotline_agent(make_staff):
    return make_staff("410108", Role.HOTLINE_AGENT, username="hj_hotline")


@pytest.fixture
def leader(make_staff):
    return make_staff("410100", Role.LEADER, username="zz_leader")


@pytest.fixture
def outsider(make_staff):
    """A caseworker of 开封市鼓楼区: must never see 惠济区 rows."""
    return make_staff("410204", Role.CASEWORKER, username="kf_caseworker")


@pytest.fixture
def system_admin(make_staff):
    return make_staff("410000", Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def security_admin(make_staff):
    return make_staff("410000", Role.SECURITY_ADMIN, username="secadmin")


@pytest.fixture
def auditor(make_staff):
    return make_staff("410000", Role.AUDIT_ADMIN, username="auditor")


def verified_login(client, user) -> None:
    """Sign in, with the second factor already given for roles that need it."""
    client.force_login(user)
    if user.needs_two_factor:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in as that persona and returns the client."""

    def do_login(user):
        verified_login(client, user)
        return client

    return do_login
