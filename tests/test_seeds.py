"""End to end on the canonical example in ../shared/data/seeds, and the bundled demo."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from storyline.cli import app
from storyline.store import Store

runner = CliRunner()
SEED_IDS = ["000_de7fdb9a6208bcfe", "004_7e4a66e9d0eb6e98"]


def test_analyze_seeds_folder(shared_data, tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "result.json"
    result = runner.invoke(
        app, ["analyze", str(shared_data / "seeds"), "--db", str(db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert [a["id"] for a in document["articles"]] == SEED_IDS
    first, second = document["articles"]
    assert (first["source"], first["published"]) == ("forces.net", "2019-10-22")
    assert (second["source"], second["published"]) == ("businessinsider.com", "2019-10-23")
    assert first["title"] == "US Forces Moving To Iraq Have 'No Permission' To Stay"

    with Store(db) as store:
        forces = store.get_article(SEED_IDS[0]).article.text.split("\n\n")
        insider = store.get_article(SEED_IDS[1]).article.text.split("\n\n")
    assert forces[0].startswith("The Iraqi military says they have not given")
    assert not any("ground patrol" in p or "(Picture: PA)" in p for p in forces)
    assert forces[-1].startswith('"I am the only person who can fight')
    assert len(forces) == 14  # 18 paragraphs less the headline, two captions, one credit
    assert not any("homepage" in p for p in insider)
    assert insider[0].startswith("- One thousand American troops")
    assert insider[-1].startswith("US troops are making an humiliating exit")
    assert len(insider) == 20  # 22 lines less the headline and the homepage prompt
    assert "There is no permission granted for these forces to stay inside Iraq." in " ".join(
        forces
    )


def test_demo_runs_on_the_bundled_example(tmp_path):
    result = runner.invoke(app, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "demo" / "result.json").read_text())
    assert [a["id"] for a in document["articles"]] == SEED_IDS
    assert "result.json" in result.stdout
