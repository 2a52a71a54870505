from django.contrib.auth import views as auth_views
from django.urls import include, path

from heard.api import api
from heard.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", core_views.home, name="home"),
    path("ui/theme/", core_views.set_theme, name="set_theme"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("api/v1/", api.urls),
    path("w/<slug:ws>/", core_views.workspace_home, name="workspace"),
    path("w/<slug:ws>/audit/", core_views.audit_log, name="audit_log"),
    path("w/<slug:ws>/", include("heard.core.urls")),  # products/, members/ and tokens/
    path("w/<slug:ws>/start/", include("heard.firstrun.urls")),
    path("w/<slug:ws>/stakeholders/", include("heard.stakeholders.urls")),
    # Product-level pages: /w/<ws>/p/<product>/...
    path("w/<slug:ws>/p/<slug:product>/", core_views.product_home, name="product_home"),
    path("w/<slug:ws>/p/<slug:product>/pick/", core_views.pick, name="pick"),
    path("w/<slug:ws>/p/<slug:product>/feedback/", include("heard.feedback.urls")),
    path("w/<slug:ws>/p/<slug:product>/backlog/", include("heard.backlog.urls")),
    path("w/<slug:ws>/p/<slug:product>/sessions/", include("heard.sessions.urls")),
    path("w/<slug:ws>/p/<slug:product>/decisions/", include("heard.decisions.urls")),
    # Tickets and themes share the /support/ prefix they had as one app.
    path("w/<slug:ws>/p/<slug:product>/support/themes/", include("heard.themes.urls")),
    path("w/<slug:ws>/p/<slug:product>/support/", include("heard.tickets.urls")),
    path("w/<slug:ws>/p/<slug:product>/closure/", include("heard.closure.urls")),
    path("w/<slug:ws>/p/<slug:product>/health/", include("heard.health.urls")),
    path("w/<slug:ws>/p/<slug:product>/demos/", include("heard.demos.urls")),
    path("w/<slug:ws>/p/<slug:product>/programs/", include("heard.programs.urls")),
    # The stakeholder portal: magic-link sign-in, no passwords, only the person's own things.
    path("portal/demos/", include("heard.demos.portal_urls")),
    path("portal/programs/", include("heard.programs.portal_urls")),
    path("portal/", include("heard.portal.urls")),
]

# Errors Django answers itself (outside any view's handling) are JSON under /api/.
handler400 = "heard.core.views.bad_request"
handler500 = "heard.core.views.server_error"
