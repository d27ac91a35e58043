"""Random sequences of ledger moves keep the ledger's invariants after every step.

A model of the expected balances runs beside the database. After each step: every
transaction's entries sum to zero, no balance is negative, each account's balance columns
equal the sums of its entries, the money inside the ledger equals what came in from outside,
and the database agrees with the model. Refused moves must change nothing.
"""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services
from nuanjia.funds.models import Earmark, Entry, FundAccount, Transaction
from nuanjia.orgs.models import Org

from .conftest import allocated
from .conftest import received as received_posting

PROVINCE, ZHENGZHOU, HUIJI, KAIFENG = "410000", "410100", "410108", "410200"
# Allocation and return edges of the small tree the machine plays on.
DOWN = [(PROVINCE, ZHENGZHOU), (PROVINCE, KAIFENG), (ZHENGZHOU, HUIJI)]
UP = [(HUIJI, ZHENGZHOU), (ZHENGZHOU, PROVINCE), (KAIFENG, PROVINCE)]
amounts = st.integers(min_value=1, max_value=50_000)


def ledger_snapshot():
    return (
        list(
            FundAccount.objects.order_by("pk").values_list(
                "pk", "available_fen", "reserved_fen", "spent_fen"
            )
        ),
        Transaction.objects.count(),
        Entry.objects.count(),
    )


def build_machine(actors):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.orgs = {
                org.code: org
                for org in Org.objects.filter(code__in=[PROVINCE, ZHENGZHOU, HUIJI, KAIFENG])
            }
            self.earmark = Earmark.objects.get(code="warmth")
            self.accounts = {
                code: services.account_for(org, self.earmark) for code, org in self.orgs.items()
            }
            # The model: {org code: [available, reserved, spent]}, sources reserved and not settled.
            self.expected = {code: [0, 0, 0] for code in self.orgs}
            self.received = 0
            self.open_sources: dict[str, tuple[str, int]] = {}
            self.paid_sources: list[tuple[str, str]] = []
            self.serial = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def refused(self, call):
            """A refused move raises RuleViolation and leaves the ledger as it was."""
            before = ledger_snapshot()
            with pytest.raises(RuleViolation):
                call()
            assert ledger_snapshot() == before

        def move(self, call, amount: int, source: tuple[str, int], target: tuple[str, int]) -> bool:
            """`call` moves `amount` from one (org code, bucket) to another: True, or refused
            (False) when the source holds less."""
            if amount > self.expected[source[0]][source[1]]:
                self.refused(call)
                return False
            call()
            self.expected[source[0]][source[1]] -= amount
            self.expected[target[0]][target[1]] += amount
            return True

        @rule(amount=amounts)
        def receive(self, amount):
            services.receive(
                self.orgs[PROVINCE], self.earmark, amount, source="财政", by=actors["province"]
            )
            self.expected[PROVINCE][0] += amount
            self.received += amount

        @rule(edge=st.sampled_from(DOWN), received=amounts, amount=amounts)
        def receive_and_allocate_in_bulk(self, edge, received, amount):
            """post_many: money into the province and one allocation down, as one batch."""
            giver, taker = edge
            province = self.accounts[PROVINCE]
            postings = [
                received_posting(province, received),
                allocated(self.accounts[giver], self.accounts[taker], amount),
            ]
            call = lambda: services.post_many(postings, by=actors["province"])  # noqa: E731
            net_giver = self.expected[giver][0] - amount + (received if giver == PROVINCE else 0)
            if net_giver < 0:
                self.refused(call)
                return
            call()
            self.expected[PROVINCE][0] += received
            self.received += received
            self.expected[giver][0] -= amount
            self.expected[taker][0] += amount

        @rule(edge=st.sampled_from(DOWN), amount=amounts)
        def allocate(self, edge, amount):
            giver, taker = edge
            self.move(
                lambda: services.allocate(
                    self.orgs[giver], self.orgs[taker], self.earmark, amount, by=actors["province"]
                ),
                amount,
                (giver, 0),
                (taker, 0),
            )

        @rule(edge=st.sampled_from(UP), amount=amounts)
        def return_up(self, edge, amount):
            giver, taker = edge
            self.move(
                lambda: services.return_up(
                    self.orgs[giver], self.earmark, amount, by=actors["province"]
                ),
                amount,
                (giver, 0),
                (taker, 0),
            )

        @rule(code=st.sampled_from([HUIJI, ZHENGZHOU, KAIFENG]), amount=amounts)
        def reserve(self, code, amount):
            self.serial += 1
            source = str(self.serial)
            call = lambda: services.reserve(  # noqa: E731
                self.accounts[code], amount, by=None, source_type="relief.grant", source_id=source
            )
            if self.move(call, amount, (code, 0), (code, 1)):
                self.open_sources[source] = (code, amount)

        def settle_one(self, data) -> tuple[str, str, int]:
            """A reserved source drawn to be paid or given back: (source, org code, amount)."""
            source = data.draw(st.sampled_from(sorted(self.open_sources)))
            code, amount = self.open_sources.pop(source)
            return source, code, amount

        @precondition(lambda self: self.open_sources)
        @rule(data=st.data())
        def pay(self, data):
            source, code, amount = self.settle_one(data)
            services.spend(
                self.accounts[code], amount, by=None, source_type="relief.grant", source_id=source
            )
            self.expected[code][1] -= amount
            self.expected[code][2] += amount
            self.paid_sources.append((code, source))

        @precondition(lambda self: self.paid_sources)
        @rule(data=st.data())
        def pay_again(self, data):
            code, source = data.draw(st.sampled_from(self.paid_sources))
            self.refused(
                lambda: services.spend(
                    self.accounts[code], 1, by=None, source_type="relief.grant", source_id=source
                )
            )

        @precondition(lambda self: self.open_sources)
        @rule(data=st.data())
        def fail_payment(self, data):
            source, code, amount = self.settle_one(data)
            services.release(
                self.accounts[code], amount, by=None, source_type="relief.grant", source_id=source
            )
            self.expected[code][0] += amount
            self.expected[code][1] -= amount

        @rule(data=st.data())
        def reverse(self, data):
            candidates = list(
                Transaction.objects.filter(
                    kind__in=["receive", "allocate", "return"], reversal__isnull=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not candidates:
                return
            original = Transaction.objects.get(pk=data.draw(st.sampled_from(candidates)))
            moves = {
                (entry.account.org.code if entry.account else None, entry.bucket): entry.amount_fen
                for entry in original.entries.select_related("account__org")
            }
            index = {"available": 0, "reserved": 1, "spent": 2}
            possible = all(
                code is None or self.expected[code][index[bucket]] - amount >= 0
                for (code, bucket), amount in moves.items()
            )
            call = lambda: services.reverse(original, by=actors["province"], reason="录错")  # noqa: E731
            if not possible:
                self.refused(call)
                return
            call()
            for (code, bucket), amount in moves.items():
                if code is None:
                    self.received -= -amount
                else:
                    self.expected[code][index[bucket]] -= amount

        @invariant()
        def every_transaction_sums_to_zero(self):
            unbalanced = (
                Entry.objects.values("transaction_id")
                .annotate(total=Sum("amount_fen"))
                .exclude(total=0)
            )
            assert not unbalanced.exists()

        @invariant()
        def no_balance_is_negative_and_the_model_agrees(self):
            for code, account in self.accounts.items():
                account.refresh_from_db()
                figures = [account.available_fen, account.reserved_fen, account.spent_fen]
                assert min(figures) >= 0
                assert figures == self.expected[code]

        @invariant()
        def balances_equal_the_sums_of_their_entries(self):
            sums = {
                (row["account_id"], row["bucket"]): row["total"]
                for row in Entry.objects.exclude(account=None)
                .values("account_id", "bucket")
                .annotate(total=Sum("amount_fen"))
            }
            for account in FundAccount.objects.all():
                for bucket in ("available", "reserved", "spent"):
                    assert sums.get((account.pk, bucket), 0) == account.balance(bucket)

        @invariant()
        def money_is_conserved(self):
            inside = (
                FundAccount.objects.aggregate(
                    total=Sum("available_fen") + Sum("reserved_fen") + Sum("spent_fen")
                )["total"]
                or 0
            )
            outside = (
                Entry.objects.filter(account=None).aggregate(total=Sum("amount_fen"))["total"] or 0
            )
            assert inside == -outside == self.received

    return LedgerMachine


@pytest.mark.django_db
def test_random_sequences_of_moves_keep_the_ledger_balanced(make_staff):
    actors = {"province": make_staff(PROVINCE, "finance")}
    run_state_machine_as_test(
        build_machine(actors),
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
