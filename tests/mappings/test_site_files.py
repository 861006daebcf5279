"""Site files (code mappings, report text rules, trusted clients) are JSON or YAML by suffix;
anything else, an unreadable file or broken syntax is refused naming the file and its role."""

from __future__ import annotations

import pytest

from fhir_mappings.site_files import read_site_file


class SiteFileError(ValueError):
    pass


@pytest.mark.parametrize(
    ("name", "text"), [("a.json", '{"x": [1]}'), ("a.yaml", "x: [1]\n"), ("a.YML", "x:\n  - 1\n")]
)
def test_json_and_yaml_give_the_same_document(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert read_site_file(path, "rules file", SiteFileError) == {"x": [1]}


def test_another_suffix_is_refused_before_reading(tmp_path):
    with pytest.raises(SiteFileError, match=r"rules file .*a\.toml: unknown format '\.toml'"):
        read_site_file(tmp_path / "a.toml", "rules file", SiteFileError)


def test_a_missing_file_is_named_with_its_role(tmp_path):
    with pytest.raises(SiteFileError, match=r"cannot read rules file .*absent\.yaml"):
        read_site_file(tmp_path / "absent.yaml", "rules file", SiteFileError)


@pytest.mark.parametrize(("name", "kind"), [("a.json", "JSON"), ("a.yaml", "YAML")])
def test_broken_syntax_says_which_language(tmp_path, name, kind):
    path = tmp_path / name
    path.write_text("{[")
    with pytest.raises(SiteFileError, match=f"not valid {kind}"):
        read_site_file(path, "rules file", SiteFileError)
