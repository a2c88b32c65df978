"""Generate a large, deterministic git repository for the scan benchmark, with `git fast-import`.

    python benchmarks/genrepo.py /tmp/bench/large --size large

Sizes (files / commits / tags): small 2,500 / 5,000 / 75; medium 5,000 / 10,000 / 150;
large 10,000 / 20,000 / 300. About 5 % of the files are what the rules read most (GitHub Actions
workflows, Dockerfiles, compose files, Terraform and Kubernetes manifests); the rest are source,
tests and docs. History: a first commit with every file, then commits changing one to three files,
one in ten a pull-request merge (a real two-parent merge of a side branch), some reverts and hotfixes;
tags (semver releases and production deploy tags) spread along the way. Everything comes from one
seeded random generator, so a size always produces the same repository (same commit SHAs).

A repository already generated with the same parameters is kept (a stamp file records them).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Size:
    files: int
    commits: int
    tags: int


SIZES = {"small": Size(2_500, 5_000, 75), "medium": Size(5_000, 10_000, 150), "large": Size(10_000, 20_000, 300)}
START = 1_672_531_200  # 2023-01-01T00:00:00Z
SPAN = 2 * 365 * 86_400  # history spread over two years
STAMP = ".vana-bench-stamp.json"
VERSION = 1  # bump when the generator's output changes


# -- file contents -------------------------------------------------------------------------------------


def workflow(i: int, rng: random.Random) -> str:
    deploy = i % 4 == 0
    lines = [
        f"name: pipeline-{i}",
        "on:",
        "  push:",
        "    branches: [main]",
        "  pull_request:",
        "permissions:",
        "  contents: read",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    timeout-minutes: 20",
        "    strategy:",
        "      matrix:",
        "        python: ['3.11', '3.12']",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: ${{ matrix.python }}",
        "          cache: pip",
        "      - run: pip install -r requirements.txt",
        "      - run: ruff check .",
        f"      - run: pytest --cov=svc{i} --cov-fail-under={rng.randint(60, 90)} --junitxml=report.xml",
        "      - uses: actions/upload-artifact@v4",
        "        with:",
        "          name: report",
        "          path: report.xml",
    ]
    if deploy:
        lines += [
            "  deploy:",
            "    needs: test",
            "    if: github.ref == 'refs/heads/main'",
            "    runs-on: ubuntu-latest",
            "    environment: production",
            "    permissions:",
            "      id-token: write",
            "      contents: read",
            "    steps:",
            "      - uses: actions/checkout@v4",
            f"      - run: docker build -t registry.example.com/svc{i}:${{{{ github.sha }}}} .",
            f"      - run: docker push registry.example.com/svc{i}:${{{{ github.sha }}}}",
            f"      - run: gcloud run deploy svc{i} --image registry.example.com/svc{i}:${{{{ github.sha }}}}",
            "      - run: curl -fsS https://svc.example.com/healthz",
        ]
    return "\n".join(lines) + "\n"


def dockerfile(i: int, rng: random.Random) -> str:
    base = rng.choice(["python:3.12-slim", "node:20-alpine", "golang:1.22", "python:3.11"])
    return (
        f"FROM {base} AS build\nWORKDIR /src\nCOPY requirements.txt .\n"
        f"RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        f"FROM {base}\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
        f"COPY --from=build /src /app\nUSER {'10001' if i % 3 else 'root'}\n"
        f"HEALTHCHECK CMD curl -f http://localhost:{8000 + i % 100}/healthz || exit 1\n"
        f'CMD ["python", "-m", "svc{i}"]\n'
    )


def compose(i: int, rng: random.Random) -> str:
    return (
        f"services:\n  svc{i}:\n    build: .\n    ports: ['{8000 + i % 100}:8000']\n"
        f"    environment:\n      LOG_LEVEL: info\n    depends_on: [db]\n"
        f"  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n"
    )


def terraform(i: int, rng: random.Random) -> str:
    head = ""
    if i % 10 == 0:
        head = (
            'terraform {\n  required_version = ">= 1.6"\n  required_providers {\n'
            '    google = { source = "hashicorp/google", version = "~> 5.0" }\n  }\n'
            f'  backend "gcs" {{\n    bucket = "tf-state-{i}"\n  }}\n}}\n\n'
        )
    return head + (
        f'resource "google_storage_bucket" "b{i}" {{\n  name = "bucket-{i}"\n  location = "EU"\n'
        f"  uniform_bucket_level_access = true\n}}\n\n"
        f'variable "v{i}" {{\n  type    = string\n  default = "{rng.random():.6f}"\n}}\n'
    )


def kubernetes(i: int, rng: random.Random) -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\nspec:\n  replicas: {1 + i % 3}\n"
        f"  selector:\n    matchLabels: {{app: svc{i}}}\n  template:\n    metadata:\n      labels: {{app: svc{i}}}\n"
        f"    spec:\n      containers:\n        - name: app\n          image: registry.example.com/svc{i}:1.0.{i}\n"
        f"          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n"
        f"            limits: {{memory: 256Mi}}\n"
        + ("          readinessProbe:\n            httpGet: {path: /healthz, port: 8000}\n" if i % 2 else "")
        + f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i}\nspec:\n  ports: [{{port: 80}}]\n"
    )


def python_source(i: int, rng: random.Random) -> str:
    body = "\n".join(f"def f{i}_{j}(x: int) -> int:\n    return x * {rng.randint(1, 99)} + {j}\n" for j in range(12))
    extra = "import logging\nfrom prometheus_client import Counter\n" if i % 50 == 0 else "import logging\n"
    return f'"""Module {i}."""\n{extra}\nlog = logging.getLogger(__name__)\n\n\n{body}'


def test_source(i: int, rng: random.Random) -> str:
    return "\n".join(f"def test_{i}_{j}():\n    assert {j} + 1 == {j + 1}\n" for j in range(6))


def doc(i: int, rng: random.Random) -> str:
    words = " ".join(
        rng.choice(["deploy", "service", "the", "runbook", "alert", "build", "team", "cache"]) for _ in range(60)
    )
    return f"# Document {i}\n\n{words}\n\n## Details\n\n{words}\n"


def top_files() -> dict[str, str]:
    return {
        "README.md": "# Bench platform\n\nA generated monorepo for benchmarking vana-audit.\n\n## Quick start\n\n"
        "```\nmake install\nmake test\n```\n\nCI/CD runs on GitHub Actions.\n",
        "Makefile": ".PHONY: install test lint deploy\ninstall:\n\tpip install -r requirements.txt\n"
        "test:\n\tpytest\nlint:\n\truff check .\ndeploy:\n\t./deploy.sh\n",
        "pyproject.toml": '[project]\nname = "bench"\nversion = "1.0.0"\n'
        'dependencies = ["fastapi", "prometheus-client"]\n'
        '\n[tool.pytest.ini_options]\naddopts = "--cov --cov-fail-under=80"\n',
        "package.json": '{"name": "web", "private": true, "scripts": {"test": "vitest run", "lint": "eslint ."},'
        ' "devDependencies": {"vitest": "^1.0.0", "eslint": "^9.0.0"}}\n',
        "requirements.txt": "fastapi==0.110.0\nprometheus-client==0.20.0\npytest==8.1.1\n",
        ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
        "    schedule: {interval: weekly}\n",
        ".gitignore": ".env\n*.pem\n__pycache__/\n",
        "CONTRIBUTING.md": "# Contributing\n\nOpen a pull request.\n",
        "SECURITY.md": "# Security\n\nReport to security@example.com.\n",
        "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n- first\n",
    }


def layout(size: Size, rng: random.Random) -> dict[str, str]:
    """Every file of the first commit: ~5 % configuration the rules read, the rest code and docs."""
    files = top_files()
    config = size.files // 20
    kinds = [
        ("workflow", config // 5),
        ("dockerfile", config // 5),
        ("compose", config // 10),
        ("terraform", config * 3 // 10),
        ("kubernetes", config // 5),
    ]
    for kind, count in kinds:
        for i in range(count):
            if kind == "workflow":
                files[f".github/workflows/pipeline-{i:03d}.yml"] = workflow(i, rng)
            elif kind == "dockerfile":
                files[f"services/svc{i:03d}/Dockerfile"] = dockerfile(i, rng)
            elif kind == "compose":
                files[f"services/svc{i:03d}/docker-compose.yml"] = compose(i, rng)
            elif kind == "terraform":
                files[f"infra/modules/m{i // 3:03d}/{('main', 'variables', 'outputs')[i % 3]}.tf"] = terraform(i, rng)
            else:
                files[f"deploy/k8s/svc{i:03d}/deployment.yaml"] = kubernetes(i, rng)
    i = 0
    while len(files) < size.files:
        package = f"pkg{i // 40:03d}"
        slot = i % 20
        if slot < 14:
            files[f"src/{package}/module_{i:05d}.py"] = python_source(i, rng)
        elif slot < 18:
            files[f"tests/{package}/test_module_{i:05d}.py"] = test_source(i, rng)
        else:
            files[f"docs/{package}/page_{i:05d}.md"] = doc(i, rng)
        i += 1
    return files


# -- history ---------------------------------------------------------------------------------------------


class Stream:
    """A git fast-import stream written to a buffer."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.mark = 0

    def data(self, text: str | bytes) -> None:
        raw = text.encode() if isinstance(text, str) else text
        self.out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(
        self,
        ref: str,
        when: int,
        message: str,
        changes: dict[str, str],
        parent: int | None,
        merge: int | None = None,
        author: str = "Dev One <dev1@example.com>",
    ) -> int:
        self.mark += 1
        w = self.out.write
        w(f"commit {ref}\nmark :{self.mark}\n".encode())
        w(f"author {author} {when} +0000\ncommitter {author} {when} +0000\n".encode())
        self.data(message)
        if parent is not None:
            w(f"from :{parent}\n".encode())
        if merge is not None:
            w(f"merge :{merge}\n".encode())
        for path, content in changes.items():
            raw = content.encode()
            w(f"M 100644 inline {path}\n".encode())
            self.data(raw)
        w(b"\n")
        return self.mark

    def tag(self, name: str, mark: int, when: int, message: str) -> None:
        w = self.out.write
        w(f"tag {name}\nfrom :{mark}\ntagger Release Bot <release@example.com> {when} +0000\n".encode())
        self.data(message)


AUTHORS = [f"Dev {n} <dev{n}@example.com>" for n in range(1, 13)]


def history(size: Size, files: dict[str, str], rng: random.Random) -> bytes:
    stream = Stream()
    paths = sorted(files)
    editable = [p for p in paths if p.startswith(("src/", "tests/", "services/", "infra/", "deploy/", ".github/"))]
    step = SPAN // size.commits
    when = START
    tip = stream.commit("refs/heads/main", when, "chore: initial import\n", files, None)
    made, pr, tagged = 1, 0, 0
    tag_every = max(1, size.commits // size.tags)
    versions = [1, 0, 0]
    recent: list[int] = [tip]
    while made < size.commits:
        when += step
        author = rng.choice(AUTHORS)
        changes = {p: files[p] + f"\n# change {made}\n" for p in rng.sample(editable, rng.randint(1, 3))}
        kind = rng.random()
        if made % 10 == 9 and made + 2 <= size.commits:  # a pull request: a side branch merged into main
            pr += 1
            side = stream.commit(
                "refs/heads/feature", when - step // 2, f"feat: change {made}\n", changes, tip, author=author
            )
            tip = stream.commit(
                "refs/heads/main",
                when,
                f"Merge pull request #{pr} from org/feature-{pr}\n\nfeat: change {made}\n",
                {},
                tip,
                merge=side,
                author=author,
            )
            made += 2
        elif kind < 0.02 and len(recent) > 3:
            target = recent[-2]
            tip = stream.commit(
                "refs/heads/main",
                when,
                f'Revert "feat: change"\n\nThis reverts commit :{target}.\n',
                changes,
                tip,
                author=author,
            )
            made += 1
        else:
            prefix = "fix: hotfix" if kind < 0.05 else rng.choice(["feat", "fix", "chore", "docs", "refactor"]) + ":"
            tip = stream.commit("refs/heads/main", when, f"{prefix} change {made}\n", changes, tip, author=author)
            made += 1
        recent = (recent + [tip])[-5:]
        if made // tag_every > tagged and tagged < size.tags:
            tagged += 1
            if tagged % 6 == 0:
                stream.tag(f"deploy-prod-{tagged:04d}", tip, when + 600, "production deploy\n")
            else:
                versions = [versions[0], versions[1] + 1, 0] if tagged % 10 else [versions[0] + 1, 0, 0]
                stream.tag("v" + ".".join(map(str, versions)), tip, when + 600, "release\n")
    stream.out.write(b"done\n")
    return stream.out.getvalue()


def generate(dest: Path, size: Size, seed: int = 7) -> Path:
    """Create the repository at `dest` (kept when already generated with the same parameters)."""
    params = {"version": VERSION, "seed": seed, **asdict(size)}
    stamp = dest / ".git" / STAMP
    if stamp.exists() and json.loads(stamp.read_text()) == params:
        return dest
    if dest.exists():
        raise SystemExit(f"{dest} exists and was not generated with these parameters; remove it first")
    rng = random.Random(seed)
    files = layout(size, rng)
    stream = history(size, files, rng)
    dest.mkdir(parents=True)
    env_git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*env_git, "init", "-q", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "fast-import", "--quiet", "--done"], input=stream, check=True)
    subprocess.run(
        ["git", "-C", str(dest), "-c", "advice.detachedHead=false", "checkout", "-q", "-f", "main"], check=True
    )
    subprocess.run(["git", "-C", str(dest), "branch", "-q", "-D", "feature"], check=True)
    subprocess.run(["git", "-C", str(dest), "gc", "-q", "--auto"], check=False)
    stamp.write_text(json.dumps(params))
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.dest, SIZES[args.size], args.seed)
    files = subprocess.run(["git", "-C", str(args.dest), "ls-files"], capture_output=True, text=True).stdout.count("\n")
    commits = subprocess.run(
        ["git", "-C", str(args.dest), "rev-list", "--count", "--all"], capture_output=True, text=True
    ).stdout.strip()
    tags = subprocess.run(["git", "-C", str(args.dest), "tag"], capture_output=True, text=True).stdout.count("\n")
    print(
        f"{args.dest}: {files} files, {commits} commits, {tags} tags ({time.perf_counter() - started:.1f}s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
