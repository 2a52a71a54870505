"""Keep the health rollups current on write: every save or delete of a row a figure counts
marks its week as pending (in the writer's transaction) and asks for a refresh after the
commit. Receivers are Django signals so the apps that own the rows need not know about
health; bulk writes that bypass signals send ``heard.feedback.signals.feedback_imported``.

The cost per write is one or two indexed statements (see bench/health.py).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import rollups

_connected = False


def _feedback_days(feedback) -> list:
    days = [feedback.said_at]
    if feedback.session_id:
        cached = feedback._state.fields_cache.get("session")
        if cached is not None and cached.pk == feedback.session_id:
            days.append(cached.starts_at)
        else:
            from heard.sessions.models import Session

            days += list(Session.objects.filter(pk=feedback.session_id).values_list("starts_at", flat=True))
    return days


def _feedback_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values("said_at", "session_id").first()
    instance._health_old = old


def _feedback_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    days = _feedback_days(instance)
    old = getattr(instance, "_health_old", None)
    if old and (old["said_at"] != instance.said_at or old["session_id"] != instance.session_id):
        days.append(old["said_at"])
        if old["session_id"]:
            from heard.sessions.models import Session

            days += list(Session.objects.filter(pk=old["session_id"]).values_list("starts_at", flat=True))
    rollups.mark(instance.product_id, days)


def _feedback_deleted(sender, instance, **kwargs):
    rollups.mark(instance.product_id, _feedback_days(instance))


def _feedback_imported(sender, items=(), **kwargs):
    by_product: dict[int, list] = {}
    for f in items:
        by_product.setdefault(f.product_id, []).append(f.said_at)
    for product_id, days in by_product.items():
        rollups.mark(product_id, days)


def _disposition_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    feedback = instance.feedback
    rollups.mark(feedback.product_id, _feedback_days(feedback))


def _link_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    feedback = instance.feedback
    rollups.mark(feedback.product_id, _feedback_days(feedback))


def _evidence_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    decision = instance.decision
    days = [decision.decided_at or decision.created_at]
    if instance.feedback_id:
        days += _feedback_days(instance.feedback)
    rollups.mark(decision.product_id, days)


def _session_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._health_old_start = sender.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first()


def _session_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    rollups.mark(instance.product_id, [instance.starts_at, getattr(instance, "_health_old_start", None)])


def _session_part_written(sender, instance, raw=False, **kwargs):
    """A participant, pre-read, agenda item or objective: counted in its session's week."""
    if raw:
        return
    from heard.sessions.models import Session

    row = Session.objects.filter(pk=instance.session_id).values("product_id", "starts_at").first()
    if row:
        rollups.mark(row["product_id"], [row["starts_at"]])


def _decision_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    days = [instance.decided_at, instance.created_at]
    if instance.supersedes_id:
        days += list(sender.objects.filter(pk=instance.supersedes_id).values_list("decided_at", flat=True))
    rollups.mark(instance.product_id, days)


def _cycle_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    rollups.mark(instance.product_id, [rollups.day_start(instance.ends_on)])


def _note_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    cycle = instance.cycle
    days = [rollups.day_start(cycle.ends_on)]
    if instance.pk and instance.status == "sent":
        days += list(instance.feedback.values_list("said_at", flat=True))
    rollups.mark(cycle.product_id, days)


def _note_feedback_changed(sender, instance, action, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    _note_written(type(instance), instance)


def _item_pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = None if instance._state.adding or instance.pk is None else sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance._health_old_status = old


def _item_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    old, new = getattr(instance, "_health_old_status", None), instance.status
    if old == new:
        return
    kind = None
    if new == "released":
        kind = "released"
    elif old == "released":
        kind = "reopened"
    if kind:
        from .models import BacklogEvent

        event = BacklogEvent.objects.create(product_id=instance.product_id, backlog_item=instance, kind=kind)
        rollups.mark(instance.product_id, [event.at])


def _criterion_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._health_old_text = sender.objects.filter(pk=instance.pk).values_list("text", flat=True).first()


def _criterion_saved(sender, instance, raw=False, created=False, **kwargs):
    old = getattr(instance, "_health_old_text", None)
    if raw or created or old is None or old == instance.text:
        return
    from .models import BacklogEvent

    item = instance.item
    event = BacklogEvent.objects.create(product_id=item.product_id, backlog_item=item, criterion=instance, kind="criterion_changed")
    rollups.mark(item.product_id, [event.at])


def _engagement_saved(sender, instance, raw=False, **kwargs):
    # Lead time and promise change how past weeks read: recount the series' span.
    if raw:
        return
    rollups.mark_span(instance.product_id)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from heard.backlog.models import AcceptanceCriterion, BacklogItem
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.models import Feedback, FeedbackDisposition, FeedbackLink
    from heard.feedback.signals import feedback_imported
    from heard.sessions.models import (
        AgendaItem,
        EngagementModel,
        Objective,
        Participant,
        PreRead,
        Session,
    )

    uid = "heard.health"
    pre_save.connect(_feedback_pre_save, sender=Feedback, dispatch_uid=f"{uid}.fb.pre")
    post_save.connect(_feedback_saved, sender=Feedback, dispatch_uid=f"{uid}.fb.save")
    post_delete.connect(_feedback_deleted, sender=Feedback, dispatch_uid=f"{uid}.fb.del")
    feedback_imported.connect(_feedback_imported, dispatch_uid=f"{uid}.fb.import")
    post_save.connect(_disposition_written, sender=FeedbackDisposition, dispatch_uid=f"{uid}.disp")
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "del"
        signal.connect(_link_written, sender=FeedbackLink, dispatch_uid=f"{uid}.link.{name}")
        signal.connect(_evidence_written, sender=DecisionEvidence, dispatch_uid=f"{uid}.ev.{name}")
        signal.connect(_session_written, sender=Session, dispatch_uid=f"{uid}.session.{name}")
        for model in (Participant, PreRead, AgendaItem, Objective):
            signal.connect(_session_part_written, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}")
        signal.connect(_decision_written, sender=Decision, dispatch_uid=f"{uid}.decision.{name}")
        signal.connect(_cycle_written, sender=ClosureCycle, dispatch_uid=f"{uid}.cycle.{name}")
    pre_save.connect(_session_pre_save, sender=Session, dispatch_uid=f"{uid}.session.pre")
    post_save.connect(_note_written, sender=ClosureNote, dispatch_uid=f"{uid}.note.save")
    m2m_changed.connect(_note_feedback_changed, sender=ClosureNote.feedback.through, dispatch_uid=f"{uid}.note.m2m")
    pre_save.connect(_item_pre_save, sender=BacklogItem, dispatch_uid=f"{uid}.item.pre")
    post_save.connect(_item_saved, sender=BacklogItem, dispatch_uid=f"{uid}.item.save")
    pre_save.connect(_criterion_pre_save, sender=AcceptanceCriterion, dispatch_uid=f"{uid}.crit.pre")
    post_save.connect(_criterion_saved, sender=AcceptanceCriterion, dispatch_uid=f"{uid}.crit.save")
    post_save.connect(_engagement_saved, sender=EngagementModel, dispatch_uid=f"{uid}.engagement")
