"""One Settings: every environment variable the studio reads is read in heygen/studio/config.py, and
the README's configuration table names exactly those."""

from __future__ import annotations

import re
from pathlib import Path

from heygen.studio.config import Settings

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bHEYGEN_[A-Z_]+\b")
# Read outside the studio's Settings on purpose: the API client's own from_env (a library entry point,
# also used by the smoke command), and the sandbox's command line.
ELSEWHERE = {"heygen/api/client.py", "heygen/smoke", "heygen/sandbox"}


def _reads(text: str) -> set[str]:
    return set(re.findall(r"""(?:(?:environ|env)\.get\(|getenv\(|_number\(env,)\s*["'](HEYGEN_[A-Z_]+)["']""", text))


def test_every_variable_is_read_in_settings_alone():
    readers = {}
    for path in [*ROOT.joinpath("heygen").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py"),
                 *ROOT.joinpath("pages").rglob("*.py"), ROOT / "streamlit_app.py"]:
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(place) for place in ELSEWHERE):
            continue
        for name in _reads(path.read_text()):
            readers.setdefault(name, set()).add(relative)
    outside = {name: places for name, places in readers.items() if places != {"heygen/studio/config.py"}}
    assert outside == {}, f"read outside Settings: {outside}"
    assert len(readers) >= 20


def test_the_readme_table_names_what_settings_reads():
    readme = ROOT.joinpath("README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {m.group(1) for m in re.finditer(r"^\| `(HEYGEN_[A-Z_]+)` \|", table, re.M)}
    read = _reads(ROOT.joinpath("heygen/studio/config.py").read_text())
    assert documented == read, f"only in the README: {documented - read}; only in the code: {read - documented}"


def test_the_key_never_shows_in_the_settings_repr():
    settings = Settings.from_env({"HEYGEN_API_KEY": "sk-very-secret", "HEYGEN_STUDIO_OWNER_SECRET": "owner-pass"})
    assert "sk-very-secret" not in repr(settings) and "owner-pass" not in repr(settings)


def test_the_modes_and_folders_come_from_the_settings(tmp_path):
    plain = Settings.from_env({"HEYGEN_STUDIO_DATA_DIR": str(tmp_path)})
    assert plain.mode == "in-process" and plain.media_root == tmp_path / "media" and plain.database_url is None
    team = Settings.from_env({"HEYGEN_STUDIO_QUEUE_URL": "redis://127.0.0.1:1/0", "HEYGEN_STUDIO_WORKER": "off",
                              "HEYGEN_STUDIO_MEDIA_DIR": str(tmp_path / "shared")})
    assert team.mode == "team" and team.media_root == tmp_path / "shared"
    assert Settings.from_env({"HEYGEN_STUDIO_WORKER": "off"}).mode == "off"
    assert Settings.from_env({"HEYGEN_STUDIO_LOG_LEVEL": "debug"}).log_level == "DEBUG"
