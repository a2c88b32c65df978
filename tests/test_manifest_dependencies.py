"""Declared dependencies of every manifest kind, by the names the tool catalog's packages use."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate
from vana_audit.collectors.project import collect_manifests
from vana_audit.source import open_source

GO_MOD = """module example.com/app

go 1.22

require (
\tgithub.com/prometheus/client_golang v1.19.0
\tgithub.com/spf13/cobra v1.8.0
\tgolang.org/x/sys v0.20.0 // indirect
)

require github.com/getsentry/sentry-go v0.27.0
"""
POM = """<project>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-actuator</artifactId>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build><plugins><plugin><groupId>org.jacoco</groupId><artifactId>jacoco-maven-plugin</artifactId></plugin></plugins></build>
</project>
"""
GRADLE_KTS = """dependencies {
    implementation("io.micrometer:micrometer-registry-prometheus:1.12.0")
    testImplementation(platform("org.junit:junit-bom:5.10.0"))
    implementation(libs.okhttp)
}
"""
GRADLE = "dependencies {\n    implementation 'com.squareup.okhttp3:okhttp:4.12.0'\n}\n"


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("go.mod", GO_MOD, {"github.com/prometheus/client_golang", "github.com/spf13/cobra", "github.com/getsentry/sentry-go"}),
    ("pom.xml", POM, {"org.springframework.boot:spring-boot-starter-actuator", "org.junit.jupiter:junit-jupiter"}),
    ("build.gradle.kts", GRADLE_KTS, {"io.micrometer:micrometer-registry-prometheus", "org.junit:junit-bom"}),
    ("build.gradle", GRADLE, {"com.squareup.okhttp3:okhttp"}),
    ("Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n  gem \"sentry-ruby\"\n", {"rails", "sentry-ruby"}),
    ("composer.json", '{"require": {"laravel/framework": "^11"}, "require-dev": {"phpunit/phpunit": "^11"}}',
     {"laravel/framework", "phpunit/phpunit"}),
    ("src/App/App.csproj", '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n'
     '    <PackageReference Include="Serilog" Version="3.1.1" />\n  </ItemGroup>\n</Project>\n', {"serilog"}),
    ("Cargo.toml", '[package]\nname = "x"\n\n[dependencies]\nclap = "4"\n\n[dev-dependencies]\ncriterion = "0.5"\n',
     {"clap", "criterion"}),
])
def test_manifest_dependencies(tmp_path: Path, path: str, text: str, expected: set[str]) -> None:
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text(text)
    manifests, _, _ = collect_manifests(open_source(tmp_path), [path])
    assert set(manifests[0].dependencies) == expected


def test_spring_actuator_exports_metrics(tmp_path: Path) -> None:
    """spring-petclinic: the actuator (Micrometer) serves /actuator/metrics; MON-002 passes on the pom."""
    files = {"pom.xml": POM, "src/main/java/org/example/App.java": "class App {}\n",
             "src/main/resources/application.properties": "management.endpoints.web.exposure.include=*\n"}
    check(evaluate(tmp_path, files, "MON-002", profile="service"), "pass", "pom.xml")


def test_minified_bundles_are_not_read_for_code_signals(tmp_path: Path) -> None:
    """healthchecks: a word in the vendored zxcvbn.min.js was taken for the app's metrics."""
    from vana_audit.collectors.meta import collect_code_signals

    (tmp_path / "static/js").mkdir(parents=True)
    (tmp_path / "static/js/zxcvbn.min.js").write_text('var d="prometheus_client metrics sentry_sdk";\n')
    (tmp_path / "app.py").write_text("from prometheus_client import Counter\n")
    hits = collect_code_signals(open_source(tmp_path), ["static/js/zxcvbn.min.js", "app.py"])
    assert {line.path for lines in hits.values() for line in lines} == {"app.py"}


def test_cloud_build_files_named_for_their_purpose_are_pipelines() -> None:
    from vana_audit.collectors.ci import _provider_for, parse_cloud_build

    assert _provider_for("build/int.cloudbuild.yaml") is parse_cloud_build
    assert _provider_for("cloudbuild.yaml") is parse_cloud_build
    assert _provider_for("docs/cloudbuild-notes.md") is None
