"""Configuration: defaults, file, environment, their order, and clear errors."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from warnlib_server import ConfigError, ServerConfig, create_app

from warnlib._toml import load_toml_text

from .conftest import GunicornServer

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"


def test_defaults_bind_loopback_and_allow_only_extensions() -> None:
    config = ServerConfig.load(env={})
    assert (config.host, config.port) == ("127.0.0.1", 8765)
    assert config.url == "http://127.0.0.1:8765"
    assert config.api_keys == ()
    assert all(origin.endswith("-extension://*") for origin in config.cors_origins)


def test_example_file_documents_the_defaults() -> None:
    assert ServerConfig.load(SERVER_DIR / "warnlib.example.toml", env={}) == ServerConfig.load(env={})


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    config_file = tmp_path / "warnlib.toml"
    config_file.write_text('port = 9000\nhost = "0.0.0.0"\napi_keys = ["from-file"]\nmax_batch_items = 7\n')
    env = {
        "WARNLIB_PORT": "9100",
        "WARNLIB_API_KEYS": "k1, k2",
        "WARNLIB_RULES": os.pathsep.join(["/a.toml", "/b.toml"]),
        "WARNLIB_HIGH_THRESHOLD": "0.9",
    }
    config = ServerConfig.load(config_file, env=env, host=None, port=9200)
    assert config.host == "0.0.0.0"  # file
    assert config.max_batch_items == 7  # file
    assert config.api_keys == ("k1", "k2")  # env beats file
    assert config.rules == ("/a.toml", "/b.toml")
    assert config.high_threshold == 0.9
    assert config.port == 9200  # explicit override beats env; None overrides are ignored


def test_config_file_from_environment(tmp_path: Path) -> None:
    config_file = tmp_path / "w.toml"
    config_file.write_text("[warnlib]\nmax_text_chars = 123\n")
    assert ServerConfig.load(env={"WARNLIB_CONFIG": str(config_file)}).max_text_chars == 123


@pytest.mark.parametrize(
    ("content", "env", "message"),
    [
        ("port = 'x'\n", {}, "port"),
        ("colour = 'red'\n", {}, "unknown setting"),
        ("port = [\n", {}, "not valid TOML"),
        ("", {"WARNLIB_MAX_BATCH_ITEMS": "0"}, "max_batch_items"),
        ("", {"WARNLIB_RATE_LIMIT": "lots"}, "rate_limit"),
        ("medium_threshold = 0.9\nhigh_threshold = 0.5\n", {}, "thresholds"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, content: str, env: dict[str, str], message: str) -> None:
    config_file = tmp_path / "bad.toml"
    config_file.write_text(content)
    with pytest.raises(ConfigError, match=message):
        ServerConfig.load(config_file, env=env)


@pytest.mark.parametrize(
    ("setting", "in_file", "in_env", "wanted"),
    [
        ("port", "port = 'eighty'", "eighty", "a whole number"),  # int
        ("port", "port = 80.5", "80.5", "a whole number"),  # no silent truncation
        ("port", "port = true", "", "a whole number"),  # bool is not a number of requests
        ("high_threshold", "high_threshold = 'high'", "high", "a number"),  # float
        ("request_time_budget_s", "request_time_budget_s = false", "soon", "a number"),
        ("host", "host = ['a', 'b']", None, "text"),  # str
        ("api_keys", "api_keys = [1, 2]", None, "a list of text"),  # tuple[str, ...]
        ("allow_list", "allow_list = ['x']", None, "text or empty"),  # str | None
    ],
)
def test_a_bad_value_of_each_type_names_the_setting_and_where_it_came_from(
    tmp_path: Path, setting: str, in_file: str, in_env: str | None, wanted: str
) -> None:
    config_file = tmp_path / "bad.toml"
    config_file.write_text(in_file + "\n")
    with pytest.raises(
        ConfigError, match=rf"^config file {re.escape(str(config_file))}: setting {setting} = .* should be {wanted}$"
    ):
        ServerConfig.load(config_file, env={})
    if in_env:  # every variable is text; only some texts are not of the setting's type
        variable = f"WARNLIB_{setting.upper()}"
        with pytest.raises(
            ConfigError, match=rf"^environment variable {variable}: setting {setting} = .* should be {wanted}$"
        ):
            ServerConfig.load(env={variable: in_env})
    with pytest.raises(ConfigError, match=rf"^arguments: setting {setting} = "):
        ServerConfig.load(env={}, **{setting: load_toml_text(in_file)[setting]})


def test_values_are_converted_to_each_settings_type(tmp_path: Path) -> None:
    config_file = tmp_path / "ok.toml"
    config_file.write_text('port = "9000"\nrate_limit = 0\nallow_list = ""\napi_keys = "one"\nhigh_threshold = 1\n')
    config = ServerConfig.load(config_file, env={"WARNLIB_CACHE_SIZE": " 12 ", "WARNLIB_CORS_ORIGINS": "a,,b"})
    assert (config.port, config.rate_limit, config.allow_list, config.api_keys) == (9000, "0", None, ("one",))
    assert config.high_threshold == 1.0 and isinstance(config.high_threshold, float)
    assert (config.cache_size, config.cors_origins) == (12, ("a", "b"))


def test_a_value_out_of_range_names_where_it_was_set(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"max_batch_items must be at least 1 "
        r"\(max_batch_items from environment variable WARNLIB_MAX_BATCH_ITEMS\)$",
    ):
        ServerConfig.load(env={"WARNLIB_MAX_BATCH_ITEMS": "0", "WARNLIB_MAX_TEXT_CHARS": "5"})
    config_file = tmp_path / "t.toml"
    config_file.write_text("medium_threshold = 0.9\n")
    with pytest.raises(
        ConfigError,
        match=rf"medium_threshold from config file {re.escape(str(config_file))}; high_threshold from arguments",
    ):
        ServerConfig.load(config_file, env={}, high_threshold=0.5)


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        ServerConfig.load(tmp_path / "nope.toml", env={})


def test_thresholds_and_extra_rule_packs_reach_the_scorer(tmp_path: Path) -> None:
    pack = tmp_path / "extra.toml"
    pack.write_text(
        '[pack]\nname = "extra"\nversion = "1"\ndescription = "test"\n'
        '[[rules]]\nid = "extra.word"\ncategory = "giveaway"\nweight = 9.0\n'
        'messages = { zh = "测试", en = "test" }\nphrases = ["zzqq"]\n'
        'examples.match = ["zzqq"]\nexamples.no_match = ["hello"]\n'
    )
    app = create_app({"rules": [str(pack)], "high_threshold": 0.99, "feedback_db": str(tmp_path / "f.db")})
    body = app.test_client().post("/v1/score", json={"text": "zzqq"}).get_json()
    assert [s["rule"] for s in body["signals"]] == ["extra.word"]
    assert body["version"]["rules"].endswith("+custom")


def test_gunicorn_config_serves_the_app(gunicorn: Callable[..., GunicornServer]) -> None:
    server = gunicorn(WARNLIB_WORKERS="1")
    response = httpx.post(f"{server.url}/v1/score", json={"text": "加我薇信带单，稳赚不赔"})
    assert response.status_code == 200 and response.json()["level"] == "high"
    logs = server.stop()
    assert "POST /v1/score" in logs and "薇信" not in logs, "access log has the request line, not the text"


def test_thresholds_default_to_the_published_cuts() -> None:
    from warnlib_server import ServerConfig

    import warnlib

    config = ServerConfig.load(env={})
    assert (config.high_threshold, config.medium_threshold) == (warnlib.Thresholds().high, warnlib.Thresholds().medium)


def test_readme_states_the_real_rate_limit_default() -> None:
    readme = (SERVER_DIR.parent / "README.md").read_text(encoding="utf-8")
    default = ServerConfig.load(env={}).rate_limit
    assert f"`WARNLIB_RATE_LIMIT` (default `{default}`" in readme
    assert "WARNLIB_RATE_LIMIT=600/minute" not in readme


def test_removed_burst_setting_says_what_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text("rate_limit_burst = 200\n")
    with pytest.raises(ConfigError, match=r"rate_limit_burst is no longer a setting.*10 seconds"):
        ServerConfig.load(path, env={})
    with pytest.raises(ConfigError, match="rate_limit_storage"):
        ServerConfig.load(env={}, rate_limit_storage="localhost:6379")
