"""Nothing is lost: the accounting identity over generated messy files (hypothesis).

Each example writes one or two small CSVs of a made-up ACD export mixing good rows,
bad dates, NPS 11, CSAT 0, negative durations, answered-before-arrival, repeated ids,
test calls dropped by ``keep:`` and total rows dropped by ``skip_rows``, ingests them
one after the other into a fresh workspace, and checks the counts against a plain
Python model of the rules in data.md:

- skipped = total rows + test calls (skipping wins over a bad value);
- rejected = the other rows with a bad value;
- of the valid rows, an id repeated within the file with identical content is kept once,
  the others are duplicates; repeated with different content, all its rows are rejected
  (ids are never merged silently); an id already stored with the same content is a duplicate, with other
  content an update (accepted and updated); the rest is new;
- read = accepted + rejected + duplicate + skipped; updated ≤ accepted;
- rows in the store = rows before + accepted − updated.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers_ingest import make_workspace, store_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADER = ["Call ID", "Start", "Answer", "Talk", "CSAT", "NPS", "Outcome"]
MAPPING = {
    "name": "messy-acd",
    "dataset": "interactions",
    "skip_rows": {"column": "Call ID", "matches": "^(Total|合计)"},
    "constants": {"channel": "phone"},
    "fields": {
        "interaction_id": "Call ID",
        "arrived_at": "Start",
        "answered_at": "Answer",
        "talk_s": "Talk",
        "csat": "CSAT",
        "nps": "NPS",
        "abandoned": {"column": "Outcome", "map": {"Handled": False, "Lost": True, "Test": False}},
    },
    "keep": "\"Outcome\" <> 'Test'",
}
BAD_KINDS = ("bad_date", "nps11", "csat0", "negative", "before")


@st.composite
def rows(draw):  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(("good", "good", "good", "test", "total", *BAD_KINDS)))
    if kind == "total":
        return kind, None, ["Total", "", "", draw(st.sampled_from(["", "12:00:00"])), "", "", ""]
    cid = f"i{draw(st.integers(0, 5))}"
    day = draw(st.integers(1, 3))
    minute = draw(st.integers(10, 12))
    start = f"2026-10-0{day} 08:{minute}:00"
    answer = f"2026-10-0{day} 08:{minute}:20"
    talk = str(draw(st.integers(0, 3)) * 60)
    csat = draw(st.sampled_from(["", "1", "5"]))
    nps = draw(st.sampled_from(["", "0", "10"]))
    outcome = "Test" if kind == "test" else "Handled"
    if kind == "bad_date":
        start = "2026-02-30 08:00:00"
    elif kind == "nps11":
        nps = "11"
    elif kind == "csat0":
        csat = "0"
    elif kind == "negative":
        talk = "-5"
    elif kind == "before":
        answer = f"2026-10-0{day} 07:59:00"
    return kind, cid, [cid, start, answer, talk, csat, nps, outcome]


def model(file_rows, stored: dict):  # type: ignore[no-untyped-def]
    """Expected counts and the stored content afterwards, per the rules above."""
    c = {"read": len(file_rows), "accepted": 0, "rejected": 0, "duplicate": 0, "skipped": 0, "updated": 0}
    last: dict = {}
    versions: dict = {}
    for kind, cid, cells in file_rows:
        if kind in ("total", "test"):
            c["skipped"] += 1
        elif kind in BAD_KINDS:
            c["rejected"] += 1
        else:
            versions.setdefault(cid, []).append(tuple(cells))
    for cid, seen in versions.items():
        if len(set(seen)) > 1:  # one id, different contents in one file: all rejected, never merged
            c["rejected"] += len(seen)
        else:  # identical repeats: one row, the rest duplicates
            c["duplicate"] += len(seen) - 1
            last[cid] = seen[-1]
    after = dict(stored)
    for cid, content in last.items():
        if cid not in stored:
            c["accepted"] += 1
        elif stored[cid] == content:
            c["duplicate"] += 1
        else:
            c["accepted"] += 1
            c["updated"] += 1
        after[cid] = content
    return c, after


def _write(path: Path, file_rows) -> Path:  # type: ignore[no-untyped-def]
    path.write_text("".join(",".join(r) + "\n" for r in [HEADER, *(cells for _k, _c, cells in file_rows)]),
                    encoding="utf-8")
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.lists(rows(), min_size=0, max_size=12), min_size=1, max_size=2), together=st.booleans())
def test_accounting_identity_holds_for_messy_files(files, together):
    """Files ingested one command each, or all in one command (then file 2 merges with file 1's staged rows)."""
    from toolkit.core.config import load_config
    from toolkit.ingest.mapping import parse_mapping
    from toolkit.ingest.pipeline import ingest_files

    mapping = parse_mapping(MAPPING, "test mapping")
    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp) / "ws")
        config = load_config(ws / "cxtk.yaml")
        paths = [_write(ws / f"export{n}.csv", file_rows) for n, file_rows in enumerate(files)]
        batches = [paths] if together else [[p] for p in paths]
        stored: dict = {}
        wanted = []
        for file_rows in files:
            want, stored = model(file_rows, stored)
            wanted.append(want)
        results = [f for batch in batches for f in ingest_files(config, "interactions", batch, mapping=mapping).files]
        for want, result in zip(wanted, results, strict=True):
            got = vars(result.counts)
            assert got == want
            assert got["read"] == got["accepted"] + got["rejected"] + got["duplicate"] + got["skipped"]
            assert got["updated"] <= got["accepted"]
        frame = store_frame(ws)
        assert (0 if frame is None else frame.height) == len(stored)
        if frame is not None:
            assert sorted(frame["interaction_id"].to_list()) == sorted(stored)
