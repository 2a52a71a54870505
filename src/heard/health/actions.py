"""Changes of state in health: recounting a product's figures from raw rows.

Rollups follow writes on their own (``hooks``); these actions are for operators: after an
upgrade, a restore, or a change of stakeholder segments (counts attribute feedback and seats
to the segments people had when the week was counted).
"""

from __future__ import annotations

from heard.core import audit, permissions

from . import rollups


def rebuild(*, actor, product) -> int:
    """Recount every week of ``product`` from raw rows, then its flags and snapshot.
    Returns the number of weeks counted. One audit event."""
    permissions.require(actor, product.workspace, "workspace.manage")
    weeks = rollups.rebuild(product)
    audit.record(actor=actor, workspace=product.workspace, verb="health.rebuilt", target=product, after={"weeks": weeks})
    return weeks


def refresh(*, actor, product) -> int:
    """Recount only the weeks written since the last refresh (what the worker does)."""
    permissions.require(actor, product.workspace, "workspace.view")
    return rollups.refresh(product)
