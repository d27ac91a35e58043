"""The default campaign report's text, in the seed's style (issue 20): the province's unions'
money, the rest stations, mutual aid, rent relief, consumption help and health checks, each
figure a placeholder of reports.narrative. The demo gives it to the province; any union may
start a template from it.

The second line names the province's two rounds of the year (the campaign account: 6144万元
already allocated, 2560万元 more before year end) by filtered placeholders: the earmarks of
each round and its days, the first round January to November, the second December."""

from __future__ import annotations

from nuanjia.core import clock
from nuanjia.orgs.models import Org

from .models_report import ReportTemplate

TITLE = "“两节”送温暖暨户外劳动者服务工作情况报告"
BODY = """\
{period_label}，全省各级工会投入帮扶资金{funds.allocated|period|万元}万元，实际支出{funds.paid|period|万元}万元，资金执行率{funds.execution_rate|period|%}%；发放困难职工救助金{relief.grants_paid|period|万元}万元，帮扶职工{relief.persons_helped|period|人}人。
在今年已拨付{funds.allocated[d1=warmth,hardship]|{year}-01-01..{year}-11-30|万元}万元困难职工帮扶和送温暖资金的基础上，河南省总年底前再下拨{funds.allocated[d1=breakfast,stations,hardship]|{year}-12|万元}万元，用于环卫工人免费早餐、户外劳动者驿站建设和困难职工帮扶。
全省{stations.active|period|家}家户外劳动者爱心驿站持续开放，日均服务户外劳动者{stations.visits|period|人次/日}人次。
职工互助保障累计已赔付{mutualaid.members_paid|period|人}名重大疾病职工互助金{mutualaid.claims_paid|period|万元}万元。
为小微企业和个体工商户累计减免租金{enterprises.rent_relieved|period|万元}万元，返还工会经费{enterprises.rebates_paid|period|万元}万元。
开展消费帮扶，帮销农产品{produce.grams_paid|period|万斤}万斤，帮助农户增收{produce.orders_paid|period|万元}万元。
组织新就业形态劳动者免费体检{campaigns.health_checks|period|万人次}万人次，12351热线受理诉求{hotline.received|period|件}件，先行救助从来电到发放平均{hotline.fast_track_mean_days|period|天}个工作日。
"""


def default_body(year: int | None = None) -> str:
    """The text, its rounds in `year` (this year by default)."""
    year = year or clock.today().year
    return BODY.replace("{period_label}", "本期").replace("{year}", str(year))


def ensure_default(org: Org, *, year: int | None = None) -> ReportTemplate:
    """The union's default template (created once; idempotent for the demo)."""
    found, _created = ReportTemplate.objects.get_or_create(
        org=org, title=TITLE, defaults={"body": default_body(year)}
    )
    return found
