"""What a policy is: thresholds, floors, the grading matrix and each rule's effect, read from data.

`policy_from_dict` turns the parsed TOML of a policy file into a `Policy`, refusing anything it
does not understand with a message that names the file and the key. Finding and merging files
(`extends`) lives in `misper.risk.policies`.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from misper.risk.errors import PolicyError
from misper.risk.vocab import (
    ACTIONS,
    LEVEL_RANK,
    LEVELS,
    RISK_RANK,
    RISKS,
    SAFEGUARDING_ACTIONS,
    SERIOUS_NOT_URGENT,
)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a rule does when it applies. Levels are ranks (see vocab.LEVEL_RANK / RISK_RANK)."""

    immediacy: int | None = None
    seriousness: int | None = None
    risk_floor: int | None = None
    actions: tuple[str, ...] = ()
    mitigable: bool = True
    lower_immediacy: int = 0

    def describe(self) -> dict[str, Any]:
        """The effect as JSON, naming levels rather than ranks and leaving out what it does not do."""
        out: dict[str, Any] = {}
        if self.immediacy is not None:
            out["immediacy"] = LEVELS[self.immediacy]
        if self.seriousness is not None:
            out["seriousness"] = LEVELS[self.seriousness]
        if self.risk_floor is not None:
            out["risk_floor"] = RISKS[self.risk_floor]
        if self.lower_immediacy:
            out["lower_immediacy"] = self.lower_immediacy
        if not self.mitigable:
            out["mitigable"] = False
        if self.actions:
            out["actions"] = list(self.actions)
        return out


@dataclass(frozen=True, slots=True)
class Thresholds:
    repeat_episodes: int
    repeat_window_days: int
    history_long_duration_hours: float
    long_missing_hours: float
    adult_age: int
    much_older_gap_years: int
    cawn_child_age: int


@dataclass(frozen=True, slots=True)
class AgeFloor:
    under_years: int
    minimum_risk: int
    immediacy: int | None


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    description: str
    absent_category: bool
    thresholds: Thresholds
    age_floors: tuple[AgeFloor, ...]  # youngest band first
    matrix: tuple[tuple[int, ...], ...]  # matrix[seriousness][immediacy] -> risk rank
    level_actions: Mapping[str, tuple[str, ...]]  # "category:missing", "risk:medium", ...
    effects: Mapping[str, Effect]
    source: str

    def age_floor_for(self, age: int) -> AgeFloor | None:
        """The floor of the youngest band `age` falls in, or None."""
        return next((floor for floor in self.age_floors if age < floor.under_years), None)


_TOP_KEYS = {
    "name",
    "version",
    "description",
    "extends",
    "absent_category",
    "thresholds",
    "age_floors",
    "matrix",
    "level_actions",
    "rules",
}
_THRESHOLD_TYPES: dict[str, type] = {
    "repeat_episodes": int,
    "repeat_window_days": int,
    "history_long_duration_hours": float,
    "long_missing_hours": float,
    "adult_age": int,
    "much_older_gap_years": int,
    "cawn_child_age": int,
}
# no_apparent_risk comes only with the absent category, never from the matrix.
_MATRIX_RISKS = {risk: rank for risk, rank in RISK_RANK.items() if risk != "no_apparent_risk"}
_EFFECT_KEYS = {"immediacy", "seriousness", "risk_floor", "actions", "mitigable", "lower_immediacy"}


class _Reader:
    """Small typed accessors that raise PolicyError naming the file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> PolicyError:
        return PolicyError(f"policy {self.source}: {key} {message}")

    def table(self, data: Mapping[str, Any], key: str, allowed: Collection[str] | None = None) -> Any:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        unknown = sorted(set(value) - set(allowed)) if allowed is not None else []
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", "is not a policy setting")
        return value

    def choice(self, value: Any, key: str, ranks: Mapping[str, int]) -> int:
        if value not in ranks:
            raise self.fail(key, f"must be one of {', '.join(ranks)}, not {value!r}")
        return ranks[value]

    def number(self, value: Any, key: str, kind: type) -> Any:
        ok = isinstance(value, int | float) if kind is float else isinstance(value, int)
        if isinstance(value, bool) or not ok or value <= 0:
            raise self.fail(key, f"must be a positive {'number' if kind is float else 'whole number'}")
        return kind(value)

    def actions(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of action codes")
        for action in value:
            if action not in ACTIONS:
                raise self.fail(key, f"has unknown action {action!r}")
        return tuple(dict.fromkeys(value))


def _thresholds(data: Mapping[str, Any], read: _Reader) -> Thresholds:
    table = read.table(data, "thresholds", _THRESHOLD_TYPES)
    values = {}
    for key, kind in _THRESHOLD_TYPES.items():
        if key not in table:
            raise read.fail(f"thresholds.{key}", "is required")
        values[key] = read.number(table[key], f"thresholds.{key}", kind)
    return Thresholds(**values)


def _age_floors(data: Mapping[str, Any], read: _Reader) -> tuple[AgeFloor, ...]:
    floors = data.get("age_floors", [])
    if not isinstance(floors, list):
        raise read.fail("age_floors", "must be an array of tables")
    out = []
    for index, floor in enumerate(floors):
        key = f"age_floors[{index}]"
        if not isinstance(floor, dict) or set(floor) - {"under_years", "minimum_risk", "immediacy"}:
            raise read.fail(key, "must be a table with under_years, minimum_risk and optional immediacy")
        immediacy = floor.get("immediacy")
        out.append(
            AgeFloor(
                read.number(floor.get("under_years"), f"{key}.under_years", int),
                read.choice(floor.get("minimum_risk"), f"{key}.minimum_risk", RISK_RANK),
                None if immediacy is None else read.choice(immediacy, f"{key}.immediacy", LEVEL_RANK),
            )
        )
    return tuple(sorted(out, key=lambda floor: floor.under_years))


def _matrix(data: Mapping[str, Any], read: _Reader) -> tuple[tuple[int, ...], ...]:
    table = read.table(data, "matrix", LEVELS)
    rows = []
    for seriousness in LEVELS:
        row = read.table(table, seriousness, LEVELS)
        rows.append(
            tuple(read.choice(row.get(i), f"matrix.{seriousness}.{i}", _MATRIX_RISKS) for i in LEVELS)
        )
    # The grade must never fall when either dimension rises; otherwise adding a risk factor
    # could lower the recommendation.
    for s in range(len(LEVELS)):
        for i in range(len(LEVELS)):
            if (s and rows[s][i] < rows[s - 1][i]) or (i and rows[s][i] < rows[s][i - 1]):
                raise read.fail(f"matrix.{LEVELS[s]}.{LEVELS[i]}", "is lower than a cell below or left of it")
    return tuple(rows)


def _level_actions(data: Mapping[str, Any], read: _Reader) -> dict[str, tuple[str, ...]]:
    allowed = [f"category:{c}" for c in ("missing", "absent")]
    allowed += [f"{dim}:{level}" for dim in ("immediacy", "seriousness") for level in LEVELS]
    allowed += [f"risk:{risk}" for risk in RISKS]
    allowed.append(SERIOUS_NOT_URGENT)
    table = read.table(data, "level_actions", allowed)
    out = {key: read.actions(value, f"level_actions.{key}") for key, value in table.items()}
    missing = [a for a in SAFEGUARDING_ACTIONS if a not in out.get("seriousness:high", ())]
    if missing:
        raise read.fail('level_actions."seriousness:high"', f"must include {', '.join(missing)}")
    return out


def _effect(value: Any, key: str, read: _Reader) -> Effect:
    if not isinstance(value, dict):
        raise read.fail(key, "must be a table")
    unknown = sorted(set(value) - _EFFECT_KEYS)
    if unknown:
        raise read.fail(f"{key}.{unknown[0]}", "is not a rule setting")

    def level(name: str, ranks: Mapping[str, int]) -> int | None:
        return None if name not in value else read.choice(value[name], f"{key}.{name}", ranks)

    mitigable = value.get("mitigable", True)
    if not isinstance(mitigable, bool):
        raise read.fail(f"{key}.mitigable", "must be true or false")
    lower = value.get("lower_immediacy", 0)
    lower = 0 if lower == 0 else read.number(lower, f"{key}.lower_immediacy", int)
    return Effect(
        immediacy=level("immediacy", LEVEL_RANK),
        seriousness=level("seriousness", LEVEL_RANK),
        risk_floor=level("risk_floor", RISK_RANK),
        actions=read.actions(value.get("actions", []), f"{key}.actions"),
        mitigable=mitigable,
        lower_immediacy=lower,
    )


def _effects(data: Mapping[str, Any], read: _Reader, rule_ids: Collection[str]) -> dict[str, Effect]:
    table = read.table(data, "rules", rule_ids)
    absent = [rule for rule in rule_ids if rule not in table]
    if absent:
        raise read.fail(f"rules.{absent[0]}", "is not set; every rule needs an effect (or use extends)")
    return {rule: _effect(table[rule], f"rules.{rule}", read) for rule in rule_ids}


def policy_from_dict(data: Mapping[str, Any], *, source: str, rule_ids: Collection[str]) -> Policy:
    """Build a Policy from parsed (and already merged) TOML; raise PolicyError naming the key."""
    read = _Reader(source)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise read.fail(unknown[0], "is not a policy setting")
    for key in ("name", "version"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise read.fail(key, "must be a non-empty string")
    absent = data.get("absent_category", False)
    if not isinstance(absent, bool):
        raise read.fail("absent_category", "must be true or false")
    return Policy(
        name=data["name"],
        version=data["version"],
        description=str(data.get("description", "")),
        absent_category=absent,
        thresholds=_thresholds(data, read),
        age_floors=_age_floors(data, read),
        matrix=_matrix(data, read),
        level_actions=_level_actions(data, read),
        effects=_effects(data, read, rule_ids),
        source=source,
    )
