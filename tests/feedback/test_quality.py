"""The rubric's ends and middle, pinned (heard.feedback.quality)."""

from heard.feedback.quality import assess


def test_a_vague_impression_scores_low_and_asks_for_a_measurement():
    result = assess("The dashboard feels slow")
    assert result.score < 20
    assert result.band == "low"
    assert result.weakest == "specificity"
    assert "measurement" in result.hint


def test_a_measured_observation_against_a_target_scores_high():
    result = assess("Report generation takes five minutes for 100 records, exceeding the agreed target of two")
    assert result.score >= 75
    assert result.band == "high"
    # "five minutes" (a number word) and "100 records" both count as measurements.
    assert result.parts["specificity"] == 35
    assert result.parts["evidence"] >= 24


def test_a_measurement_without_target_or_stakes_lands_in_the_middle():
    result = assess("Opening an invoice with 200 line items takes about 40 seconds on the office laptop.")
    assert 40 <= result.score < 70
    assert result.band == "medium"
    assert result.weakest == "relevance"
    assert "job they were doing" in result.hint


def test_a_clear_sentence_without_numbers_stays_below_the_middle():
    result = assess("Technicians lose the customer's signature when the app goes offline on site; it should be kept and sent later.")
    assert 20 <= result.score < 40
    assert result.weakest == "specificity"


def test_evidence_fields_and_context_raise_the_score():
    bare = assess("Exports to DATEV fail for invoices with several VAT rates.")
    rich = assess(
        "Exports to DATEV fail for invoices with several VAT rates.",
        observed="3 of 40 invoices rejected last month", expected="0 rejected", example="INV-1042", job="month-end closing",
    )
    assert rich.score > bare.score + 30
    assert rich.parts["evidence"] == 30


def test_linking_to_a_backlog_item_gives_full_decision_relevance():
    text = "Report generation takes five minutes for 100 records."
    assert assess(text, linked=True).parts["relevance"] == 20
    assert assess(text, linked=False).parts["relevance"] < 20


def test_the_score_stays_within_0_and_100_and_a_full_item_has_no_hint():
    result = assess(
        "Report generation takes five minutes for 100 records, exceeding the agreed target of two, for example INV-9.",
        observed="5 minutes", expected="2 minutes", example="report #12", job="month-end", linked=True,
    )
    assert result.score == 100
    assert result.hint == ""
    assert assess("").score >= 0
