"""Policies are data: the built-ins, a force's own file (by path or MISPER_POLICY_DIR), and bad files."""

from pathlib import Path

import pytest

from misper.risk import POLICY_DIR_ENV, PolicyError, assess, available_policies, load_policy
from misper.risk.tests.factories import base_doc, dob_for_age, episodes, with_

FORCE = """
extends = "national"
name = "west-midshire"
version = "7"
[thresholds]
repeat_episodes = 2
[[age_floors]]
under_years = 14
minimum_risk = "medium"
"""


def test_builtin_policies() -> None:
    assert available_policies()[:2] == ["absent-permitted", "national"]
    national, permitted = load_policy("national"), load_policy("absent-permitted")
    assert (national.absent_category, permitted.absent_category) == (False, True)
    assert national.thresholds.repeat_episodes == 3
    assert national.thresholds.repeat_window_days == 90
    assert permitted.effects == national.effects  # everything but absent is inherited


def test_policy_is_recorded_on_every_assessment() -> None:
    assert assess(base_doc(), "absent-permitted")["policy"] == {
        "name": "absent-permitted",
        "version": "2026.1",
    }


def test_force_policy_by_path_changes_thresholds_without_code(tmp_path: Path) -> None:
    path = tmp_path / "west-midshire.toml"
    path.write_text(FORCE, "utf-8")
    doc = with_(base_doc(date_of_birth=dob_for_age(13)), "history", episodes(1, every_days=20))
    assert assess(doc)["risk"] == "very_low"
    result = assess(doc, str(path))
    assert result["policy"] == {"name": "west-midshire", "version": "7"}
    assert result["repeat"] is True
    assert result["risk"] == "medium"  # the force's under-14 floor
    assert {"young_age", "repeat_missing"} <= {reason["code"] for reason in result["reasons"]}


def test_force_policy_from_policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "west-midshire.toml").write_text(FORCE, "utf-8")
    monkeypatch.setenv(POLICY_DIR_ENV, str(tmp_path))
    assert "west-midshire" in available_policies()
    assert load_policy("west-midshire").version == "7"


def test_builtin_names_cannot_be_shadowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "national.toml").write_text(FORCE.replace("west-midshire", "national"), "utf-8")
    monkeypatch.setenv(POLICY_DIR_ENV, str(tmp_path))
    assert load_policy("national").thresholds.repeat_episodes == 3


BAD_POLICIES = [
    ('extends = "national"\nname = "x"\nversion = "1"\ncolour = "red"', "colour is not a policy setting"),
    ('extends = "national"\nname = "x"', "version must be a non-empty string"),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[thresholds]\nrepeat_episodes = 0',
        "thresholds.repeat_episodes must be a positive",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[thresholds]\nrepeat_episodes = "3"',
        "thresholds.repeat_episodes",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[rules.autism]\nseriousness = "severe"',
        "rules.autism.seriousness must be one of",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[rules.autism]\nactions = ["pray"]',
        "unknown action 'pray'",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[rules.made_up]\nseriousness = "high"',
        "rules.made_up is not a policy setting",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[matrix.high]\nlow = "low"',
        "matrix.high.low is lower",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[matrix.low]\nlow = "no_apparent_risk"',
        "matrix.low.low must be one of",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[level_actions]\n"seriousness:high" = []',
        "must include refer_to_childrens_social_care",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[rules.contact_established]\nseriousness = "high"',
        "is mitigating",
    ),
    (
        'extends = "national"\nname = "x"\nversion = "1"\n[rules.autism]\nlower_immediacy = 1',
        "is a risk factor",
    ),
    ('extends = "nowhere"\nname = "x"\nversion = "1"', "unknown policy 'nowhere'"),
    ('name = "x"\nversion = "1"', "thresholds must be a table"),
    ("name = ", "cannot be read"),
]


@pytest.mark.parametrize(("text", "words"), BAD_POLICIES)
def test_bad_policy_files_are_refused_clearly(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(PolicyError, match="policy") as caught:
        load_policy(path)
    assert words in str(caught.value)


def test_every_rule_needs_an_effect(tmp_path: Path) -> None:
    national = (Path(__file__).parents[1] / "policies" / "national.toml").read_text("utf-8")
    path = tmp_path / "x.toml"
    path.write_text(
        national.replace('[rules.bullying]\nrisk_floor = "low"\n', "").replace(
            'name = "national"', 'name = "x"'
        ),
        "utf-8",
    )
    with pytest.raises(PolicyError, match=r"rules\.bullying is not set"):
        load_policy(path)


def test_name_must_match_file_when_loaded_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "east.toml").write_text(FORCE, "utf-8")
    monkeypatch.setenv(POLICY_DIR_ENV, str(tmp_path))
    with pytest.raises(PolicyError, match="must match the file name"):
        load_policy("east")


def test_unknown_policy_lists_the_available_ones() -> None:
    with pytest.raises(PolicyError, match="available: absent-permitted, national"):
        load_policy("nonesuch")
