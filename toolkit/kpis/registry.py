"""The KPI registry: one entry per KPI id of kpis.md.

An entry says what the KPI is (labels, direction, unit, dataset, formula for
the methodology appendix) and how it is computed: ``aggs(definitions)``
returns named Polars aggregation expressions — ``value`` and ``n`` always,
public extras (``median``, ``p90``) and private ones (``_sd``, ``_promoters``…,
used for intervals). The compute step composes all entries of a dataset into
one ``group_by().agg()``. Adding a KPI is adding one entry here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from toolkit.kpis import expr as x
from toolkit.kpis.aggs import (
    Shape,
    abandon_rate_aggs,
    always,
    count_of,
    count_where,
    csat_aggs,
    fcr_aggs,
    masked,
    mean_of,
    median_of,
    nps_aggs,
    pl_col,
    qa_critical_aggs,
    ratio_of,
    resolution_rate_aggs,
    response_rate_aggs,
    responses_aggs,
    self_service_aggs,
    service_level_aggs,
    share_of_sums,
    wait_where,
)

Direction = Literal["up", "down", "none"]


Unit = Literal["count", "rate", "seconds", "score", "points"]


DatasetName = Literal["interactions", "surveys", "qa", "agent-status"]


@dataclass(frozen=True)
class Kpi:
    id: str
    label_en: str
    label_zh: str
    direction: Direction
    unit: Unit
    dataset: DatasetName
    formula_en: str
    formula_zh: str
    aggs: Shape  # how it aggregates, and what each row contributes (aggs.py)
    empty_note: str  # why the value is null when n is 0 (unless a reason of nulls.py names the rows there)
    # The time that puts a row in the period and in its month/day/hour group: arrival for
    # most KPIs; SLA compliance counts tickets by when they fall due (kpis.md).
    time_field: Literal["arrived_at", "sla_due_at"] = "arrived_at"
    # The field the KPI cannot do without: rows without it leave the KPI; with none, it is null.
    needs: str | None = None

    @property
    def is_count(self) -> bool:
        return self.unit == "count"


def _K(*args, **kw) -> Kpi:  # noqa: N802 - reads like a table row
    return Kpi(*args, **kw)


IX, SV, QA, AS = "interactions", "surveys", "qa", "agent-status"


NO_CONTACTS = "no contacts"


REGISTRY: dict[str, Kpi] = {
    k.id: k
    for k in (
        # --- volumes
        _K(
            "contacts",
            "contacts",
            "进线总量",
            "none",
            "count",
            IX,
            "inbound interactions other than IVR sessions arriving in the period",
            "期内呼入的非IVR交互数",
            count_of(x.contact),
            NO_CONTACTS,
        ),
        _K(
            "offered",
            "contacts offered",
            "呼入量 / 进线量",
            "none",
            "count",
            IX,
            "inbound phone and chat contacts (queued for an agent)",
            "呼入的电话与在线咨询数(排队等待坐席)",
            count_of(x.offered),
            "no phone or chat contacts",
        ),
        _K(
            "answered",
            "contacts answered",
            "接通量",
            "none",
            "count",
            IX,
            "offered contacts answered by an agent",
            "已接通的呼入量",
            count_of(x.answered),
            "no phone or chat contacts",
        ),
        _K(
            "abandoned",
            "contacts abandoned",
            "放弃量",
            "none",
            "count",
            IX,
            "offered contacts not answered",
            "未接通的呼入量",
            count_of(x.abandoned),
            "no phone or chat contacts",
        ),
        _K(
            "short_abandoned",
            "short abandons",
            "短时放弃量",
            "none",
            "count",
            IX,
            "abandoned with wait < short_abandon_s",
            "等待时长小于短时放弃阈值的放弃量",
            count_where(x.short_abandoned),
            "no phone or chat contacts",
        ),
        # --- efficiency
        _K(
            "answer_rate",
            "answer rate",
            "接通率",
            "up",
            "rate",
            IX,
            "answered ÷ offered",
            "接通量 ÷ 呼入量",
            ratio_of(lambda d: x.answered(), lambda d: x.offered()),
            "no phone or chat contacts offered",
        ),
        _K(
            "service_level",
            "service level",
            "服务水平",
            "up",
            "rate",
            IX,
            "answered within service_level_threshold_s ÷ (offered − short abandons)",
            "在服务水平阈值内接通量 ÷ (呼入量 − 短时放弃量)",
            service_level_aggs,
            "no phone or chat contacts offered",
            needs="wait_s",
        ),
        _K(
            "asa_s",
            "average speed of answer",
            "平均应答速度",
            "down",
            "seconds",
            IX,
            "mean wait_s over answered contacts",
            "已接通呼入的平均等待时长",
            mean_of(wait_where(lambda d: x.answered()), base=x.answered),
            "no answered contacts",
            needs="wait_s",
        ),
        _K(
            "abandon_rate",
            "abandonment rate",
            "放弃率",
            "down",
            "rate",
            IX,
            "(abandoned − short abandons) ÷ (offered − short abandons)",
            "(放弃量 − 短时放弃量) ÷ (呼入量 − 短时放弃量)",
            abandon_rate_aggs,
            "no phone or chat contacts offered",
        ),
        _K(
            "avg_abandon_wait_s",
            "average time to abandon",
            "平均放弃时间",
            "down",
            "seconds",
            IX,
            "mean wait_s over abandoned contacts other than short abandons",
            "非短时放弃的平均等待时长",
            mean_of(wait_where(lambda d: x.abandoned() & ~x.short_abandoned(d))),
            "no abandoned contacts",
        ),
        _K(
            "aht_s",
            "average handling time",
            "平均处理时长",
            "down",
            "seconds",
            IX,
            "mean(talk + hold + acw) over handled contacts",
            "已处理交互的(通话+保持+话后)平均时长",
            mean_of(masked(x.handled, x.handle_s)),
            "no handled contacts",
        ),
        _K(
            "avg_talk_s",
            "average talk time",
            "平均通话时长",
            "down",
            "seconds",
            IX,
            "mean talk_s over handled contacts that have it",
            "已处理交互的平均通话时长",
            mean_of(masked(x.handled, lambda: pl_col("talk_s")), base=x.handled),
            "no handled contacts",
            needs="talk_s",
        ),
        _K(
            "avg_hold_s",
            "average hold time",
            "平均保持时长",
            "down",
            "seconds",
            IX,
            "mean hold_s over handled contacts that have it",
            "已处理交互的平均保持时长",
            mean_of(masked(x.handled, lambda: pl_col("hold_s")), base=x.handled),
            "no handled contacts",
            needs="hold_s",
        ),
        _K(
            "avg_acw_s",
            "after-contact work",
            "话后处理时长",
            "down",
            "seconds",
            IX,
            "mean acw_s over handled contacts that have it",
            "已处理交互的平均话后处理时长",
            mean_of(masked(x.handled, lambda: pl_col("acw_s")), base=x.handled),
            "no handled contacts",
            needs="acw_s",
        ),
        _K(
            "transfer_rate",
            "transfer rate",
            "转接率",
            "down",
            "rate",
            IX,
            "answered contacts with transfers > 0 ÷ answered contacts (phone and chat)",
            "有转接的接通量 ÷ 接通量(电话与在线咨询)",
            ratio_of(lambda d: x.transferred(), lambda d: x.answered(), needs="transfers"),
            "no answered contacts",
            needs="transfers",
        ),
        _K(
            "resolution_rate",
            "resolution rate",
            "问题解决率",
            "up",
            "rate",
            IX,
            "handled contacts resolved ÷ handled contacts whose resolution is known",
            "已解决的已处理交互 ÷ 解决情况已知的已处理交互",
            resolution_rate_aggs,
            "no handled contacts",
        ),
        _K(
            "fcr_rate",
            "first-contact resolution",
            "一次解决率",
            "up",
            "rate",
            IX,
            "reported first_contact_resolved, else derived: handled contacts with a customer_id that are not "
            "marked unresolved, not transferred (fcr_transfer_is_failure) and not followed by another contact of "
            "the customer within fcr_window_days ÷ those contacts; provisional ones (window still open at the end "
            "of the data, no repeat seen) left out (fcr_provisional: exclude) or counted as resolved (include)",
            "采用导出的一次解决标记;否则推算:有客户编号的已处理交互中,未标记未解决、未转接(fcr_transfer_is_failure)"
            "且客户在fcr_window_days内无再次来电的比例;观察窗口尚未结束且未见重复来电的暂定交互不计入"
            "(fcr_provisional: exclude)或计为已解决(include)",
            fcr_aggs,
            "no handled contacts with a known customer",
        ),
        _K(
            "first_response_s",
            "first response time",
            "首次响应时间",
            "down",
            "seconds",
            IX,
            "mean (with median and p90) of answered_at − arrived_at for chat, email and ticket",
            "在线、邮件、工单的首次响应时长均值(另给中位数与P90)",
            mean_of(always(x.first_response), quantiles=True),
            "no chats, e-mails or tickets",
        ),
        _K(
            "resolution_time_s",
            "resolution time",
            "解决时长",
            "down",
            "seconds",
            IX,
            "median (with p90) of ended_at − arrived_at for resolved tickets and emails",
            "已解决工单与邮件的解决时长中位数(另给P90)",
            median_of(always(x.resolution_time)),
            "no resolved tickets or emails",
        ),
        _K(
            "sla_compliance",
            "SLA compliance",
            "工单处理及时率",
            "up",
            "rate",
            IX,
            "tickets/emails due in the period resolved by sla_due_at ÷ those due (open ones count as missed); "
            "grouped by month/day/hour of sla_due_at",
            "期内到期的工单/邮件中按时解决的比例(未结或超时均为未达标);按到期时间分月/日/时",
            ratio_of(lambda d: x.sla_met(), lambda d: x.sla_due()),
            "no tickets or emails due in the period",
            time_field="sla_due_at",
        ),
        _K(
            "complaint_rate",
            "complaint rate",
            "投诉率",
            "down",
            "rate",
            IX,
            "contacts with a complaint ÷ contacts",
            "投诉交互 ÷ 交互总量",
            ratio_of(lambda d: x.complaint(), lambda d: x.contact(), needs="complaint"),
            NO_CONTACTS,
            needs="complaint",
        ),
        _K(
            "self_service_rate",
            "self-service share",
            "自助服务比例",
            "up",
            "rate",
            IX,
            "contained IVR sessions ÷ (contained + contacts handled by agents)",
            "自助完成的IVR会话 ÷ (自助完成 + 坐席处理的交互)",
            self_service_aggs,
            "no IVR sessions or handled contacts",
            needs="contained",
        ),
        # --- workforce
        _K(
            "occupancy",
            "occupancy",
            "坐席占用率",
            "up",
            "rate",
            AS,
            "handle ÷ (handle + ready)",
            "处理时长 ÷ (处理时长 + 就绪时长)",
            share_of_sums(
                lambda: x.status_s("handle_s"),
                lambda: x.status_s("handle_s") + x.status_s("ready_s"),
                x.in_period,
            ),
            "no agent time recorded",
        ),
        _K(
            "utilization",
            "utilisation",
            "坐席利用率",
            "up",
            "rate",
            AS,
            "(handle + ready) ÷ (handle + ready + not ready)",
            "(处理 + 就绪) ÷ (处理 + 就绪 + 未就绪)",
            share_of_sums(
                lambda: x.status_s("handle_s") + x.status_s("ready_s"),
                lambda: x.status_s("handle_s") + x.status_s("ready_s") + x.status_s("not_ready_s"),
                x.in_period,
            ),
            "no agent time recorded",
        ),
        _K(
            "productivity",
            "productivity",
            "坐席生产率",
            "up",
            "rate",
            AS,
            "handle ÷ (handle + ready + not ready)",
            "处理时长 ÷ (处理 + 就绪 + 未就绪)",
            share_of_sums(
                lambda: x.status_s("handle_s"),
                lambda: x.status_s("handle_s") + x.status_s("ready_s") + x.status_s("not_ready_s"),
                x.in_period,
            ),
            "no agent time recorded",
        ),
        _K(
            "adherence",
            "schedule adherence",
            "实际工作率",
            "up",
            "rate",
            AS,
            "logged-in time ÷ scheduled time",
            "登录时长 ÷ 排班时长",
            share_of_sums(lambda: x.status_s("logged_in_s"), lambda: x.status_s("scheduled_s"), x.in_period),
            "no scheduled time recorded",
        ),
        # --- satisfaction
        _K(
            "surveys_sent",
            "surveys sent",
            "问卷发放量",
            "none",
            "count",
            SV,
            "survey invitations in the period (by sent_at)",
            "期内发放的问卷数(按发送时间)",
            count_of(x.invited),
            "no survey invitations",
        ),
        _K(
            "responses",
            "survey responses",
            "问卷回收量",
            "none",
            "count",
            SV,
            "invitations with a response",
            "已回复的问卷数",
            responses_aggs,
            "no survey invitations",
        ),
        _K(
            "response_rate",
            "survey response rate",
            "问卷回收率",
            "up",
            "rate",
            SV,
            "responses ÷ surveys sent (when only responses were exported: ÷ handled contacts — answered calls and "
            "chats, e-mails and tickets with a response or an end; above 100 % is flagged as a data problem)",
            "回收量 ÷ 发放量(仅导出回复时:÷ 已处理交互,即已接通的电话与在线咨询、已响应或已结束的邮件与工单;超过100%标记为数据问题)",
            response_rate_aggs,
            "no survey invitations",
        ),
        _K(
            "csat",
            "CSAT (% satisfied)",
            "客户满意度",
            "up",
            "rate",
            SV,
            "share of CSAT responses ≥ csat_satisfied_min (top-2-box)",
            "满意度评分 ≥ 满意阈值的比例(前两项)",
            csat_aggs,
            "no CSAT responses",
        ),
        _K(
            "csat_mean",
            "CSAT mean score",
            "满意度平均分",
            "up",
            "score",
            SV,
            "mean CSAT score (1–5)",
            "满意度平均分(1–5)",
            mean_of(always(lambda: x.score("csat")), sd=True),
            "no CSAT responses",
        ),
        _K(
            "nps",
            "net promoter score",
            "净推荐值",
            "up",
            "points",
            SV,
            "100 × (promoters 9–10 − detractors 0–6) ÷ NPS responses",
            "100 × (推荐者9–10 − 贬损者0–6) ÷ NPS回复数",
            nps_aggs,
            "no NPS responses",
        ),
        _K(
            "ces_mean",
            "customer effort score",
            "客户费力度",
            "down",
            "score",
            SV,
            "mean effort score",
            "费力度平均分",
            mean_of(always(lambda: x.score("ces"))),
            "no CES responses",
        ),
        _K(
            "followup_24h_rate",
            "follow-up within 24 h",
            "24小时回访率",
            "up",
            "rate",
            SV,
            "low scores and complaints followed up within followup_hours ÷ those whose outcome is known "
            "(open items not yet due are pending, not misses; ratings from exports that cannot record a "
            "follow-up are left out)",
            "低分与投诉在回访时限内回访的数量 ÷ 结果已知的数量(未到期的待回访项不计为未回访;无法记录回访的导出评分不计入)",
            ratio_of(lambda d: x.followed_up_in_time(d), lambda d: x.followup_known(d)),
            "no low scores or complaints to follow up",
        ),
        # --- QA
        _K(
            "qa_score_mean",
            "QA score",
            "质检评分",
            "up",
            "score",
            QA,
            "mean review score (0–100)",
            "质检平均分(0–100)",
            mean_of(always(x.qa_score)),
            "no QA reviews",
        ),
        _K(
            "qa_pass_rate",
            "QA pass rate",
            "质检合格率",
            "up",
            "rate",
            QA,
            "reviews with score ≥ qa_pass_mark ÷ reviews",
            "得分 ≥ 合格线的质检数 ÷ 质检数",
            ratio_of(lambda d: x.qa_score() >= d.qa_pass_mark, lambda d: x.qa_score().is_not_null()),
            "no QA reviews",
        ),
        _K(
            "qa_critical_per_100",
            "critical issues per 100 reviews",
            "每百次质检严重问题数",
            "down",
            "score",
            QA,
            "critical issues × 100 ÷ reviews",
            "严重问题数 × 100 ÷ 质检数",
            qa_critical_aggs,
            "no QA reviews",
        ),
    )
}


KPI_IDS: tuple[str, ...] = tuple(REGISTRY)


DATASETS: tuple[str, ...] = (IX, SV, QA, AS)


def kpis_by_id(kpi_ids: Sequence[str]) -> list[Kpi]:
    """Look several KPIs up; every unknown id is named in one error."""
    unknown = [k for k in kpi_ids if k not in REGISTRY]
    if len(unknown) > 1:
        from toolkit.core.errors import CxtkError

        raise CxtkError(f"unknown KPI ids {', '.join(repr(k) for k in unknown)}; known ids: {', '.join(KPI_IDS)}")
    return [kpi(k) for k in kpi_ids]


def kpi(kpi_id: str) -> Kpi:
    """Look a KPI up by id; an unknown id raises CxtkError listing the known ones."""
    if kpi_id not in REGISTRY:
        import difflib

        from toolkit.core.errors import CxtkError

        close = difflib.get_close_matches(kpi_id, KPI_IDS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CxtkError(f"unknown KPI id '{kpi_id}'{hint}; known ids: {', '.join(KPI_IDS)}")
    return REGISTRY[kpi_id]
