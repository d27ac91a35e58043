"""The campaigns API (under /api/v1/campaigns/): campaigns and activities, eligibility
previews, enrolment lists and runs, places, visits; goods (api_goods) and screening findings
(api_screening) are routers of their own added here. Every operation is scoped to the caller's
subtree and refuses what the pages refuse, with the same messages."""

from ninja import Router

from . import api_goods, api_screening

router = Router(tags=["campaigns"])
router.add_router("", api_goods.router)
router.add_router("", api_screening.router)
