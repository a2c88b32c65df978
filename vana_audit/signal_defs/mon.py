"""`mon.*` signals: monitoring and observability (metrics, alerts, error tracking, tracing, logging,
dashboards, SLOs, synthetic checks)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .. import safe_yaml
from ..collectors.profile import is_product_file
from ..facts import Facts
from ..model import Evidence
from ..secrets import clip
from ..signal_core import Signal, Signals, ci_matching, ev, found, listing, per_scan, rx, signal
from ..tools import catalog
from ._shared import _config, _dependency_evidence, _paths

# -- monitoring ---------------------------------------------------------------------------------------


def _code(s: Signals, *names: str) -> list[Evidence]:
    """Hits in product code (a test that builds a logger or a tracer says nothing of what the product does)."""
    return [line.evidence() for n in names
            for line in [hit for hit in s.facts.source_signals.get(n, []) if is_product_file(hit.path)][:3]]


@signal("mon.health", "health checks: a health endpoint, HEALTHCHECK, compose healthcheck or probes")
def mon_health(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(d.path, i.line, f"HEALTHCHECK {i.args}") for d in f.dockerfiles for i in d.of("HEALTHCHECK")]
    hits += [
        ev(c.path, svc.line, f"{svc.name}: healthcheck")
        for c in f.compose_files
        for svc in c.services
        if "healthcheck" in svc.spec
    ]
    hits += [
        ev(o.path, o.line, f"{o.kind} {o.name}: probes")
        for o in f.k8s_objects
        if "Probe" in str((o.pod_spec() or {}).get("containers", ""))
    ]
    hits += _code(s, "health-endpoint")
    return found(hits)


@signal("mon.metrics", "application metrics are exported (Prometheus, OpenTelemetry, Datadog)")
def mon_metrics(s: Signals) -> Signal:
    hits = _code(s, "prometheus", "datadog", "new-relic") + _config(s.facts, "prometheus")
    hits += [ev(o.path, o.line, o.kind) for o in s.facts.k8s_objects if o.kind in ("ServiceMonitor", "PodMonitor")]
    tools = catalog()
    for m in s.facts.manifests:
        libraries = sorted({use.tool_id for name in sorted(m.dependencies)[:500]
                            for use in tools.from_package(m.ecosystem, name)
                            if use.capability in ("monitoring", "tracing")})
        if libraries:
            hits.append(ev(m.path, None, f"metrics library: {', '.join(libraries[:3])}"))
    return found(hits)


@signal("mon.logging", "structured logging is configured")
def mon_logging(s: Signals) -> Signal:
    return found(_code(s, "structured-logging") + _config(s.facts, "logging-config"))


@signal("mon.error_tracking", "errors are reported to a tracker (Sentry, Crashlytics, Datadog, New Relic, Rollbar)")
def mon_errors(s: Signals) -> Signal:
    hits = _code(s, "sentry", "datadog", "new-relic") + _config(s.facts, "sentry")
    tools = catalog()
    for m in s.facts.manifests:
        trackers = sorted({use.tool_id for name in sorted(m.dependencies)[:500]
                           for use in tools.from_package(m.ecosystem, name) if use.capability == "error-tracking"})
        if trackers:
            hits.append(ev(m.path, None, f"error tracking SDK: {', '.join(trackers[:3])}"))
    return found(hits)


@signal("mon.tracing", "distributed tracing is instrumented (OpenTelemetry, Cloud Trace, Datadog, Sentry tracing)")
def mon_tracing(s: Signals) -> Signal:
    hits = _code(s, "opentelemetry", "cloud-trace", "sentry-tracing") + _config(s.facts, "otel-collector")
    hits += [
        ev(m.path, None, "tracing library")
        for m in s.facts.manifests
        if any(d.startswith(("opentelemetry", "@opentelemetry")) for d in m.dependencies)
    ]
    return found(hits)


@signal("mon.dashboards", "dashboards are kept as code")
def mon_dashboards(s: Signals) -> Signal:
    hits = _config(s.facts, "grafana-dashboard")
    hits += _paths([p for p in s.facts.config_files.get("monitoring-code", []) if "dashboard" in p.lower()])
    hits += _paths(
        [
            t.path
            for t in s.facts.terraform
            if re.search(
                r"(grafana_dashboard|monitoring_dashboard|"
                r"cloudwatch_dashboard|datadog_dashboard)",
                t.text,
            )
        ]
    )
    return found(hits)


# Terraform resources that are alert rules (google_monitoring_alert_policy, aws_cloudwatch_metric_alarm,
# datadog_monitor, azurerm_monitor_metric_alert, grafana_rule_group, ...): a resource type, not a word.
_TF_ALERT_RESOURCE = re.compile(r'^[ \t]*resource[ \t]+"[a-z0-9_]*(alert_policy|metric_alarm|_monitor|alert_rule|'
                                r'metric_alert|rule_group)"', re.M)


@signal("mon.alerts", "alert rules are kept as code")
def mon_alerts(s: Signals) -> Signal:
    hits = _config(s.facts, "alert-rules", "alertmanager")
    hits += [ev(o.path, o.line, o.kind) for o in s.facts.k8s_objects if o.kind == "PrometheusRule"]
    hits += _paths(
        [t.path for t in s.facts.terraform if _TF_ALERT_RESOURCE.search(t.text)]
    )
    return found(hits)


@signal("mon.slo", "service level objectives are defined")
def mon_slo(s: Signals) -> Signal:
    hits = _config(s.facts, "slo")
    hits += [
        ev(o.path, o.line, o.kind)
        for o in s.facts.k8s_objects
        if o.kind in ("ServiceLevelObjective", "PrometheusServiceLevel")
    ]
    hits += _paths(
        [t.path for t in s.facts.terraform if "slo" in t.text.lower() and "service_level_objective" in t.text.lower()]
    )
    return found(hits)


@signal("mon.backup_verification", "backups are verified by a scheduled job")
def backup_verify(s: Signals) -> Signal:
    return found(
        ev(p.path, j.line, f"job {j.id}")
        for p in s.facts.pipelines
        if "schedule" in p.triggers
        for j in p.jobs
        if re.search(r"backup|restore", j.id + " " + j.name + " " + " ".join(st.run or "" for st in j.steps), re.I)
    )


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _texts(facts: Facts, *kinds: str) -> Iterator[tuple[str, str]]:
    for kind in kinds:
        for path in facts.config_files.get(kind, []):
            text = facts.config_texts.get(path)
            if text is not None:
                yield path, text


def _tf_resources(facts: Facts, pattern: str) -> list[Evidence]:
    regex = re.compile(rf'^[ \t]*resource[ \t]+"({pattern})"[ \t]+"([^"\n]+)"', re.M)
    return [
        ev(t.path, t.text.count("\n", 0, m.start()) + 1, f'resource "{m.group(1)}" "{m.group(2)}"')
        for t in facts.terraform
        for m in regex.finditer(t.text)
    ]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _files_where(facts: Facts, predicate: Any, snippet: str, limit: int = 3) -> list[Evidence]:
    """Files for which predicate(path, lower-cased base name) holds."""
    named = per_scan(facts, "lowered_bases", lambda: [(p, _base(p).lower()) for p in facts.files])
    return [ev(p, None, snippet) for p, base in named if predicate(p, base)][:limit]


# -- metrics collection -----------------------------------------------------------------------------------


@signal(
    "mon.metrics_collected", "exported metrics are collected (scrape config, ServiceMonitor, agent or OTLP exporter)"
)
def metrics_collected(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(p, _line_of(t, "scrape_configs"), "scrape_configs")
        for p, t in _texts(f, "prometheus")
        if "scrape_configs" in t
    ]
    hits += [
        ev(o.path, o.line, o.kind)
        for o in f.k8s_objects
        if o.kind in ("ServiceMonitor", "PodMonitor", "PodMonitoring", "ClusterPodMonitoring", "VMServiceScrape")
    ]
    hits += [
        ev(o.path, o.line, "prometheus.io/scrape annotation")
        for o in f.k8s_objects
        if "prometheus.io/scrape" in str(o.spec)[:20000]
    ]
    hits += [
        ev(p, _line_of(t, "receivers"), "OpenTelemetry collector pipeline")
        for p, t in _texts(f, "otel-collector")
        if "receivers" in t and "exporters" in t
    ]
    hits += _files_where(
        f,
        lambda p, b: b.endswith(".alloy") or b in ("grafana-agent.yaml", "agent.yaml") and "grafana" in p.lower(),
        "Grafana Alloy/Agent configuration",
    )
    hits += _dependency_evidence(
        f,
        frozenset(
            {
                "opentelemetry-exporter-otlp",
                "opentelemetry-exporter-otlp-proto-http",
                "opentelemetry-exporter-otlp-proto-grpc",
                "@opentelemetry/exporter-metrics-otlp-http",
                "@opentelemetry/exporter-metrics-otlp-grpc",
                "@opentelemetry/exporter-metrics-otlp-proto",
                "opentelemetry.exporter.opentelemetryprotocol",  # NuGet (eShop's service defaults)
                "io.opentelemetry:opentelemetry-exporter-otlp",
                "go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc",
                "go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp",
                "opentelemetry-otlp",  # Rust
                "opentelemetry-exporter-gcp-monitoring",
                "ddtrace",
                "dd-trace",
                "newrelic",
                "datadog",
                # statsd clients push the application's metrics to a statsd server (healthchecks)
                "statsd",
                "hot-shots",
                "node-statsd",
                "github.com/cactus/go-statsd-client/v5",
                "github.com/smira/go-statsd",
            }
        ),
        "metrics shipped by an agent/exporter",
    )
    hits += [
        ev(c.path, svc.line, f"compose service {svc.name}: {svc.spec.get('image')}")
        for c in f.compose_files
        for svc in c.services
        if isinstance(svc.spec, dict)
        and re.search(
            r"(prom/prometheus|grafana/(agent|alloy)|otel/opentelemetry-collector|datadog/agent)",
            str(svc.spec.get("image", "")),
        )
    ]
    hits += [
        ev(t.path, _line_of(t.text, m.group(0)), m.group(0))
        for t in f.terraform
        for m in [
            re.search(
                r"kube-prometheus-stack|prometheus-community|managed_prometheus|grafana-agent|grafana/alloy", t.text
            )
        ]
        if m
    ]
    return found(hits)


# -- alerting ----------------------------------------------------------------------------------------------




RUNBOOK_KEY = re.compile(r"runbook|playbook|documentation|docs_url|wiki", re.I)


def _alert_rules(facts: Facts) -> Iterator[tuple[str, int, str, bool]]:
    """(path, line, alert name, links a runbook) for Prometheus-style and Grafana alert rules, and
    alert resources in Terraform."""
    documents: list[tuple[str, Any]] = []
    for path, text in _texts(facts, "alert-rules"):
        if path.endswith((".yml", ".yaml")):
            try:
                documents += [(path, d) for d in safe_yaml.load_all(text)]
            except Exception:  # a broken file is a problem for the collector, not a crash here
                continue
    documents += [(o.path, o.spec) for o in facts.k8s_objects if o.kind == "PrometheusRule"]
    for path, doc in documents:
        for node in safe_yaml.walk_mappings(doc):
            name = node.get("alert") or (node.get("title") if "condition" in node else None)
            if isinstance(name, str):
                annotations = node["annotations"] if isinstance(node.get("annotations"), dict) else {}
                linked = any(RUNBOOK_KEY.search(str(k)) or "runbook" in str(v).lower() for k, v in annotations.items())
                yield path, getattr(node, "line", 1), name, linked
    for t in facts.terraform:
        for match in TF_ALERT.finditer(t.text):
            body = t.text[match.end() : match.end() + 4000]
            following = re.search(r'^[ \t]*resource[ \t]+"', body, re.M)
            body = body[: following.start()] if following else body
            yield (
                t.path,
                t.text.count("\n", 0, match.start()) + 1,
                f"{match.group(1)}.{match.group(2)}",
                bool(re.search(r"runbook|documentation\s*\{|alarm_description", body, re.I)),
            )


TF_ALERT = re.compile(
    r'^[ \t]*resource[ \t]+"(google_monitoring_alert_policy|aws_cloudwatch_metric_alarm|datadog_monitor|'
    r'grafana_rule_group|newrelic_alert_condition|newrelic_nrql_alert_condition|azurerm_monitor_metric_alert)"'
    r'[ \t]+"([^"\n]+)"',
    re.M,
)


@signal("mon.alert_runbook_links", "alert rules that link a runbook")
def alert_runbook_links(s: Signals) -> Signal:
    return listing(ev(p, n, f"alert {name}: runbook linked") for p, n, name, linked in _alert_rules(s.facts) if linked)


@signal("mon.alerts_without_runbook", "alert rules that link no runbook")
def alerts_without_runbook(s: Signals) -> Signal:
    return listing(
        ev(p, n, f"alert {name}: no runbook_url annotation")
        for p, n, name, linked in _alert_rules(s.facts)
        if not linked
    )


@signal(
    "mon.alert_routing", "alerts are routed to people (Alertmanager routes, notification channels, PagerDuty/Opsgenie)"
)
def alert_routing(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(p, _line_of(t, "receivers"), "Alertmanager receivers")
        for p, t in _texts(f, "alertmanager")
        if "receivers" in t or "route" in t
    ]
    hits += [ev(o.path, o.line, o.kind) for o in f.k8s_objects if o.kind in ("AlertmanagerConfig", "Alertmanager")]
    hits += _tf_resources(
        f,
        r"google_monitoring_notification_channel|pagerduty_\w+|opsgenie_\w+|aws_sns_topic_subscription|"
        r"grafana_contact_point|grafana_notification_policy|azurerm_monitor_action_group|"
        r"newrelic_notification_destination|newrelic_workflow|datadog_integration_pagerduty\w*",
    )
    hits += [
        ev(t.path, None, "monitor message notifies @-handles")
        for t in f.terraform
        if "datadog_monitor" in t.text and re.search(r"@(pagerduty|slack|opsgenie|teams|webhook)-", t.text)
    ][:1]
    hits += _files_where(
        f,
        lambda p, b: ("contact" in b and "point" in b or "notification-polic" in b) and b.endswith((".yml", ".yaml")),
        "Grafana contact points",
    )
    return found(hits)


@signal("mon.burn_rate_alerts", "alerts fire on SLO error-budget burn rate (Sloth, Pyrra, burn-rate rules)")
def burn_rate_alerts(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(p, _line_of(t, "version: prometheus/v1") or 1, "Sloth SLO (generates burn-rate alerts)")
        for p, t in _texts(f, "slo")
        if "prometheus/v1" in t or "sloth" in t.lower()
    ]
    hits += [
        ev(o.path, o.line, o.kind)
        for o in f.k8s_objects
        if o.kind in ("PrometheusServiceLevel",)
        or (o.kind == "ServiceLevelObjective" and "pyrra" in str(o.spec.get("apiVersion")))
    ]
    hits += [ev(p, n, f"alert {name}") for p, n, name, _ in _alert_rules(f) if re.search(r"burn|budget", name, re.I)]
    for path, text in _texts(f, "alert-rules"):
        line = next(
            (
                i
                for i, doc_line in enumerate(text.splitlines(), 1)
                if re.search(r"burn_?rate|error_?budget|slo:sli_error", doc_line, re.I)
            ),
            None,
        )
        if line:
            hits.append(ev(path, line, "burn-rate expression"))
    hits += [
        ev(t.path, _line_of(t.text, "select_slo_burn_rate"), "select_slo_burn_rate")
        for t in f.terraform
        if "select_slo_burn_rate" in t.text
    ]
    hits += [
        ev(o.path, o.line, "OpenSLO AlertPolicy")
        for o in f.k8s_objects
        if o.kind == "AlertPolicy" and "openslo" in str(o.spec.get("apiVersion"))
    ]
    return found(hits)


# -- synthetic checks, RUM, logs, deploy markers ------------------------------------------------------------

UPTIME_TF = (
    r"google_monitoring_uptime_check_config|aws_synthetics_canary|aws_route53_health_check|datadog_synthetics_test|"
    r"newrelic_synthetics_\w+|azurerm_application_insights_(standard_)?web_test|grafana_synthetic_monitoring_check|"
    r"pingdom_check|uptimerobot_monitor|checkly_check|betteruptime_monitor"
)


@signal("mon.synthetic_checks", "uptime or synthetic checks probe the service from outside")
def synthetic_checks(s: Signals) -> Signal:
    f = s.facts
    hits = _tf_resources(f, UPTIME_TF)
    hits += [ev(o.path, o.line, o.kind) for o in f.k8s_objects if o.kind == "Probe"]
    hits += _files_where(f, lambda p, b: b.startswith("blackbox") and b.endswith((".yml", ".yaml")),
                         "blackbox exporter")
    hits += _files_where(
        f,
        lambda p, b: (
            b.startswith("checkly.config.") or "/__checks__/" in f"/{p}" or b.endswith((".check.ts", ".check.js"))
        ),
        "Checkly checks",
    )
    hits += _files_where(
        f, lambda p, b: b in (".upptimerc.yml", "gatus.yaml", "gatus.yml") or "/gatus/" in f"/{p}", "uptime monitor"
    )
    for p in f.pipelines:
        if "schedule" in p.triggers:
            hits += [
                ev(p.path, st.line, clip(st.run or "", 100))
                for j in p.jobs
                for st in j.steps
                if re.search(
                    r"(curl|wget|http)[^\n]{0,200}https?://[^\s]{0,200}(health|status|ready|ping)|synthetic|k6 run",
                    st.run or "",
                    re.I,
                )
            ]
    return found(hits)
RUM_DEPS = frozenset(
    {
        "@sentry/nextjs",
        "@sentry/react",
        "@sentry/browser",
        "@sentry/vue",
        "@sentry/angular",
        "@sentry/svelte",
        "@sentry/sveltekit",
        "@sentry/remix",
        "@sentry/astro",
        "@sentry/nuxt",
        "@datadog/browser-rum",
        "@datadog/browser-logs",
        "@newrelic/browser-agent",
        "@grafana/faro-web-sdk",
        "@grafana/faro-react",
        "@elastic/apm-rum",
        "@bugsnag/js",
        "@bugsnag/browser",
        "logrocket",
        "@opentelemetry/sdk-trace-web",
        "@vercel/speed-insights",
        "web-vitals",
        "@highlight-run/next",
        "@rollbar/react",
        "rollbar",
        "@honeybadger-io/js",
        "@dynatrace/oneagent-sdk",
        "posthog-js",
    }
)


@signal("mon.rum", "the frontend reports errors and performance from real users (RUM)")
def rum(s: Signals) -> Signal:
    f = s.facts
    hits = _dependency_evidence(f, RUM_DEPS, "browser monitoring SDK")
    hits += _files_where(
        f, lambda p, b: b.startswith(("sentry.client.config.", "instrumentation-client.")), "browser Sentry init"
    )
    return found(hits)


LOG_PIPELINE_FILES = re.compile(
    r"^(fluent-?bit[\w.-]{0,60}\.(conf|ya?ml)|fluentd?[\w.-]{0,60}\.conf|td-agent\.conf|"
    r"vector[\w.-]{0,60}\.(toml|ya?ml)|promtail[\w.-]{0,60}\.ya?ml|loki[\w.-]{0,60}\.ya?ml|"
    r"filebeat[\w.-]{0,60}\.ya?ml|logstash[\w.-]{0,60}\.conf|otel[\w.-]{0,60}logs?[\w.-]{0,60}\.ya?ml)$"
)
LOG_TF = (
    r"google_logging_project_sink|google_logging_project_bucket_config|google_logging_\w+_sink|google_project_iam_audit_config|"
    r"aws_cloudtrail|aws_cloudwatch_log_group|aws_cloudwatch_log_subscription_filter|azurerm_monitor_diagnostic_setting|"
    r"azurerm_log_analytics_workspace|datadog_logs_\w+|aws_s3_bucket_lifecycle_configuration"
)


@signal("mon.log_management", "log shipping, retention or audit logging is configured as code")
def log_management(s: Signals) -> Signal:
    f = s.facts
    hits = [
        e
        for e in _tf_resources(f, LOG_TF)
        if "aws_cloudwatch_log_group" not in e.snippet and "aws_s3_bucket_lifecycle" not in e.snippet
    ]
    hits += [
        ev(t.path, _line_of(t.text, "retention_in_days"), "log group retention_in_days")
        for t in f.terraform
        if "aws_cloudwatch_log_group" in t.text and "retention_in_days" in t.text
    ]
    hits += _files_where(f, lambda p, b: bool(LOG_PIPELINE_FILES.match(b)), "log pipeline configuration")
    hits += [
        ev(o.path, o.line, o.kind)
        for o in f.k8s_objects
        if o.kind in ("ClusterFlow", "Flow", "ClusterOutput", "Output", "FluentBit", "ClusterFluentBitConfig")
    ]
    hits += [
        ev(p, _line_of(t, "logs:"), "collector logs pipeline")
        for p, t in _texts(f, "otel-collector")
        if re.search(r"^[ \t]+logs:", t, re.M)
    ]
    return found(hits)


DEPLOY_MARKER = rx(
    r"(getsentry/action-release|sentry-cli releases|SENTRY_RELEASE|datadog-ci (deployment|dora)|"
    r"newrelic/deployment-marker-action|newrelic[^\n]{0,120}deployment|/api/annotations|honeymarker|"
    r"chrnorm/deployment-action|bobheadxi/deployments|/deployments\b[^\n]{0,200}(POST|-X)|"
    r"gh api[^\n]{0,200}deployments|grafana[^\n]{0,200}annotation|dora-metrics|sleuth|linearb|swarmia)"
)


@signal(
    "mon.deploy_markers",
    "deploys are recorded in the monitoring or error tracking (release markers, deployment events)",
)
def deploy_markers(s: Signals) -> Signal:
    hits = ci_matching(s.facts, DEPLOY_MARKER)
    hits += [
        ev(d.path, i.line, f"{i.cmd} {i.args}")
        for d in s.facts.dockerfiles
        for i in d.instructions
        if i.cmd in ("ENV", "ARG")
        and re.search(r"SENTRY_RELEASE|DD_VERSION|OTEL_RESOURCE_ATTRIBUTES[^\n]*version", i.args)
    ]
    return found(hits)
