"""Speed work keeps the output: cold builds of the bundled site and of a 1,000-event corpus write
exactly the files, byte for byte, recorded in tests/output_digests.json before it began (in one
process and in several: the parallel path writes the same bytes as the serial one)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from output_digest import RECORDED, built_digest, bundled_site, corpus_site  # noqa: E402

DIGESTS = json.loads(RECORDED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_bundled_site_is_byte_identical_to_the_recorded_build(tmp_path, jobs):
    assert built_digest(bundled_site(tmp_path / "site"), "--jobs", jobs)[0] == DIGESTS["bundled"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_1000_event_corpus_is_byte_identical_to_the_recorded_build(tmp_path, jobs):
    assert built_digest(corpus_site(tmp_path / "site", 1000), "--jobs", jobs)[0] == DIGESTS["corpus-1000"]
