"""Configuration: `.vana-audit.yml` in the scanned repository, or `--config FILE`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import safe_yaml, schema_errors
from .model import Category
from .userfiles import UnreadableFile, read_regular_text

CONFIG_FILE_NAMES = (".vana-audit.yml", ".vana-audit.yaml")


class ConfigError(Exception):
    """Invalid configuration; the message is one line naming the file and the JSON path."""


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str
    expires: str | None = None
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: str | None = None
    weights: dict[Category, float] = field(default_factory=dict)
    disable: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    default_excludes: bool = True
    profile: str | None = None
    rules_dirs: tuple[str, ...] = ()
    max_file_bytes: int | None = None
    target_overall: float = 4.0
    target_categories: dict[str, float] = field(default_factory=dict)
    capacity_days_per_week: float = 5.0
    dora_window_days: int = 90
    dora_year: int = 2024
    suppressions: tuple[Suppression, ...] = ()


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("vana_audit").joinpath("schemas/config.schema.json").read_text("utf-8")
    )
    return schema


def parse_config(data: Any, origin: str) -> Config:
    if data is None:
        data = {}
    import jsonschema  # here, not at the top: most scans have no configuration file (0.1 s of imports)

    error = schema_errors.first_error(jsonschema.Draft202012Validator(_schema()), data) or _bad_date(data)
    if error:
        raise ConfigError(f"{origin}: {error}")
    targets = data.get("targets") or {}
    dora = data.get("dora") or {}
    return Config(
        path=origin,
        weights={Category(k): float(v) for k, v in (data.get("weights") or {}).items()},
        disable=tuple(data.get("disable") or ()),
        exclude=tuple(data.get("exclude") or ()),
        default_excludes=data.get("default_excludes", True),
        profile=data.get("profile"),
        rules_dirs=tuple(data.get("rules_dirs") or ()),
        max_file_bytes=int(data["max_file_bytes"]) if "max_file_bytes" in data else None,  # 1.0e+6 is an integer
        target_overall=float(targets.get("overall", 4.0)),
        target_categories={k: float(v) for k, v in (targets.get("categories") or {}).items()},
        capacity_days_per_week=float(data.get("capacity_days_per_week", 5.0)),
        dora_window_days=int(dora.get("window_days", 90)),
        dora_year=int(dora.get("year", 2024)),
        suppressions=tuple(
            Suppression(s["rule"], s["reason"], s.get("expires"), tuple(s.get("paths") or ()))
            for s in data.get("suppressions") or ()
        ),
    )


def _bad_date(data: dict[str, Any]) -> str | None:
    """The schema checks the shape of a date only (2024-02-30 passes)."""
    for index, entry in enumerate(data.get("suppressions") or ()):
        try:
            dt.date.fromisoformat(entry.get("expires") or "2000-01-01")
        except ValueError:
            return f"$.suppressions[{index}].expires: not a real date"
    return None


def load_config_text(text: str, origin: str) -> Config:
    try:
        data = safe_yaml.load(text)
    except Exception as exc:
        raise ConfigError(f"{origin}: {safe_yaml.describe_error(exc)}") from exc
    return parse_config(data, origin)


def find_config(explicit: Path | None, read_repo_file: Any) -> Config:
    """`--config FILE` wins; else the repository's own `.vana-audit.yml` (read through the Source)."""
    if explicit is not None:
        try:
            text = read_regular_text(explicit)
        except UnreadableFile as exc:
            raise ConfigError(f"cannot read configuration: {exc}") from exc
        return load_config_text(text, str(explicit))
    for name in CONFIG_FILE_NAMES:
        text = read_repo_file(name)
        if text is not None:
            return load_config_text(text, name)
    return Config()


def rule_dirs(config: Config, root: Path) -> list[Path]:
    """The configured rule folders; a relative one is relative to the scanned repository, also in a
    `--config FILE` (whose folders the person running the tool chose, so they may be anywhere; the
    folders of the repository's own configuration must be in it: see engine.load_rule_dir)."""
    return [Path(d) if Path(d).is_absolute() else root / d for d in config.rules_dirs]
