"""Command line: site-gen build | check | serve | new | publish | import.

Exit codes: 0 success, 1 content problems (all of them printed as file:line: field: message),
2 usage errors (bad options, an unsafe output folder).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .problems import BuildError, UsageError

# Each command imports what it needs when it runs: `site-gen --help`, and a build that finds nothing
# changed (site_gen.quick), load neither YAML, Markdown, Jinja nor pydantic (tests/test_startup.py).

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 70  # 70: EX_SOFTWARE, an internal error


def report_problems(error: BuildError, output: Path | None = None, what: str = "Build") -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    files = len({p.file for p in error.problems})
    kept = f"; {output} was left as it was" if output is not None else ""
    print(f"{what} failed: {len(error.problems)} problem(s) in {files} file(s){kept}.", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from .quick import look  # noqa: PLC0415

    root = Path(args.project).resolve()
    output = Path(args.output) if args.output else root / "output"
    looked = look(root, output, args.base_url, args.drafts, not args.no_cache)
    if looked.finished:
        for file, line, field, message in looked.finished["warnings"]:  # still true: nothing changed
            print(f"{file}:{line}: warning: {field}: {message}")
        print(f"Built {looked.finished['events']} events, {looked.finished['pages']} pages in "
              f"{time.perf_counter() - looked.started:.2f} s (0 files drawn, the rest unchanged) → {looked.output} "
              f"(open {looked.output / 'index.html'})")
        return EXIT_OK
    from .build import Project, build  # noqa: PLC0415 - the pipeline, only when there is work to do

    result = build(Project(root), output, base_url=args.base_url, drafts=args.drafts, jobs=args.jobs,
                   use_cache=not args.no_cache, looked=looked)
    for warning in result.warnings:
        print(f"{warning.file}:{warning.line}: warning: {warning.field}: {warning.message}")
    print(f"Built {result.events} events, {result.pages} pages in {result.seconds:.2f} s "
          f"({result.drawn} file{'s' if result.drawn != 1 else ''} drawn, the rest unchanged) → {output} (open {output / 'index.html'})")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .project import Project  # noqa: PLC0415
    from .check import run_check  # noqa: PLC0415

    checked = run_check(Project(Path(args.project).resolve()), args.drafts, args.links, not args.no_cache,
                        args.timeout)
    level, stream = ("error", sys.stderr) if args.strict else ("warning", sys.stdout)
    for warning in checked.warnings:
        field = f"{warning.field}: " if warning.field else ""
        print(f"{warning.file}:{warning.line}: {level}: {field}{warning.message}", file=stream)
    for line in checked.translations:
        print(line)
    count = len(checked.warnings)
    links = "" if checked.links is None else (f"; {checked.addresses} addresses, {checked.links.asked} asked, "
                                              f"{checked.links.cached} answered from the cache")
    if args.strict and count:
        print(f"Check failed: {count} warning(s), errors with --strict ({len(checked.timeline.events)} "
              f"events{links}).", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Checked {len(checked.timeline.events)} events: the site builds; {count} warning(s){links}.")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .project import Project  # noqa: PLC0415
    from .preview import serve  # noqa: PLC0415 - the server's imports are only needed here

    serve(Project(Path(args.project).resolve()), args.host, args.port, drafts=not args.no_drafts)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .project import Project  # noqa: PLC0415
    from .scaffold import new_entry  # noqa: PLC0415

    project = Project(Path(args.project).resolve())
    path = new_entry(project, args.title, args.date, args.category)
    print(f"Created {path.relative_to(project.root)} (a draft: fill in summary and sources, "
          "then remove draft: true to publish)")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from .project import Project  # noqa: PLC0415
    from .publish import PublishError, publish  # noqa: PLC0415

    project = Project(Path(args.project).resolve())
    try:
        result = publish(project, args.remote, args.branch, args.message, args.force, args.base_url)
    except PublishError as error:
        print(f"site-gen: publish failed: {error}", file=sys.stderr)
        return EXIT_CONTENT
    where = f"{args.remote}/{args.branch}"
    if result.commit:
        print(f"Published {result.files} files to {where} (commit {result.commit[:12]})")
    elif result.pushed:
        print(f"The site has not changed; pushed the existing {args.branch} commit to {where}")
    else:
        print(f"The site has not changed since the last publish; nothing committed to {where}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .project import Project  # noqa: PLC0415
    from .importers import (InputError, Writer, check_choices, cns, is_http_url, mapping, pipeline,  # noqa: PLC0415
                            present, timelinejs)

    writer = Writer(Project(Path(args.project).resolve()), update=args.update, dry_run=args.dry_run)
    config, path, options, zone = writer.config, Path(args.file), {}, None
    if args.format == "table":
        spec = mapping.load(Path(args.map))
    elif args.format == "cns":
        actors = args.actor or (["north-korea"] if "north-korea" in config.actors else [])
        check_choices(config, args.category or "provocation", actors)
        spec = cns.mapping_for(args.category, args.actor, args.database_url, config)
    else:
        category = args.category or next(iter(config.categories))
        check_choices(config, category, args.actor)
        zone = timelinejs.utc_offset(args.utc_offset)
        if args.source_url is not None and not is_http_url(args.source_url):
            raise UsageError(f"--source-url: {args.source_url!r} is not an http:// or https:// address")
        spec = timelinejs.mapping_for(path, args.actor)
        options = {"category": category, "source_url": args.source_url,
                   "source_publisher": present(args.source_publisher)}
    try:
        pipeline.run(writer, path, spec, args.encoding, options, zone)
    except InputError as error:  # the file as a whole cannot be read: nothing was imported
        print(f"site-gen: cannot import {args.file}: {error}", file=sys.stderr)
        return EXIT_CONTENT
    print(writer.summary())
    return EXIT_CONTENT if writer.failed() else EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="site-gen", description="Static timeline site generator.")
    top.add_argument("--project", default=".", metavar="DIR",
                     help="folder holding site.yaml, content/ and templates/ (default: current folder)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("build", help="build the site into output/")
    p.add_argument("--output", metavar="DIR", help="output folder (default: output/ in the project)")
    p.add_argument("--base-url", metavar="URL", help="the address the site is published at; overrides site.yaml")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    p.add_argument("--jobs", type=int, metavar="N", help="processes for large sites (default: one per core)")
    p.add_argument("--no-cache", action="store_true",
                   help="draw every file afresh, ignoring .cache/site-gen/ (the result is the same)")
    p.set_defaults(run=cmd_build)

    p = commands.add_parser("check", help="check everything a build checks, writing nothing; then warn")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    p.add_argument("--links", action="store_true",
                   help="also ask every source address and archived copy over HTTP(S) (the only use of the network)")
    p.add_argument("--no-cache", action="store_true",
                   help="with --links: ask every address again, ignoring the answers kept for a day in .cache/")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="with --links: how long to wait for each answer (default: 10)")
    p.set_defaults(run=cmd_check)

    p = commands.add_parser("serve", help="preview the site with live reload")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--no-drafts", action="store_true", help="leave drafts out, as site-gen build does")
    p.set_defaults(run=cmd_serve)

    p = commands.add_parser("publish", help="build and push the site to the gh-pages branch (GitHub Pages)")
    p.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    p.add_argument("--branch", default="gh-pages", help="branch to publish to (default: gh-pages)")
    p.add_argument("--message", help="commit message")
    p.add_argument("--force", action="store_true", help="replace remote commits this repository does not have")
    p.add_argument("--base-url", metavar="URL", help="the address the site is published at; overrides site.yaml")
    p.set_defaults(run=cmd_publish)

    p = commands.add_parser("new", help="start a new event entry (a draft)")
    p.add_argument("title", help="the event's title")
    p.add_argument("--date", required=True, help="2026-01-04, 2026-01 or 2026-01-04T07:50+09:00")
    p.add_argument("--category", required=True, help="a category slug from site.yaml")
    p.set_defaults(run=cmd_new)

    p = commands.add_parser("import", help="write entries from a spreadsheet, CSV, JSON, TimelineJS or the CNS "
                                           "missile test database")
    formats = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("file", metavar="FILE")
    common.add_argument("--encoding", metavar="NAME", help="the file's text encoding, e.g. mac_roman or cp949 "
                        "(default: told from the file)")
    common.add_argument("--update", action="store_true",
                        help="replace entries this import made before whose content has changed")
    common.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    common.set_defaults(run=cmd_import)
    tb = formats.add_parser("table", parents=[common], help="CSV/TSV, .xlsx or JSON, with a mapping of columns "
                            "to fields")
    tb.add_argument("--map", required=True, metavar="MAPPING.yaml", help="which column fills which field")
    tl = formats.add_parser("timelinejs", parents=[common],
                            help="TimelineJS JSON, or the CSV of its Google Sheet template")
    tl.add_argument("--category", metavar="SLUG",
                    help="category for slides whose group names none (default: the first in site.yaml)")
    tl.add_argument("--actor", action="append", default=[], metavar="SLUG", help="actor for every entry; repeatable")
    tl.add_argument("--utc-offset", default="Z", metavar="OFFSET",
                    help="UTC offset of slide times, e.g. +09:00, unless a display_date names one (default: Z)")
    tl.add_argument("--source-url", metavar="URL", help="source for slides whose text has no link")
    tl.add_argument("--source-publisher", metavar="NAME", help="publisher of --source-url (default: its host)")
    cn = formats.add_parser("cns", parents=[common], help="the CNS North Korea Missile Test Database, .xlsx or .csv")
    cn.add_argument("--category", metavar="SLUG", help="category for the entries (default: provocation)")
    cn.add_argument("--actor", action="append", default=[], metavar="SLUG",
                    help="actor for every entry; repeatable (default: north-korea, if site.yaml defines it)")
    cn.add_argument("--database-url", metavar="URL", help="the database's address, cited as every entry's source")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildError as error:
        report_problems(error, (getattr(args, "output", None) or "output/") if args.command == "build" else None,
                        "Check" if args.command == "check" else "Build")
        return EXIT_CONTENT
    except UsageError as error:
        print(f"site-gen: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - anything else is a bug in site-gen, not in the user's files
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        print("site-gen: internal error (a bug in site-gen, not in your files); please report it with the "
              "lines above", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
