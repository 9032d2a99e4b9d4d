"""`spdsl check`, `spdsl fmt`, `spdsl docs` and the top-level flags, through the real script."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from spatial_dsl import __version__

GOOD = 'question "Is the sink far from the fridge?"\nlet a = the("Sink")\n' \
       'let b = the("Fridge")\nanswer distance(a, b) > 1.5m\n'
BAD = 'let a = the("Sink")\nlet b = the("Fridge")\nanswer distance(a, b) > 1.5\n'
MANY = 'let a = distnce(the("A"), the("B"))\nlet b = 5ft\nanswer a\n'
UGLY = ("# Is the mug on the counter?\n"
        "let mug=the( \"Mug\" )   # the only mug\n"
        "let counter = the(\"CounterTop\");answer on( mug,counter, )\n"
        "# done\n")
UGLY_FORMATTED = ("# Is the mug on the counter?\n"
                  'let mug = the("Mug")  # the only mug\n'
                  'let counter = the("CounterTop")\n'
                  "answer on(mug, counter)\n"
                  "# done\n")
JSON_KEYS = {"code", "severity", "message", "line", "column", "end_line", "end_column", "hint"}


def parallel(spdsl, runs, cwd):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: spdsl(*args, cwd=cwd), runs))


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr


@pytest.fixture
def files(tmp_path):
    for name, text in {"good.sp": GOOD, "bad.sp": BAD, "many.sp": MANY,
                       "ugly.sp": UGLY}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "binary.sp").write_bytes(b"answer \"\xff\xfe\"\n")
    return tmp_path


def test_check_exit_codes_and_output(spdsl, files):
    good, bad, many, both, missing, binary = parallel(spdsl, [
        ("check", "good.sp"), ("check", "bad.sp"), ("check", "many.sp"),
        ("check", "good.sp", "bad.sp"), ("check", "missing.sp"), ("check", "binary.sp"),
    ], files)
    for proc in (good, bad, many, both, missing, binary):
        no_traceback(proc)
    assert (good.returncode, good.stdout, good.stderr) == (0, "", "")
    assert bad.returncode == 2
    assert bad.stdout == ("bad.sp:3:25: error[E-TYPE]: expected Length, got Number\n"
                          "  3 | answer distance(a, b) > 1.5\n"
                          "    |                         ^^^ write 1.5m for a length\n")
    assert many.returncode == 2
    assert re.findall(r"error\[(E-[A-Z]+)\]", many.stdout) == ["E-NAME", "E-UNIT"]
    assert "did you mean `distance`" in many.stdout
    assert both.returncode == 2 and both.stdout == bad.stdout
    assert missing.returncode == 2 and "cannot read missing.sp" in missing.stderr
    assert binary.returncode == 2 and "not valid UTF-8" in binary.stdout


def test_check_json_format(spdsl, files):
    bad, good, many = parallel(spdsl, [
        ("check", "--format", "json", "bad.sp"), ("check", "--format", "json", "good.sp"),
        ("check", "--format", "json", "many.sp", "good.sp", "bad.sp"),
    ], files)
    assert bad.returncode == 2 and good.returncode == 0 and many.returncode == 2
    assert json.loads(good.stdout) == []
    (record,) = json.loads(bad.stdout)
    assert JSON_KEYS <= set(record) <= JSON_KEYS | {"file"}
    assert {k: record[k] for k in JSON_KEYS} == {
        "code": "E-TYPE", "severity": "error", "message": "expected Length, got Number",
        "line": 3, "column": 25, "end_line": 3, "end_column": 28,
        "hint": "write 1.5m for a length"}
    records = json.loads(many.stdout)
    assert isinstance(records, list) and len(records) == 3
    for r in records:
        assert JSON_KEYS <= set(r)
        assert isinstance(r["line"], int) and isinstance(r["column"], int)
        assert r["severity"] in ("error", "warning")
        assert r["hint"] is None or isinstance(r["hint"], str)
    assert [r["code"] for r in records] == ["E-NAME", "E-UNIT", "E-TYPE"]


def test_fmt_check_then_fmt_then_check(spdsl, files):
    target = files / "ugly.sp"
    first = spdsl("fmt", "--check", "ugly.sp", cwd=files)
    assert first.returncode == 1 and "would reformat ugly.sp" in first.stdout
    assert target.read_text(encoding="utf-8") == UGLY  # --check changes nothing
    rewrite = spdsl("fmt", "ugly.sp", cwd=files)
    assert rewrite.returncode == 0 and "reformatted ugly.sp" in rewrite.stdout
    assert target.read_text(encoding="utf-8") == UGLY_FORMATTED  # comments kept
    again, check = parallel(spdsl, [("fmt", "--check", "ugly.sp"), ("check", "ugly.sp")], files)
    assert (again.returncode, again.stdout) == (0, "")
    assert check.returncode == 0
    assert not list(files.glob(".ugly.sp.tmp*"))  # no temporary file left behind


def test_fmt_refuses_broken_files_and_leaves_them_alone(spdsl, files):
    (files / "broken.sp").write_text("let a = (1 +\nanswer a\n", encoding="utf-8")
    (files / "deep.sp").write_text("answer " + "not " * 3000 + "true\n", encoding="utf-8")
    broken, deep, binary, typed = parallel(spdsl, [
        ("fmt", "broken.sp"), ("fmt", "deep.sp"), ("fmt", "binary.sp"), ("fmt", "--check",
                                                                         "bad.sp")], files)
    for proc in (broken, deep, binary, typed):
        no_traceback(proc)
    assert broken.returncode == 2 and "error[E-SYNTAX]" in broken.stderr
    assert (files / "broken.sp").read_text(encoding="utf-8") == "let a = (1 +\nanswer a\n"
    assert deep.returncode == 2 and "error[E-LIMIT]" in deep.stderr
    assert binary.returncode == 2 and "not valid UTF-8" in binary.stderr
    assert typed.returncode == 0  # fmt only needs a program that parses


def test_version(spdsl):
    proc = spdsl("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"spdsl {__version__}"


def _subcommands(help_text: str) -> list[str]:
    block = help_text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    return re.findall(r"^    ([a-z][a-z_-]*)\s", block, re.M)


def test_help_for_every_subcommand(spdsl, tmp_path):
    top = spdsl("--help")
    assert top.returncode == 0 and "usage: spdsl" in top.stdout
    commands = _subcommands(top.stdout)
    assert {"check", "fmt", "docs"} <= set(commands)
    procs = parallel(spdsl, [(c, "--help") for c in commands], tmp_path)
    for command, proc in zip(commands, procs):
        no_traceback(proc)
        assert proc.returncode == 0, command
        assert f"usage: spdsl {command}" in proc.stdout


def test_bad_command_lines_exit_2_without_traceback(spdsl, files):
    runs = [("--bogus",), ("check", "--bogus", "good.sp"), ("fmt", "--nope", "good.sp"),
            ("check",), ("check", "--format", "xml", "good.sp"), ("nonsense",), ()]
    for args, proc in zip(runs, parallel(spdsl, runs, files)):
        no_traceback(proc)
        assert proc.returncode == 2, args
        assert "usage: spdsl" in proc.stderr, args


def test_docs_to_stdout_and_file(spdsl, tmp_path):
    from spatial_dsl.lang.docs import reference_markdown

    out, to_file = parallel(spdsl, [("docs",), ("docs", "-o", "sub/ref.md")], tmp_path)
    assert out.returncode == 0 and out.stdout == reference_markdown()
    assert to_file.returncode == 0
    assert (tmp_path / "sub" / "ref.md").read_text(encoding="utf-8") == reference_markdown()


def test_in_process_main_matches(files, capsys, monkeypatch):
    """cli.main gives the same exit codes in-process (what the golden tests rely on)."""
    from spatial_dsl.cli import main

    monkeypatch.chdir(files)
    assert main(["check", "good.sp"]) == 0
    assert main(["check", "bad.sp"]) == 2
    assert main(["fmt", "--check", "good.sp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("bad.sp:3:25: error[E-TYPE]")
    with pytest.raises(SystemExit) as exc:
        main(["check", "--bogus"])
    assert exc.value.code == 2
