"""The `roles:` of an edition (reportgen/standard/roles.py): typed, checked when the edition loads."""

from __future__ import annotations

import shutil

import pytest

from reportgen.errors import StandardError
from reportgen.standard import load_from_directory, load_standard


@pytest.fixture
def edition_copy(tmp_path):
    target = tmp_path / "aild-d1"
    shutil.copytree(load_standard("D1").directory, target)
    return target


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(edition_copy, old: str, new: str) -> str:
    """The message with which the edition, its standard.yaml edited from `old` to `new`, fails to load."""
    _edit(edition_copy / "standard.yaml", old, new)
    with pytest.raises(StandardError) as exc:
        load_from_directory(edition_copy)
    return str(exc.value)


@pytest.mark.parametrize("edition", ["D1", "D1.1"])
def test_every_role_names_a_field_of_the_edition(edition):
    std = load_standard(edition)
    for name, fid in std.roles.model_dump().items():
        if "PHASE" in fid:
            assert all(std.roles.status_of(p) in std.fields for p in std.phase_ids), name
        else:
            assert fid in std.fields, name
    assert std.roles.status_of("training") == "boundary.phases.training"
    assert std.roles.justification_of("inference") == "boundary.justifications.inference"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("  system_name: system.name\n", "", "roles.system_name"),  # a role the code needs
        ("system_name: system.name", "system_name: system.title", "roles.system_name: 'system.title'"),
        ("phase_status: boundary.phases.PHASE", "phase_status: boundary.phases", "roles.phase_status"),
        ("energy_scope: boundary.energy_scope", "energy_scope: boundary.PHASE", "roles.energy_scope"),
        (
            "phase_justification: boundary.justifications.PHASE",
            "phase_justification: boundary.justification.PHASE",
            "'boundary.justification.training' is not a field",
        ),
    ],
)
def test_a_missing_or_dangling_role_fails_when_the_edition_loads(edition_copy, old, new, named):
    message = _refused(edition_copy, old, new)
    assert named in message and str(edition_copy) in message


def test_an_unknown_role_is_refused(edition_copy):
    assert "roles.system_colour" in _refused(
        edition_copy, "roles:\n", "roles:\n  system_colour: system.name\n"
    )


@pytest.fixture
def renamed_edition(edited_editions):
    """The shipped editions, with `system.name` renamed `system.title` in the data only."""
    edited_editions({"system.name": "system.title"})
    return load_standard("D1.1")


def test_renaming_a_field_needs_no_python(renamed_edition):
    """Issue 11 item 3: file names, titles and the identification blocks follow the edition's data."""
    from reportgen.evaluation.pipeline import evaluate
    from reportgen.inputs import from_mapping
    from reportgen.output import report_stem
    from reportgen.presentation.fmt import system_title
    from reportgen.presentation.view import build_view

    std = renamed_edition
    assert "system.title" in std.fields and "system.name" not in std.fields
    given = {"system": {"title": "Orca", "model_version": "3"}, "organization": {"name": "Whale Ltd"}}
    ev = evaluate(from_mapping(given, std), standard=std)
    assert not [f for f in ev.findings if f.code == "E-FIELD"]
    assert report_stem(ev) == "Orca-3-AILD-D1.1"
    assert system_title(ev) == "Orca 3"
    view = build_view(ev, std)
    facts = {f["label"]: f["value"] for f in view["identification"]["facts"]}
    assert facts["System"] == "Orca" and facts["Organization"] == "Whale Ltd"
    assert view["meta"]["system"] == "Orca"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (
            "identification: [report, organization, system]",
            "identification: [report, organisation]",
            "'organisation'",
        ),
        (
            "- {label: model_version, fields: [system.model_version]}",
            "- {label: model_version, fields: [system.version]}",
            "'system.version' is not a field",
        ),
        (
            "- {label: standard, show: standard}",
            "- {label: standards, show: standard}",
            "'standards' is not a UI string",
        ),
        (
            "- {label: rpt_language, show: language}",
            "- {label: rpt_language, show: language, fields: [system.model_name]}",
            "takes no fields",
        ),
        (
            "show: period, fields: [report.reporting_period_start, report.reporting_period_end]}",
            "show: period, fields: [report.reporting_period_start]}",
            "takes two fields",
        ),
    ],
)
def test_a_broken_display_entry_fails_when_the_edition_loads(edition_copy, old, new, named):
    message = _refused(edition_copy, old, new)
    assert named in message and "display" in message
