"""``python -m toolkit.kpis.docs`` prints docs/kpis.md from the registry, so the docs cannot drift."""

from __future__ import annotations

from toolkit.core.config import Definitions

HEADER = """\
# KPI definitions

Generated from the KPI registry (`python -m toolkit.kpis.docs > docs/kpis.md`); a test
checks that this page matches the code. The full rules, edge cases and statistics
are in the product specification (`kpis.md`); every report prints the definitions
in force in its methodology appendix.

In data outputs (JSON, CSV, XLSX, Parquet, the Python API) rates are fractions 0–1,
NPS is in points −100…100 and durations are seconds, at full precision; only
terminal tables and reports round and format them. A value whose inputs are absent
is `null` with a note that says what was missing, never 0; a value resting on fewer
than `min_sample` observations is flagged `small_sample`.

Every figure can be taken apart row by row: `cxtk explain --period P --kpi ID --out
FILE.csv` writes the records behind it, each with `in_denominator`, `in_numerator`
(or its `value` for a mean or median) and the `reason` it is left out, so that
adding up the file gives the figure.

**Absent is null.** A field the export does not have is null in the store, never a
default. A KPI that needs it (`transfers` for `transfer_rate`, `complaint` for
`complaint_rate`, `hold_s`, `acw_s`, `talk_s` for their averages, `wait_s` for
`asa_s` and `service_level`, `contained` for `self_service_rate`) counts only the
rows that have it, and is null with the note "not in the data: no FIELD for these N
contacts" when none has; a null KPI leaves the composite score and the rankings.
Only `aht_s` counts a missing part of handle time as 0 beside a present one. A
mapping may give `default:` for blank cells of a column it does map.

"""

AFTER = {
    "interactions": """**First-contact resolution.** An export's own `first_contact_resolved` flag is used
when the period's contacts carry one (the source system's judgement, taken as it is).
Otherwise FCR is derived: a handled contact with a `customer_id` is resolved at first
contact when it is not marked `resolved = false`, was not transferred
(`fcr_transfer_is_failure: true`, the default — "no transfer and no second contact")
and the customer has no other inbound contact strictly later and within
`fcr_window_days` (on the same topic with `fcr_same_topic`). Repeats are looked for
in all stored data. A contact whose window is still open at the end of the stored
data and shows no repeat yet is *provisional*: left out of the rate by default
(`fcr_provisional: exclude`), or counted as resolved (`include`). The output names
the method, both choices, and how many contacts were provisional, transferred or
without a customer.
""",
}


DIRECTION = {"up": "higher is better", "down": "lower is better", "none": "—"}
DATASET_TITLE = {
    "interactions": "Interactions (calls, chats, e-mails, tickets)",
    "surveys": "Satisfaction (surveys)",
    "qa": "Quality inspection (qa_reviews)",
    "agent-status": "Workforce (agent_status)",
}


def render() -> str:
    from toolkit.kpis.registry import REGISTRY

    lines = [HEADER]
    for ds, title in DATASET_TITLE.items():
        lines.append(f"## {title}\n")
        lines.append("| id | name | 中文 | unit | direction | formula |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for k in REGISTRY.values():
            if k.dataset != ds:
                continue
            formula = k.formula_en.replace("|", "\\|")
            direction = DIRECTION.get(k.direction, k.direction)
            lines.append(f"| `{k.id}` | {k.label_en} | {k.label_zh} | {k.unit} | {direction} | {formula} |")
        lines.append("")
        if ds in AFTER:
            lines.append(AFTER[ds])
    lines.append("## Definitions (defaults, `definitions:` in cxtk.yaml)\n")
    lines.append("| key | default |")
    lines.append("| --- | --- |")
    for name, value in Definitions().model_dump().items():
        lines.append(f"| `{name}` | {value} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
