"""Helpers of the rule tests: run the checks on a small visit, with the policy's settings
changed for one row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conftest import visit_from

from generator.checklist import build_checklist
from generator.checks import Context, Finding, run_checks
from generator.models import Policy
from generator.models.check_settings import CheckSettings
from generator.problems import field_path


def with_settings(policy: Policy, settings: dict[str, Any] | None) -> Policy:
    """*policy* with some ``check_settings`` changed (validated like the policy file)."""
    if not settings:
        return policy
    merged = CheckSettings.model_validate({**policy.check_settings.model_dump(), **settings})
    return policy.model_copy(update={"check_settings": merged})


def findings(data: dict[str, Any], policy: Policy, tmp_path: Path,
             added: dt.date | None = None) -> list[Finding]:
    """Every finding of the visit *data* (validated with *policy*)."""
    v = visit_from(data, policy, tmp_path)
    return run_checks(Context(v, policy, build_checklist(v, policy), added))


def found(data: dict[str, Any], policy: Policy, tmp_path: Path, check: str,
          settings: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The findings of *check* as (field, English message), the settings changed first."""
    judged = with_settings(policy, settings)
    v = visit_from(data, policy, tmp_path)
    out = [f for f in run_checks(Context(v, judged, build_checklist(v, judged), None))
           if f.check == check]
    for f in out:
        assert f.message(judged, "zh")  # a Chinese message exists and formats
    return [(field_path(f.path), f.message(judged, "en")) for f in out]
