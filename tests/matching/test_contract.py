"""Validation: schema first, then the domain checks the schema can't express."""
import json
from pathlib import Path

import pytest

from matching import ContractError, Need, Stream, validate_batch
from matching import vocabulary as V
from matching.contract import SCHEMA_FILES, normalise_ewc

from mhelpers import need_rec, stream_rec

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "contract"
PKG = Path(__file__).resolve().parents[2] / "matching" / "schemas"


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_copies_equal_shared_contract(name):
    if not SHARED.exists():
        pytest.skip("shared/contract not present")
    assert json.loads((PKG / name).read_text()) == json.loads((SHARED / name).read_text())


def test_example_validates(example):
    streams, needs = validate_batch(example)
    assert [s.id for s in streams] == ["S1", "S2", "S3"]
    assert streams[0].values["Cr"] == 40000 and streams[0].values["leach:Cr"] == 0.05
    assert needs[0].permitted_ewc_codes == ("10 01 02",)


BAD = [
    ("side_streams", stream_rec("X1", composition={"Sio2": 40}), "X1", "composition.Sio2", "did you mean 'SiO2'"),
    ("side_streams", stream_rec("X2", composition={"SiO2": 140}), "X2", "composition.SiO2", "outside 0..100"),
    ("side_streams", stream_rec("X3", composition={"SiO2": 60, "Al2O3": 30, "LOI": 15}), "X3", "composition", "more than 100 + 2"),
    ("side_streams", stream_rec("X4", trace={"leach:Cd": 1}), "X4", "trace.leach:Cd", "belong in 'leaching'"),
    ("side_streams", stream_rec("X5", leaching={"Cd": 1}), "X5", "leaching.Cd", "must start with 'leach:'"),
    ("side_streams", stream_rec("X6", composition={"Cd": 1}), "X6", "composition.Cd", "belongs in 'trace'"),
    ("side_streams", stream_rec("X7", category="slagg"), "X7", "category", "is not one of"),
    ("side_streams", stream_rec("X8", available_from="2025-05-01", available_until="2025-01-01"), "X8", "available_until", "before available_from"),
    ("side_streams", stream_rec("X9", ewc_code="10-01-02"), "X9", "ewc_code", "does not match"),
    ("side_streams", stream_rec("X10", properties={"ph": 15}), "X10", "properties.ph", "outside 0..14"),
    ("needs", need_rec("Y1", requirements=[{"property": "SiO2+Alumina", "min": 1}]), "Y1", "requirements[0].property", "unknown property key 'Alumina'"),
    ("needs", need_rec("Y2", requirements=[{"property": "CaO", "min": 5, "max": 1}]), "Y2", "requirements[0]", "min 5 is greater than max 1"),
    ("needs", need_rec("Y3", requirements=[{"property": "CaO"}]), "Y3", "requirements[0]", "is not valid under any"),
    ("needs", need_rec("Y4", application="fertilizer"), "Y4", "application", "is not one of"),
    ("needs", need_rec("Y5", requirements=[{"property": "CaO", "per": "silica", "min": 1}]), "Y5", "requirements[0].per", "unknown property key"),
]


@pytest.mark.parametrize("kind,rec,rid,field,reason", BAD, ids=[b[2] for b in BAD])
def test_bad_input_names_record_field_and_reason(kind, rec, rid, field, reason):
    with pytest.raises(ContractError) as exc:
        validate_batch({kind: [rec]})
    msg = "\n".join(exc.value.messages)
    assert f"'{rid}'" in msg and f"'{field}'" in msg and reason in msg, msg


def test_duplicate_ids_refused():
    with pytest.raises(ContractError) as exc:
        validate_batch({"side_streams": [stream_rec("D"), stream_rec("D")]})
    assert "duplicate" in str(exc.value)


def test_nothing_built_when_one_record_is_bad(example):
    example["needs"][1]["requirements"][0]["property"] = "nv"
    with pytest.raises(ContractError):
        validate_batch(example)


def test_from_contract_validates_single_records():
    with pytest.raises(ContractError):
        Stream.from_contract(stream_rec("Z", composition={"XYZ": 1}))
    n = Need.from_contract(need_rec("Z", ewc_codes=["100102"]))
    assert n.ewc_codes == ("10 01 02",)


def test_ewc_normalised():
    assert normalise_ewc("100207*") == "10 02 07*"
    assert Stream.from_contract(stream_rec("E", ewc_code="10 0102")).ewc_code == "10 01 02"


def test_vocabulary():
    assert V.unit_of("SiO2") == "wt%" and V.unit_of("Cd") == "mg/kg" and V.unit_of("leach:SO4") == "mg/kg"
    assert V.kind_of("ph") == "properties" and V.is_known("leach:DOC") and not V.is_known("sio2")
    assert V.suggest("sio2") == "SiO2"
    assert V.parse_expression("SiO2+Al2O3+Fe2O3") == ("SiO2", "Al2O3", "Fe2O3")
    with pytest.raises(ValueError):
        V.parse_expression("SiO2+Foo")
