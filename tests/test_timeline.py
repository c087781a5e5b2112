from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.build import Builder, Project
from site_gen.dates import EventDate
from site_gen.timeline import Event, make_timeline


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


# An edit that moves events without changing their links (Builder.update) remakes the timeline with
# moved_in_timeline, not make_timeline: both must give the same timeline, whatever moved where.
_CATEGORIES = ("provocation", "response", "summit")
_ACTORS = ("north-korea", "south-korea", "united-states")
_TAGS = ("icbm", "srbm", "sanctions", "talks")


def _config():
    from site_gen.model import Actor, Category, SiteConfig  # noqa: PLC0415

    return SiteConfig.model_construct(
        title="T", categories={c: Category.model_construct(name=c.title(), colour="#000000") for c in _CATEGORIES},
        actors={a: Actor.model_construct(name=a.title()) for a in _ACTORS})


_dates = st.builds(lambda year, month, day, hour: EventDate(year, month, day and month and day,
                                                             *((hour, 0, None, 540) if hour is not None and day and month else ())),
                   st.integers(2019, 2021), st.one_of(st.none(), st.integers(1, 12)),
                   st.one_of(st.none(), st.integers(1, 28)), st.one_of(st.none(), st.integers(0, 23)))
_places = st.fixed_dictionaries({"date": _dates, "category": st.sampled_from(_CATEGORIES),
                                 "actors": st.lists(st.sampled_from(_ACTORS), unique=True),
                                 "tags": st.lists(st.sampled_from(_TAGS), unique=True)})  # as the model makes them


def _snapshot(timeline):
    ids = lambda events: [e.id for e in events]  # noqa: E731
    events = [(e.id, e.previous and e.previous.id, e.next and e.next.id, ids(e.responds_to), ids(e.responses),
               ids(e.linked), ids(e.chain)) for e in timeline.events]
    terms = [(t.kind, t.slug, t.name, t.colour, ids(t.events)) for kind in (timeline.years, timeline.categories,
                                                                             timeline.actors, timeline.tags) for t in kind]
    return events, terms


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_moving_events_gives_the_timeline_made_afresh(data):
    from site_gen.model import EventEntry  # noqa: PLC0415
    from site_gen.timeline import moved_in_timeline  # noqa: PLC0415

    count = data.draw(st.integers(1, 14))
    places = data.draw(st.lists(_places, min_size=count, max_size=count))
    links = [data.draw(st.lists(st.sampled_from([f"e{j}" for j in range(count) if j != i]), unique=True, max_size=3))
             if count > 1 else [] for i in range(count)]
    moved = data.draw(st.dictionaries(st.integers(0, count - 1), _places, min_size=1, max_size=4))
    config = _config()

    def events_with(changes):
        return [Event(f"e{i}", f"e{i}.md", EventEntry.model_construct(
            title=f"E{i}", summary="", sources=[], responds_to=links[i], **changes.get(i, places[i])), "")
                for i in range(count)]

    events = events_with({})
    timeline = make_timeline(config, events, [])
    before = {events[i]: events[i].entry for i in moved}
    for i, place in moved.items():
        events[i].entry = events[i].entry.model_copy(update=place)
    # Snapshots only in the assertion: pytest's repr of a timeline would follow every link, without end.
    moved_only = _snapshot(moved_in_timeline(timeline, before))
    made_afresh = _snapshot(make_timeline(config, events_with(moved), []))
    assert moved_only == made_afresh


def test_a_name_given_twice_files_the_event_once(project):
    project.event("a", actors=["north-korea", "north-korea"], tags=["srbm", "srbm"], date="2026-01-05")
    project.event("b", responds_to=["a", "a"], category="response", date="2026-01-06")
    timeline = timeline_of(project)
    a, b = timeline.events
    assert a.entry.actors == ["north-korea"] and a.entry.tags == ["srbm"] and b.entry.responds_to == ["a"]
    assert [e.id for e in a.responses] == ["b"] and [e.id for e in b.responds_to] == ["a"]
    assert [[e.id for e in t.events] for t in timeline.tags] == [["a"]]
    assert [[e.id for e in t.events] for t in timeline.actors if t.events] == [["a"]]
