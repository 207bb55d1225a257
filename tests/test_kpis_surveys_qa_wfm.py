"""Survey, QA and workforce KPIs worked by hand; survey links; response-only exports."""

import pytest

from toolkit.core.config import Config
from toolkit.core.periods import parse_period
from toolkit.kpis.compute import compute_kpis
from toolkit.kpis.frames import frame_of

OCT = parse_period("2026-10")
SV_IDS = ["surveys_sent", "responses", "response_rate", "csat", "csat_mean", "nps", "ces_mean", "followup_24h_rate"]


def sv(rows):
    return frame_of("surveys", [{"response_id": f"s{i}", **r} for i, r in enumerate(rows, 1)])


def resp(csat, nps, **kw):
    return dict(sent_at="2026-10-03 10:00", responded_at="2026-10-03 12:00", csat=csat, nps=nps, **kw)


INTERACTIONS = frame_of("interactions", [
    dict(interaction_id="i1", channel="phone", team="A", arrived_at="2026-10-03 09:00", answered_at="2026-10-03 09:00"),
    dict(interaction_id="i2", channel="phone", team="B", arrived_at="2026-10-03 09:00", answered_at="2026-10-03 09:00",
         complaint=True),
])

# s1 5/10 ces 2; s2 4/9; s3 2/3 followed up after 3 h; s4 1/6 followed up after 30 h; s5 no response; s6 3/7
SURVEYS = [
    resp(5, 10, ces=2, interaction_id="i1"),
    resp(4, 9, team="A"),
    resp(2, 3, followed_up_at="2026-10-03 15:00", interaction_id="i2"),
    resp(1, 6, followed_up_at="2026-10-04 18:00", team="B"),
    dict(sent_at="2026-10-03 10:00", team="B"),
    resp(3, 7, team="B"),
    dict(sent_at="2026-09-30 10:00", responded_at="2026-10-01 10:00", csat=5),  # sent in September: not October's
]


def test_survey_kpis_by_hand():
    r = compute_kpis({"surveys": sv(SURVEYS)}, OCT, kpis=SV_IDS, config=Config())
    g = r.group().kpis
    assert g["surveys_sent"].value == 6 and g["responses"].value == 5
    assert g["response_rate"].value == pytest.approx(5 / 6)
    assert g["response_rate"].extra["denominator"] == "surveys sent"
    assert g["csat"].value == pytest.approx(2 / 5)  # 5 and 4 are ≥ 4
    assert g["csat_mean"].value == pytest.approx(3.0)  # (5 + 4 + 2 + 1 + 3) / 5
    assert g["nps"].value == pytest.approx(0.0)  # promoters 10, 9; detractors 3, 6; passive 7 → (2 − 2) / 5
    assert g["ces_mean"].value == 2.0 and g["ces_mean"].n == 1
    # low scores (≤ 2): s3 followed up in 3 h, s4 in 30 h → 1 of 2 (no interactions: no complaints known)
    assert g["followup_24h_rate"].value == pytest.approx(0.5)


def test_survey_intervals():
    g = compute_kpis({"surveys": sv(SURVEYS)}, OCT, kpis=["csat", "csat_mean", "nps"], config=Config()).group().kpis
    # Wilson 2/5: centre (0.4 + 1.96²/10) / (1 + 1.96²/5) = 0.4434, margin 0.3258
    assert g["csat"].ci == pytest.approx((0.1176, 0.7693), abs=1e-3)
    # sd of 5,4,2,1,3 = √2.5 = 1.5811; t(0.975, 4) = 2.7764 → 3 ± 2.7764 × 1.5811 / √5 = 3 ± 1.9632
    assert g["csat_mean"].ci == pytest.approx((1.0368, 4.9632), abs=1e-3)
    # p = d = 0.4: Var = (0.8 − 0) / 5 = 0.16 → margin 1.96 × 0.4 × 100 = 78.4 points
    assert g["nps"].ci == pytest.approx((-78.4, 78.4), abs=1e-2)
    r = compute_kpis({"surveys": sv(SURVEYS)}, OCT, kpis=["asa_s", "csat"], config=Config())
    assert r.group().kpis["asa_s"].ci is None


def test_surveys_inherit_team_from_linked_interaction_and_complaints_need_followup():
    frames = {"surveys": sv(SURVEYS), "interactions": INTERACTIONS}
    r = compute_kpis(frames, OCT, by=["team"], kpis=["responses", "followup_24h_rate"], config=Config())
    # s1 → team A through i1; s3 → team B through i2. A: s1, s2; B: s3, s4, s6 (s5 did not respond)
    assert r.value("responses", team="A") == 2 and r.value("responses", team="B") == 3
    assert r.value("followup_24h_rate", team="B") == pytest.approx(0.5)  # s3 (low + complaint) in time, s4 late


def test_response_rate_when_only_responses_were_exported():
    only = [resp(5, 10, interaction_id="i1"), resp(4, 9, interaction_id="i2"), resp(3, 8, interaction_id="i2")]
    r = compute_kpis({"surveys": sv(only), "interactions": INTERACTIONS}, OCT, kpis=["response_rate"],
                     config=Config())
    v = r.group().kpis["response_rate"]
    # 3 responses ÷ 2 handled (answered) contacts (the export holds responses only)
    assert v.value == pytest.approx(1.5) and v.n == 2
    assert v.extra["denominator"] == "handled contacts" and "only responses" in v.note
    # 150 % is not a result: it is flagged as a data problem naming what was divided by what (issue 10, item 6)
    assert "response rate above 100 % (3 responses ÷ 2 handled contacts) is a data problem" in v.note
    assert v.extra["data_problem"] in v.note


def test_qa_kpis_by_hand():
    rows = [
        dict(review_id="q1", agent_id="a1", reviewed_at="2026-10-02 10:00", score=90.0),
        dict(review_id="q2", agent_id="a1", reviewed_at="2026-10-02 11:00", score=70.0, severity="critical"),
        dict(review_id="q3", agent_id="a2", reviewed_at="2026-10-02 12:00", score=85.0, severity="minor"),
    ]
    r = compute_kpis({"qa": frame_of("qa", rows)}, OCT, kpis=["qa_score_mean", "qa_pass_rate", "qa_critical_per_100"],
                     config=Config())
    assert r.value("qa_score_mean") == pytest.approx(245 / 3)  # (90 + 70 + 85) / 3
    assert r.value("qa_pass_rate") == pytest.approx(2 / 3)  # 90 and 85 ≥ 80
    assert r.value("qa_critical_per_100") == pytest.approx(100 / 3)  # 1 critical in 3 reviews
    by_agent = compute_kpis({"qa": frame_of("qa", rows)}, OCT, by=["agent_id"], kpis=["qa_score_mean"],
                            config=Config())
    assert by_agent.value("qa_score_mean", agent_id="a1") == 80.0


def test_workforce_kpis_by_hand():
    rows = [
        dict(agent_id="a1", team="A", date="2026-10-01", handle_s=3600.0, ready_s=1200.0, not_ready_s=1200.0,
             logged_in_s=6000.0, scheduled_s=7200.0),
        dict(agent_id="a2", team="A", date="2026-10-02", handle_s=1800.0, ready_s=600.0, not_ready_s=600.0,
             logged_in_s=3000.0, scheduled_s=3600.0),
        dict(agent_id="a2", team="A", date="2026-11-01", handle_s=1.0, scheduled_s=99.0),  # November
    ]
    ids = ["occupancy", "utilization", "productivity", "adherence"]
    r = compute_kpis({"agent-status": frame_of("agent-status", rows)}, OCT, kpis=ids, config=Config())
    # sums: handle 5400, ready 1800, not ready 1800, logged in 9000, scheduled 10800
    assert r.value("occupancy") == pytest.approx(0.75)  # 5400 / 7200
    assert r.value("utilization") == pytest.approx(0.8)  # 7200 / 9000
    assert r.value("productivity") == pytest.approx(0.6)  # 5400 / 9000
    assert r.value("adherence") == pytest.approx(9000 / 10800)
    assert r.group().kpis["occupancy"].n == 2
    # agent status has no channel: its KPIs say so instead of a number
    r2 = compute_kpis({"agent-status": frame_of("agent-status", rows)}, OCT, by=["channel"], kpis=ids,
                      config=Config())
    assert r2.notes == ["agent-status cannot be grouped by channel"]
