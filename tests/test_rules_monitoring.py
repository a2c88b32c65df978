"""Monitoring & Observability rules, each on small repositories where it passes, fails and does not apply.

One `case(...)` row per repository (tests/rulekit.py); every rule's pass / fail / n/a coverage is
checked by tests/test_rules_catalog.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import case, check, evaluate, run_case

FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n"
METRICS = "from prometheus_client import Counter\nREQUESTS = Counter('requests_total', 'Requests')\n"
ALERTS_NO_RUNBOOK = """groups:
  - name: api
    rules:
      - alert: HighErrorRate
        expr: rate(http_requests_total{code=~"5.."}[5m]) > 0.05
"""
ALERTS_WITH_RUNBOOK = ALERTS_NO_RUNBOOK + """        annotations:
          runbook_url: docs/runbooks/high-error-rate.md
"""
ALERTS_MIXED = ALERTS_WITH_RUNBOOK + """      - alert: HighLatency
        expr: histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[5m])) > 1
"""
ALERTMANAGER = "route:\n  receiver: oncall\nreceivers:\n  - name: oncall\n    pagerduty_configs:\n      - routing_key_file: /k\n"
SLOTH = "version: prometheus/v1\nservice: api\nslos:\n  - name: availability\n    objective: 99.9\n"
PLAIN_WORKFLOW = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
NOTIFY_WORKFLOW = PLAIN_WORKFLOW + "      - name: Notify\n        if: failure()\n        uses: slackapi/slack-github-action@v2\n"
# a step that mentions mail, in a workflow that says "failure", notifies nobody on failure
MENTIONS_MAIL_WORKFLOW = PLAIN_WORKFLOW + ("      - name: Check the emailservice answers\n"
                                           "        run: curl -f http://localhost:8080/emailservice || echo \"failure reaching mail\"\n")
NOTIFY_JOB_WORKFLOW = PLAIN_WORKFLOW + ("  alert:\n    needs: [test]\n    if: ${{ failure() }}\n    steps:\n"
                                        "      - uses: rtCamp/action-slack-notify@v2\n")
TWO_SERVICES = {"api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
                "api/Dockerfile": "FROM python:3.12-slim\nCMD [\"api\"]\n",
                "worker/main.go": "package main\n\nfunc main() {}\n",
                "worker/Dockerfile": "FROM golang:1.24\nCMD [\"worker\"]\n"}
BACKUP_WORKFLOW = """name: Nightly
on:
  schedule:
    - cron: '0 3 * * *'
jobs:
  verify-backup:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/restore-latest-backup.sh --target scratch
"""
DEPLOY_WORKFLOW = """name: Deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: gcloud run deploy api --image ghcr.io/acme/api:${{ github.sha }}
"""
DEPLOY_WITH_MARKER = DEPLOY_WORKFLOW + """      - uses: getsentry/action-release@v1
        with:
          environment: production
"""
NEXT_APP = '{"name": "web", "private": true, "dependencies": {"next": "15.0.0", "react": "19.0.0"}}\n'
NEXT_APP_SENTRY = '{"name": "web", "private": true, "dependencies": {"next": "15.0.0", "@sentry/nextjs": "9.0.0"}}\n'
UPTIME_TF = 'resource "google_monitoring_uptime_check_config" "api" {\n  display_name = "api"\n}\n'
LOG_SINK_TF = 'resource "google_logging_project_sink" "app" {\n  name = "app"\n}\n'
BUCKET_TF = 'resource "google_storage_bucket" "assets" {\n  name = "assets"\n}\n'
SCRAPE = "scrape_configs:\n  - job_name: api\n    static_configs:\n      - targets: ['api:8080']\n"

CASES = [
    # MON-001 health checks
    case("MON-001", "pass", {"Dockerfile": "FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost/health\n"}, "Dockerfile", 2, profile="service"),
    case("MON-001", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-001", "na", {"app/main.py": FASTAPI}, profile="library"),
    # MON-002 metrics
    case("MON-002", "pass", {"app/metrics.py": METRICS}, "app/metrics.py", 1, profile="service"),
    case("MON-002", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-002", "na", {"app/metrics.py": METRICS}, profile="library"),
    # MON-003 structured logging
    case("MON-003", "pass", {"app/log.py": "import structlog\nlog = structlog.get_logger()\n"}, "app/log.py", 1, profile="service"),
    case("MON-003", "fail", {"app/main.py": FASTAPI}, profile="service"),
    # Go's log/slog writes key=value or JSON records (memos)
    case("MON-003", "pass", {"go.mod": "module x\n\ngo 1.24\n", "cmd/x/log.go": "package main\n\nimport \"log/slog\"\n\n"
                             "var l = slog.New(slog.NewTextHandler(w, nil))\n"}, "cmd/x/log.go", 5, profile="service"),
    # a logger built in a test says nothing of the product's logs
    case("MON-003", "fail", {"app/main.py": FASTAPI, "tests/test_log.py": "import structlog\n"}, profile="service"),
    case("MON-003", "na", {"app/main.py": FASTAPI}, profile="library"),
    # MON-004 error tracking
    case("MON-004", "pass", {"app/main.py": "import sentry_sdk\nsentry_sdk.init()\n"}, "app/main.py", 1, profile="service"),
    case("MON-004", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-004", "na", {"app/main.py": FASTAPI}, profile="library"),
    # MON-005 tracing
    case("MON-005", "pass", {"app/main.py": "from opentelemetry import trace\n"}, "app/main.py", 1, profile="service"),
    case("MON-005", "fail", TWO_SERVICES, profile="service"),
    # Sentry's performance tracing traces requests too (full-stack-fastapi-template)
    case("MON-005", "pass", {**TWO_SERVICES, "api/main.py": "import sentry_sdk\nsentry_sdk.init(dsn=DSN, enable_tracing=True)\n"},
         "api/main.py", 2, profile="service"),
    # one service and its database: no request crosses services (petclinic, healthchecks, koel)
    case("MON-005", "na", {"app/main.py": FASTAPI, "Dockerfile": "FROM python:3.12-slim\nCMD [\"app\"]\n"},
         profile="service"),
    case("MON-005", "na", {"app/main.py": FASTAPI}, profile="library"),
    # MON-006 dashboards as code
    case("MON-006", "pass", {"grafana/dashboards/api.json": '{"title": "API"}\n'}, "grafana/dashboards/api.json", profile="service"),
    case("MON-006", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-006", "na", {"grafana/dashboards/api.json": "{}\n"}, profile="library"),
    # MON-007 alert rules
    case("MON-007", "pass", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK}, "monitoring/alerts.yml", profile="service"),
    case("MON-007", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-007", "na", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK}, profile="library"),
    # an alert rule in Terraform is a resource type, not a word (terraform-example-foundation's roles_to_monitor)
    case("MON-007", "pass", {"app/main.py": FASTAPI, "infra/alerts.tf": 'resource "google_monitoring_alert_policy" "cpu" {\n}\n'},
         "infra/alerts.tf", profile="service"),
    case("MON-007", "fail", {"app/main.py": FASTAPI, "infra/variables.tf": 'variable "roles_to_monitor" {\n  type = list(string)\n}\n'},
         profile="service"),
    # MON-008 SLOs
    case("MON-008", "pass", {"monitoring/slo.yaml": SLOTH}, "monitoring/slo.yaml", profile="service"),
    case("MON-008", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-008", "na", {"monitoring/slo.yaml": SLOTH}, profile="library"),
    # MON-009 CI failure notifications
    case("MON-009", "pass", {".github/workflows/ci.yml": NOTIFY_WORKFLOW}, ".github/workflows/ci.yml", 8, profile="service"),
    case("MON-009", "fail", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    # a step that names mail or a notification, in a workflow that says "failure" elsewhere, notifies nobody on
    # failure (koel's e2e step, microservices-demo's `emailservice`)
    case("MON-009", "fail", {".github/workflows/ci.yml": MENTIONS_MAIL_WORKFLOW}, profile="service"),
    # a notify job that runs when another job failed
    case("MON-009", "pass", {".github/workflows/ci.yml": NOTIFY_JOB_WORKFLOW}, ".github/workflows/ci.yml", 12,
         profile="service"),
    case("MON-009", "na", {"app/main.py": FASTAPI}, profile="service"),
    # MON-010 backup verification
    case("MON-010", "pass", {".github/workflows/nightly.yml": BACKUP_WORKFLOW}, ".github/workflows/nightly.yml", profile="service"),
    case("MON-010", "fail", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    case("MON-010", "na", {".github/workflows/nightly.yml": BACKUP_WORKFLOW}, profile="library"),
    # MON-011 alerts link runbooks
    case("MON-011", "pass", {"monitoring/alerts.yml": ALERTS_WITH_RUNBOOK}, "monitoring/alerts.yml", 4, profile="service"),
    case("MON-011", "partial", {"monitoring/alerts.yml": ALERTS_MIXED}, "monitoring/alerts.yml", 8, profile="service"),
    case("MON-011", "fail", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK}, "monitoring/alerts.yml", 4, profile="service"),
    case("MON-011", "fail", {"k8s/rules.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: api\n"
                                               "spec:\n  groups:\n    - name: api\n      rules:\n        - alert: Down\n          expr: up == 0\n"},
         "k8s/rules.yaml", 9, profile="service"),
    case("MON-011", "na", {"app/main.py": FASTAPI}, profile="service"),
    # MON-012 alert routing
    case("MON-012", "pass", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK, "monitoring/alertmanager.yml": ALERTMANAGER},
         "monitoring/alertmanager.yml", 3, profile="service"),
    case("MON-012", "pass", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK,
                             "terraform/alerting.tf": 'resource "pagerduty_service" "api" {\n  name = "api"\n}\n'},
         "terraform/alerting.tf", 1, profile="service"),
    case("MON-012", "fail", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK}, "monitoring/alerts.yml", profile="service"),
    case("MON-012", "na", {"app/main.py": FASTAPI}, profile="service"),
    # a PrometheusRule template of a reusable chart is routed by whoever installs the chart (argo-helm)
    case("MON-012", "na", {"charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
                           "charts/app/templates/prometheusrule.yaml": "apiVersion: monitoring.coreos.com/v1\n"
                                                                       "kind: PrometheusRule\nmetadata:\n  name: app\n"},
         profile="infrastructure"),
    # MON-013 synthetic checks
    case("MON-013", "pass", {"terraform/uptime.tf": UPTIME_TF}, "terraform/uptime.tf", 1, profile="service"),
    case("MON-013", "pass", {"monitoring/blackbox.yml": "modules:\n  http_2xx:\n    prober: http\n"}, "monitoring/blackbox.yml", profile="service"),
    case("MON-013", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("MON-013", "na", {"terraform/uptime.tf": UPTIME_TF}, profile="library"),
    # MON-014 real-user monitoring
    case("MON-014", "pass", {"web/package.json": NEXT_APP_SENTRY}, "web/package.json", profile="service"),
    case("MON-014", "fail", {"web/package.json": NEXT_APP}, "web/package.json", profile="service"),
    case("MON-014", "na", {"app/main.py": FASTAPI}, profile="service"),
    # MON-015 log shipping, retention, audit logs
    case("MON-015", "pass", {"terraform/logging.tf": LOG_SINK_TF}, "terraform/logging.tf", 1, profile="service"),
    case("MON-015", "pass", {"app/log.py": "import structlog\n", "deploy/fluent-bit.conf": "[OUTPUT]\n    Name loki\n"},
         "deploy/fluent-bit.conf", profile="service"),
    case("MON-015", "fail", {"terraform/storage.tf": BUCKET_TF}, profile="service"),
    case("MON-015", "na", {"app/main.py": FASTAPI}, profile="service"),
    # MON-016 metrics are collected
    case("MON-016", "pass", {"app/metrics.py": METRICS, "monitoring/prometheus.yml": SCRAPE}, "monitoring/prometheus.yml", 1, profile="service"),
    case("MON-016", "pass", {"app/metrics.py": METRICS, "k8s/sm.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n"
                                                                        "metadata:\n  name: api\nspec:\n  endpoints: [{port: http}]\n"},
         "k8s/sm.yaml", 1, profile="service"),
    case("MON-016", "fail", {"app/metrics.py": METRICS}, "app/metrics.py", 1, profile="service"),
    # a statsd client pushes the metrics to a statsd server (healthchecks)
    case("MON-016", "pass", {"app/metrics.py": METRICS, "requirements.txt": "django==5.2\nstatsd==4.0.1\n"},
         "requirements.txt", profile="service"),
    # .NET's OTLP exporter pushes the meters to whatever collector OTEL_EXPORTER_OTLP_ENDPOINT names (eShop)
    case("MON-016", "pass", {"src/Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n'
                                                   '    <PackageReference Include="OpenTelemetry.Extensions.Hosting" />\n'
                                                   '    <PackageReference Include="OpenTelemetry.Exporter.OpenTelemetryProtocol" />\n'
                                                   '  </ItemGroup>\n</Project>\n',
                             "src/Api/Program.cs": "var app = WebApplication.Create();\n"}, "src/Api/Api.csproj", profile="service"),
    case("MON-016", "na", {"app/main.py": FASTAPI}, profile="service"),
    # MON-017 deploy markers
    case("MON-017", "pass", {".github/workflows/deploy.yml": DEPLOY_WITH_MARKER}, ".github/workflows/deploy.yml", 11, profile="service"),
    case("MON-017", "fail", {".github/workflows/deploy.yml": DEPLOY_WORKFLOW}, ".github/workflows/deploy.yml", profile="service"),
    case("MON-017", "na", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    # MON-018 burn-rate alerts
    case("MON-018", "pass", {"monitoring/slo.yaml": SLOTH}, "monitoring/slo.yaml", 1, profile="service"),
    case("MON-018", "fail", {"monitoring/slo.json": '{"objective": 99.9}\n'}, "monitoring/slo.json", profile="service"),
    case("MON-018", "na", {"monitoring/alerts.yml": ALERTS_NO_RUNBOOK}, profile="service"),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_monitoring_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_a_metric_library_nobody_scrapes_is_reported_with_the_code_as_evidence(tmp_path):
    finding = evaluate(tmp_path, {"app/metrics.py": METRICS, "pyproject.toml": "[project]\nname='x'\ndependencies=['prometheus-client']\n"},
                       "MON-016", profile="service")
    assert finding.outcome.value == "fail"
    assert "nothing in the repository scrapes" in finding.message


@pytest.mark.parametrize(("code", "exported"), [
    ("import ChangeLabel from '@/components/metrics/ChangeLabel';\n", False),  # umami: a UI folder, no endpoint
    ("app.get('/metrics', async (req, res) => res.send(await register.metrics()));\n", True),
    ('mux.Handle("/metrics", promhttp.Handler())\n', True),
    ('urlpatterns = [path("metrics/", views.metrics)]\n', True),  # healthchecks: a Django route
    ("get(`/websites/${websiteId}/metrics`, {})\n", False),  # umami: the product's own analytics API
])
def test_a_metrics_endpoint_is_a_route_not_a_folder_name(tmp_path: Path, code: str, exported: bool) -> None:
    files = {"src/index.ts": code, "package.json": '{"name": "app", "dependencies": {"express": "4"}}'}
    check(evaluate(tmp_path, files, "MON-002", profile="service"), "pass" if exported else "fail",
          "src/index.ts" if exported else None)
