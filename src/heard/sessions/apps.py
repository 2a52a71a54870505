from heard.participation import apps as participation


class SessionsConfig(participation.TakesPartConfig):
    name = "heard.sessions"
    label = "heard_sessions"
    verbose_name = "Collaboration sessions"
