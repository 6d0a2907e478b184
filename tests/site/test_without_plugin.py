"""The site built by the Markdown extension alone, from mkdocs.yml's ``markdown_extensions``, as a
host without MkDocs plugins would build it (MkDocs 2 removes them; Zensical ignores them): the
pages still tell the policy right, and the self-check's place says how to reach support."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import markdown
import pytest

from policy_engine.policy import PLACEHOLDER, long_date
from policy_site.package import load, load_folder
from tests.site.projects import accept_review, build, command, copy_project, edit

REFUND = load("checker")
EXTENSION = "policy_site.pages.extension"


def without_the_plugin(project: Path) -> Path:
    """``project``'s mkdocs.yml with no plugin at all, the plugin's list of policies given to
    the extension as its own option (the same lines, under its entry)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    listed = re.search(r"^      policies:\n(?:        .*\n)+", text, flags=re.M)
    assert listed is not None, "mkdocs.yml lists no policies under the plugin"
    text, removed = re.subn(r"^plugins:\n(?:(?:[ #].*)?\n)*", "plugins: []\n\n", text, flags=re.M)
    assert removed == 1, "mkdocs.yml has no plugins: list to take out"
    text, entries = re.subn(
        rf"^  - {re.escape(EXTENSION)}\n", f"  - {EXTENSION}:\n{listed.group(0)}", text, flags=re.M
    )
    assert entries == 1, "mkdocs.yml does not list the extension under markdown_extensions"
    config.write_text(text, encoding="utf-8")
    return project


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    return without_the_plugin(copy_project(tmp_path))


def test_without_the_plugin_the_policy_page_has_its_values_its_clauses_and_a_kind_way_to_support(
    bare: Path,
) -> None:
    result = build(bare)
    assert result.returncode == 0, result.stderr
    page = (bare / "site" / "index.html").read_text(encoding="utf-8")
    source = (bare / "docs" / "index.md").read_text(encoding="utf-8")
    policy = REFUND.read_policies(bare / "checker" / "policy.toml").versions[-1]
    # Every placeholder the editor wrote is its value; none is left for a customer to read.
    names = {match.group("name") for match in PLACEHOLDER.finditer(source)}
    assert names, "the policy page uses no placeholder: nothing here would be tested"
    for name in names - {"support_email"}:
        assert policy.value_of(name) in page, name
    assert "{{" not in page and "///" not in page
    # Each clause is its bullet, anchored once, with its permalink.
    for clause_id in REFUND.rulebook.clause_ids:
        assert page.count(f'id="{clause_id}"') == 1, clause_id
        assert f'href="#{clause_id}"' in page, clause_id
    # No self-check that cannot start: a plain note under its heading, with the support address.
    assert "data-policy-check" not in page
    assert "policy-check/widget" not in page  # no script for a widget that is not there
    note = re.search(r'<p class="admonition-title" id="check">[^<]*</p>\s*<p>(.*?)</p>', page, re.S)
    assert note is not None, "the self-check's place is not a note with its heading"
    assert "The self-check is not part of this copy of the page." in note.group(1)
    assert f"email support at {policy.support_email}</a>" in note.group(1)
    assert 'href="mailto:' + policy.support_email in note.group(1)


def test_without_the_plugin_the_examples_and_the_history_are_made_from_the_policy(
    bare: Path,
) -> None:
    assert build(bare).returncode == 0
    examples = (bare / "site" / "examples" / "index.html").read_text(encoding="utf-8")
    source = (bare / "docs" / "examples.md").read_text(encoding="utf-8")
    written = source.count("/// example |")
    assert written > 0
    assert examples.count('class="policy-example__verdict"') == written
    # Their clause links lead to the policy's page, where the clauses are anchored.
    assert re.search(r'href="\.\./#[a-z-]+"', examples)
    history = (bare / "site" / "history" / "index.html").read_text(encoding="utf-8")
    assert "policy-history__version" in history
    assert "{{" not in examples + history


def test_without_the_plugin_an_editors_mistake_stops_the_build_until_it_is_fixed(
    bare: Path,
) -> None:
    index = bare / "docs" / "index.md"
    source = index.read_text(encoding="utf-8")
    bullet = re.search(r"^- (?P<words>.+) \{clause: (?P<id>[a-z-]+)\}$", source, re.M)
    assert bullet is not None
    line = source[: bullet.start()].count("\n") + 1
    index.write_text(source.replace(bullet.group("words"), "Whatever we like"), "utf-8")
    refused = build(bare)
    assert refused.returncode != 0
    assert f"docs/index.md:{line}: The bullet for clause “{bullet.group('id')}”" in refused.stderr
    assert "Traceback" not in refused.stderr
    # (Without the plugin, MkDocs' strict mode still writes the pages before it stops: publishing
    # all or nothing is the plugin's step, policy_site/publishing/output.py.)
    index.write_text(source, "utf-8")
    assert build(bare).returncode == 0


def test_an_option_the_extension_does_not_have_is_named_without_a_traceback(bare: Path) -> None:
    config = bare / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("      policies:", "      polices:"), "utf-8"
    )
    refused = build(bare)
    assert refused.returncode != 0
    assert "policy_site.pages.extension has no option polices" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_policy_the_extension_cannot_load_is_named_as_the_plugin_names_it(bare: Path) -> None:
    config = bare / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("package: checker", "package: chekcer"),
        "utf-8",
    )
    refused = build(bare)
    assert refused.returncode != 0
    assert "the package “chekcer” cannot be imported" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_host_that_ignores_the_plugin_gets_the_policies_from_the_plugins_entry(
    tmp_path: Path,
) -> None:
    # Python-Markdown alone, as a host that runs extensions but no MkDocs plugin would: the
    # project's own mkdocs.yml, whose plugin entry lists the policies once.
    project = copy_project(tmp_path)
    source = (project / "docs" / "index.md").read_text(encoding="utf-8")
    renderer = markdown.Markdown(
        extensions=["admonition", EXTENSION],
        extension_configs={
            EXTENSION: {
                "config_file": str(project / "mkdocs.yml"),
                "docs_dir": str(project / "docs"),
            }
        },
    )
    html = renderer.convert(re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S))
    assert "{{" not in html
    for clause_id in REFUND.rulebook.clause_ids:
        assert f'id="{clause_id}"' in html, clause_id
    assert "The self-check is not part of this copy of the page." in html


def test_with_the_plugin_the_extension_entry_is_the_plugins_and_renders_the_self_check(
    site: Path,
) -> None:
    # The project's mkdocs.yml lists the extension and the plugin: the plugin's one instance
    # renders the pages, with the shipped self-check, once.
    assert f"  - {EXTENSION}\n" in (Path(__file__).parents[2] / "mkdocs.yml").read_text("utf-8")
    page = (site / "index.html").read_text(encoding="utf-8")
    assert page.count("data-policy-check") == 1
    assert "The self-check is not part of this copy of the page." not in page


def test_without_the_plugin_an_announced_version_stops_the_build_until_its_day(
    tmp_path: Path,
) -> None:
    # An editor announces a version (as EDITING.md says, with the plugin), then the site is
    # built without it: the home page would show the coming version as the one in force, so
    # the build says what it lacks; on the version's day the page is right again.
    project = copy_project(tmp_path)
    coming = date.today() + timedelta(days=30)
    added = command(
        project, "policy_site.pages.versions", coming.isoformat(), "--changes", "A 14-day window."
    )
    assert added.returncode == 0, added.stdout + added.stderr
    policy = project / "checker" / "policy.toml"
    policy.write_text(policy.read_text("utf-8") + "refund_window_days = 14\n", "utf-8")
    assert accept_review(project).returncode == 0
    first = REFUND.read_policies(policy).versions[0].effective.isoformat()
    without_the_plugin(project)

    refused = build(project)
    assert refused.returncode != 0
    assert (
        f"docs/index.md:1: until {long_date(coming)}, when the version this page holds takes "
        f"effect, the policy-site plugin publishes docs/history/{first}.md here"
    ) in refused.stderr
    assert "Traceback" not in refused.stderr

    on_the_day = build(project, POLICY_SITE_TODAY=coming.isoformat())
    assert on_the_day.returncode == 0, on_the_day.stderr
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "within 14 days of purchase" in home
    # The earlier version's own page is its frozen copy, published as it is.
    earlier = (project / "site" / "history" / first / "index.html").read_text(encoding="utf-8")
    assert "within 7 days of purchase" in earlier
    # ... under its banner: no longer in force, with the way to the current policy.
    assert "This is not the current policy" in earlier
    assert re.search(r'<a href="\.\./\.\./">Read the current policy</a>', earlier), earlier


def test_without_the_plugin_a_page_that_lacks_a_clause_or_the_self_check_stops_the_build(
    bare: Path,
) -> None:
    index = bare / "docs" / "index.md"
    source = index.read_text(encoding="utf-8")
    marker = re.search(r" \{clause: (?P<id>[a-z-]+)\}$", source, re.M)
    assert marker is not None
    index.write_text(source.replace(marker.group(0), "", 1), "utf-8")
    refused = build(bare)
    assert refused.returncode != 0
    assert (
        f"docs/index.md: no bullet of the policy is marked as clause “{marker.group('id')}”"
    ) in refused.stderr
    index.write_text(re.sub(r"^/// policy-check\n///\n", "", source, flags=re.M), "utf-8")
    refused = build(bare)
    assert refused.returncode != 0
    assert "docs/index.md: the policy page has no “/// policy-check” block" in refused.stderr
    index.write_text(source, "utf-8")
    assert build(bare).returncode == 0


def test_without_the_plugin_a_new_policy_has_its_own_page_words_and_history(
    tmp_path: Path,
) -> None:
    # An editor adds a policy with ./run new-policy and sets its address (EDITING.md); the site
    # is then built without the plugin: each page belongs to its own policy.
    project = copy_project(tmp_path)
    name = "fixture-prints"
    made = command(project, "policy_site.scaffold", name)
    assert made.returncode == 0, made.stdout + made.stderr
    folder = project / "policies" / name
    edit(folder / "policy.toml", "support@example.invalid", "prints@example.com")
    assert command(project, "policy_review.review", name, "--accept").returncode == 0
    without_the_plugin(project)
    done = build(project)
    assert done.returncode == 0, done.stderr
    page = (project / "site" / name / "index.html").read_text(encoding="utf-8")
    first = load_folder(folder).read_policies().versions[0].effective
    assert f"This policy comes into effect on {long_date(first)}" in page
    assert "{{" not in page and "///" not in page
    assert "email support at prints@example.com</a>" in page
    assert "support@imgtostl.com" not in page
    history = (project / "site" / f"{name}-history" / "index.html").read_text(encoding="utf-8")
    assert f"Comes into effect on {long_date(first)}." in history
    # The refund policy's page is still the refund policy's.
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "email support at support@imgtostl.com</a>" in home
