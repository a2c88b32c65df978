"""What kind of repository this is: a deployed service, a library, an infrastructure module, a monorepo."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..facts import Facts

PROFILES = ("service", "library", "infrastructure", "monorepo")
_SERVICE_CONFIG = ("pm2", "vercel", "netlify", "fly", "heroku", "app-engine", "cloud-run")


def infer_profile(facts: "Facts", override: str | None = None) -> tuple[str, list[str]]:
    if override:
        return override, [f"set in configuration: profile: {override}"]
    reasons: list[str] = []
    manifests = facts.manifests
    nested_manifests = {m.path.rsplit("/", 1)[0] for m in manifests if "/" in m.path
                        and m.path.split("/", 1)[0] in ("packages", "apps", "services", "libs", "modules", "components")}
    workspace = [m.path for m in manifests if m.ecosystem == "npm" and "workspaces" in m.data] + \
        [f for f in facts.files if f in ("pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json", "go.work")]
    if len(nested_manifests) >= 3 or (workspace and len(nested_manifests) >= 2):
        reasons.append(f"{len(nested_manifests)} packages under packages/, apps/ or services/"
                       + (f"; workspace file {workspace[0]}" if workspace else ""))
        return "monorepo", reasons
    code_files = [f for f in facts.files if f.endswith((".py", ".js", ".ts", ".go", ".java", ".rb", ".rs"))]
    tf_files = facts.iac_tools.get("terraform", []) + facts.iac_tools.get("opentofu", [])
    if tf_files and len(tf_files) >= len(code_files):
        reasons.append(f"{len(tf_files)} Terraform files and {len(code_files)} application source files")
        return "infrastructure", reasons
    service_evidence = [d.path for d in facts.dockerfiles][:2] + [c.path for c in facts.compose_files][:1] + \
        [o.path for o in facts.k8s_objects][:1] + \
        [p for kind in _SERVICE_CONFIG for p in facts.config_files.get(kind, [])][:2]
    if service_evidence:
        reasons.append("deployable artefacts: " + ", ".join(service_evidence[:4]))
        return "service", reasons
    published = [m.path for m in manifests if (m.ecosystem == "npm" and not m.data.get("private")
                                               and ("main" in m.data or "exports" in m.data))
                 or (m.ecosystem in ("pip", "cargo") and m.path.endswith(("pyproject.toml", "Cargo.toml")))
                 or m.ecosystem == "go"]
    if published:
        reasons.append("a package manifest and no deployable artefact: " + ", ".join(published[:3]))
        return "library", reasons
    reasons.append("no package manifest or infrastructure code that says otherwise")
    return "service", reasons
