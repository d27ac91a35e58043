"""Where every table would live on a Citus cluster distributed by the city-level region code.

docs/scale.md explains the plan; this module is its schema half, checked by
`tests/test_distribution_path.py` on every model (Django's `_meta` only, SQLite and PostgreSQL):

- **REFERENCE**: replicated to every node (`create_reference_table`): small, read everywhere,
  written rarely (the org tree, staff and roles, standards tables, configuration).
- **DISTRIBUTED**: one colocation group, distributed by `city_code`, the first 4 digits of the
  GB/T 2260 code of the city-level union the row belongs to ("4101" 郑州, "4190" 济源, "4100"
  for the province union's own rows). `via` names the path to that union: "org" is the row's
  own `org`, "worker.org" the worker's, "chain" a column that names the union itself. The row
  gets the code when written (the column every distributed table gains, see docs/scale.md).
- **KEYED**: distributed by its own unique key in a colocation group of its own, for a
  province-wide (nation-wide) key that no city owns: the lookup tables.
- **LOCAL**: a plain table on the coordinator (sessions, tasks, counters of the whole system).

A unique key of a DISTRIBUTED table must contain the distribution value: the first hop of
`via`, or a field in `same_city` (a reference that is in the row's city by a stated invariant).
A unique key that cannot is listed in `wide_unique` with the mechanism that keeps it province-
wide; a reference that may point into another city is listed in `cross_city` with what replaces
the database's foreign key. A placement whose `via` column the table does not have yet says so
(`column_planned`). The lists are the honest state of today's schema, not wishes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DISTRIBUTION_COLUMN = "city_code"


class Kind(StrEnum):
    REFERENCE = "reference"
    DISTRIBUTED = "distributed"
    KEYED = "keyed"
    LOCAL = "local"


@dataclass(frozen=True)
class KeptBy:
    """How a key or a reference that crosses cities is kept, and why it has to."""

    mechanism: str
    reason: str = ""


@dataclass(frozen=True)
class Placement:
    kind: Kind
    why: str = ""
    via: str = ""
    same_city: tuple[str, ...] = ()
    wide_unique: Mapping[str, KeptBy] = field(default_factory=dict)
    cross_city: Mapping[str, KeptBy] = field(default_factory=dict)
    column_planned: str = ""

    @property
    def hop(self) -> str:
        """The field the distribution value is derived from (the first hop of `via`)."""
        return self.via.split(".", 1)[0]


def ref(why: str = "") -> Placement:
    return Placement(Kind.REFERENCE, why)


def local(why: str) -> Placement:
    return Placement(Kind.LOCAL, why)


def dist(
    via: str,
    *,
    same_city: tuple[str, ...] = (),
    wide: Mapping[str, KeptBy] | None = None,
    cross: Mapping[str, KeptBy] | None = None,
    planned: str = "",
    why: str = "",
) -> Placement:
    return Placement(Kind.DISTRIBUTED, why, via, same_city, wide or {}, cross or {}, planned)


def keyed(key: str, why: str) -> Placement:
    return Placement(Kind.KEYED, why, key)


# Mechanisms used more than once.
SHARD_TOKEN = KeptBy(
    "the token names its city (njm_/njp_<city_code>_<secret>); the key becomes "
    "(city_code, key_hash), and 256 random bits make a clash between cities impossible",
    "a device is looked up by its key alone on every request",
)
SOURCE_IN_ITS_CITY = KeptBy(
    "the payable row itself, locked and moved to paid once (core.payable_rows), is the guard; "
    "the database key becomes (city_code, source_type, source_id), a second guard for spends "
    "and lines of one source in one city",
    "a source is spent by its paying union, which may be the province",
)
PROVINCE_BATCH: KeptBy = KeptBy(
    "a plain column without a database foreign key on Citus; the batch service checks it and "
    "writes the batch, its lines and the payables in one distributed (2PC) transaction",
    "a province union's batch pays payables of several cities",
)
PROVINCE_RUN = KeptBy(
    "a plain column without a database foreign key on Citus; the run writes each city's rows "
    "in that city's shard and the run row once",
    "a province-level run covers every city",
)
PARTNER_CITY = KeptBy(
    "a plain column without a database foreign key on Citus, checked by the service",
    "a partner's file or statement is in the partner's union's city; the member's rows in hers",
)
WORKER_INVARIANT = (
    "rows about a worker live in the worker's city (their org, the acting or paying union, is "
    "the worker's union or one of its ancestors, so a city's scoped query stays in its shard); "
    "a move to another city takes the worker's rows with it (people.signals.worker_transferred)"
)
MEMBER_INVARIANT = "a member lives in the city of her bound worker, or of the county she joined"

_CORE: dict[str, Placement] = {
    "core_auditevent": dist(
        "chain", why="one chain per city-level union, colocated with the city's rows"
    ),
    "core_auditchain": dist("key", why="the head of each chain lives beside the chain's events"),
    "core_auditrootentry": ref(
        "the root chain's seals of every chain's head, written by the scheduler every few "
        "minutes: a coordinator table, replicated so that every node holds the seals"
    ),
    "core_scheduledrun": local("periods claimed once by the scheduler on the coordinator"),
    "core_calendarday": ref("the national calendar of working days"),
    "core_calendaryear": ref("the national calendar's confirmed years"),
    "core_cacheversion": local("per-process cache versions (or Redis)"),
}

_DJANGO: dict[str, Placement] = {
    "django_admin_log": local("the operator's admin changes"),
    "auth_permission": ref(),
    "auth_group": ref(),
    "auth_group_permissions": ref(),
    "django_content_type": ref(),
    "django_session": local("staff sessions (or a cache backend)"),
    "otp_totp_totpdevice": local("written at every two-factor check; read with orgs_staff"),
    "django_tasks_database_dbtaskresult": local("the task queue of the coordinator's workers"),
}

_ORGS: dict[str, Placement] = {
    "orgs_org": ref("the union tree: every scoped query reads it, ~1.5 million rows nationally"),
    "orgs_staff": ref("staff act across the tree (a province caseworker on a city's row)"),
    "orgs_staff_groups": ref(),
    "orgs_staff_user_permissions": ref(),
    "orgs_roleassignment": ref(),
    "accounts_apitoken": local("API tokens, last use written on every call"),
    "hardship_dibaostandard": ref("standards: dated regional tables"),
    "hardship_minimumwage": ref("standards: dated regional tables"),
}

_PEOPLE: dict[str, Placement] = {
    "people_occupationtag": ref(),
    "people_employer": dist(
        "union",
        wide={
            "employer_unique_credit_code": KeptBy(
                "a KEYED lookup table people_employercode(credit_code → city_code, "
                "employer_id) written in the same transaction",
                "a firm is one firm across the province",
            )
        },
    ),
    "people_worker": dist(
        "org",
        wide={
            "worker_unique_id_number": KeptBy(
                "a KEYED lookup table people_workerid(id_number_index → city_code, worker_id), "
                "distributed by the blind index, inserted in the worker's transaction (2PC); "
                "a province-only cluster may keep it as a reference table",
                "one registry record per person across the province (and the nation)",
            )
        },
        cross={
            "employer": KeptBy(
                "a plain column, checked by the import and the services",
                "the firm's union may be in another city than the worker's",
            ),
            "merged_into": KeptBy(
                "a plain column: merging a duplicate from another city moves the loser's rows "
                "into the winner's city in one distributed transaction",
                "duplicates are found across cities",
            ),
            "import_batch": KeptBy(
                "a plain column: a province-level import writes each city's workers in its "
                "shard and its batch row once",
                "a province-level import covers every city",
            ),
        },
    ),
    "people_workernamekey": dist("worker.org"),
    "people_worker_occupations": dist("worker.org"),
    "people_household": dist("worker.org", why=WORKER_INVARIANT),
    "people_householdmember": dist("household"),
    "people_consent": dist("worker.org"),
    "people_transferrequest": dist(
        "worker.org", why="a transfer between cities is a cross-shard move (docs/scale.md)"
    ),
    "people_duplicatecandidate": dist(
        "worker.org",
        cross={"other": KeptBy("a plain column", "duplicates are found across cities")},
    ),
    "people_importbatch": dist("org"),
    "people_importrowerror": dist("batch"),
    "people_importreview": dist("batch"),
    "people_honour": dist("worker.org"),
}

_MEMBERS: dict[str, Placement] = {
    "members_member": dist(
        DISTRIBUTION_COLUMN,
        planned="a member's city_code, set at sign-up and moved on binding or transfer",
        same_city=("worker",),
        why=MEMBER_INVARIANT,
        wide={
            "phone_index": KeptBy(
                "a KEYED lookup table members_memberphone(phone_index → city_code, member_id) "
                "read first at sign-in",
                "one member account per phone across the province",
            )
        },
    ),
    "members_memberdevice": dist("member", wide={"key_hash": SHARD_TOKEN}),
    "members_phonecode": local("texted codes, minutes long, keyed by the phone"),
    "members_binding": dist("member"),
    "members_bindingevent": dist("binding"),
    "members_join": dist("member"),
    "members_joinevent": dist("join"),
    "members_message": dist("member"),
    "members_partner": ref("partners serve members of every city; read on every scan"),
    "members_outlet": ref(),
    "members_partneruser": ref("partners' people, thousands"),
    "members_partnerdevice": local("partner phones, read on every scan with reference tables"),
    "members_cardscan": dist(
        "partner.org",
        why="a partner's scan log (refused scans have no worker)",
        cross={"worker": KeptBy("a plain column", "a member of another city may be scanned")},
    ),
    "members_partnerconsent": dist("member"),
    "members_messagetemplate": ref(),
    "members_datarequest": dist("member"),
    "members_datarequestevent": dist("request"),
}

_HARDSHIP: dict[str, Placement] = {
    "hardship_hardshippolicy": ref(),
    "hardship_bulkrun": dist("org"),
    "hardship_hardshipfile": dist("household", why=WORKER_INVARIANT),
    "hardship_fileevent": dist("file"),
    "hardship_fileattachment": dist("hardship_file"),
    "hardship_objection": dist("file"),
}

_FUNDS: dict[str, Placement] = {
    "funds_earmark": ref(),
    "funds_fundaccount": dist("org"),
    "funds_transaction": dist(
        "org",
        same_city=("reverses",),
        why="a reversal is posted by the transaction's own union",
        wide={"fund_transaction_one_spend_per_source": SOURCE_IN_ITS_CITY},
    ),
    "funds_entry": dist(
        "account",
        why="entries live beside their account, so balances and `funds check` stay in one shard",
        cross={
            "transaction": KeptBy(
                "a plain column: an allocation or return between a province and a city writes "
                "both accounts' entries in one distributed (2PC) transaction",
                "allocations province → city",
            )
        },
    ),
    "funds_closedperiod": dist("org"),
}

_RELIEF: dict[str, Placement] = {
    "relief_granttype": ref(),
    "relief_granttype_earmarks": ref(),
    "relief_grantcap": ref(),
    "relief_paymentbatch": dist("org"),
    "relief_grant": dist(
        "worker.org",
        same_city=("hardship_file", "household"),
        why="a grant's household and hardship file are its worker's; " + WORKER_INVARIANT,
        cross={"batch": PROVINCE_BATCH},
    ),
    "relief_grantevent": dist("grant"),
    "relief_paymentline": dist(
        "batch",
        wide={
            "reference": KeptBy(
                "the batch's number and the payable's number, both from global sequences: "
                "unique by construction; the key becomes (city_code, reference)"
            ),
            "relief_line_one_paid_per_source": SOURCE_IN_ITS_CITY,
        },
    ),
}

_STATIONS: dict[str, Placement] = {
    "stations_facility": ref(),
    "stations_station": ref("200,000 stations: the public nearest search reads all near a point"),
    "stations_stationfacility": ref(),
    "stations_closure": ref(),
    "stations_stationphoto": ref(),
    "stations_visit": dist("station.org"),
    "stations_daytally": dist("station.org"),
    "stations_stationday": dist("station.org"),
    "stations_stationgrant": dist("org"),
    "stations_stationgrantevent": dist("grant"),
}

_HOTLINE: dict[str, Placement] = {
    "hotline_daycounter": local("the day's ticket numbers, drawn on the coordinator"),
    "hotline_deadlinepolicy": ref(),
    "hotline_fasttrackpolicy": ref(),
    "hotline_answertemplate": ref(),
    "hotline_ticket": dist(
        "org",
        why="a ticket dispatched to another city moves to it with its events",
        wide={
            "number": KeptBy(
                "numbers come from the one hotline_daycounter, so they are unique by "
                "construction; the key becomes (city_code, number) and the public follow-up "
                "looks a number up on every shard (rate-limited, a few a second)"
            )
        },
    ),
    "hotline_ticketevent": dist("ticket"),
    "hotline_ticketattachment": dist("ticket"),
    "hotline_fasttrack": dist(
        "worker.org",
        same_city=("grant",),
        why="the advance grant is the same worker's; " + WORKER_INVARIANT,
        cross={
            "ticket": KeptBy("a plain column", "the ticket may sit with the province's hotline")
        },
    ),
}

_CAMPAIGNS: dict[str, Placement] = {
    "campaigns_campaign": ref(),
    "campaigns_campaign_earmarks": ref(),
    "campaigns_activity": ref("activities are read by every booking, scan and enrolment"),
    "campaigns_quota": dist(
        "org",
        cross={
            "parent": KeptBy(
                "a plain column: passing places down locks the parent then the child in one "
                "distributed transaction",
                "a city's quota hangs under the province's",
            )
        },
    ),
    "campaigns_quotaevent": dist("quota"),
    "campaigns_booking": dist(
        "worker.org",
        why=WORKER_INVARIANT,
        cross={"settlement": PARTNER_CITY},
    ),
    "campaigns_roster": dist("org"),
    "campaigns_rosterevent": dist("roster"),
    "campaigns_enrolmentrun": dist("org"),
    "campaigns_enrolment": dist(
        "worker.org",
        why=WORKER_INVARIANT,
        cross={"run": PROVINCE_RUN, "roster": PROVINCE_RUN},
    ),
    "campaigns_visit": dist(
        "worker.org", same_city=("grant",), why="a visit's cash grant is to the visited worker"
    ),
    "campaigns_goodsitem": ref(),
    "campaigns_stock": dist("org"),
    "campaigns_goodspurchase": dist("org"),
    "campaigns_goodspurchaseevent": dist("purchase"),
    "campaigns_handout": dist("org"),
    "campaigns_stockmove": dist("stock"),
    "campaigns_finding": dist("worker.org", why=WORKER_INVARIANT),
    "campaigns_findingevent": dist("finding"),
    "campaigns_partnercontract": ref("a partner's contract, read by every scan and booking"),
    "campaigns_invitation": dist("worker.org", why=WORKER_INVARIANT),
    "campaigns_healthcheckrecord": dist("worker.org", why=WORKER_INVARIANT),
    "campaigns_settlement": dist(
        "org",
        same_city=("contract",),
        why="a settlement's org is its contract's paying union",
        cross={"batch": PROVINCE_BATCH},
    ),
    "campaigns_settlementevent": dist("settlement"),
    "campaigns_meallist": dist("partner.org"),
    "campaigns_meal": dist(
        "worker.org",
        why=WORKER_INVARIANT,
        cross={"meal_list": PARTNER_CITY, "settlement": PARTNER_CITY},
    ),
    "campaigns_trip": dist("contract.org"),
    "campaigns_nomination": dist(
        "worker.org",
        same_city=("booking",),
        why="a nomination's booking is the nominated worker's; " + WORKER_INVARIANT,
        cross={
            "trip": KeptBy(
                "a plain column: a nomination takes a trip place in a distributed transaction",
                "a province's trip takes workers of every city",
            ),
            "settlement": PARTNER_CITY,
        },
    ),
    "campaigns_nominationevent": dist("nomination"),
}

_PRODUCE: dict[str, Placement] = {
    "produce_povertycounty": ref(),
    "produce_producer": ref("unions of any city buy from a producer in a 脱贫县"),
    "produce_product": ref(),
    "produce_orderlimit": ref(),
    "produce_helporder": dist("org", cross={"batch": PROVINCE_BATCH}),
    "produce_helporderevent": dist("order"),
    "produce_orderline": dist("order"),
    "produce_goodsdestination": dist(
        "order",
        cross={"hardship_file": KeptBy("a plain column", "goods given to a family elsewhere")},
    ),
    "produce_giftbag": dist("org", why="the bag's stock is taken in the bag's shard"),
    "produce_giftbag_points": dist("giftbag"),
    "produce_bagorder": dist(
        "bag",
        cross={
            "member": KeptBy("a plain column", "a province union's bag is ordered in every city")
        },
    ),
    "produce_bagstockmove": dist(
        "bag", same_city=("order",), why="a stock move is its order's, taken from its bag"
    ),
}

_MUTUALAID: dict[str, Placement] = {
    "mutualaid_plan": ref(),
    "mutualaid_planversion": ref(),
    "mutualaid_enrolment": dist(
        "worker.org", same_city=("renews",), why="a renewal is the same worker's term"
    ),
    "mutualaid_contribution": dist("enrolment"),
    "mutualaid_yearcounter": dist("worker.org"),
    "mutualaid_episode": dist("worker.org"),
    "mutualaid_claim": dist(
        "worker.org",
        why="beside the worker's enrolment, year counter and episode; " + WORKER_INVARIANT,
        cross={"batch": PROVINCE_BATCH},
    ),
    "mutualaid_claimline": dist(
        "claim",
        cross={
            "invoice": KeptBy(
                "a plain column to the KEYED invoice table, updated in the claim's "
                "distributed transaction",
                "an invoice is reimbursed once across the province",
            )
        },
    ),
    "mutualaid_invoice": keyed("key", "an invoice is reimbursed once across the province"),
    "mutualaid_invoiceuse": dist(
        "line",
        cross={
            "invoice": KeptBy(
                "a plain column to the KEYED invoice table",
                "an invoice is reimbursed once across the province",
            )
        },
    ),
    "mutualaid_claimdocument": dist("claim"),
    "mutualaid_claimevent": dist("claim"),
    "mutualaid_enrolmentimport": dist("org"),
}

_BENEFITS: dict[str, Placement] = {
    "benefits_merchantterms": ref(),
    "benefits_outletplace": ref(),
    "benefits_offer": ref("offers are read by every redemption in every city"),
    "benefits_membercounter": dist("worker.org"),
    "benefits_budgetcounter": dist(
        "offer.org",
        why="a province offer's budget is one row: redemptions in a city take it in a "
        "distributed transaction unless the budget is split by city (docs/scale.md)",
    ),
    "benefits_usagefile": dist("partner.org"),
    "benefits_couponbatch": dist("org"),
    "benefits_coupon": dist("worker.org", cross={"batch": PROVINCE_RUN}),
    "benefits_statement": dist(
        "org",
        same_city=("partner",),
        why="a statement's org is its partner's terms' paying union",
        cross={"batch": PROVINCE_BATCH},
    ),
    "benefits_statementevent": dist("statement"),
    "benefits_redemption": dist(
        "worker.org",
        same_city=("coupon",),
        why="a coupon is used by the worker it was issued to; " + WORKER_INVARIANT,
        cross={"usage_file": PARTNER_CITY},
    ),
    "benefits_reversal": dist("redemption"),
    "benefits_attempt": dist(
        DISTRIBUTION_COLUMN,
        planned="city_code of the scanned member, written with the attempt",
        wide={
            "key": KeptBy(
                "(city_code, key): a retry repeats the same card, so the same city",
                "the device's attempt key makes a confirm idempotent",
            )
        },
    ),
    "benefits_flag": dist("worker.org", why=WORKER_INVARIANT),
    "benefits_flagevent": dist("flag"),
}

_ENTERPRISES: dict[str, Placement] = {
    "enterprises_firmprofile": dist(
        "org",
        same_city=("employer",),
        why="the firm's county union and its employer's union are in the firm's region",
    ),
    "enterprises_sizethreshold": ref(),
    "enterprises_firmfigures": dist("firm"),
    "enterprises_property": dist("org"),
    "enterprises_unit": dist("property"),
    "enterprises_lease": dist("org"),
    "enterprises_schedulemonth": dist("lease"),
    "enterprises_reliefpolicy": ref(),
    "enterprises_rentrelief": dist(
        "org", same_city=("lease",), why="a relief's org is its lease's (the owning union)"
    ),
    "enterprises_rentreliefevent": dist("relief"),
    "enterprises_reliefline": dist("relief"),
    "enterprises_checkup": dist("org"),
    "enterprises_finding": dist("checkup"),
    "enterprises_visit": dist("org"),
    "enterprises_followuptask": dist("visit"),
    "enterprises_feecollection": dist(
        "org", same_city=("firm",), why="a collection's org is its firm's county union"
    ),
    "enterprises_rebatepolicy": ref(),
    "enterprises_rebatebatch": dist("org"),
    "enterprises_rebatebatchevent": dist("batch"),
    "enterprises_rebate": dist(
        "org",
        same_city=("firm",),
        why="a rebate's org is its firm's county union",
        cross={"batch": PROVINCE_RUN, "payment_batch": PROVINCE_BATCH},
    ),
    "enterprises_rebateexceptionrow": dist("org", cross={"batch": PROVINCE_RUN}),
    "enterprises_helpcap": ref(),
    "enterprises_firmhelp": dist("org"),
    "enterprises_firmhelpevent": dist("help"),
}

from .distribution_reports import REPORTS_MORE  # noqa: E402 (as below)
from .distribution_services import PIONEERS, REPORTS, SERVICES  # noqa: E402 (it uses dist, local, ref)

TABLES: Mapping[str, Placement] = {
    **_CORE,
    **_DJANGO,
    **_ORGS,
    **_PEOPLE,
    **_MEMBERS,
    **_HARDSHIP,
    **_FUNDS,
    **_RELIEF,
    **_STATIONS,
    **_HOTLINE,
    **_CAMPAIGNS,
    **_PRODUCE,
    **_MUTUALAID,
    **_BENEFITS,
    **_ENTERPRISES,
    **SERVICES,
    **PIONEERS,
    **REPORTS,
    **REPORTS_MORE,
}


def placement(db_table: str) -> Placement:
    """The table's placement; KeyError for a table nobody classified."""
    return TABLES[db_table]
