"""Random sequences of grant steps keep the money and the grants in agreement.

After every step: the paying account's reserved balance is the sum of the approved and
batched grants, its spent balance the sum of the paid ones, money is conserved, every paid
grant has exactly one standing spending entry and no grant more than one, and `nuanjia funds
check` finds nothing. A refused step (a rule, a role) changes nothing at all.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from nuanjia.core.errors import RuleViolation
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.relief import rules, services
from nuanjia.relief.models import Grant, GrantEvent, PaymentBatch, PaymentLine
from nuanjia.relief.rules import Status

from .conftest import YUAN, make_worker

pytestmark = pytest.mark.django_db
REACHED: set[str] = set()  # statuses the runs reached, to prove the machine gets that far
TOTAL = 20_000 * YUAN  # what 惠济区 holds of 送温暖资金 (the `money` fixture)


def snapshot():
    return (
        list(Grant.objects.order_by("pk").values_list("pk", "status", "batch_id")),
        list(PaymentLine.objects.order_by("pk").values_list("pk", "result")),
        list(PaymentBatch.objects.order_by("pk").values_list("pk", "status", "paid_count")),
        GrantEvent.objects.count(),
        Transaction.objects.count(),
    )


def build_machine(actors, account, huiji, earmark, grant_type):
    caseworker, reviewer, approver, finance = actors
    workers = [make_worker() for _ in range(4)]

    class GrantMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.grants: list[int] = []

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def attempt(self, call):
            """Run a step; a refusal must leave everything as it was."""
            before = snapshot()
            try:
                with transaction.atomic():
                    call()
            except (RuleViolation, PermissionDenied):
                assert snapshot() == before

        def pick(self, index: int, *statuses) -> Grant | None:
            grants = Grant.objects.filter(pk__in=self.grants)
            if statuses:
                grants = grants.filter(status__in=statuses)
            grants = list(grants.order_by("pk"))
            return grants[index % len(grants)] if grants else None

        @rule(worker=st.integers(0, 3), amount=st.integers(1, 3_000 * YUAN + 5))
        def propose(self, worker, amount):
            def call():
                grant = services.propose_grant(
                    workers[worker],
                    grant_type=grant_type,
                    amount_fen=amount,
                    reason="随机",
                    by=caseworker,
                )
                self.grants.append(grant.pk)

            self.attempt(call)

        @precondition(lambda self: self.grants)
        @rule(
            index=st.integers(0, 100),
            step=st.sampled_from(["review", "approve", "approve", "reject"]),
            anyhow=st.integers(0, 4),
        )
        def check(self, index, step, anyhow):
            # Mostly a grant the step fits; one time in five any grant (a refusal to check).
            fits = {
                "review": [Status.PROPOSED],
                "approve": [Status.REVIEWED],
                "reject": [Status.PROPOSED, Status.REVIEWED],
            }
            grant = self.pick(index) if anyhow == 0 else self.pick(index, *fits[step])
            if grant is None:
                return
            calls = {
                "review": lambda: services.review_grant(grant, by=reviewer),
                "approve": lambda: services.approve_grant(grant, by=approver),
                "reject": lambda: services.reject_grant(grant, by=reviewer, reason="不符合"),
            }
            self.attempt(calls[step])

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100), bank_says_no=st.integers(0, 3))
        def advance(self, index, bank_says_no):
            """The next step of the usual path for some grant, so runs reach the bank."""
            grant = self.pick(index)
            steps = {
                Status.PROPOSED: lambda: services.review_grant(grant, by=reviewer),
                Status.REVIEWED: lambda: services.approve_grant(grant, by=approver),
                Status.APPROVED: self.send,
                Status.BATCHED: lambda: services.confirm_payment(grant, by=finance),
                Status.FAILED: lambda: services.retry_grant(grant, by=finance),
            }
            if bank_says_no == 0:  # now and then the bank refuses
                steps[Status.BATCHED] = lambda: services.record_failure(
                    grant, by=finance, reason="户名不符"
                )
            if grant.status == Status.PAID and index % 2 == 0:
                steps[Status.PAID] = lambda: services.record_return(
                    grant, by=finance, reason="退回"
                )
            if grant.status in steps:
                self.attempt(steps[grant.status])

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100), chance=st.integers(0, 2))
        def cancel(self, index, chance):
            if chance == 0:
                grant = self.pick(index)
                self.attempt(lambda: services.cancel_grant(grant, by=approver, reason="撤销"))

        def send(self):
            batch = services.build_batch(huiji, earmark, by=finance)
            services.export_bank_file(batch, io.BytesIO(), by=finance, reason="发放")

        @rule()
        def build_and_send(self):
            self.attempt(self.send)

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100), twice=st.booleans())
        def pay(self, index, twice):
            grant = self.pick(index, Status.BATCHED, Status.PAID)
            if grant is None:
                return
            self.attempt(lambda: services.confirm_payment(grant, by=finance))
            if twice:
                self.attempt(lambda: services.confirm_payment(grant, by=finance))
            grant.refresh_from_db()
            event(f"pay → {grant.status}")

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100))
        def fail(self, index):
            grant = self.pick(index, Status.BATCHED)
            if grant is not None:
                self.attempt(lambda: services.record_failure(grant, by=finance, reason="户名不符"))

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100))
        def retry(self, index):
            grant = self.pick(index, Status.FAILED)
            if grant is not None:
                self.attempt(lambda: services.retry_grant(grant, by=finance))

        @precondition(lambda self: self.grants)
        @rule(index=st.integers(0, 100))
        def give_back(self, index):
            grant = self.pick(index, Status.PAID)
            if grant is not None:
                self.attempt(lambda: services.record_return(grant, by=finance, reason="退回"))

        @invariant()
        def note_the_statuses_reached(self):
            REACHED.update(
                Grant.objects.filter(pk__in=self.grants).values_list("status", flat=True)
            )

        @invariant()
        def money_agrees_with_the_grants(self):
            held = FundAccount.objects.get(pk=account.pk)
            grants = Grant.objects.filter(pk__in=self.grants)

            def total(*statuses):
                return grants.filter(status__in=statuses).aggregate(t=Sum("amount_fen"))["t"] or 0

            assert held.reserved_fen == total(*rules.RESERVED_STATUSES)
            assert held.spent_fen == total(Status.PAID)
            assert held.available_fen + held.reserved_fen + held.spent_fen == TOTAL
            assert min(held.available_fen, held.reserved_fen, held.spent_fen) >= 0

        @invariant()
        def each_paid_grant_has_one_standing_payment(self):
            spends = Transaction.objects.filter(kind="spend", source_type="relief.grant")
            for grant in Grant.objects.filter(pk__in=self.grants):
                count = spends.filter(source_id=str(grant.pk)).count()
                standing = spends.filter(source_id=str(grant.pk), reversal__isnull=True).count()
                assert count <= 1
                assert standing == (1 if grant.status == Status.PAID else 0)
            assert first_discrepancy() is None

    return GrantMachine


def test_random_grant_steps_keep_money_and_grants_in_agreement(
    money, huiji, earmarks, grant_types, caseworker, reviewer, approver, finance
):
    machine = build_machine(
        (caseworker, reviewer, approver, finance),
        money["warmth"],
        huiji,
        earmarks["warmth"],
        grant_types["warmth"],
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs went all the way: paid, failed and returned grants were all checked.
    assert {Status.PAID, Status.FAILED, Status.RETURNED} <= REACHED
