"""The outcome texts of policy.toml quote the policy page word for word, in a copy of the project
built for real: a page and a file that disagree stop the build with the line of each and what to
do; each version's page is checked against that version's texts; the page shows no marker; and
the page's decision table carries each version's own words."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from policy_site.pages.versions import new_version
from tests.site.projects import build, copy_project, edit
from tests.site.test_editor_mistakes import assert_nothing_built, line_of, with_last_good_site
from tests.site.test_versions import run

TODAY = date.today()
SECOND = TODAY + timedelta(days=30)
REMOVES = "Approved refunds may revoke remaining credits associated with the refunded order."
REMOVES_NOW = "Approved refunds may revoke the remaining credits of the refunded order."


def test_a_page_and_a_policy_file_that_disagree_stop_the_build_naming_both(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    page, policy = project / "docs" / "index.md", project / "checker" / "policy.toml"
    # The page reworded under a marker, the file's quote reworded, a marker gone, one misspelled,
    # and one on a text that quotes a clause (which the clause's bullet checks already).
    edit(page, "may revoke remaining credits associated", "may remove remaining credits associated")
    edit(policy, "we may deny the refund, offer", "we may decline the refund, offer")
    edit(page, " {note: subscription-cancel-any-time}", "")
    edit(page, "{warning: chargeback-filed}", "{warning: chargeback-filled}")
    edit(page, "meaningful use {clause: outputs-used}", "meaningful use. {warning: outputs-used}")
    result = build(project)
    assert_nothing_built(project, result)
    said = result.stderr

    removes = line_of(page, "may remove remaining credits")
    quoted = line_of(policy, f'quote = "{REMOVES}')
    assert (
        f"docs/index.md:{removes}: The words marked {{note: credit-pack-removes-credits}} read "
        "“Approved refunds may remove remaining credits associated with the refunded order.” but "
        f"checker/policy.toml:{quoted} quotes “{REMOVES}” for the note "
        "credit-pack-removes-credits, which the self-check says to customers. Make the quote the "
        "page's words, word for word (or change the page), so that both say the same."
    ) in said, said
    some_used = line_of(policy, 'quote = "If some credits were used, we may decline')
    assert re.search(
        rf"docs/index\.md:{removes}: The words marked \{{note: credit-pack-some-used\}} read “If "
        rf"some credits were used, we may deny the refund.*” but checker/policy\.toml:{some_used} "
        r"quotes “If some credits were used, we may decline the refund",
        said,
    ), said
    assert (
        "docs/index.md: no passage of the policy is marked {note: subscription-cancel-any-time}, "
        "whose words the self-check quotes to customers (“You can cancel an active subscription"
    ) in said, said
    chargeback = line_of(page, "{warning: chargeback-filled}")
    assert (
        f"docs/index.md:{chargeback}: {{warning: chargeback-filled}} names no warning of the "
        "self-check. Known warnings: chargeback-filed, subscription-refund-ends-period."
    ) in said, said
    outputs = line_of(page, "{warning: outputs-used}")
    assert (
        f"docs/index.md:{outputs}: The warning “outputs-used” quotes clause outputs-used "
        "(checker/policy.toml), so it needs no marker on the page: remove {warning: outputs-used}."
    ) in said, said


def test_each_version_has_its_words_on_its_page_and_in_the_decision_table(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    policy, docs = project / "checker" / "policy.toml", project / "docs"
    new_version(policy, docs, SECOND, TODAY, "A note of the credit packs is clearer.")
    # The new version rewords one sentence of its page, and the note that quotes it.
    with policy.open("a", encoding="utf-8") as file:
        file.write(f'\n[versions.notes.credit-pack-removes-credits]\nquote = "{REMOVES_NOW}"\n')
    edit(docs / "index.md", REMOVES, REMOVES_NOW)
    assert run(project, "review", "--accept").startswith("status 0")
    result = build(project)
    assert result.returncode == 0, result.stderr

    site = project / "site"
    for page in (site / "index.html", site / "history" / SECOND.isoformat() / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"\{(note|warning|alternative|refund-timing):", html), page
    (data_file,) = site.glob("assets/policy-check/*/decisions.json")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    first, second = (
        {note: text for note, text, _ in version["notes"]} for version in data["versions"]
    )
    assert first["credit-pack-removes-credits"] == REMOVES
    assert second["credit-pack-removes-credits"] == REMOVES_NOW
    # Each page has the anchor its version's result links the note to.
    for page in (site / "index.html", site / "history" / SECOND.isoformat() / "index.html"):
        assert 'id="note-credit-pack-removes-credits"' in page.read_text(encoding="utf-8")
    assert [v["email"]["closing"] for v in data["versions"]] == ["Thank you.", "Thank you."]

    # The frozen page of the version in force is checked against that version's words, not the
    # new version's: given the new words, it disagrees with its own version's note.
    frozen = docs / "history" / "2026-05-01.md"
    edit(frozen, REMOVES, REMOVES_NOW)
    refused = build(project)
    assert refused.returncode != 0
    line = line_of(frozen, REMOVES_NOW)
    assert (
        f"docs/history/2026-05-01.md:{line}: The words marked "
        f"{{note: credit-pack-removes-credits}} read “{REMOVES_NOW}” but checker/policy.toml:"
    ) in refused.stderr, refused.stderr
    assert f"quotes “{REMOVES}”" in refused.stderr
