from heard.participation import apps as participation


class DecisionsConfig(participation.TakesPartConfig):
    name = "heard.decisions"
    label = "decisions"
    verbose_name = "Decision records"
