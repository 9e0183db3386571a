"""Quality gate on the labelled set; thresholds a little under measured
figures (see docs/matching.md, Evaluation)."""
import json

from matching.eval.evaluate import LABELLED, evaluate, load_marks


def test_labelled_set_size():
    doc = json.loads(LABELLED.read_text())
    assert len(doc["batch"]["needs"]) >= 30 and len(doc["batch"]["side_streams"]) >= 60
    assert all(g["justification"] for g in doc["grades"])


def test_quality_thresholds():
    q = evaluate()["labelled"]
    assert q["ndcg@5"] >= 0.78
    assert q["precision@5"] >= 0.75
    assert q["infeasible@5"] <= 0.02


def test_broker_marks(tmp_path):
    batch = tmp_path / "b.json"
    batch.write_text((__import__("pathlib").Path(__file__).parent / "data" / "example.json").read_text())
    marks = tmp_path / "m.csv"
    marks.write_text("need_id,stream_id,good,reason,batch\nN1,S3,true,fly ash works,b.json\n")
    doc, grades = load_marks(marks)
    assert grades[0]["grade"] == 3
    out = evaluate(marks=str(marks))
    assert {"labelled", "marks", "combined"} <= set(out)
