"""The migration that gives every existing token one workspace: old tokens keep working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

BEFORE = [("core", "0003_product_portal_branding")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_keep_working_in_their_persons_first_workspace(workspace, other_workspace, member):
    from heard.core.models import ApiToken, Membership

    dev = member("developer")  # in acme first, then globex
    Membership.objects.create(user=dev, workspace=other_workspace, role="owner")
    loner = type(dev).objects.create_user(email="loner@example.com", password="x")
    old = migrate(BEFORE)
    OldToken = old.get_model("core", "ApiToken")
    raw_dev, raw_loner = "hrd_old-dev-token", "hrd_old-loner-token"
    OldToken.objects.create(user_id=dev.pk, name="old", prefix=raw_dev[:12], key_hash=ApiToken.hash(raw_dev))
    OldToken.objects.create(user_id=loner.pk, name="old", prefix=raw_loner[:12], key_hash=ApiToken.hash(raw_loner))
    migrate()

    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw_dev))
    assert (token.workspace, token.scope, token.expires_at, token.revoked_at) == (workspace, "write", None, None)
    client = Client()
    bearer = {"Authorization": f"Bearer {raw_dev}"}
    assert client.get("/api/v1/members", headers=bearer).status_code == 200
    assert client.get("/api/v1/members?workspace=globex", headers=bearer).status_code == 404
    orphan = ApiToken.objects.get(key_hash=ApiToken.hash(raw_loner))
    assert orphan.workspace is None and orphan.revoked_at is not None
    assert client.get("/api/v1/members", headers={"Authorization": f"Bearer {raw_loner}"}).status_code == 401
