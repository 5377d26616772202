"""Finding, merging and caching policy files.

A policy is named (a built-in in this folder, or a ``NAME.toml`` in a directory listed in the
``MISPER_POLICY_DIR`` environment variable, separated by the platform's path separator) or given as a
path to a ``.toml`` file. Built-in names always win, so ``national`` always means the shipped policy.
A file may say ``extends = "NAME"`` to start from another policy: its tables are merged key by key
and anything else it sets replaces the inherited value.
"""

import functools
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from misper.risk.errors import PolicyError
from misper.risk.policy import Policy, policy_from_dict
from misper.risk.rules import RULE_IDS, RULES_BY_ID

DEFAULT_POLICY = "national"
POLICY_DIR_ENV = "MISPER_POLICY_DIR"
_MAX_EXTENDS = 5


def _builtin_dir() -> Path:
    return Path(str(resources.files("misper.risk.policies")))


def _search_dirs() -> list[Path]:
    extra = os.environ.get(POLICY_DIR_ENV, "")
    return [_builtin_dir(), *(Path(part) for part in extra.split(os.pathsep) if part)]


def available_policies() -> list[str]:
    """Names of the policies that can be loaded by name, built-ins first, each once."""
    names: dict[str, None] = {}
    for directory in _search_dirs():
        if directory.is_dir():
            names.update(dict.fromkeys(sorted(path.stem for path in directory.glob("*.toml"))))
    return list(names)


def _is_path(name_or_path: str | os.PathLike[str]) -> bool:
    text = os.fspath(name_or_path)
    return text.endswith(".toml") or os.sep in text or "/" in text


def _resolve(name_or_path: str | os.PathLike[str]) -> Path:
    text = os.fspath(name_or_path)
    if _is_path(text):
        path = Path(text)
        if not path.is_file():
            raise PolicyError(f"policy file {text} does not exist")
        return path
    for directory in _search_dirs():
        path = directory / f"{text}.toml"
        if path.is_file():
            return path
    raise PolicyError(f"unknown policy {text!r}; available: {', '.join(available_policies())}")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"policy {path}: cannot be read: {exc}") from None


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        inherited = merged.get(key)
        if isinstance(inherited, dict) and isinstance(value, dict):
            merged[key] = _merge(inherited, value)
        else:
            merged[key] = value
    return merged


def _load_data(path: Path, depth: int = 0) -> dict[str, Any]:
    data = _read(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or depth >= _MAX_EXTENDS:
        raise PolicyError(f"policy {path}: extends must name a policy, at most {_MAX_EXTENDS} deep")
    base = _load_data(_resolve(parent), depth + 1)
    base.pop("name", None)
    base.pop("version", None)
    return _merge(base, data)


def _check_kinds(policy: Policy) -> None:
    """Mitigating rules may only lower immediacy; risk factors may not lower anything."""
    for rule_id, effect in policy.effects.items():
        mitigating = RULES_BY_ID[rule_id].kind == "mitigating"
        raises = (effect.immediacy, effect.seriousness, effect.risk_floor) != (None, None, None)
        if mitigating and (raises or effect.actions):
            raise PolicyError(
                f"policy {policy.source}: rules.{rule_id} is mitigating; it may only set lower_immediacy"
            )
        if not mitigating and effect.lower_immediacy:
            raise PolicyError(
                f"policy {policy.source}: rules.{rule_id} is a risk factor; it cannot lower_immediacy"
            )


@functools.lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int) -> Policy:
    policy = policy_from_dict(_load_data(Path(path)), source=path, rule_ids=RULE_IDS)
    _check_kinds(policy)
    return policy


def load_policy(name_or_path: str | os.PathLike[str] = DEFAULT_POLICY) -> Policy:
    """Load a policy by name or path, validated; raise PolicyError saying what is wrong and where.

    Loaded policies are cached; a file that changes on disk is read again.
    """
    path = _resolve(name_or_path).resolve()
    policy = _load(str(path), path.stat().st_mtime_ns)
    if not _is_path(name_or_path) and policy.name != path.stem:
        raise PolicyError(f"policy {path}: name {policy.name!r} must match the file name {path.stem!r}")
    return policy
