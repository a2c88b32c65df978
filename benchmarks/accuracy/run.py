"""Measure the scanner against the hand-labelled accuracy corpus.

For every repository in corpus.yaml: find its local clone (``--repos DIR``, folder ``owner+name``),
check that the pinned commit is there, scan it, and compare the scan with
``labels/owner+name.yaml``:

- precision of P0/P1 findings: of the failing or partial P0/P1 findings the scanner emits, the share
  whose label says the gap is real (true / (true + false)); debatable and unlabelled ones are counted
  apart and never scored;
- recall of labelled weaknesses: of the weaknesses found by reading the repository that map to a
  rule id, the share the scanner reports as failing or partial (any priority);
- mean absolute error of the category scores (label 1-5 against the scanner's 0-5, where both
  score the category; a category one side finds not applicable is counted apart);
- profile right or wrong.

No network: a repository without a local clone, or whose clone lacks the pinned commit, is reported
as missing and skipped.

    /work/venv/bin/python benchmarks/accuracy/run.py [--repos /work/real] [--json] [--only NAME]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
CATEGORIES = ("build", "test", "deploy", "security", "monitoring", "iac", "gitops", "docs")
EMITTED = ("fail", "partial")
SCORED_PRIORITIES = ("P0", "P1")
VERDICTS = ("true", "false", "debatable")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def locate(entry: dict[str, Any], repos: Path) -> tuple[Path | None, str | None, str]:
    """The clone, the --ref to scan (None: the working tree) and a note; no clone: (None, None, why)."""
    folder = repos / entry["repo"].replace("/", "+")
    sha = str(entry["commit"])
    if not (folder / ".git").exists():
        return None, None, f"missing locally: no clone at {folder}"
    if git(folder, "cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
        return None, None, f"missing locally: {folder} lacks the pinned commit {sha[:12]}"
    head = git(folder, "rev-parse", "HEAD").stdout.strip()
    if head != sha:
        return folder, sha, f"HEAD is {head[:12]}, scanned --ref {sha[:12]}"
    dirty = [line for line in git(folder, "status", "--porcelain").stdout.splitlines() if line.strip()]
    note = f"working tree differs from the commit in {len(dirty)} file(s)" if dirty else ""
    return folder, None, note


def scan(folder: Path, ref: str | None, cache: Path | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "vana_audit", "scan", str(folder), "-q", "--format", "json"]
    if ref:
        cmd += ["--ref", ref]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT, check=False)
    if not proc.stdout.strip():
        raise RuntimeError(f"scan failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{folder.name}.json").write_text(proc.stdout)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def verdict_of(label: dict[str, Any], rule: str) -> str | None:
    entry = (label.get("findings") or {}).get(rule)
    if entry is None:
        return None
    value = entry.get("verdict") if isinstance(entry, dict) else entry
    text = str(value).lower()
    if text not in VERDICTS:
        raise ValueError(f"{rule}: verdict {value!r} is not one of {VERDICTS}")
    return text


def rules_of(weakness: dict[str, Any]) -> list[str]:
    rule = weakness.get("rule")
    if not rule:
        return []
    return [rule] if isinstance(rule, str) else list(rule)


NOT_SERVICES = ("library", "cli", "docs", "research")


def rule_profiles() -> dict[str, set[str]]:
    """Each rule's declared profiles (rules without a `profiles:` list apply to every kind)."""
    profiles: dict[str, set[str]] = {}
    for path in sorted((PROJECT / "rules").glob("*.yaml")):
        for rule in (yaml.safe_load(path.read_text("utf-8")) or {}).get("rules") or []:
            if rule.get("profiles"):
                profiles[rule["id"]] = set(rule["profiles"])
    return profiles


def compare(label: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    findings = [f for f in result["findings"] if not f.get("suppressed")]
    outcome = {f["rule_id"]: f["outcome"] for f in findings}
    emitted = [f for f in findings if f["outcome"] in EMITTED and f["priority"] in SCORED_PRIORITIES]
    judged: dict[str, list[str]] = {v: [] for v in VERDICTS}
    unlabelled: list[str] = []
    for finding in emitted:
        verdict = verdict_of(label, finding["rule_id"])
        (judged[verdict] if verdict else unlabelled).append(finding["rule_id"])

    found, missed, ruleless = [], [], []
    for weakness in label.get("weaknesses") or []:
        rules = rules_of(weakness)
        if not rules:
            ruleless.append(weakness.get("what", "?"))
        elif any(outcome.get(r) in EMITTED for r in rules):
            found.append("/".join(rules))
        else:
            missed.append(f"{'/'.join(rules)} ({', '.join(outcome.get(r, 'not emitted') for r in rules)})")

    scanned = {c["id"]: c["score"] for c in result["categories"]}
    errors: dict[str, float] = {}
    deltas: dict[str, float] = {}
    applicability: list[str] = []
    for category in CATEGORIES:
        mine = (label.get("scores") or {}).get(category)
        theirs = scanned.get(category)
        if mine is not None and theirs is not None:
            deltas[category] = round(float(theirs) - float(mine), 2)
            errors[category] = abs(deltas[category])
        elif (mine is None) != (theirs is None):
            applicability.append(f"{category}: label {mine}, scanner {theirs}")

    expected = label.get("profile")
    accepted = [expected] if isinstance(expected, str) else list(expected or [])
    # rules declared for other kinds (service-only rules) that fired on a library, CLI, docs site or research code
    kind = accepted[0] if accepted else None
    declared = rule_profiles()
    misapplied = sorted({f["rule_id"] for f in findings if f["outcome"] in EMITTED and kind in NOT_SERVICES
                         and f["rule_id"] in declared and kind not in declared[f["rule_id"]]})
    got = result["profile"]["name"]
    return {
        "profile": {"expected": accepted, "scanned": got, "right": got in accepted},
        "misapplied": misapplied,
        "emitted": len(emitted),
        "true": judged["true"],
        "false": judged["false"],
        "debatable": judged["debatable"],
        "unlabelled": unlabelled,
        "precision": ratio(len(judged["true"]), len(judged["true"]) + len(judged["false"])),
        "weaknesses_found": found,
        "weaknesses_missed": missed,
        "weaknesses_without_rule": ruleless,
        "recall": ratio(len(found), len(found) + len(missed)),
        "score_errors": errors,
        "score_deltas": deltas,
        "mae": round(sum(errors.values()) / len(errors), 2) if errors else None,
        "applicability": applicability,
        "overall_score": result["score"]["overall"],
    }


P2_VERDICTS = ("true", "false", "not-applicable", "debatable")


@functools.cache
def p2_audit() -> dict[tuple[str, str], str]:
    """(repository, rule) -> verdict of the audit of P2 findings (p2-audit/*.yaml, see its BRIEF.md)."""
    verdicts: dict[tuple[str, str], str] = {}
    for path in sorted((HERE / "p2-audit").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text()) or []:
            verdict = item.get("verdict")
            verdict = {True: "true", False: "false"}.get(verdict, str(verdict).lower())
            if verdict in P2_VERDICTS:
                verdicts[(item["repo"], item["rule"])] = verdict
    return verdicts


def judge_p2(repo: str, result: dict[str, Any], audit: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """The P2 findings a scan emits, by the audit's verdict ("unaudited": new since the audit)."""
    judged: dict[str, list[str]] = {v: [] for v in (*P2_VERDICTS, "unaudited")}
    for f in result["findings"]:
        if f["outcome"] in EMITTED and f["priority"] == "P2" and not f.get("suppressed"):
            judged[audit.get((repo, f["rule_id"]), "unaudited")].append(f["rule_id"])
    return judged


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def second_opinion(label: dict[str, Any], second: dict[str, Any] | None, scanned: dict[str, Any]) -> dict[str, Any]:
    """Per category, against a second labeller's blind scores (labels-b/): how far the two labellers
    are apart, how far the scanner is from the second one, and from the mean of both."""
    apart: dict[str, dict[str, float]] = {"labellers": {}, "scanner_b": {}, "scanner_mean": {}}
    if second is None:
        return apart
    for category in CATEGORIES:
        a = (label.get("scores") or {}).get(category)
        b = (second.get("scores") or {}).get(category)
        s = scanned.get(category)
        if a is not None and b is not None:
            apart["labellers"][category] = round(abs(float(a) - float(b)), 2)
        if b is not None and s is not None:
            apart["scanner_b"][category] = round(abs(float(s) - float(b)), 2)
        if a is not None and b is not None and s is not None:
            apart["scanner_mean"][category] = round(abs(float(s) - (float(a) + float(b)) / 2), 2)
    return apart


def run_one(entry: dict[str, Any], repos: Path, cache: Path | None) -> dict[str, Any]:
    name = entry["repo"]
    row: dict[str, Any] = {"repo": name, "commit": entry["commit"], "kind": entry.get("kind")}
    label_path = HERE / "labels" / f"{name.replace('/', '+')}.yaml"
    if not label_path.exists():
        row["status"] = f"no label file {label_path.relative_to(PROJECT)}"
        return row
    folder, ref, note = locate(entry, repos)
    row["note"] = note
    if folder is None:
        row["status"] = note
        return row
    label = yaml.safe_load(label_path.read_text())
    try:
        result = scan(folder, ref, cache)
    except (RuntimeError, json.JSONDecodeError) as exc:
        row["status"] = f"scan error: {exc}"
        return row
    row["status"] = "scanned"
    row.update(compare(label, result))
    row["p2"] = judge_p2(name, result, p2_audit())
    second_path = HERE / "labels-b" / label_path.name
    second = yaml.safe_load(second_path.read_text()) if second_path.exists() else None
    row["second_labeller"] = second_opinion(label, second, {c["id"]: c["score"] for c in result["categories"]})
    return row


def overall(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if r["status"] == "scanned"]
    count = lambda key: sum(len(r[key]) for r in done)  # noqa: E731
    errors = [e for r in done for e in r["score_errors"].values()]
    per_category = {}
    for category in CATEGORIES:
        values = [r["score_errors"][category] for r in done if category in r["score_errors"]]
        if values:
            signed = [r["score_deltas"][category] for r in done if category in r["score_deltas"]]
            per_category[category] = {"mae": round(sum(values) / len(values), 2), "n": len(values),
                                      "bias": round(sum(signed) / len(signed), 2)}
    false_by_rule: dict[str, list[str]] = {}
    for r in done:
        for rule in r["false"]:
            false_by_rule.setdefault(rule, []).append(r["repo"])
    second: dict[str, Any] = {}
    for key in ("labellers", "scanner_b", "scanner_mean"):
        values = [v for r in done for v in r["second_labeller"][key].values()]
        by_category = {c: [r["second_labeller"][key][c] for r in done if c in r["second_labeller"][key]]
                       for c in CATEGORIES}
        second[key] = {"mae": round(sum(values) / len(values), 2) if values else None, "n": len(values),
                       "by_category": {c: round(sum(v) / len(v), 2) for c, v in by_category.items() if v}}
    p2 = {v: sum(len(r["p2"][v]) for r in done) for v in (*P2_VERDICTS, "unaudited")}
    wrong_p2: dict[str, int] = {}
    for r in done:
        for rule in r["p2"]["false"] + r["p2"]["not-applicable"]:
            wrong_p2[rule] = wrong_p2.get(rule, 0) + 1
    p2["precision"] = ratio(p2["true"], p2["true"] + p2["false"] + p2["not-applicable"])
    p2["wrong_by_rule"] = dict(sorted(wrong_p2.items(), key=lambda kv: (-kv[1], kv[0])))
    return {
        "p2": p2,
        "second_labeller": second,
        "repositories": len(rows),
        "scanned": len(done),
        "missing": [f"{r['repo']}: {r['status']}" for r in rows if r["status"] != "scanned"],
        "emitted": sum(r["emitted"] for r in done),
        "true": count("true"),
        "false": count("false"),
        "debatable": count("debatable"),
        "unlabelled": count("unlabelled"),
        "precision": ratio(count("true"), count("true") + count("false")),
        "weaknesses_found": count("weaknesses_found"),
        "weaknesses_missed": count("weaknesses_missed"),
        "weaknesses_without_rule": count("weaknesses_without_rule"),
        "recall": ratio(count("weaknesses_found"), count("weaknesses_found") + count("weaknesses_missed")),
        "mae": round(sum(errors) / len(errors), 2) if errors else None,
        "mae_by_category": per_category,
        "profiles_right": sum(1 for r in done if r["profile"]["right"]),
        "misapplied": {r["repo"]: r["misapplied"] for r in done if r["misapplied"]},
        "false_by_rule": dict(sorted(false_by_rule.items(), key=lambda kv: (-len(kv[1]), kv[0]))),
    }


def scanner_commit() -> str:
    sha = git(PROJECT, "rev-parse", "--short=12", "HEAD").stdout.strip() or "unknown"
    dirty = git(PROJECT, "status", "--porcelain", "--untracked-files=no", "--", "vana_audit").stdout.strip()
    return sha + (" (vana_audit/ modified)" if dirty else "")


def render(rows: list[dict[str, Any]], total: dict[str, Any], header: dict[str, str]) -> str:
    out = [f"Accuracy corpus: {header['date']}, scanner commit {header['commit']}", ""]
    out.append("| repository | kind | profile | P0/P1 emitted | true | false | debatable | unlabelled "
               "| precision | recall | score MAE |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["status"] != "scanned":
            out.append(f"| {r['repo']} | {r.get('kind')} | {r['status']} | | | | | | | | |")
            continue
        profile = r["profile"]
        expected = "/".join(profile["expected"])
        shown = "right" if profile["right"] else f"WRONG ({profile['scanned']}, expected {expected})"
        hits = len(r["weaknesses_found"])
        total_w = hits + len(r["weaknesses_missed"])
        out.append(
            f"| {r['repo']} | {r['kind']} | {shown} | {r['emitted']} | {len(r['true'])} | {len(r['false'])} "
            f"| {len(r['debatable'])} | {len(r['unlabelled'])} | {pct(r['precision'])} "
            f"| {hits}/{total_w} {pct(r['recall'])} | {r['mae'] if r['mae'] is not None else '–'} |"
        )
    t = total
    out += [
        "",
        f"Overall ({t['scanned']} of {t['repositories']} repositories scanned):",
        f"- precision of P0/P1 findings: {pct(t['precision'])} ({t['true']} true, {t['false']} false; "
        f"{t['debatable']} debatable and {t['unlabelled']} unlabelled not scored; {t['emitted']} emitted)",
        f"- recall of labelled weaknesses: {pct(t['recall'])} ({t['weaknesses_found']} of "
        f"{t['weaknesses_found'] + t['weaknesses_missed']} with a rule id; {t['weaknesses_without_rule']} "
        "weaknesses no rule covers)",
        f"- score MAE: {t['mae']} (by category: "
        + ", ".join(f"{c} {v['mae']} (n={v['n']})" for c, v in t["mae_by_category"].items()) + ")",
        "- score bias, scanner minus label (negative: the scanner scores lower): "
        + ", ".join(f"{c} {v['bias']:+}" for c, v in t["mae_by_category"].items()),
    ]
    p2 = t["p2"]
    if p2["true"] + p2["false"] + p2["not-applicable"]:
        out.append(f"- precision of P2 findings (audited in p2-audit/; not-applicable counts as wrong): "
                   f"{pct(p2['precision'])} ({p2['true']} true, {p2['false']} false, {p2['not-applicable']} not "
                   f"applicable; {p2['debatable']} debatable and {p2['unaudited']} unaudited not scored)")
        out.append("  - wrong P2 findings by rule: " + ", ".join(
            f"{rule} {n}" for rule, n in list(p2["wrong_by_rule"].items())[:15]))
    second = t["second_labeller"]
    if second["labellers"]["n"]:
        names = {"labellers": "the two labellers apart", "scanner_b": "scanner vs the second labeller",
                 "scanner_mean": "scanner vs the mean of both"}
        out.append("- second labeller (labels-b/, blind, half points): " + "; ".join(
            f"{names[key]} {second[key]['mae']} (n={second[key]['n']})" for key in names))
        out += [f"  - {names[key]} by category: " + ", ".join(
            f"{c} {v}" for c, v in second[key]["by_category"].items()) for key in names]
    out += [
        f"- profile right: {t['profiles_right']} of {t['scanned']}",
        "- rules declared for other kinds that fired on a library, CLI, docs site or research repository: "
        + (", ".join(f"{repo}: {' '.join(ids)}" for repo, ids in t["misapplied"].items()) or "none"),
    ]
    if t["false_by_rule"]:
        out += ["", "False P0/P1 findings by rule:"]
        out += [f"- {rule} ×{len(repos)}: {', '.join(repos)}" for rule, repos in t["false_by_rule"].items()]
    details = []
    for r in rows:
        if r["status"] != "scanned":
            continue
        parts = []
        if r["false"]:
            parts.append("false: " + ", ".join(r["false"]))
        if r["debatable"]:
            parts.append("debatable: " + ", ".join(r["debatable"]))
        if r["unlabelled"]:
            parts.append("unlabelled: " + ", ".join(r["unlabelled"]))
        if r["weaknesses_missed"]:
            parts.append("missed: " + ", ".join(r["weaknesses_missed"]))
        if r["applicability"]:
            parts.append("applicability: " + "; ".join(r["applicability"]))
        if r.get("note"):
            parts.append("note: " + r["note"])
        if parts:
            details.append(f"- {r['repo']}: " + " | ".join(parts))
    if details:
        out += ["", "Per repository:"] + details
    if t["missing"]:
        out += ["", "NOT SCANNED:"] + [f"- {m}" for m in t["missing"]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=Path, default=Path("/work/real"),
                        help="folder holding the clones, one per repository as owner+name")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus.yaml")
    parser.add_argument("--only", action="append", default=[], help="only this repository (owner/name); repeatable")
    parser.add_argument("--json", action="store_true", help="write JSON instead of the table")
    parser.add_argument("--jobs", type=int, default=2, help="scans at once")
    parser.add_argument("--save-scans", type=Path, help="keep each scan's JSON report in this folder")
    args = parser.parse_args(argv)

    entries = yaml.safe_load(args.corpus.read_text())["repositories"]
    if args.only:
        entries = [e for e in entries if e["repo"] in args.only or e["repo"].replace("/", "+") in args.only]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(lambda e: run_one(e, args.repos, args.save_scans), entries))
    total = overall(rows)
    header = {"date": dt.date.today().isoformat(), "commit": scanner_commit()}
    if args.json:
        print(json.dumps({**header, "overall": total, "repositories": rows}, indent=2))
    else:
        print(render(rows, total, header))
    return 0 if total["scanned"] == total["repositories"] else 2


if __name__ == "__main__":
    sys.exit(main())
