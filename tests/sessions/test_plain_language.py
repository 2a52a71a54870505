from heard.core.plain_language import check, check_many
from heard.sessions import actions


def test_plain_text_scores_as_plain_and_has_no_jargon():
    result = check("We will show you the new invoice screen. Tell us what you think of it.")
    assert result.score is not None and result.score >= 60
    assert result.label in ("Plain", "Easy to read")
    assert result.jargon == []
    assert result.ok


def test_jargon_is_listed_with_plainer_words():
    result = check("We will leverage the API to facilitate onboarding prior to the next sprint.")
    found = dict(result.jargon)
    assert found["leverage"] == "use"
    assert found["prior to"] == "before"
    assert "api" in found and "onboarding" in found and "sprint" in found
    assert not result.ok


def test_longer_terms_win_over_the_words_inside_them():
    result = check("Each user story has acceptance criteria.")
    terms = [term for term, _ in result.jargon]
    assert "user story" in terms and "acceptance criteria" in terms


def test_dense_text_is_hard_to_read():
    text = ("Notwithstanding organisational considerations, comprehensive institutionalisation of "
            "interdepartmental responsibilities necessitates extraordinarily sophisticated administrative infrastructure.")
    result = check(text)
    assert result.score is not None and result.score < 30
    assert not result.readable


def test_short_text_is_not_scored():
    result = check("Welcome")
    assert result.score is None and result.label == "Too short to score"


def test_workspace_glossary_adds_overrides_and_accepts_terms(workspace):
    actions.set_glossary_term(actor=None, workspace=workspace, term="Reconciliation", plain="matching payments to invoices")
    actions.set_glossary_term(actor=None, workspace=workspace, term="sprint", plain="")
    actions.set_glossary_term(actor=None, workspace=workspace, term="leverage", plain="make use of")
    found = dict(check("We leverage reconciliation in every sprint.", workspace).jargon)
    assert found == {"reconciliation": "matching payments to invoices", "leverage": "make use of"}
    # Without the workspace, only the built-in list applies.
    assert "sprint" in dict(check("We leverage reconciliation in every sprint.").jargon)


def test_check_many_skips_empty_texts(workspace):
    labels = [label for label, _ in check_many([("A", "Plain words here."), ("B", "  ")], workspace)]
    assert labels == ["A"]
