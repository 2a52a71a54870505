"""The demo workspace, in one place. ``heard demo`` loads it; running it twice adds nothing.

Fernhill Software makes two products, an invoicing web app and a field-service mobile app.
Their customers span enterprise, small business, public sector and accessibility users.
Each section below is idempotent: it looks objects up by natural key before creating them.
Later features add their own sections to SECTIONS.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

DEMO_WORKSPACE = "demo"
DEMO_LOGIN = "owner@demo.heard.example"
DEMO_PASSWORD = "heard-demo-2026"

TEAM = [
    ("owner@demo.heard.example", "Olivia Owner", "owner"),
    ("po@demo.heard.example", "Priya Raman", "product_owner"),
    ("sm@demo.heard.example", "Sam Okafor", "scrum_master"),
    ("dev@demo.heard.example", "Dmitri Volkov", "developer"),
    ("viewer@demo.heard.example", "Vera Lindqvist", "viewer"),
]

PRODUCTS = [
    ("invoicing", "Fernhill Invoicing", "Web app for quotes, invoices, payment reminders and bookkeeping exports."),
    ("field-app", "Fernhill Field", "Mobile app for field technicians: jobs, offline forms, signatures and photos."),
]

DEMO_ACCENTS = {"invoicing": "teal", "field-app": "orange"}

SEGMENTS = [
    ("enterprise", "Enterprise", "Organisations with 1000+ staff and procurement processes.", 30, False),
    ("small-business", "Small business", "Firms under 50 staff; owner-operated, price-sensitive.", 30, False),
    ("public-sector", "Public sector", "Councils, agencies and health services bound by public procurement and accessibility law.", 20, True),
    ("accessibility", "Accessibility users", "People who use assistive technology: screen readers, magnification, switch access, captions.", 15, True),
    ("emea", "Region: EMEA", "Europe, the Middle East and Africa.", None, False),
    ("americas", "Region: Americas", "North and South America.", None, False),
    ("apac", "Region: APAC", "Asia and the Pacific.", None, False),
]

ORGANISATIONS = [
    ("Kestrel Logistics", "enterprise", "5000+ staff", "EMEA", "Europe/Berlin"),
    ("Northgate Health Trust", "public-sector", "12000 staff", "EMEA", "Europe/London"),
    ("Pinecrest Plumbing", "small-business", "12 staff", "Americas", "America/Chicago"),
    ("Aurora Retail Group", "enterprise", "Tier 1 (revenue > 1 bn)", "Americas", "America/New_York"),
    ("City of Lindenfeld", "public-sector", "3000 staff", "EMEA", "Europe/Berlin"),
    ("Bright Sparks Electrical", "small-business", "8 staff", "APAC", "Australia/Sydney"),
    ("Open Access Collective", "accessibility", "Charity, 40 volunteers", "EMEA", "Europe/Dublin"),
    ("Tidewater Facilities", "enterprise", "2200 staff", "APAC", "Asia/Singapore"),
    ("Casa Verde Jardinagem", "small-business", "15 staff", "Americas", "America/Sao_Paulo"),
    ("Seeing Clearly Foundation", "accessibility", "Foundation, 60 staff", "Americas", "America/Toronto"),
    ("Federal Revenue Office", "public-sector", "Agency, 8000 staff", "EMEA", "Europe/Vienna"),
    ("Mosaic Payments", None, "Partner, 400 staff", "EMEA", "Europe/Amsterdam"),
]

FIRST = ["Amara", "Ben", "Chloé", "Diego", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nadia",
         "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno",
         "Carmen", "Dara"]
LAST = ["Adeyemi", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jansen", "Kowalski",
        "Larsen", "Moreau", "Nakamura", "O'Neill", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga",
        "Weber", "Yilmaz", "Zhang"]

ROLES_BY_KIND = {
    "end_user": ["Accounts clerk", "Field technician", "Office manager", "Bookkeeper", "Dispatcher"],
    "buyer": ["Head of finance", "Procurement lead", "Owner", "IT director"],
    "operator": ["System administrator", "IT operations lead"],
    "support": ["Support agent", "Support team lead"],
    "regulator": ["Data protection officer", "Accessibility auditor", "Tax compliance officer"],
    "partner": ["Integration engineer", "Partner manager"],
    "internal_proxy": ["Customer success manager", "Sales engineer", "Account manager"],
}

ACCESSIBILITY = ["Uses a screen reader (NVDA)", "Needs captions for all video", "Uses 200% zoom", "Switch access; keyboard only", "Prefers plain-language summaries"]

DISCLOSURES = {
    "Mosaic Payments": ("conflict_of_interest", "Mosaic sells a competing reconciliation add-on and benefits if we defer native bank feeds."),
}

CONSENT_TEXTS = {
    "recording": "We record sessions to write accurate notes. Recordings are kept for 90 days and seen only by the product team.",
    "quoting": "We may quote what you say, without your name, in our decision records and release notes.",
    "telemetry": "With your permission we collect anonymous usage data from your account to measure whether changes help.",
    "contact": "We will e-mail you about sessions, what became of your feedback, and closure notes. You can stop this at any time.",
}


def _team():
    from heard.core import actions as core_actions
    from heard.core.models import Workspace

    workspace = Workspace.objects.filter(slug=DEMO_WORKSPACE).first()
    if workspace is None:
        workspace = core_actions.create_workspace(actor=None, slug=DEMO_WORKSPACE, name="Fernhill Software")
    for email, name, role in TEAM:
        core_actions.add_member(actor=None, workspace=workspace, email=email, role=role, name=name, password=DEMO_PASSWORD)
    for slug, name, description in PRODUCTS:
        if not workspace.products.filter(slug=slug).exists():
            product = core_actions.create_product(actor=None, workspace=workspace, slug=slug, name=name, description=description)
            # Each product's colour in the portal (docs/design.md); idempotent: only on creation.
            core_actions.update_product(actor=None, product=product, data={"accent": DEMO_ACCENTS[slug]})
    # The demo is ready to use: no first-run wizard for its owner.
    core_actions.finish_setup(actor=None, workspace=workspace)
    return workspace


def _stakeholder_map(workspace):
    from heard.stakeholders import actions
    from heard.stakeholders.models import ConsentPurpose

    for slug, name, description, share, edge in SEGMENTS:
        if not workspace.segments.filter(slug=slug).exists():
            actions.create_segment(actor=None, workspace=workspace, data={"slug": slug, "name": name, "description": description, "target_share": share, "is_edge_case": edge})
    orgs = {}
    for name, segment, size, region, _tz in ORGANISATIONS:
        org = workspace.organisations.filter(name=name).first()
        if org is None:
            org = actions.create_organisation(actor=None, workspace=workspace, data={"name": name, "segment": segment, "size_tier": size, "region": region})
        orgs[name] = org
    if workspace.stakeholders.exists():
        return
    rng = random.Random(20261122)
    kinds = (["end_user"] * 22 + ["buyer"] * 9 + ["operator"] * 6 + ["support"] * 6 + ["regulator"] * 4 + ["partner"] * 4 + ["internal_proxy"] * 9)
    now = timezone.now()
    used_names = set()
    region_segment = {"EMEA": "emea", "Americas": "americas", "APAC": "apac"}
    for i, kind in enumerate(kinds):
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used_names:
                used_names.add(name)
                break
        if kind == "partner":
            org_name = "Mosaic Payments"
        elif kind == "internal_proxy":
            org_name = None
        else:
            org_name = ORGANISATIONS[i % (len(ORGANISATIONS) - 1)][0]
        org_row = next((o for o in ORGANISATIONS if o[0] == org_name), None)
        segments = []
        if org_row and org_row[1]:
            segments.append(org_row[1])
        if org_row:
            segments.append(region_segment[org_row[3]])
        if org_row and org_row[1] == "accessibility" or rng.random() < 0.08:
            if "accessibility" not in segments:
                segments.append("accessibility")
        domain = (org_name or "fernhill").lower().replace(" ", "").replace("'", "")[:18]
        email = f"{name.lower().replace(' ', '.').replace('é', 'e').replace('í', 'i').replace(chr(39), '')}@{domain}.example"
        influence = {"buyer": 5, "regulator": 4, "operator": 3, "partner": 3}.get(kind, rng.choice([1, 2, 2, 3]))
        interest = rng.choice([2, 3, 4, 5]) if kind != "regulator" else 3
        data = {
            "name": name, "email": email, "organisation": org_name or "", "kind": kind, "segments": segments,
            "role_title": rng.choice(ROLES_BY_KIND[kind]), "influence": min(5, max(1, influence - rng.choice([0, 0, 1]))),
            "interest": interest, "time_zone": org_row[4] if org_row else "Europe/London",
            "language": {"Casa Verde Jardinagem": "pt-BR", "City of Lindenfeld": "de", "Federal Revenue Office": "de"}.get(org_name or "", "en"),
            "accessibility_needs": rng.choice(ACCESSIBILITY) if "accessibility" in segments else "",
            "notes": "Speaks for the account team's view of customers." if kind == "internal_proxy" else "",
        }
        stakeholder = actions.create_stakeholder(actor=None, workspace=workspace, data=data)
        # Everyone agreed to be contacted; most to recording and quoting; fewer to telemetry.
        granted = now - timedelta(days=rng.randint(30, 400))
        for purpose, chance in ((ConsentPurpose.CONTACT, 1.0), (ConsentPurpose.RECORDING, 0.8), (ConsentPurpose.QUOTING, 0.7), (ConsentPurpose.TELEMETRY, 0.4)):
            if rng.random() < chance:
                consent = actions.grant_consent(actor=None, stakeholder=stakeholder, purpose=purpose, disclosure_text=CONSENT_TEXTS[purpose], granted_at=granted)
                if purpose == ConsentPurpose.CONTACT and i in (5, 17):
                    actions.withdraw_consent(actor=None, consent=consent, withdrawn_at=now - timedelta(days=10))
        if org_name in DISCLOSURES:
            kind_d, text = DISCLOSURES[org_name]
            actions.add_disclosure(actor=None, stakeholder=stakeholder, kind=kind_d, description=text)
        if kind == "buyer" and i % 3 == 0:
            actions.add_disclosure(actor=None, stakeholder=stakeholder, kind="incentive", description="Received a 10% renewal discount for joining the customer advisory board.")


def _app_sections():
    """Each app may offer ``heard.<app>.demo.load(workspace)``, run in INSTALLED_APPS order."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("heard.") or config.name == "heard.stakeholders":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield module.load


def load_demo() -> list[str]:
    """Create (or complete) the demo workspace. Returns lines to print."""
    with transaction.atomic():
        workspace = _team()
        _stakeholder_map(workspace)
        for section in _app_sections():
            section(workspace)
    return [
        f"Demo workspace “{workspace.name}” ({workspace.slug}): {workspace.products.count()} products, "
        f"{workspace.organisations.count()} organisations, {workspace.stakeholders.count()} stakeholders.",
    ]
