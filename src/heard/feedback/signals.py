"""Signals the feedback app sends for writes that bypass model signals.

``feedback_imported(sender=Feedback, items=[...])`` after a bulk import wrote ``items``
(inside the import's transaction), so rollups kept elsewhere (health) can follow.
"""

from django.dispatch import Signal

feedback_imported = Signal()
