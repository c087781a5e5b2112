"""One digest of a whole output tree: every file's path and bytes, in path order. Two builds with the
same digest wrote the same files, byte for byte (tests/test_output_digest.py; speed work keeps it).

    python bench/output_digest.py output/            # prints the digest and the number of files
    python bench/output_digest.py --corpus 1000      # builds bench/corpus.py's corpus cold, prints its digest
    python bench/output_digest.py --record           # builds both and records them in tests/output_digests.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def tree_digest(folder: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest(), len(files)


def built_digest(project: Path, *options: str) -> tuple[str, int]:
    """Build `project` with `site-gen build OPTIONS` in a new process, into a fresh folder; its digest."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        subprocess.run([sys.executable, "-m", "site_gen", "build", "--no-cache", "--output", str(output), *options],
                       cwd=project, check=True, capture_output=True)
        return tree_digest(output)


HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RECORDED = REPO / "tests" / "output_digests.json"


def bundled_site(folder: Path) -> Path:
    """A copy of the bundled site's inputs (nothing of a previous output or cache)."""
    folder.mkdir(parents=True)
    for part in ("site.yaml", "content", "templates"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, folder / part)
    return folder


def corpus_site(folder: Path, events: int) -> Path:
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus  # noqa: PLC0415
    return make_corpus(folder, events)


def record() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
        recorded["bundled"] = built_digest(bundled_site(Path(tmp) / "bundled"))[0]
        recorded["corpus-1000"] = built_digest(corpus_site(Path(tmp) / "corpus", 1000))[0]
        RECORDED.write_text(json.dumps(recorded, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(recorded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--corpus", type=int, help="build bench/corpus.py's corpus of this many events")
    parser.add_argument("--record", action="store_true", help="record the bundled site's and the corpus's digests")
    args = parser.parse_args()
    if args.record:
        record()
    elif args.corpus:
        with tempfile.TemporaryDirectory() as tmp:
            print(*built_digest(corpus_site(Path(tmp) / "site", args.corpus)))
    else:
        print(*tree_digest(args.folder))


if __name__ == "__main__":
    main()
