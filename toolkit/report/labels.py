"""Report wording in English and Chinese: KPI names, section titles, table headers, sentences.

``label("kpi.asa_s", "zh-CN")`` → ``"平均应答速度"``. Chinese KPI names are the
glossary of ``domain.md`` (where the glossary gives two terms, e.g.
"呼入量 / 进线量", the first is the label). A missing key is a programming
error and raises ``KeyError`` naming the key, so a typo never prints a blank.

Summary sentences are ``str.format`` templates: ``sentence("summary.best", "en",
kpi=…, actual=…, target=…, achievement=…)``; their placeholders are already
formatted text (see ``toolkit.report.fmt``).
"""

from __future__ import annotations

# KPI id -> (English, 中文). Every id of kpis.md, volumes included.
KPI_NAMES: dict[str, tuple[str, str]] = {
    "contacts": ("Contacts", "接触量"),
    "offered": ("Contacts offered", "呼入量"),
    "answered": ("Contacts answered", "接通量"),
    "abandoned": ("Contacts abandoned", "放弃量"),
    "short_abandoned": ("Short abandons", "短时放弃量"),
    "answer_rate": ("Answer rate", "接通率"),
    "service_level": ("Service level", "服务水平"),
    "asa_s": ("Average speed of answer", "平均应答速度"),
    "abandon_rate": ("Abandonment rate", "放弃率"),
    "avg_abandon_wait_s": ("Average time to abandon", "平均放弃时间"),
    "aht_s": ("Average handling time", "平均处理时长"),
    "avg_talk_s": ("Average talk time", "平均通话时长"),
    "avg_hold_s": ("Average hold time", "平均保持时长"),
    "avg_acw_s": ("After-contact work", "话后处理时长"),
    "transfer_rate": ("Transfer rate", "转接率"),
    "resolution_rate": ("Resolution rate", "问题解决率"),
    "fcr_rate": ("First-contact resolution", "一次解决率"),
    "first_response_s": ("First response time", "首次响应时间"),
    "resolution_time_s": ("Resolution time", "解决时长"),
    "sla_compliance": ("SLA compliance", "工单处理及时率"),
    "complaint_rate": ("Complaint rate", "投诉率"),
    "self_service_rate": ("Self-service share", "自助服务比例"),
    "occupancy": ("Occupancy", "坐席占用率"),
    "utilization": ("Utilisation", "坐席利用率"),
    "productivity": ("Productivity", "坐席生产率"),
    "adherence": ("Schedule adherence", "实际工作率"),
    "surveys_sent": ("Surveys sent", "问卷发放量"),
    "responses": ("Survey responses", "问卷回收量"),
    "response_rate": ("Survey response rate", "问卷回收率"),
    "csat": ("CSAT (% satisfied)", "客户满意度"),
    "csat_mean": ("CSAT mean score", "满意度平均分"),
    "nps": ("Net promoter score", "净推荐值"),
    "ces_mean": ("Customer effort score", "客户费力度"),
    "followup_24h_rate": ("Follow-up within 24 h", "24小时回访率"),
    "qa_score_mean": ("QA score", "质检评分"),
    "qa_pass_rate": ("QA pass rate", "质检合格率"),
    "qa_critical_per_100": ("Critical issues per 100 reviews", "每百条严重问题数"),
    "achievement": ("Achievement rate", "达成率"),
}

_LABELS: dict[str, tuple[str, str]] = {
    # report titles
    "title.monthly": ("Service evaluation", "服务评估报告"),
    "title.quarterly": ("Quarterly executive summary", "季度管理摘要"),
    "title.survey": ("Survey batch report", "满意度调查报告"),
    "title.qa": ("Quality inspection report", "质检报告"),
    # section titles (monthly)
    "section.contents": ("Contents", "目录"),
    "section.summary": ("Summary", "摘要"),
    "section.efficiency": ("Efficiency scorecard", "效率指标评分表"),
    "section.satisfaction": ("Satisfaction scorecard", "满意度指标评分表"),
    "section.trends": ("Trends", "趋势"),
    "section.teams": ("Teams", "团队"),
    "section.agents": ("Agents", "坐席"),
    "section.gaps": ("Gap analysis", "差距分析"),
    "section.voc": ("Voice of the customer", "客户之声"),
    "section.actions": ("Improvement plan", "改进计划"),
    "section.quality": ("Data quality and methodology", "数据质量与方法说明"),
    # section titles (other reports)
    "section.score": ("Composite score", "综合得分"),
    "section.movers": ("Largest movements", "变化最大的指标"),
    "section.top_gaps": ("Largest gaps", "主要差距"),
    "section.action_status": ("Action status", "改进措施进展"),
    "section.response": ("Response", "问卷回收"),
    "section.survey_kpis": ("Satisfaction figures", "满意度指标"),
    "section.distributions": ("Score distributions", "评分分布"),
    "section.breakdown": ("By channel and team", "按渠道与团队"),
    "section.themes": ("Themes of comments", "评论主题"),
    "section.followups": ("Low-score follow-up", "低分回访"),
    "section.sample": ("Sample", "抽样说明"),
    "section.rubric": ("Rubric scores", "评分项得分"),
    "section.problems": ("Problem categories", "问题类别"),
    "section.severity": ("Severity mix", "严重程度分布"),
    "section.qa_agents": ("Agents by problems", "坐席问题排名"),
    "section.coaching": ("Before and after coaching", "辅导前后对比"),
    # table headers
    "header.kpi": ("Indicator", "指标"),
    "header.source": ("Data source", "数据来源"),
    "header.formula": ("Formula", "计算公式"),
    "header.target": ("Target", "目标值"),
    "header.actual": ("Actual", "实际值"),
    "header.achievement": ("Achievement", "达成率"),
    "header.remark": ("Remark", "备注"),
    "header.scale": ("Scale / source", "量表 / 来源"),
    "header.n": ("Sample size", "样本量"),
    "header.ci": ("95 % interval", "95%置信区间"),
    "header.value_ci": ("Value (95 % interval)", "实际值(95%置信区间)"),
    "header.gap": ("Gap", "差距"),
    "header.gap_points": ("Gap (points)", "差距(百分点)"),
    "header.direction": ("Improvement direction", "改进方向"),
    "header.team": ("Team", "团队"),
    "header.agent": ("Agent", "坐席"),
    "header.score": ("Score", "得分"),
    "header.rank": ("Rank", "排名"),
    "header.flag": ("Flag", "标记"),
    "header.contacts": ("Contacts", "接触量"),
    "header.previous": ("Previous month", "上月"),
    "header.last_year": ("Same month last year", "去年同期"),
    "header.mom": ("Month on month", "环比"),
    "header.yoy": ("Year on year", "同比"),
    "header.share": ("Share", "占比"),
    "header.count": ("Count", "数量"),
    "header.theme": ("Theme", "主题"),
    "header.action": ("Action", "措施"),
    "header.owner": ("Owner", "负责人"),
    "header.due": ("Due", "截止日期"),
    "header.status": ("Status", "状态"),
    "header.effect": ("Effect (before → after)", "效果(前 → 后)"),
    "header.driver": ("Driver", "驱动因素"),
    "header.hour": ("Hour", "时段"),
    "header.contact": ("Contact", "接触编号"),
    "header.reason": ("Why review it", "复核原因"),
    "header.item": ("Item", "项目"),
    "header.value": ("Value", "数值"),
    "header.definition": ("Definition", "定义"),
    "header.significance": ("vs previous period", "与上期相比"),
    # words and marks
    "word.met": ("met", "达标"),
    "word.unmet": ("not met", "未达标"),
    "word.target": ("Target", "目标"),
    "word.vs_last_month": ("vs last month", "较上月"),
    "word.small_sample": ("small sample", "样本不足"),
    "word.not_significant": ("not significant", "不显著"),
    "word.significant": ("significant", "显著"),
    "word.top": ("top 20 %", "前20%"),
    "word.bottom": ("bottom 3", "后3名"),
    "word.overdue": ("overdue", "已逾期"),
    "word.up_better": ("higher is better", "越高越好"),
    "word.down_better": ("lower is better", "越低越好"),
    "word.improved": ("improved", "改善"),
    "word.worsened": ("worsened", "恶化"),
    "word.unchanged": ("unchanged", "持平"),
    "word.confidential": ("Confidential", "内部资料"),
    "word.generated": ("Generated", "生成时间"),
    "word.period": ("Period", "统计周期"),
    "word.scope": ("Scope", "评估范围"),
    "word.coverage": ("Data coverage", "数据覆盖"),
    "word.prepared_for": ("Prepared for", "报送对象"),
    "word.composite_score": ("Composite score", "综合得分"),
    "word.data_quality": ("Data quality", "数据质量"),
    "word.note": ("Note", "说明"),
    "word.suggested_actions": ("Suggested actions", "建议措施"),
    "word.examples": ("Examples for review", "待复核样例"),
    "word.understaffed": ("Understaffed hours", "人力不足时段"),
    "word.drivers": ("Drivers", "驱动因素"),
    "word.unhappy_themes": ("Themes in unhappy comments", "不满意评论主题"),
    "word.not_ranked": ("Listed but not ranked (fewer contacts than the minimum sample)",
                        "样本量不足,仅列出不参与排名"),
    "word.definitions": ("Definitions in force", "当前口径定义"),
    "word.benchmarks": ("Against the best team and benchmarks", "与最佳团队及行业基准对比"),
    "word.heat": ("Achievement by team and indicator", "各团队指标达成率"),
    # page furniture; {page}/{pages} are filled by CSS counters, not Python
    "page.of": ("Page {page} of {pages}", "第 {page} 页 / 共 {pages} 页"),
    # absent data
    "absent.default": ("No data for this section in the period.", "本期无此部分数据。"),
    "absent.agent_status": ("No agent_status data: staffing and workforce figures are not available.",
                            "无坐席状态(agent_status)数据:无法计算人力与工作率指标。"),
    "absent.surveys": ("No survey data in the period.", "本期无问卷数据。"),
    "absent.qa": ("No QA reviews in the period.", "本期无质检数据。"),
    "absent.actions": ("No improvement actions recorded.", "未登记改进措施。"),
    "absent.gaps": ("Every indicator with a target met it: no gap to analyse.", "所有设定目标的指标均已达标,无需差距分析。"),
    # summary sentences (builders fill the placeholders with formatted text)
    "summary.score": ("The composite score is {score}, {change} on last month.",
                      "本月综合得分为{score},较上月{change}。"),
    "summary.best": ("{kpi} is furthest ahead of its target: {actual} against {target} ({achievement}).",
                     "{kpi}表现最好:实际值{actual},目标值{target},达成率{achievement}。"),
    "summary.worst": ("{kpi} is furthest behind its target: {actual} against {target} ({achievement}).",
                      "{kpi}差距最大:实际值{actual},目标值{target},达成率{achievement}。"),
    "summary.change": ("The largest change is in {kpi}: {previous} → {actual} ({change}, {direction}).",
                       "变化最大的是{kpi}:由{previous}变为{actual}({change},{direction})。"),
    "summary.driver": ("{driver} accounts for {share} of the {kpi} gap.",
                       "{driver}贡献了{kpi}差距的{share}。"),
    "summary.unmet": ("{count} of {total} indicators with a target are not met.",
                      "{total}项设定目标的指标中有{count}项未达标。"),
    "summary.all_met": ("All {total} indicators with a target are met.", "全部{total}项设定目标的指标均已达标。"),
}

_INDEX = {"en": 0, "zh-CN": 1}


def label(key: str, locale: str) -> str:
    """The text of ``key`` in ``locale``: ``label("kpi.fcr_rate", "zh-CN")`` → ``"一次解决率"``.

    Keys: ``kpi.<id>`` (every KPI id of kpis.md), ``title.*``, ``section.*``,
    ``header.*``, ``word.*``, ``page.of``, ``absent.*``, ``summary.*``.
    """
    i = _INDEX.get(locale)
    if i is None:
        raise KeyError(f"unknown locale {locale!r}: use en or zh-CN")
    if key.startswith("kpi."):
        return KPI_NAMES[key[4:]][i]
    return _LABELS[key][i]


def kpi_name(kpi_id: str, locale: str) -> str:
    """The display name of a KPI id; an unknown id is shown as itself rather than failing a report."""
    names = KPI_NAMES.get(kpi_id)
    return names[_INDEX[locale]] if names else kpi_id


def sentence(key: str, locale: str, **values: str) -> str:
    """A summary sentence filled with already-formatted values (see ``summary.*`` keys)."""
    return label(key, locale).format(**values)


def all_keys() -> list[str]:
    """Every label key, for tests and for a translator's checklist."""
    return [f"kpi.{k}" for k in KPI_NAMES] + list(_LABELS)
