from pathlib import Path

from site_gen.content import load_folder, parse_entry, read_text


def test_front_matter_and_body_are_split_with_the_body_line():
    entry, problem = parse_entry("---\ntitle: A\ndate: 2026-01-04\n---\nBody line one\n", "a.md")
    assert problem is None
    assert entry.front == {"title": "A", "date": "2026-01-04"}  # dates stay text for the model to parse
    assert entry.body == "Body line one\n"
    assert entry.body_line == 5


def test_timestamps_keep_their_offset_as_text():
    entry, _ = parse_entry("---\ndate: 2026-01-04T07:50:00+09:00\nyear: 2026\n---\n", "a.md")
    assert entry.front == {"date": "2026-01-04T07:50:00+09:00", "year": 2026}


def test_empty_front_matter_is_an_empty_mapping():
    entry, problem = parse_entry("---\n---\nbody", "a.md")
    assert problem is None and entry.front == {}


def test_bom_and_crlf_are_accepted(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff---\r\ntitle: A\r\n---\r\nBody\r\n".encode())
    text, problem = read_text(path, "a.md")
    entry, problem = parse_entry(text, "a.md")
    assert problem is None and entry.front == {"title": "A"} and entry.body == "Body\n"


def test_bytes_that_are_not_utf8_name_the_line(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: ok\nsummary: caf\xe9\n---\n")
    text, problem = read_text(path, "a.md")
    assert text is None
    assert str(problem) == "a.md:3: not valid UTF-8 (at byte offset 26); save the file as UTF-8"


def test_load_folder_is_sorted_recursive_and_skips_hidden(tmp_path: Path):
    for rel in ["b.md", "a.md", "2025/c.md", ".hidden/d.md", "notes.txt"]:
        path = tmp_path / "events" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\ntitle: x\n---\n")
    entries, problems = load_folder(tmp_path / "events", tmp_path)
    assert problems == []
    assert [e.file for e in entries] == ["events/2025/c.md", "events/a.md", "events/b.md"]
