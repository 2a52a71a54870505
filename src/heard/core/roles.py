"""What each workspace role may do: the one place where this is written down.

docs/roles.md mirrors this table and a test keeps the two in step. Actions call
``permissions.require(actor, workspace, capability)``; queries call ``can(...)``.
"""

OWNER = "owner"
PRODUCT_OWNER = "product_owner"
SCRUM_MASTER = "scrum_master"
DEVELOPER = "developer"
VIEWER = "viewer"

ROLE_CHOICES = [
    (OWNER, "Owner"),
    (PRODUCT_OWNER, "Product owner"),
    (SCRUM_MASTER, "Scrum master"),
    (DEVELOPER, "Developer"),
    (VIEWER, "Viewer"),
]
ROLES = [r for r, _ in ROLE_CHOICES]

_ALL = frozenset(ROLES)
_LEADS = frozenset({OWNER, PRODUCT_OWNER})
_FACILITATORS = frozenset({OWNER, PRODUCT_OWNER, SCRUM_MASTER})
_TEAM = frozenset({OWNER, PRODUCT_OWNER, SCRUM_MASTER, DEVELOPER})

# capability -> (roles that hold it, what it lets you do)
CAPABILITIES: dict[str, tuple[frozenset[str], str]] = {
    "workspace.view": (_ALL, "See the workspace, its products, stakeholders, feedback and decisions."),
    "workspace.manage": (frozenset({OWNER}), "Rename the workspace and run its first-run setup."),
    "products.manage": (_LEADS, "Add, edit, archive and unarchive products."),
    "members.manage": (frozenset({OWNER}), "Add (invite) and remove team members and change their roles."),
    "audit.view": (frozenset({OWNER}), "Read the audit log."),
    "tokens.create": (_ALL, "Create, list and revoke your own API tokens for this workspace (a token acts with your role, here only)."),
    "tokens.manage": (frozenset({OWNER}), "See and revoke every API token made for this workspace."),
    "glossary.edit": (frozenset({OWNER}), "Edit the workspace's plain-language glossary."),
    "stakeholders.edit": (_FACILITATORS, "Create and edit organisations, segments, stakeholders, consents and disclosures."),
    "stakeholders.import": (_FACILITATORS, "Import stakeholders from CSV."),
    "stakeholders.export": (_LEADS, "Export everything heard holds on one stakeholder."),
    "stakeholders.erase": (_LEADS, "Erase (anonymise) a stakeholder."),
    "feedback.record": (_TEAM, "Record, edit and link feedback."),
    "feedback.dispose": (_LEADS, "Set a feedback item's disposition and merge items."),
    "backlog.edit": (_TEAM, "Create and edit backlog items and acceptance criteria."),
    "sessions.edit": (_FACILITATORS, "Plan sessions, agendas, participants and pre-reads."),
    "decisions.edit": (_FACILITATORS, "Open decisions, add options and evidence."),
    "decisions.decide": (_LEADS, "Record the outcome of a decision (subject to decision rights)."),
    "closure.send": (_LEADS, "Review and send closure notes."),
    "tickets.import": (_TEAM, "Import support tickets."),
    "themes.edit": (_FACILITATORS, "Rename, merge, split, pin themes and run theme mining."),
    "demos.plan": (_FACILITATORS, "Choose the acceptance criteria a demo session demonstrates and their scenarios."),
    "demos.record": (_TEAM, "Record demo verdicts and sign-offs on a stakeholder's behalf."),
    "programs.edit": (_FACILITATORS, "Create beta and pilot programs, their cohorts, participants and thresholds; start and end them."),
    "programs.telemetry": (_TEAM, "Import and send telemetry for a running program."),
    "programs.conclude": (_LEADS, "Confirm a program's go / no-go, which becomes evidence on a decision."),
}


def roles_with(capability: str) -> frozenset[str]:
    return CAPABILITIES[capability][0]


def capabilities_of(role: str | None) -> frozenset[str]:
    """Every capability the role holds (none for None)."""
    return frozenset(c for c, (roles, _text) in CAPABILITIES.items() if role in roles)
