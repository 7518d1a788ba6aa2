"""Read phrasebank folders (YAML) and merge a team's folder over the bundled one.

A folder holds any number of `*.yaml`/`*.yml` files, each a mapping with up to three keys:
`phrases`, `replacements` and `disable` (a list of ids). Every problem in every file is
collected before failing, so one `phrasebank check` run shows the whole list.
"""

from __future__ import annotations

import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.phrasebank.schema import (
    Phrase,
    PhrasebankError,
    Problem,
    Replacement,
    parse_phrase,
    parse_replacement,
)


def _bundled_dir() -> Path:
    """The source tree's ./phrasebank (checkouts, editable installs), else the copy a regular
    install puts under <prefix>/share/kindly/phrasebank (pyproject.toml's data-files)."""
    source = Path(__file__).resolve().parent.parent.parent / "phrasebank"
    if source.is_dir():
        return source
    return Path(sysconfig.get_path("data")).resolve() / "share" / "kindly" / "phrasebank"


BUNDLED_DIR = _bundled_dir()
TOP_LEVEL_KEYS = ("phrases", "replacements", "disable")


@dataclass
class Layer:
    """The entries of one folder, before merging. `disabled` maps id -> file that disabled it."""

    phrases: dict[str, Phrase] = field(default_factory=dict)
    replacements: dict[str, Replacement] = field(default_factory=dict)
    disabled: dict[str, str] = field(default_factory=dict)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, name: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(name, None, f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, None, f"cannot be read: {exc}"))
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(name, None, f"must be a mapping with keys {', '.join(TOP_LEVEL_KEYS)}"))
        return None
    unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
    if unknown:
        problems.append(Problem(name, None, f"unknown top-level key {unknown[0]!r} (use {', '.join(TOP_LEVEL_KEYS)})"))
    return data


def _as_list(data: dict[str, Any], key: str, name: str, problems: list[Problem]) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        problems.append(Problem(name, None, f"'{key}' must be a list"))
        return []
    return value


def read_layer(folder: Path, problems: list[Problem]) -> Layer:
    """Parse every YAML file in `folder`; duplicate ids inside one folder are problems."""
    layer = Layer()
    if not folder.is_dir():
        problems.append(Problem(_display(folder), None, "is not a folder"))
        return layer
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    seen: dict[str, str] = {}
    for path in files:
        name = _display(path)
        data = _read_yaml(path, name, problems)
        if data is None:
            continue
        for i, raw in enumerate(_as_list(data, "phrases", name, problems)):
            phrase = parse_phrase(raw, name, i, problems)
            if phrase is not None and _unique(phrase.id, name, f"entry #{i + 1}", seen, problems):
                layer.phrases[phrase.id] = phrase
        for i, raw in enumerate(_as_list(data, "replacements", name, problems)):
            rep = parse_replacement(raw, name, i, problems)
            if rep is not None and _unique(rep.id, name, f"replacement #{i + 1}", seen, problems):
                layer.replacements[rep.id] = rep
        for ident in _as_list(data, "disable", name, problems):
            if not isinstance(ident, str):
                problems.append(Problem(name, "disable", f"{ident!r} is not an id"))
            else:
                layer.disabled[ident] = name
    return layer


def _unique(ident: str, file: str, entry: str, seen: dict[str, str], problems: list[Problem]) -> bool:
    if ident in seen:
        problems.append(Problem(file, f"{entry} (id {ident!r})", f"duplicate id, already used in {seen[ident]}"))
        return False
    seen[ident] = file
    return True


def merge(base: Layer, team: Layer, problems: list[Problem]) -> tuple[list[Phrase], list[Replacement]]:
    """Team entries override bundled ones with the same id, new ids are added, `disable` removes."""
    phrases = {**base.phrases}
    replacements = {**base.replacements}
    for ident, phrase in team.phrases.items():
        if ident in base.replacements:
            problems.append(Problem(phrase.source, f"id {ident!r}", "is a bundled replacement id, not a phrase"))
            continue
        phrases[ident] = phrase
    for ident, rep in team.replacements.items():
        if ident in base.phrases:
            problems.append(Problem(rep.source, f"id {ident!r}", "is a bundled phrase id, not a replacement"))
            continue
        replacements[ident] = rep
    for ident, file in team.disabled.items():
        if ident in phrases:
            del phrases[ident]
        elif ident in replacements:
            del replacements[ident]
        else:
            problems.append(Problem(file, "disable", f"unknown id {ident!r}: nothing to disable"))
    return list(phrases.values()), list(replacements.values())


def load_entries(extra_dir: Path | None = None) -> tuple[list[Phrase], list[Replacement]]:
    """Bundled folder, merged with `extra_dir` when given; raises PhrasebankError listing all problems."""
    problems: list[Problem] = []
    base = read_layer(BUNDLED_DIR, problems)
    if base.disabled:
        problems.append(Problem(_display(BUNDLED_DIR), "disable", "the bundled phrasebank cannot disable entries"))
    team = read_layer(extra_dir, problems) if extra_dir is not None else Layer()
    phrases, replacements = merge(base, team, problems)
    if not phrases and not problems:
        problems.append(Problem(_display(extra_dir or BUNDLED_DIR), None, "leaves no phrases at all"))
    if problems:
        raise PhrasebankError(problems)
    return phrases, replacements
