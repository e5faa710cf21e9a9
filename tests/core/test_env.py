import pytest
from django.core.exceptions import ImproperlyConfigured

from laurel.env import env_bool, env_choice, env_int, env_list


def test_env_bool_reads_common_words_and_refuses_others(monkeypatch):
    monkeypatch.setenv("LAUREL_X", "yes")
    assert env_bool("LAUREL_X", False) is True
    monkeypatch.setenv("LAUREL_X", "0")
    assert env_bool("LAUREL_X", True) is False
    monkeypatch.setenv("LAUREL_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="LAUREL_X"):
        env_bool("LAUREL_X", False)


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("LAUREL_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("LAUREL_X", 1)
    monkeypatch.setenv("LAUREL_X", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("LAUREL_X", 1, minimum=1)
    monkeypatch.setenv("LAUREL_X", "12")
    assert env_int("LAUREL_X", 1, minimum=1) == 12


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("LAUREL_X", "a.org, b.org,")
    assert env_list("LAUREL_X", []) == ["a.org", "b.org"]
    monkeypatch.setenv("LAUREL_Y", "redis")
    with pytest.raises(ImproperlyConfigured, match="database, immediate"):
        env_choice("LAUREL_Y", "database", ("database", "immediate"))
