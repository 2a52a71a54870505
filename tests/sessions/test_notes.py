from heard.feedback.models import Feedback
from heard.sessions import actions


def test_notes_become_feedback_linked_to_the_session_channel_and_speaker(client_as, workspace, product, session, customer):
    actions.add_participant(actor=None, session=session, stakeholder=customer.pk, right="advises")
    client = client_as("developer")
    url = f"/w/{workspace.slug}/p/{product.slug}/sessions/{session.pk}/notes/"
    page = client.get(url).content.decode()
    assert "Ada Customer" in page and "autofocus" in page
    response = client.post(url, {"stakeholder": str(customer.pk), "text": "The export misses the cost centre.", "observed": "", "expected": ""})
    assert response.status_code == 302 and f"speaker={customer.pk}" in response["Location"]
    feedback = Feedback.objects.get()
    assert feedback.session == session and feedback.stakeholder == customer and feedback.channel == "demo"
    customer.refresh_from_db()
    assert customer.last_heard_at is not None
    # The next note keeps the speaker chosen, and the list shows what was noted.
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{customer.pk}" selected>' in page and "misses the cost centre" in page


def test_an_empty_note_is_a_field_error(client_as, workspace, product, session):
    url = f"/w/{workspace.slug}/p/{product.slug}/sessions/{session.pk}/notes/"
    response = client_as("developer").post(url, {"stakeholder": "", "text": "  "})
    assert response.status_code == 400 and "text" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_viewers_cannot_record_notes(client_as, workspace, product, session):
    url = f"/w/{workspace.slug}/p/{product.slug}/sessions/{session.pk}/notes/"
    assert client_as("viewer").post(url, {"text": "Hello"}).status_code == 403
    assert not Feedback.objects.exists()
