from bs4 import BeautifulSoup

from site_gen.build import Project, build
from site_gen.markup import MarkdownRenderer
from site_gen.problems import BuildError
from site_gen.render import link_maker

import pytest


@pytest.mark.parametrize("page, target, expected", [
    ("index.html", "/events/x/", "events/x/index.html"),
    ("index.html", "/", "index.html"),
    ("events/x/index.html", "/", "../../index.html"),
    ("events/x/index.html", "/events/y/", "../../events/y/index.html"),
    ("events/x/index.html", "/static/style.css", "../../static/style.css"),
    ("tags/index.html", "/#year-2026", "../index.html#year-2026"),
])
def test_links_are_relative_and_name_index_html(page, target, expected):
    assert link_maker(page, "https://user.github.io/repo/", absolute=False)(target) == expected


def test_absolute_links_keep_the_base_path():
    url = link_maker("404.html", "https://user.github.io/nk-timeline/", absolute=True)
    assert url("/events/x/") == "/nk-timeline/events/x/"
    assert url("/static/style.css") == "/nk-timeline/static/style.css"
    assert link_maker("404.html", "https://example.org/", absolute=True)("/") == "/"


def test_markdown_is_sanitized_by_default():
    html = MarkdownRenderer()(
        "Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
        "<a href='https://ok.example/' onclick='evil()'>ok</a>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert all(not attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert all("javascript" not in (a.get("href") or "") for a in soup.find_all("a"))
    assert soup.find("a", string="ok")["href"] == "https://ok.example/"
    assert soup.find("table") is not None  # Markdown tables (the 'extra' extension) survive


def test_trusted_html_is_kept_as_written():
    assert "<span class=\"x\" onclick=\"f()\">" in MarkdownRenderer(trusted_html=True)(
        '<span class="x" onclick="f()">a</span>')


def test_front_matter_text_is_escaped(project):
    project.event("a", title="<script>alert('t')</script> & co", summary="<b>not bold</b>")
    build(Project(project.root), project.output)
    soup = BeautifulSoup((project.output / "events/a/index.html").read_text(), "html.parser")
    assert soup.h1.get_text() == "<script>alert('t')</script> & co"
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]  # data, not code
    assert soup.select_one(".lede").get_text() == "<b>not bold</b>"


def test_template_syntax_error_names_template_and_line(project):
    path = project.root / "templates" / "page.html"
    lines = path.read_text().splitlines()
    lines[2] = "{% if %}"
    path.write_text("\n".join(lines))
    project.write("content/pages/about.md", "---\ntitle: About\n---\nHi\n")
    project.event("a")
    with pytest.raises(BuildError) as caught:
        build(Project(project.root), project.output)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("templates/page.html", 3, "template")


def test_template_runtime_error_names_template_and_line(project):
    path = project.root / "templates" / "404.html"
    path.write_text(path.read_text().replace('<h1>{{ _("Page not found") }}</h1>', "\n<h1>{{ no_such_variable }}</h1>"))
    project.event("a")
    with pytest.raises(BuildError) as caught:
        build(Project(project.root), project.output)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("templates/404.html", 5)
    assert "no_such_variable" in problem.message
