"""No page breaks its own Content Security Policy (issue 10: HTMX injected an inline
<style> for its indicators on every page, and Chromium logged the refusal)."""

from __future__ import annotations

import pytest

from heard.feedback import actions as feedback_actions


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_log_no_content_security_policy_violations(page, login, product):
    item = feedback_actions.record_feedback(actor=None, product=product, data={"text": "Exports to DATEV fail when an invoice has two VAT rates."})
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")
    login("owner@acme.example")
    for path in ("/w/acme/", "/w/acme/stakeholders/", "/w/acme/p/app/feedback/", "/w/acme/p/app/feedback/new/",
                 f"/w/acme/p/app/feedback/{item.pk}/", "/w/acme/p/app/decisions/", "/w/acme/p/app/support/", "/portal/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    # HTMX at work: the live preview on quick entry swaps a partial in.
    page.goto("/w/acme/p/app/feedback/new/")
    page.get_by_label("What they said").fill("The DATEV export fails for invoices with two VAT rates")
    page.wait_for_load_state("networkidle")
    assert violations == []
