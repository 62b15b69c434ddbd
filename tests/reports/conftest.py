"""Runs and rendered pages shared by the report tests: the sample org, a hostile org and a tiny org."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import convolens
from convolens.reports.html import write_html_report
from convolens.store import read_run

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_CALL = "2026-09-10_one_on_one_marcus-webb_lena-novak.csv"
SECOND_CALL = "2026-09-17_one_on_one_marcus-webb_lena-novak.csv"
CUSTOMER_CALL = "2026-09-02_customer_call_vantage-property-management_lena-novak.csv"
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="session")
def payload() -> str:
    """Give the markup planted in names, titles and questions of the hostile org."""
    return PAYLOAD


@pytest.fixture(scope="session")
def run(sample_run: Path) -> Path:
    return sample_run


@pytest.fixture(scope="session")
def page(run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Give the sample org's whole-run report (weekly), as a file and as text."""
    path = write_html_report(run, tmp_path_factory.mktemp("html") / "report.html")
    return path, path.read_text(encoding="utf-8")


def _score(org: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    out = tmp_path_factory.mktemp(name)
    result = convolens.score(org, out=out)
    assert result.ok, result.errors.to_string()
    return out


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give the run of a one-call org whose transcript, roster and title carry markup."""
    org = tmp_path_factory.mktemp("hostile-org")
    (org / "calls").mkdir()
    # A CSV transcript: its speaker column takes any text, so the payload really is a speaker.
    calls = pd.read_csv(SAMPLES / "calls" / SAMPLE_CALL).head(2)  # small talk only: our question is the one quoted
    calls["speaker"] = calls["speaker"].replace("Marcus Webb", PAYLOAD)
    extra = {"call_id": calls["call_id"].iloc[0], "speaker": PAYLOAD, "start_s": 999.0, "end_s": 1001.0}
    rows = [
        {**extra, "text": f'When do they sign {PAYLOAD} " onmouseover="x this quarter?'},
        {**extra, "speaker": "Lena Novak", "text": "End of the month, I hope."},
        {**extra, "text": "What would success look like for their customers a year in?"},
    ]
    pd.concat([calls, pd.DataFrame(rows)], ignore_index=True).to_csv(org / "calls" / SAMPLE_CALL, index=False)
    pd.DataFrame(
        [
            {"name": PAYLOAD, "role": "manager", "manager": "", "team": 'Team "East" <b>x</b>'},
            {"name": "Lena Novak", "role": "rep", "manager": PAYLOAD, "team": 'Team "East" <b>x</b>'},
        ]
    ).to_csv(org / "roster.csv", index=False)
    title = f'Weekly "1:1" " onmouseover="x {PAYLOAD}'
    pd.DataFrame(
        [
            {
                "path": f"calls/{SAMPLE_CALL}",
                "call_id": "hostile-call",
                "kind": "one_on_one",
                "date": "2026-09-01",
                "title": title,
            }
        ]
    ).to_csv(org / "manifest.csv", index=False)
    out = _score(org, tmp_path_factory, "hostile-run")
    utterances = read_run(out)["utterances"]
    assert (utterances.loc[utterances["speaker"] == PAYLOAD, "role"] == "manager").all()
    managers = convolens.report(out).summary
    assert PAYLOAD in set(managers["name"]), "the hostile name must reach the report for the test to mean anything"
    return out


@pytest.fixture(scope="session")
def hostile(hostile_run: Path) -> str:
    """Give the hostile org's whole-run report as text."""
    return write_html_report(hostile_run, hostile_run / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give the run of the smallest org worth a report: one manager, one rep, two one-on-ones a week apart.

    A second manager on the roster never speaks, so every view also meets a manager with no calls at all.
    """
    org = tmp_path_factory.mktemp("small-org")
    (org / "calls").mkdir()
    rows = []
    for name in (SAMPLE_CALL, SECOND_CALL):
        (org / "calls" / name).write_bytes((SAMPLES / "calls" / name).read_bytes())
        rows.append({"path": f"calls/{name}", "call_id": name[:-4], "kind": "one_on_one", "date": name[:10]})
    pd.DataFrame(rows).to_csv(org / "manifest.csv", index=False)
    pd.DataFrame(
        [
            {"name": "Marcus Webb", "role": "manager", "manager": "", "team": "Commercial West"},
            {"name": "Lena Novak", "role": "rep", "manager": "Marcus Webb", "team": "Commercial West"},
            {"name": "Nadia Idle", "role": "manager", "manager": "", "team": "Commercial West"},
        ]
    ).to_csv(org / "roster.csv", index=False)
    return _score(org, tmp_path_factory, "small-run")


@pytest.fixture(scope="session")
def rep_only_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give the run of an org with no manager at all: one rep, one customer call (kind and date from its name)."""
    org = tmp_path_factory.mktemp("rep-only-org")
    (org / "calls").mkdir()
    (org / "calls" / CUSTOMER_CALL).write_bytes((SAMPLES / "calls" / CUSTOMER_CALL).read_bytes())
    pd.DataFrame([{"name": "Lena Novak", "role": "rep", "manager": "", "team": "Commercial West"}]).to_csv(
        org / "roster.csv", index=False
    )
    return _score(org, tmp_path_factory, "rep-only-run")
