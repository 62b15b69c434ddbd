"""The report's conversation figures, question yield and mix shifts match ``convolens.stats``, escaped and small-safe."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from convolens import stats
from convolens.reports.html import render_html_report, write_manager_pages
from convolens.reports.page import WARNING
from convolens.store import read_run

MANAGERS = ("dana-lee", "marcus-webb", "maria-farias")


def _section(html: str, person_id: str) -> str:
    return html.split(f'id="m-{person_id}"', 1)[1].split("</section>", 1)[0]


def _div(html: str, div_id: str) -> str:
    return html.split(f'id="{div_id}"', 1)[1].split("</div>", 1)[0]


def _chart(section: str) -> str:
    """Give the manager's trend chart: the first SVG of their section."""
    return section.split("<svg", 1)[1].split("</svg>", 1)[0]


def _text_x(svg: str, label: str) -> float:
    match = re.search(r'<text x="([\d.]+)"[^>]*>' + re.escape(label) + "</text>", svg)
    assert match, f"no text {label!r} in the chart"
    return float(match.group(1))


@pytest.fixture(scope="module")
def utterances(run: Path) -> pd.DataFrame:
    return read_run(run)["utterances"]


def test_change_points_in_manager_sections(page: tuple[Path, str], utterances: pd.DataFrame) -> None:
    _, html = page
    changes = stats.change_points(utterances, by="manager", period="week").set_index("person_id")
    dana, marcus, maria = (_section(html, pid) for pid in MANAGERS)
    assert "Mix shift: <b>2026-10-05 → 2026-10-12</b>" in dana
    assert "permutation p = <b>0.001</b>" in dana
    assert changes.loc["dana-lee", "p_value"] == pytest.approx(0.001, abs=0.002)
    before, after = changes.loc["dana-lee", ["share_before", "share_after"]]
    assert f"impact share {100 * before:.0f}% (95% CI" in dana and f"→ {100 * after:.0f}% (" in dana
    assert "Mix shift: <b>2026-10-26 → 2026-11-02</b>" in marcus
    assert "No clear shift" in maria and "Mix shift:" not in maria
    assert f"permutation p = {changes.loc['maria-farias', 'p_value']:.3f}" in maria


def test_shift_marker_sits_between_its_weeks(page: tuple[Path, str]) -> None:
    _, html = page
    dana = _chart(_section(html, "dana-lee"))
    assert "Mix shift 2026-10-05 → 2026-10-12" in dana
    assert re.search(r"impact share \d+% → \d+%, p = 0\.001", dana)
    marker = re.search(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#b8860b"', dana)
    assert marker, "the shift is drawn as a vertical marker"
    before, after = _text_x(dana, "Oct 05"), _text_x(dana, "Oct 12")
    assert float(marker.group(1)) == pytest.approx((before + after) / 2, abs=0.2)
    assert "Mix shift" not in _chart(_section(html, "maria-farias")), "no marker without a clear shift"


def test_conversation_figures_match_stats(page: tuple[Path, str], utterances: pd.DataFrame) -> None:
    _, html = page
    people = stats.person_stats(utterances, by="manager").set_index("person_id")
    median_monologue = people["longest_monologue_s"].median()
    for pid in MANAGERS:
        table = _section(html, pid).split("Conversation in one-on-ones", 1)[1].split("</table>", 1)[0]
        row = people.loc[pid]
        talk = table.split("Talk share", 1)[1].split("</tr>", 1)[0]
        assert f">{100 * row['talk_share']:.0f}%<" in talk
        assert f">{row['talk_share_vs_median']:.2f}×<" in talk
        monologue = table.split("Longest monologue (", 1)[1].split("</tr>", 1)[0]
        assert f">{row['longest_monologue_s']:.1f} s<" in monologue and f">{median_monologue:.1f} s<" in monologue
        assert f">{row['longest_monologue_s_vs_median']:.2f}×<" in monologue
        pace = table.split("Turns per minute", 1)[1].split("</tr>", 1)[0]
        assert f">{row['turns_per_minute']:.1f}/min<" in pace
        assert f">{row['questions_per_call']:.1f}<" in table.split("Questions per one-on-one", 1)[1]
        assert f"Means over {int(row['calls'])} one-on-ones" in _section(html, pid)


def test_question_yield_matches_stats(page: tuple[Path, str], utterances: pd.DataFrame) -> None:
    _, html = page
    yields = stats.yield_summary(stats.question_yield(utterances), by="manager").set_index("person_id")
    for pid in MANAGERS:
        part = _section(html, pid).split("Question yield", 1)[1]
        y = yields.loc[pid]
        impact = part.split("customer-impact questions</td>", 1)[1].split("</tr>", 1)[0]
        assert f">{int(y['n_impact'])}<" in impact
        assert f"{y['median_words_impact']:.0f} words, {y['median_s_impact']:.1f} s" in impact
        revenue = part.split("revenue questions</td>", 1)[1].split("</tr>", 1)[0]
        assert f">{int(y['n_revenue'])}<" in revenue
        assert f"Mann-Whitney p = <b>{y['p_value']:.3f}</b>" in part
        assert "Small sample" not in part, "every sample manager asks plenty of both"
    dana = _section(html, "dana-lee")
    assert "longer after impact questions" in dana
    assert "no clear difference" in _section(html, "marcus-webb")


def test_organisation_conversation_table(page: tuple[Path, str], utterances: pd.DataFrame) -> None:
    _, html = page
    org = html.split('id="organisation"', 1)[1].split("</section>", 1)[0]
    table = _div(org, "org-conversation")
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert len(rows) == 1 + len(MANAGERS) + 1, "header, one row per manager, the median manager"
    by_id = {pid: next(r for r in rows if f'href="#m-{pid}"' in r) for pid in MANAGERS}
    assert "2026-10-05 → 2026-10-12</b>: 41% → 74% (p = 0.001)" in by_id["dana-lee"]
    assert "2026-10-26 → 2026-11-02" in by_id["marcus-webb"]
    assert "no clear shift" in by_id["maria-farias"]
    people = stats.person_stats(utterances, by="manager").set_index("person_id")
    for pid in MANAGERS:
        assert f"{100 * people.loc[pid, 'talk_share']:.0f}% <span class=muted>" in by_id[pid]
        assert f">{int(people.loc[pid, 'calls'])}<" in by_id[pid]
    assert "words (p = 0.001)" in by_id["dana-lee"]
    assert "Only" not in table, "three managers are enough for a median"


def test_reps_yield_in_organisation(page: tuple[Path, str], run: Path, utterances: pd.DataFrame) -> None:
    _, html = page
    table = _div(html, "reps-yield")
    yields = stats.yield_summary(stats.question_yield(utterances), by="rep")
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert len(rows) == 1 + len(yields)
    for _, y in yields.iterrows():
        row = next(r for r in rows if f"<td>{y['name']}</td>" in r)
        assert f">{int(y['n_impact'])}<" in row and f">{int(y['n_revenue'])}<" in row
        assert f">{y['words_ratio']:.2f}×<" in row
    kwame = next(r for r in rows if "Kwame Mensah" in r)
    assert "&lt; 0.001" in kwame and "longer after impact questions" in kwame


def test_change_points_computed_once(run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = stats.change_points

    def counting(*args: object, **kwargs: object) -> pd.DataFrame:
        calls.append(kwargs.get("by"))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stats, "change_points", counting)
    render_html_report(run)
    assert calls == ["manager"]
    write_manager_pages(run, tmp_path / "pages")
    assert calls == ["manager", "manager"], "all pages share one computation"
    dana = (tmp_path / "pages" / "dana-lee.html").read_text(encoding="utf-8")
    assert "Mix shift: <b>2026-10-05 → 2026-10-12</b>" in dana and "Question yield" in dana


def test_month_period_has_too_little_data_for_a_shift(run: Path) -> None:
    html = render_html_report(run, period="month")
    dana = _section(html, "dana-lee")
    assert "too little data for a change point: 3 months" in dana
    assert "Mix shift" not in _chart(dana)


def test_hostile_names_are_text_in_the_new_sections(hostile: str, payload: str) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    org_table = _div(hostile, "org-conversation")
    section = hostile.split('class="manager"', 1)[1].split("</section>", 1)[0]
    conversation = section.split('class="conversation"', 1)[1].split("</div>", 1)[0]
    yield_part = section.split('class="yield"', 1)[1].split("</div>", 1)[0]
    for part in (org_table, conversation, yield_part):
        assert escaped in part
        assert payload not in part and "<script" not in part.lower() and "<img" not in part.lower()
    assert f"<th>{escaped} × median</th>" in conversation


def test_small_run_renders_with_small_sample_notes(small_run: Path, tmp_path: Path) -> None:
    html = render_html_report(small_run)
    assert html.count('class="manager"') == 2
    section = _section(html, "marcus-webb")
    assert "Only 1 manager with one-on-ones" in section
    assert "Means over 2 one-on-ones" in section
    yields = section.split('class="yield"', 1)[1].split("</div>", 1)[0]
    assert "⚠ Small sample" in yields and f"fewer than {stats.MIN_YIELD_QUESTIONS} on a side" in yields
    assert "too little data for a change point: 2 weeks" in section
    assert "Mix shift" not in _chart(section)
    org = _div(html, "org-conversation")
    assert "⚠ too little data" in org and "Only 1 manager" in org
    reps = re.findall(r"<tr>(.*?)</tr>", _div(html, "reps-yield"))
    assert len(reps) == 2 and "⚠ nothing to compare" in reps[1], "the roster's rep has no customer calls"
    idle = _section(html, "nadia-idle")
    assert "No one-on-ones with Nadia Idle speaking" in idle and "No questions by Nadia Idle" in idle
    assert "No dated revenue or impact questions by Nadia Idle: no change point" in idle
    idle_row = next(r for r in re.findall(r"<tr>(.*?)</tr>", org) if "Nadia Idle" in r)
    assert "⚠ nothing to compare" in idle_row and "no dated questions" in idle_row
    pages = write_manager_pages(small_run, tmp_path / "pages")
    assert sorted(p.name for p in pages) == ["index.html", "marcus-webb.html", "nadia-idle.html"]


def test_run_without_managers_renders(rep_only_run: Path, tmp_path: Path) -> None:
    html = render_html_report(rep_only_run)
    assert 'class="manager"' not in html and 'id="org-conversation"' not in html
    reps = re.findall(r"<tr>(.*?)</tr>", _div(html, "reps-yield"))
    assert len(reps) == 2 and "Lena Novak" in reps[1]
    assert f"⚠ {WARNING}" in reps[1], "one call gives too few questions on each side"
    assert [p.name for p in write_manager_pages(rep_only_run, tmp_path / "pages")] == ["index.html"]
