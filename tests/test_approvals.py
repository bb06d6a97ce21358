"""Approvals: which findings an approval accepts, what an approval that matches nothing says,
and how approved warnings leave the open ones (derive, handbook check text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import visit_data as visit
from conftest import visit_from
from sitebuild import copy_project

from generator.approvals import apply_approvals, item_key
from generator.checks import Context, run_checks
from generator.derive import derive
from generator.models import Policy
from generator.problems import field_path, format_json, format_report
from generator.project import Paths, load_project

LI = {"name": "李娜", "dept": "sales", "languages": ["en"]}
WANG = {"name": "王强", "dept": "management"}
GAO = {"name": "高娃", "dept": "sales", "languages": ["ru"], "interpreter": True}
# Listed out of time order on purpose: an approval's item is a time, a finding's path an index.
ITEMS = [{"at": "14:00", "what": "Tour", "with": ["李娜"]},             # [0] needs Russian
         {"at": "12:30", "what": "Lunch", "meal": "lunch", "with": ["李娜", "高娃"]},  # [1]
         {"at": "10:00", "what": "Talks", "with": ["李娜"]}]             # [2] needs Russian
BASE = visit(visitors=[{"name": "Irina", "languages": ["ru"]}], hosts=[LI, WANG, GAO],
             items=ITEMS, hotel={"name": "Hilton", "paid_by": "company"})
DEALER = {**BASE, "client": {**BASE["client"], "relationship": "dealer-unsigned"},
          "schedule": {**BASE["schedule"], next(iter(BASE["schedule"])): [
              *ITEMS, {"at": "16:00", "what": "Line tour", "tour": "production-line",
                       "with": ["李娜", "高娃"]}]}}
WATCHED = {"interpreter-needed", "hotel-payer", "dealer-unsigned-line", "approval-unmatched",
           "approval-of-error"}
TALKS, TOUR = "schedule.2026-12-08[2].with", "schedule.2026-12-08[0].with"
HOTEL = "hotel.paid_by"


def approve(check: str, item: str | None = None, by: str = "王强") -> dict[str, Any]:
    return {"check": check, **({"item": item} if item else {}), "by": by, "on": "2026-12-01"}


def unmatched(what: str, why: str) -> str:
    return (f"This approval of {what} matches no open warning: {why} Correct its check or item, "
            "or remove it.")


INTERPRETER_AT = "this check's warnings are at 2026-12-08 10:00, 2026-12-08 14:00."

# (case, visit, approvals, checks switched off, open findings (check, field), approved
#  findings (check, field, approvals index), English messages of the approvals' own findings)
ROWS: list[tuple[str, dict[str, Any], list[dict[str, Any]], list[str], list[tuple[str, str]],
                 list[tuple[str, str, int]], list[str]]] = [
    ("none", BASE, [], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS)],
     [], []),
    ("item-approves-that-item-only", BASE, [approve("interpreter-needed", "2026-12-08 10:00")],
     [], [("interpreter-needed", TOUR), ("hotel-payer", HOTEL)],
     [("interpreter-needed", TALKS, 0)], []),
    ("without-item-approves-every-finding", BASE, [approve("interpreter-needed")], [],
     [("hotel-payer", HOTEL)],
     [("interpreter-needed", TOUR, 0), ("interpreter-needed", TALKS, 0)], []),
    ("a-visit-wide-warning", BASE, [approve("hotel-payer")], [],
     [("interpreter-needed", TOUR), ("interpreter-needed", TALKS)], [("hotel-payer", HOTEL, 0)],
     []),
    ("two-approvals-share-the-findings", BASE,
     [approve("interpreter-needed", "2026-12-08 10:00"), approve("interpreter-needed")], [],
     [("hotel-payer", HOTEL)],
     [("interpreter-needed", TALKS, 0), ("interpreter-needed", TOUR, 1)], []),
    ("no-item-at-that-time-did-you-mean", BASE,
     [approve("interpreter-needed", "2026-12-08 10:30")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("approval-unmatched", "approvals[0]")], [],
     [unmatched("interpreter-needed at 2026-12-08 10:30", "no schedule item starts at "
                "2026-12-08 10:30; " + INTERPRETER_AT + " Did you mean 2026-12-08 10:00?")]),
    ("no-item-at-that-time-far-away", BASE,
     [approve("interpreter-needed", "2026-12-20 10:00")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("approval-unmatched", "approvals[0]")], [],
     [unmatched("interpreter-needed at 2026-12-20 10:00", "no schedule item starts at "
                "2026-12-20 10:00; " + INTERPRETER_AT)]),
    ("an-item-without-that-warning", BASE,
     [approve("interpreter-needed", "2026-12-08 12:30")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("approval-unmatched", "approvals[0]")], [],
     [unmatched("interpreter-needed at 2026-12-08 12:30",
                INTERPRETER_AT + " Did you mean 2026-12-08 14:00?")]),
    ("a-check-with-nothing-open", BASE, [approve("tier-suggested")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("approval-unmatched", "approvals[0]")], [],
     [unmatched("tier-suggested", "this visit has no warning of this check.")]),
    ("an-item-for-a-visit-wide-warning", BASE, [approve("hotel-payer", "2026-12-08 10:00")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("approval-unmatched", "approvals[0]")], [],
     [unmatched("hotel-payer at 2026-12-08 10:00", "this check's warnings are not about a "
                "schedule item, so leave out item.")]),
    ("a-check-switched-off", BASE, [approve("interpreter-needed")], ["interpreter-needed"],
     [("hotel-payer", HOTEL), ("approval-unmatched", "approvals[0]")], [],
     [unmatched("interpreter-needed", "the policy has switched this check off.")]),
    ("unmatched-switched-off", BASE, [approve("tier-suggested")], ["approval-unmatched"],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS)],
     [], []),
    ("an-error-stays", DEALER, [approve("dealer-unsigned-line", "2026-12-08 16:00")], [],
     [("interpreter-needed", TOUR), ("hotel-payer", HOTEL), ("interpreter-needed", TALKS),
      ("dealer-unsigned-line", "schedule.2026-12-08[3].tour"),
      ("approval-of-error", "approvals[0].check")], [],
     ["dealer-unsigned-line at 2026-12-08 16:00 is an error, and errors cannot be approved: "
      "the approval by 王强 does not hide it. Fix what the error says, and remove the "
      "approval."]),
]


def switched_off(policy: Policy, checks: list[str]) -> Policy:
    return policy.model_copy(update={"checks": {
        k: (v.model_copy(update={"severity": "off"}) if k in checks else v)
        for k, v in policy.checks.items()}})


@pytest.mark.parametrize(("data", "approvals", "off", "still_open", "approved", "messages"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_approvals(policy: Policy, tmp_path: Path, data: dict[str, Any],
                   approvals: list[dict[str, Any]], off: list[str],
                   still_open: list[tuple[str, str]], approved: list[tuple[str, str, int]],
                   messages: list[str]) -> None:
    v = visit_from({**data, "approvals": approvals}, policy, tmp_path)
    judged = switched_off(policy, off)
    remaining, accepted = apply_approvals(v, judged, run_checks(Context(v, judged, [], None)))
    assert sorted((f.check, field_path(f.path)) for f in remaining
                  if f.check in WATCHED) == sorted(still_open)
    assert sorted((a.finding.check, field_path(a.finding.path), a.index)
                  for a in accepted) == sorted(approved)
    assert all(a.approval is v.approvals[a.index] for a in accepted)
    own = [f for f in remaining if f.check.startswith("approval-")]
    assert [f.message(judged, "en") for f in own] == messages
    assert all(f.message(judged, "zh") for f in own)


def test_item_key_maps_an_index_to_the_item_time(policy: Policy, tmp_path: Path) -> None:
    v = visit_from(BASE, policy, tmp_path)
    assert item_key(("schedule", "2026-12-08", 2, "with"), v) == "2026-12-08 10:00"
    assert item_key(("schedule", "2026-12-08", 0), v) == "2026-12-08 14:00"
    assert item_key(("schedule", "2026-12-08", 9), v) is None
    assert item_key(("schedule", "2026-12-09", 0), v) is None
    assert item_key(("hotel", "paid_by"), v) is None


def test_derive_moves_approved_findings(policy: Policy, tmp_path: Path) -> None:
    v = visit_from({**BASE, "approvals": [approve("hotel-payer")]}, policy, tmp_path)
    facts = derive(v, "v", policy)
    assert "hotel-payer" not in {f.check for f in facts.findings}
    assert [(a.finding.check, a.approval.by, str(a.approval.on)) for a in facts.approved] == [
        ("hotel-payer", "王强", "2026-12-01")]


def test_handbook_check_counts_approved_apart(tmp_path: Path) -> None:
    visits = tmp_path / "visits"
    visits.mkdir()
    data = {**BASE, "approvals": [approve("interpreter-needed"),
                                  {**approve("hotel-payer", by="郑伟"), "note": "Key client."}]}
    (visits / "2026-12-08-acme-de.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    project = copy_project(tmp_path / "project", visits=visits)
    result = load_project(Paths(project), today="2026-11-23", history=False)
    assert not result.errors
    ours = [p for p in result.problems if p.file.startswith("visits/")]
    assert {p.rule for p in ours} & {"interpreter-needed", "hotel-payer"} == set()
    report = json.loads(format_json(result.problems, result.checked, result.approved))
    assert report["warnings"] == len([p for p in result.problems if p.severity == "warning"])
    assert [(a["rule"], a["field"], a["approved_by"], a["approved_on"], a["approval"],
             a["approval_note"]) for a in report["approved"]] == [
        ("hotel-payer", HOTEL, "郑伟", "2026-12-01", "approvals[1]", "Key client."),
        ("interpreter-needed", TOUR, "王强", "2026-12-01", "approvals[0]", ""),
        ("interpreter-needed", TALKS, "王强", "2026-12-01", "approvals[0]", "")]  # file order
    assert all(a["line"] > 1 and a["severity"] == "warning" for a in report["approved"])
    summary = format_report(result.problems, result.checked, result.approved).splitlines()[-1]
    assert summary.endswith(f"{report['warnings']} warning(s), 3 approved")
