"""A missing or wrong setting stops start-up with one line that names it."""

import re

import pytest

from tests.support.factories import TEST_CONFIG
from workflow.settings import ConfigError
from wsgi import create_app


@pytest.mark.parametrize(
    "override, message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"PII_KEY": None}, "PII_KEY is not set"),
        ({"PII_KEY": "not base64!"}, "PII_KEY is not valid base64"),
        ({"PII_KEY": "c2hvcnQ="}, "PII_KEY must decode to 32 bytes, not 5"),
        ({"SQLALCHEMY_DATABASE_URI": "mysql://x"}, "SQLALCHEMY_DATABASE_URI: unsupported database 'mysql'"),
        ({"PROCESS_DEFINITION": "/nowhere.toml"}, "PROCESS_DEFINITION: no such file /nowhere.toml"),
        ({"PASSWORD_HASH_METHOD": "md5"}, "PASSWORD_HASH_METHOD: 'md5' is not a password hash"),
    ],
)
def test_bad_setting_stops_start_up_naming_it(tmp_path, monkeypatch, override, message):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        create_app({**TEST_CONFIG, **override})
    assert message in str(err.value) and "\n" not in str(err.value)


def test_environment_overrides_config(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DONGQIAN_CASES_PER_PAGE", "7")
    app = create_app(dict(TEST_CONFIG))
    assert app.config["CASES_PER_PAGE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/dongqian.sqlite3"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        f"SECRET_KEY = 'from-file'\nPII_KEY = {TEST_CONFIG['PII_KEY']!r}\nCASES_PER_PAGE = 9\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file" and app.config["CASES_PER_PAGE"] == 9


def test_missing_instance_config_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DONGQIAN_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="2") as exit_:
        create_app()
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "dongqian: cannot start: SECRET_KEY is not set: put it in instance/config.py or DONGQIAN_SECRET_KEY\n")


def test_wrong_environment_setting_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(f"SECRET_KEY = 'x'\nPII_KEY = {TEST_CONFIG['PII_KEY']!r}\n")
    monkeypatch.setenv("DONGQIAN_PII_KEY", "bad")
    with pytest.raises(SystemExit, match="2"):
        create_app()
    assert capsys.readouterr().err == "dongqian: cannot start: PII_KEY is not valid base64\n"


def test_passwords_are_hashed_with_the_configured_method(tmp_path, monkeypatch):
    """Production hashes with scrypt; the suite's cheap pbkdf2 is its own setting, and a
    password set under one method still logs in after the method changes."""
    from workflow.models import User

    monkeypatch.setenv("DONGQIAN_INSTANCE_PATH", str(tmp_path))
    default = {k: v for k, v in TEST_CONFIG.items() if k != "PASSWORD_HASH_METHOD"}
    with create_app(default).app_context():
        user = User(username="x")
        user.set_password("correct horse battery")
        assert user.password_hash.startswith("scrypt:")
    with create_app(TEST_CONFIG).app_context():
        assert user.check_password("correct horse battery")
        user.set_password("correct horse battery")
        assert user.password_hash.startswith("pbkdf2:sha256:1000$")
        assert user.check_password("correct horse battery") and not user.check_password("wrong")
