from site_gen.build import Builder, Project


def timeline_of(project, drafts=False):
    return Builder(Project(project.root), drafts=drafts).load()[0]


def test_events_sorted_and_linked_both_ways(project):
    project.event("summit", date="2026-01-13", category="summit", responds_to=["reply"])
    project.event("launch", date="2026-01-04T07:50+09:00")
    project.event("reply", date="2026-01-04", category="response", responds_to=["launch"])
    project.event("other", date="2025-12-28")
    timeline = timeline_of(project)
    assert [e.id for e in timeline.events] == ["other", "launch", "reply", "summit"]
    by_id = timeline.by_id
    assert [e.id for e in by_id["launch"].responses] == ["reply"]
    assert [e.id for e in by_id["reply"].responds_to] == ["launch"]
    assert [e.id for e in by_id["reply"].responses] == ["summit"]
    assert [e.id for e in by_id["summit"].thread()] == ["launch", "reply", "summit"]
    assert by_id["launch"].previous.id == "other" and by_id["launch"].next.id == "reply"
    assert by_id["other"].previous is None and by_id["summit"].next is None


def test_taxonomies_and_years(project):
    project.event("a", date="2025-11-07", actors=["north-korea"], tags=["srbm", "ballistic-missile"])
    project.event("b", date="2026-01-04", actors=["north-korea", "south-korea"], tags=["srbm"])
    timeline = timeline_of(project)
    assert [(y.slug, [e.id for e in y.events]) for y in timeline.years] == [("2025", ["a"]), ("2026", ["b"])]
    assert [(t.slug, len(t.events)) for t in timeline.tags] == [("ballistic-missile", 1), ("srbm", 2)]
    actors = {a.slug: [e.id for e in a.events] for a in timeline.actors}
    assert actors == {"north-korea": ["a", "b"], "south-korea": ["b"]}
    assert [c.slug for c in timeline.categories] == ["provocation", "response", "summit"]  # the config's order


def test_conflicting_figures_are_grouped_by_measure(project):
    project.event("launch", figures=[
        {"what": "range", "value": 900, "unit": "km", "by": "JCS"},
        {"what": "apogee", "value": 50, "unit": "km", "by": "Japan"},
        {"what": "range", "value": 1000, "unit": "km", "by": "KCNA"}])
    [event] = timeline_of(project).events
    groups = [(what, [f.by for f in figures]) for what, figures in event.figure_groups()]
    assert groups == [("range", ["JCS", "KCNA"]), ("apogee", ["Japan"])]


def test_drafts_are_left_out_unless_asked(project):
    project.event("public")
    project.event("secret", draft=True)
    assert [e.id for e in timeline_of(project).events] == ["public"]
    assert [e.id for e in timeline_of(project, drafts=True).events] == ["public", "secret"]
