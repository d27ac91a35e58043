"""Campaign vocabulary shared by models, services, pages and the API: kinds, statuses and
steps as enums, and the pure rules that need no database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Being planned")  # 筹备: activities and quotas are set up
    OPEN = "open", _("Under way")  # 进行中: enrolment, visits, hand-outs and findings
    CLOSED = "closed", _("Closed")  # 已结束: figures final; nothing more is recorded


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Warmth visit")  # 慰问: cash and/or goods
    SCREENING = "screening", _("Screening drive")  # 排查: people found in difficulty
    # The partner kinds (健康体检, 爱心早餐, 疗休养) are run with partners; their pages come with
    # the partner-activities work, their quotas and enrolment are the same as every activity's.
    HEALTH_CHECK = "health_check", _("Free health check")  # 免费体检
    BREAKFAST = "breakfast", _("Free breakfast")  # 爱心早餐
    TRIP = "trip", _("Rest and recuperation trip")  # 疗休养


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Being drawn up")  # 拟定: enrolment runs add rows here
    SUBMITTED = "submitted", _("Submitted")  # 待审批: waiting for an approver
    APPROVED = "approved", _("Approved")  # 已审定: frozen; later registry edits change nothing


class RosterStep(models.TextChoices):
    SUBMIT = "submit", _("Submit for approval")  # 提交审批
    APPROVE = "approve", _("Approve the list")  # 审定名单
    RETURN = "return", _("Return for changes")  # 退回修改


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")  # 已预约: holds a place
    DONE = "done", pgettext_lazy("booking", "Attended")  # 已完成
    CANCELLED = "cancelled", _("Cancelled")  # 已取消: the place is back
    # 爽约: missed the appointment after the one re-invite; the place is back in the quota
    NO_SHOW = "no_show", _("Did not come")


class VisitStatus(models.TextChoices):
    DONE = "done", pgettext_lazy("visit", "Recorded")  # 已慰问
    CANCELLED = "cancelled", _("Cancelled")  # 已撤销: goods back in stock, grant cancelled


class GoodsUnit(models.TextChoices):
    PIECE = "件", "件"
    HAT = "顶", "顶"
    STRIP = "条", "条"
    PACK = "包", "包"
    BOX = "箱", "箱"
    BAG = "袋", "袋"
    SET = "套", "套"
    ONE = "个", "个"
    BOTTLE = "瓶", "瓶"
    JIN = "斤", "斤"


class PurchaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # 待审批: nothing spent, nothing in stock
    RECEIVED = "received", _("Approved and received")  # 已入库: money spent, stock received
    CANCELLED = "cancelled", _("Cancelled")  # 已撤回


class PurchaseStep(models.TextChoices):
    APPROVE = "approve", _("Approve and receive into stock")  # 审批入库: the money is spent
    CANCEL = "cancel", _("Withdraw the purchase")  # 撤回


class StockMoveKind(models.TextChoices):
    PURCHASE = "purchase", _("Bought")  # 采购入库
    DONATION = "donation", _("Donated")  # 捐赠入库
    ALLOCATED_IN = "allocated_in", _("Received from the union above")  # 上级下拨
    ALLOCATED_OUT = "allocated_out", _("Sent to a union below")  # 下拨下级
    HANDED_OUT = "handed_out", _("Handed out")  # 发放
    RETURNED = "returned", _("Returned to stock")  # 撤销发放退回


class FindingDegree(models.TextChoices):
    MILD = "mild", _("Some difficulty")  # 一般困难
    SERIOUS = "serious", _("Serious difficulty")  # 较重困难
    SEVERE = "severe", _("Severe difficulty")  # 特别困难


class FindingStatus(models.TextChoices):
    FOUND = "found", _("Waiting for a decision")  # 待处理
    APPLIED = "applied", _("Hardship application opened")  # 已转建档申请
    GRANTED = "granted", _("One-off grant proposed")  # 已发起一次性救助
    NO_HELP = "no_help", _("No help needed")  # 无需帮扶


class FindingStep(models.TextChoices):
    OPEN_APPLICATION = "open_application", _("Open a hardship application")  # 转困难职工建档
    PROPOSE_GRANT = "propose_grant", _("Propose a one-off grant")  # 一次性救助
    NO_HELP = "no_help", _("No help needed")  # 无需帮扶


# Rows an enrolment run writes per transaction, by worker id range (never OFFSET).
ENROL_CHUNK = 50_000
# Exports above this many rows are written as CSV, not Excel.
CSV_ABOVE_ROWS = 1_000_000


# ---- Partner programmes: health checks, breakfasts, trips, settlements -----------------------


class BookedVia(models.TextChoices):
    UNION = "union", _("By the union")  # 工会代约
    MEMBER = "member", _("By the member on the phone")  # 会员自助预约


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Invited")  # 已邀请: waiting for the worker to book
    BOOKED = "booked", _("Booked")  # 已预约
    LAPSED = "lapsed", _("Lapsed")  # 已失效: the activity ended or the place went to another


class MealSource(models.TextChoices):
    SCAN = "scan", _("Card scanned")  # 扫码
    PAPER = "paper", _("Paper list")  # 纸质登记补录


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")  # 待审批: holds a place of the trip
    APPROVED = "approved", _("Approved")  # 已批准
    ATTENDED = "attended", pgettext_lazy("trip", "Went")  # 已参加
    ABSENT = "absent", _("Did not go")  # 未参加
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回/未批准: the place is back


class NominationStep(models.TextChoices):
    APPROVE = "approve", _("Approve the nomination")  # 审批通过
    REFUSE = "refuse", _("Refuse the nomination")  # 不予批准
    WITHDRAW = "withdraw", _("Withdraw the nomination")  # 撤回


class TripStatus(models.TextChoices):
    OPEN = "open", _("Open for nominations")  # 接受推荐
    CLOSED = "closed", _("Closed to nominations")  # 停止推荐: the nominations made stand
    CANCELLED = "cancelled", _("Cancelled")  # 已取消: nobody was approved; places returned


class SettlementStatus(models.TextChoices):
    PREPARED = "prepared", _("Waiting for the partner to confirm")  # 待机构确认
    DISPUTED = "disputed", _("Disputed by the partner")  # 机构有异议
    CONFIRMED = "confirmed", _("Waiting for approval")  # 待审批
    APPROVED = "approved", _("Approved, waiting for payment")  # 待付款: the amount is reserved
    IN_BATCH = "in_batch", _("In a payment batch")  # 付款中
    PAID = "paid", _("Paid")  # 已付款
    FAILED = "failed", _("Payment failed")  # 付款失败: may go into a new batch
    CANCELLED = "cancelled", _("Cancelled")  # 已作废: its rows are free to settle again


class SettlementStep(models.TextChoices):
    CONFIRM = "confirm", _("Confirm the statement")  # 机构确认
    DISPUTE = "dispute", _("Dispute the statement")  # 机构提出异议
    APPROVE = "approve", _("Approve for payment")  # 审批付款
    CANCEL = "cancel", _("Cancel the statement")  # 作废


# A hospital's completion sheet or a shop's paper list: rows read per file at most.
PARTNER_IMPORT_MAX_ROWS = 20_000
# Breakfast days are counted in this zone (00:00–24:00), whatever the server's.
BREAKFAST_TIME_ZONE = "Asia/Shanghai"
