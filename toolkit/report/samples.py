"""FAKE view models for tests and previews — plausible numbers, NOT computed from data.

They show builders what each field expects (already formatted, in the locale).
``monthly(locale)``, ``quarterly``, ``survey``, ``qa``; the real builders replace them.
Hand-checked figures used by tests: ASA 45 s vs target 30 s → achievement 66.7 %;
FCR 72 % vs 85 % → 84.7 %; composite score 87.3.
"""

from __future__ import annotations

from datetime import datetime

from toolkit.report.charts import (
    ChartStyle,
    bar_ranking,
    distribution_chart,
    heat_table,
    share_bars,
    staffing_chart,
    trend_chart,
)
from toolkit.report.fmt import Formatter
from toolkit.report.labels import kpi_name, label, sentence
from toolkit.report.viewmodel import (
    Absent,
    ActionsSection,
    AgentsSection,
    Brand,
    Callout,
    Cell,
    Chart,
    GapItem,
    GapSection,
    KpiRow,
    MonthlyVM,
    QaVM,
    QualitySection,
    QuarterlyVM,
    ReportMeta,
    ScorecardSection,
    SummarySection,
    SurveyVM,
    Table,
    TeamsSection,
    Theme,
    Tile,
    TrendsSection,
    VocSection,
)

GENERATED = datetime(2026, 11, 2, 1, 30)  # naive: read as the report's time zone (Asia/Shanghai)
MONTHS = [f"{2025 + (m > 2)}-{(m + 9) % 12 + 1:02d}" for m in range(13)]  # 2025-10 … 2026-10


def _zh(locale: str) -> bool:
    return locale == "zh-CN"


def _style(locale: str, brand: Brand) -> ChartStyle:
    from toolkit.report.render import report_font

    return ChartStyle(primary=brand.primary, accent=brand.accent, font=report_font(locale, brand.font))


def _meta(locale: str, kind: str, period: str, brand: Brand | None = None) -> ReportMeta:
    f = Formatter(locale, "Asia/Shanghai")
    zh = _zh(locale)
    brand = brand or Brand(footer="内部资料 — 仅供管理层使用" if zh else "Internal — for management use",
                           confidential=label("word.confidential", locale))
    title = label(f"title.{kind}", locale)
    period_text = f.period(period)
    return ReportMeta(
        org_name="Acme 客户服务中心" if zh else "Acme Service Centre",
        title=f"{title} — {period_text}",
        short_title=title,
        period_text=period_text,
        generated_at=f.datetime(GENERATED),
        locale=locale,  # type: ignore[arg-type]
        brand=brand,
        scope=(["渠道:电话、在线、工单", "团队:A、B、C、D、E(共5个)"] if zh
               else ["Channels: phone, chat, ticket", "Teams: A, B, C, D, E (5)"]),
        coverage=(["交互记录 48,212 条,覆盖本月 97.4%", "问卷 3,120 份,回收率 58.2%", "坐席状态 31 天 / 31 天"] if zh
                  else ["48,212 interactions, 97.4 % of the month covered", "3,120 surveys, 58.2 % response rate",
                        "agent_status: 31 of 31 days"]),
    )


# (id, unit, target, actual, previous, n, source, formula)
_EFFICIENCY = [
    ("asa_s", "seconds", 30, 45.0, 38.0, 41_870, "ACD", "mean wait_s over answered"),
    ("aht_s", "seconds", 300, 312.4, 305.1, 41_870, "ACD", "mean(talk + hold + acw) over answered"),
    ("fcr_rate", "rate", 0.85, 0.72, 0.76, 40_112, "ACD + CRM", "resolved at first contact ÷ handled"),
    ("sla_compliance", "rate", 0.95, 0.962, 0.948, 6_342, "Tickets", "resolved by sla_due_at ÷ due"),
    ("complaint_rate", "rate", 0.02, 0.014, 0.016, 48_212, "CRM", "complaints ÷ contacts"),
    ("service_level", "rate", 0.80, 0.781, 0.802, 41_022, "ACD", "answered ≤ 20 s ÷ (offered − short abandons)"),
]
_FORMULA_ZH = {
    "asa_s": "已接通交互的平均等待时长", "aht_s": "(通话+保持+话后)÷接通量", "fcr_rate": "首次解决量 ÷ 处理量",
    "sla_compliance": "按时解决工单 ÷ 到期工单", "complaint_rate": "投诉量 ÷ 接触量",
    "service_level": "20秒内接通 ÷ (呼入量 − 短时放弃)",
}
_SOURCE_ZH = {"ACD": "ACD话务", "ACD + CRM": "ACD + CRM", "Tickets": "工单系统", "CRM": "CRM"}


def _achievement(direction_up: bool, actual: float, target: float) -> float:
    if direction_up:
        return actual / target
    return 1.0 if actual == 0 else target / actual


def _efficiency_rows(locale: str, f: Formatter) -> list[KpiRow]:
    zh = _zh(locale)
    rows = []
    for kid, unit, target, actual, _prev, n, source, formula in _EFFICIENCY:
        up = kid in ("fcr_rate", "sla_compliance", "service_level")
        ach = _achievement(up, actual, target)
        met = actual >= target if up else actual <= target
        remark = ""
        if kid == "asa_s":
            remark = "新产品上线后高峰排队" if zh else "Peak queue after the new product launch"
        elif kid == "fcr_rate":
            remark = "B组贡献差距的58%" if zh else "Team B accounts for 58 % of the gap"
        elif kid == "aht_s":
            remark = "B组话后处理时长偏高" if zh else "Long after-contact work in team B"
        rows.append(KpiRow(
            id=kid, name=kpi_name(kid, locale), source=_SOURCE_ZH[source] if zh else source,
            formula=_FORMULA_ZH[kid] if zh else formula,
            target_text=("≥ " if up else "≤ ") + f.kpi_value(kid, target, unit),
            actual_text=f.kpi_value(kid, actual, unit), achievement_text=f.achievement(ach), met=met,
            remark=remark, n_text=f.number(n),
        ))
    return rows


def _satisfaction_rows(locale: str, f: Formatter) -> list[KpiRow]:
    zh = _zh(locale)
    up, down = label("word.up_better", locale), label("word.down_better", locale)
    return [
        KpiRow("csat", kpi_name("csat", locale), "问卷 1–5分(4–5分为满意)" if zh else "Survey 1–5 (4–5 satisfied)",
               target_text="≥ " + f.percent(0.90), actual_text=f.percent(0.864), ci_text=f"{f.percent(0.827)} – {f.percent(0.894)}",
               achievement_text=f.achievement(0.864 / 0.9), met=False, n_text=f.number(402),
               gap_text=f.points(-3.6), direction_text=up),
        KpiRow("csat_mean", kpi_name("csat_mean", locale), "问卷 1–5分" if zh else "Survey 1–5",
               target_text="≥ 4.50", actual_text="4.31", ci_text="4.22 – 4.40", achievement_text=f.achievement(4.31 / 4.5),
               met=False, n_text=f.number(402), gap_text=f.signed_change(-0.19, "score", "csat_mean"), direction_text=up),
        KpiRow("nps", kpi_name("nps", locale), "问卷 0–10分" if zh else "Survey 0–10",
               target_text="≥ 40.0", actual_text="35.0", ci_text="27.1 – 42.9", achievement_text=f.achievement(0.875),
               met=False, n_text=f.number(380), gap_text=f.signed_change(-5.0, "points", "nps"), direction_text=up),
        KpiRow("ces_mean", kpi_name("ces_mean", locale), "问卷 1–7分" if zh else "Survey 1–7",
               target_text="—", actual_text="2.84", ci_text="2.61 – 3.07", met=None, small_sample=True,
               n_text=f.number(24), gap_text="—", direction_text=down,
               remark=label("word.small_sample", locale)),
        KpiRow("response_rate", kpi_name("response_rate", locale), "问卷发放量" if zh else "Surveys sent",
               target_text="≥ " + f.percent(0.60), actual_text=f.percent(0.582), achievement_text=f.achievement(0.97),
               met=False, n_text=f.number(3120), gap_text=f.points(-1.8), direction_text=up),
    ]


def monthly(locale: str = "en") -> MonthlyVM:
    """The FAKE monthly report of Acme Service Centre for October 2026."""
    f = Formatter(locale, "Asia/Shanghai")
    zh = _zh(locale)
    meta = _meta(locale, "monthly", "2026-10")
    style = _style(locale, meta.brand)
    eff = _efficiency_rows(locale, f)
    sat = _satisfaction_rows(locale, f)

    tiles = []
    for kid, unit, target, actual, prev, _n, *_ in _EFFICIENCY[:4]:
        up = kid in ("fcr_rate", "sla_compliance")
        arrow = "up" if actual > prev else "down" if actual < prev else "flat"
        tiles.append(Tile(kid, kpi_name(kid, locale), f.kpi_value(kid, actual, unit),
                          ("≥ " if up else "≤ ") + f.kpi_value(kid, target, unit),
                          met=(actual >= target) if up else (actual <= target), arrow=arrow,
                          change_text=f.signed_change(actual - prev, unit, kid),
                          change_good=(actual > prev) == up))
    tiles += [Tile("csat_mean", kpi_name("csat_mean", locale), "4.31", "≥ 4.50", False, "down", "−0.06", False),
              Tile("nps", kpi_name("nps", locale), "35.0", "≥ 40.0", False, "up", "+2.0", True),
              Tile("complaint_rate", kpi_name("complaint_rate", locale), f.percent(0.014), "≤ " + f.percent(0.02),
                   True, "down", f.points(-0.2), True)]

    fcr, asa = kpi_name("fcr_rate", locale), kpi_name("asa_s", locale)
    sentences = [
        sentence("summary.score", locale, score="87.3", change=f.signed_change(-1.8, "points")),
        sentence("summary.unmet", locale, count="6", total="8"),
        sentence("summary.best", locale, kpi=kpi_name("complaint_rate", locale), actual=f.percent(0.014),
                 target=f.percent(0.02), achievement=f.achievement(1.0)),
        sentence("summary.worst", locale, kpi=asa, actual=f.duration(45), target=f.duration(30),
                 achievement=f.achievement(30 / 45)),
        sentence("summary.driver", locale, driver="B组" if zh else "Team B", share=f.percent(0.58), kpi=fcr),
    ]
    summary = SummarySection("87.3", f.signed_change(-1.8, "points"), "down", False, sentences, tiles)

    x_month = "月份" if zh else "Month"
    tgt = label("word.target", locale)
    asa_series = [{"period": m, "value": v} for m, v in zip(MONTHS, [33, 31, 29, 30, 34, 32, 30, 28, 31, 35, 36, 38, 45], strict=True)]
    fcr_series = [{"period": m, "value": v} for m, v in zip(MONTHS, [.79, .80, .78, .79, .77, .78, .80, .79, .78, .77, .77, .76, .72], strict=True)]
    csat_series = [{"period": m, "value": v} for m, v in zip(MONTHS, [4.42, 4.40, 4.45, 4.41, 4.38, 4.36, 4.40, 4.39, 4.37, 4.35, 4.36, 4.37, 4.31], strict=True)]
    charts = [
        Chart(trend_chart(asa_series, 30, f"{asa} ({'秒' if zh else 's'})", f"{asa} ({'秒' if zh else 's'})",
                          unit="seconds", x_title=x_month, target_label=f"{tgt} {f.duration(30)}", style=style),
              "ASA 连续四个月上升,10月明显超出目标。" if zh else "ASA has risen four months running and left its target in October."),
        Chart(trend_chart(fcr_series, 0.85, fcr, f"{fcr} (%)", unit="rate", x_title=x_month,
                          target_label=f"{tgt} {f.percent(0.85)}", style=style),
              "一次解决率全年低于目标,10月降至最低。" if zh else "FCR stayed below target all year and hit its low in October."),
        Chart(trend_chart(csat_series, 4.5, kpi_name("csat_mean", locale), f"{kpi_name('csat_mean', locale)} (1–5)",
                          unit="score", x_title=x_month, target_label=f"{tgt} 4.50", style=style),
              "满意度平均分缓慢下滑。" if zh else "The CSAT mean is drifting down slowly."),
    ]
    comp_rows = []
    for kid, unit, _target, actual, prev, *_ in _EFFICIENCY[:4]:
        ly = {"asa_s": 33.0, "aht_s": 298.0, "fcr_rate": 0.79, "sla_compliance": 0.94}[kid]
        comp_rows.append([kpi_name(kid, locale), f.kpi_value(kid, actual, unit), f.kpi_value(kid, prev, unit),
                          f.signed_change(actual - prev, unit, kid), f.kpi_value(kid, ly, unit),
                          f.signed_change(actual - ly, unit, kid)])
    comparison = Table.of([label("header.kpi", locale), label("header.actual", locale), label("header.previous", locale),
                           label("header.mom", locale), label("header.last_year", locale), label("header.yoy", locale)],
                          comp_rows, numeric=[1, 2, 3, 4, 5])
    trends = TrendsSection(charts, comparison)

    teams = ["A", "B", "C", "D", "E"]
    team_names = [f"{t}组" if zh else f"Team {t}" for t in teams]
    scores = [95.1, 79.4, 88.0, 91.2, 84.5]
    order = sorted(range(5), key=lambda i: -scores[i])
    rank_rows, rank_cls = [], []
    for r, i in enumerate(order, start=1):
        flag = label("word.top", locale) if r == 1 else (label("word.bottom", locale) if r >= 3 else "")
        rank_rows.append([str(r), team_names[i], f.number(scores[i], 1), f.number([9800, 11200, 8900, 9400, 8912][i]), flag])
        rank_cls.append("top" if r == 1 else ("bottom" if r >= 3 else ""))
    ranking = Table.of([label("header.rank", locale), label("header.team", locale), label("header.score", locale),
                        label("header.contacts", locale), label("header.flag", locale)], rank_rows, numeric=[0, 2, 3],
                       row_classes=rank_cls)
    heat = heat_table(team_names, [kpi_name(k, locale) for k in ("asa_s", "aht_s", "fcr_rate", "sla_compliance", "csat_mean")],
                      [[0.91, 1.0, 0.93, 1.0, 0.98], [0.55, 0.89, 0.78, 0.99, 0.92], [0.71, 0.97, 0.84, 1.0, 0.96],
                       [0.83, 1.0, 0.88, 1.0, None], [0.64, 0.95, 0.82, 0.97, 0.95]], f,
                      corner=label("header.team", locale))
    versus = Table.of([label("header.kpi", locale), "中心" if zh else "Centre", "最佳团队" if zh else "Best team",
                       "行业基准" if zh else "Industry"],
                      [[fcr, f.percent(0.72), f.percent(0.79), f.percent(0.90)],
                       [asa, f.duration(45), f.duration(33), f.duration(20)]], numeric=[1, 2, 3])
    teams_sec = TeamsSection(ranking, Chart(bar_ranking([{"label": n, "value": s} for n, s in zip(team_names, scores, strict=True)],
                                                        label("word.composite_score", locale),
                                                        label("word.composite_score", locale) + " (0–100)", style=style),
                                            "B组得分最低,主要因平均应答速度。" if zh else "Team B scores lowest, mostly on ASA."),
                             heat, versus)

    agent_rows = [[str(i + 1), n, t, f.number(s, 1), f.number(c)] for i, (n, t, s, c) in enumerate(
        [("Li Wei", "A", 97.2, 1210), ("Zhang Min", "D", 95.8, 1105), ("Wang Fang", "A", 94.1, 1322),
         ("Chen Jie", "C", 90.3, 998), ("Liu Yang", "E", 86.0, 1044), ("Zhao Lei", "B", 78.2, 1290)])]
    agents = AgentsSection(
        Table.of([label("header.rank", locale), label("header.agent", locale), label("header.team", locale),
                  label("header.score", locale), label("header.contacts", locale)], agent_rows, numeric=[0, 3, 4]),
        Table.of([label("header.agent", locale), label("header.team", locale), label("header.contacts", locale)],
                 [["Sun Li", "C", "18"], ["Zhou Qing", "E", "7"]], numeric=[2], row_classes=["small", "small"],
                 caption=label("word.not_ranked", locale)),
    )

    hours = [{"hour": h, "needed": n, "logged_in": li} for h, n, li in zip(range(8, 21),
             [18, 26, 34, 38, 36, 30, 35, 37, 33, 27, 22, 17, 12], [20, 27, 30, 32, 31, 30, 31, 33, 32, 28, 23, 18, 12], strict=True)]
    gap_asa = GapItem(
        "asa_s", asa, (f"{asa}:{f.duration(45)},目标 {f.duration(30)},超出 {f.duration(15)}(+50%)" if zh
                       else f"{asa}: {f.duration(45)} against {f.duration(30)}, {f.signed_change(15, 'seconds')} (+50 %)"),
        drivers=Table.of([label("header.driver", locale), label("header.share", locale)],
                         [[team_names[1], f.percent(0.58)], [team_names[4], f.percent(0.21)], ["VIP queue" if not zh else "VIP队列", f.percent(0.12)]],
                         numeric=[1]),
        staffing_chart=Chart(staffing_chart(hours, label("word.understaffed", locale), "时段" if zh else "Hour of day",
                                            "坐席数" if zh else "Agents", needed_label="需要坐席(Erlang C)" if zh else "Agents needed (Erlang C)",
                                            logged_label="实际在线" if zh else "Logged in", style=style),
                             "10:00–12:00 与 14:00–16:00 每小时缺 4–6 名坐席。" if zh
                             else "10:00–12:00 and 14:00–16:00 lacked 4–6 agents an hour."),
        themes=["等待时间长 (41%)", "重复来电 (18%)"] if zh else ["Long wait (41 %)", "Repeat calls (18 %)"],
        examples=Table.of([label("header.contact", locale), label("header.team", locale), "等待" if zh else "Wait",
                           label("header.reason", locale)],
                          [["C-2026-10-004211", team_names[1], f.duration(312), "超长等待后放弃" if zh else "Abandoned after a long wait"],
                           ["C-2026-10-007730", team_names[1], f.duration(188), "投诉" if zh else "Complaint"],
                           ["C-2026-10-012094", team_names[4], f.duration(145), "CSAT 1"]], numeric=[2]),
        callouts=[Callout("核实:10月12日 ACD 故障时段已剔除。" if zh else "Verify: the ACD failure of 12 October is excluded.", "warn")],
    )
    gap_fcr = GapItem("fcr_rate", fcr, (f"{fcr}:{f.percent(0.72)},目标 {f.percent(0.85)},差距 {f.points(-13)}" if zh
                                        else f"{fcr}: {f.percent(0.72)} against {f.percent(0.85)}, {f.points(-13)}"),
                      drivers=Table.of([label("header.driver", locale), label("header.share", locale)],
                                       [[team_names[1], f.percent(0.58)], [team_names[2], f.percent(0.24)]], numeric=[1]))
    gaps = GapSection([gap_asa, gap_fcr])

    hostile = "<script>alert(1)</script> still waiting"
    voc = VocSection([
        Theme("等待时间长" if zh else "Long wait", "128", f.percent(0.41),
              ["排队二十分钟才接通,电话 138****5678" if zh else "Waited twenty minutes, call me on ***-****-5678", hostile]),
        Theme("重复来电" if zh else "Repeat calls", "56", f.percent(0.18),
              ["同一个问题打了三次" if zh else "Third call about the same card"]),
        Theme("服务态度" if zh else "Agent attitude", "31", f.percent(0.10), []),
    ], Chart(share_bars([{"label": "等待时间长" if zh else "Long wait", "share": 0.41},
                         {"label": "重复来电" if zh else "Repeat calls", "share": 0.18},
                         {"label": "服务态度" if zh else "Agent attitude", "share": 0.10}],
                        label("word.unhappy_themes", locale), label("header.share", locale), style=style),
             "等待时间是不满意评论的首要原因。" if zh else "Waiting is the first reason for unhappy comments."))

    actions = ActionsSection(
        Table.of([label("header.action", locale), label("header.kpi", locale), label("header.owner", locale),
                  label("header.due", locale), label("header.status", locale), label("header.effect", locale)],
                 [["高峰时段增加排班" if zh else "Add peak-hour shifts", asa, "Zhang Wei", f.date(datetime(2026, 10, 15).date()),
                   Cell(label("word.overdue", locale), "bad"), "—"],
                  ["知识库更新" if zh else "Knowledge-base refresh", fcr, "Li Na", f.date(datetime(2026, 9, 30).date()),
                   "已完成" if zh else "done", f"{f.percent(0.76)} → {f.percent(0.72)}"]],
                 row_classes=["overdue", ""]),
        ["为满意度平均分制定改进措施:低分回访与话术辅导。" if zh else "CSAT mean has no action: add callbacks and script coaching."],
    )

    quality = QualitySection(
        Table.of([label("header.item", locale), label("header.value", locale)],
                 [["覆盖率" if zh else "Coverage of the month", f.percent(0.974)],
                  ["拒收行" if zh else "Rejected rows", f.number(37)], ["重复行" if zh else "Duplicates", f.number(112)],
                  [kpi_name("response_rate", locale), f.percent(0.582)]], numeric=[1]),
        Table.of([label("header.item", locale), label("header.definition", locale)],
                 [["service_level_threshold_s", "20 s"], ["short_abandon_s", "5 s"], ["fcr_window_days", "7"],
                  ["min_sample", "30"], ["achievement_cap", "1.0"]]),
        [Callout("已剔除:2026-10-12 09:00–11:30 ACD 故障" if zh else "Excluded: 2026-10-12 09:00–11:30, ACD failure", "warn"),
         Callout("一次解决率为推导值;最后7天的 1,204 条为暂定。" if zh
                 else "FCR is derived from repeat contacts; 1,204 contacts of the last 7 days are provisional.")],
    )
    return MonthlyVM(meta, summary, ScorecardSection(eff), ScorecardSection(sat), trends, teams_sec, agents, gaps, voc,
                     actions, quality)


def quarterly(locale: str = "en") -> QuarterlyVM:
    """The FAKE quarterly summary for 2026-Q3."""
    f = Formatter(locale, "Asia/Shanghai")
    zh = _zh(locale)
    meta = _meta(locale, "quarterly", "2026-Q3")
    style = _style(locale, meta.brand)
    tiles = [Tile("score", f.month(m), v, "", None, a, c, g) for m, v, a, c, g in
             [("2026-07", "89.1", "up", "+0.8", True), ("2026-08", "88.4", "down", "−0.7", False),
              ("2026-09", "89.1", "up", "+0.7", True)]]
    chart = Chart(trend_chart([{"period": m, "value": v} for m, v in zip(MONTHS[-7:-1], [88.3, 87.9, 88.9, 89.1, 88.4, 89.1], strict=True)],
                              None, label("word.composite_score", locale), label("word.composite_score", locale) + " (0–100)",
                              x_title="月份" if zh else "Month", style=style), "")
    movers = Table.of([label("header.kpi", locale), label("header.actual", locale), label("header.mom", locale), label("header.direction", locale)],
                      [[kpi_name("asa_s", locale), f.duration(36), f.signed_change(6, "seconds"), label("word.worsened", locale)],
                       [kpi_name("sla_compliance", locale), f.percent(0.961), f.points(1.9), label("word.improved", locale)]],
                      numeric=[1, 2], row_classes=["unmet", ""])
    return QuarterlyVM(meta, tiles, chart,
                       "综合得分 89.1,较上季度 +0.4。" if zh else "The composite score is 89.1, +0.4 on last quarter.",
                       movers, Absent(label("absent.default", locale)),
                       [GapItem("fcr_rate", kpi_name("fcr_rate", locale), f"{f.percent(0.77)} / {f.percent(0.85)}")],
                       None)


def survey(locale: str = "en") -> SurveyVM:
    """The FAKE survey batch report for October 2026."""
    f = Formatter(locale, "Asia/Shanghai")
    zh = _zh(locale)
    meta = _meta(locale, "survey", "2026-10")
    style = _style(locale, meta.brand)
    dist = Chart(distribution_chart({"1": 21, "2": 17, "3": 18, "4": 141, "5": 205}, kpi_name("csat", locale),
                                    "评分 (1–5)" if zh else "Score (1–5)", "回复数" if zh else "Responses",
                                    low_max=2, high_min=4, style=style))
    return SurveyVM(meta, [Tile("response_rate", kpi_name("response_rate", locale), f.percent(0.582), "≥ " + f.percent(0.6), False)],
                    "分母:问卷发放量 3,120" if zh else "Denominator: 3,120 surveys sent",
                    ScorecardSection(_satisfaction_rows(locale, f)), None, [dist], None,
                    Absent(label("absent.default", locale)), [], None)


def qa(locale: str = "en") -> QaVM:
    """The FAKE QA report for October 2026."""
    f = Formatter(locale, "Asia/Shanghai")
    zh = _zh(locale)
    meta = _meta(locale, "qa", "2026-10")
    style = _style(locale, meta.brand)
    cats = [("开场白不规范" if zh else "Greeting", 0.34), ("业务知识错误" if zh else "Wrong information", 0.27),
            ("未确认问题解决" if zh else "Resolution not checked", 0.22)]
    return QaVM(meta, ["按团队分层随机抽样 2%,共 412 条" if zh else "2 % stratified random sample by team: 412 contacts"],
                Table.of([label("header.item", locale), label("header.score", locale)],
                         [["服务态度" if zh else "Service attitude", "4.4"], ["沟通技巧" if zh else "Communication", "4.1"]],
                         numeric=[1]),
                None,
                Table.of([label("header.theme", locale), label("header.count", locale), label("header.share", locale)],
                         [[c, f.number(round(s * 160)), f.percent(s)] for c, s in cats], numeric=[1, 2]),
                Chart(share_bars([{"label": c, "share": s} for c, s in cats], label("section.problems", locale),
                                 label("header.share", locale), style=style)),
                None, None, Absent(label("absent.default", locale)))
