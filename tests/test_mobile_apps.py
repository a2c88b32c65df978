"""A mobile app (an Android launcher activity, an iOS application target) is a front end shipped to its
users' devices: profiled web-app, never asked for health checks, metrics, alerts, SLOs or runbooks, and
judged on its release and its crash reporting. nowinandroid was profiled a library (its Protobuf package
`com.google.samples` was excluded as "samples", and `java-library` in a lint module decided), then, as a
web-app, got eleven server rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate, facts_for
from vana_audit.collectors.profile import infer_profile

LAUNCHER = """<manifest xmlns:android="http://schemas.android.com/apk/res/android">
  <application>
    <activity android:name=".MainActivity" android:exported="true">
      <intent-filter>
        <action android:name="android.intent.action.MAIN" />
        <category android:name="android.intent.category.LAUNCHER" />
      </intent-filter>
    </activity>
  </application>
</manifest>
"""
LIBRARY_MANIFEST = '<manifest xmlns:android="http://schemas.android.com/apk/res/android" />\n'
VERSION_CATALOG = """[versions]
firebaseBom = "33.0.0"

[libraries]
firebase-crashlytics = { group = "com.google.firebase", name = "firebase-crashlytics" }
kotlinx-coroutines = { module = "org.jetbrains.kotlinx:kotlinx-coroutines-core", version = "1.8.0" }
junit = "junit:junit:4.13.2"
"""
ANDROID_APP = {
    "settings.gradle.kts": 'include(":app", ":lint")\n',
    "build.gradle.kts": "plugins {\n    alias(libs.plugins.android.application) apply false\n}\n",
    "gradle/libs.versions.toml": VERSION_CATALOG,
    "app/build.gradle.kts": "plugins {\n    alias(libs.plugins.nowinandroid.android.application)\n}\n",
    "app/src/main/AndroidManifest.xml": LAUNCHER,
    "app/src/main/kotlin/com/google/samples/apps/nia/MainActivity.kt": "class MainActivity\n",
    "lint/build.gradle.kts": 'plugins {\n    `java-library`\n}\n',
    "core/datastore-proto/src/main/proto/com/google/samples/apps/nia/user_prefs.proto": 'syntax = "proto3";\n',
    "README.md": "# Now in Android\n\nA fully functional Android app built with Kotlin and Jetpack Compose.\n",
}


def test_an_android_app_with_a_launcher_activity_is_a_web_app(tmp_path: Path) -> None:
    facts = facts_for(tmp_path / "repo", ANDROID_APP)
    profile, reasons, _ = infer_profile(facts, read=lambda path: (tmp_path / "repo" / path).read_text())
    assert profile == "web-app", reasons
    assert "an Android application (app/src/main/AndroidManifest.xml)" in reasons[0]
    assert "core/datastore-proto/src/main/proto/com/google/samples/apps/nia/user_prefs.proto" in facts.files


def test_an_android_library_manifest_is_no_app(tmp_path: Path) -> None:
    files = {**ANDROID_APP, "app/src/main/AndroidManifest.xml": LIBRARY_MANIFEST}
    assert facts_for(tmp_path / "repo", files).mobile_apps == []


def test_an_ios_application_target_is_a_mobile_app(tmp_path: Path) -> None:
    files = {"App.xcodeproj/project.pbxproj": '\t\tproductType = "com.apple.product-type.application";\n',
             "App/AppDelegate.swift": "class AppDelegate {}\n"}
    apps = facts_for(tmp_path / "repo", files).mobile_apps
    assert [(a.path, a.line, a.text) for a in apps] == [
        ("App.xcodeproj/project.pbxproj", 1, "an iOS application target")]


@pytest.mark.parametrize("rule_id", ["MON-001", "MON-002", "MON-003", "MON-007", "MON-008", "MON-013", "DEP-001",
                                     "DEP-002", "DEP-004", "DEP-007", "DEP-008", "DOC-008", "IAC-002"])
def test_server_rules_do_not_apply_to_a_mobile_app(tmp_path: Path, rule_id: str) -> None:
    finding = evaluate(tmp_path, ANDROID_APP, rule_id, profile="web-app")
    check(finding, "na", None)
    assert "mobile app" in finding.message


def test_crash_reporting_is_judged_and_read_from_the_gradle_version_catalog(tmp_path: Path) -> None:
    """The modules use `libs.firebase.crashlytics`; only the version catalog names the coordinates."""
    check(evaluate(tmp_path, ANDROID_APP, "MON-004", profile="web-app"), "pass", "build.gradle.kts")
    without = {**ANDROID_APP, "gradle/libs.versions.toml": VERSION_CATALOG.replace(
        'firebase-crashlytics = { group = "com.google.firebase", name = "firebase-crashlytics" }\n', "")}
    check(evaluate(tmp_path / "without", without, "MON-004", profile="web-app"), "fail")


def test_the_version_catalog_gives_the_root_build_its_libraries(tmp_path: Path) -> None:
    facts = facts_for(tmp_path / "repo", ANDROID_APP)
    root = next(m for m in facts.manifests if m.path == "build.gradle.kts")
    assert root.dependencies >= {"com.google.firebase:firebase-crashlytics",
                                 "org.jetbrains.kotlinx:kotlinx-coroutines-core", "junit:junit"}
    module = next(m for m in facts.manifests if m.path == "app/build.gradle.kts")
    assert "junit:junit" not in module.dependencies  # only the build beside gradle/ reads the catalog
