"""Command line: ``python -m matching rank|ideas|evaluate``.

rank --input BATCH.json [--top K] [--include-infeasible] [--blends [--components 2|3]]
    prints JSON valid against matches.schema.json (every need has a key);
    with --blends also a "blends" key beside "matches": need id -> blends
    (see docs/matching.md, Blends); the match format is unchanged.
ideas --input BATCH.json --stream ID [--top K]
    prints pairing ideas for one stream as JSON.
evaluate [--marks FILE]
    prints nDCG@5, precision@5 and the share of infeasible suggestions in the
    top 5 on the labelled set (plus broker marks when given), and the blend
    cases of matching/eval/blends.json under "blends".
Invalid input: exit status 2, one message per problem on stderr.
"""
from __future__ import annotations

import argparse
import json
import sys

from .contract import ContractError


def _load(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise ContractError([f"{path}: field '(file)': cannot read JSON: {exc}"]) from None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m matching")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rank", help="rank side streams for every need of a batch")
    r.add_argument("--input", required=True)
    r.add_argument("--top", type=int, default=10)
    r.add_argument("--include-infeasible", action="store_true")
    r.add_argument("--blends", action="store_true", help="also blends of two (or three) streams per need")
    r.add_argument("--components", type=int, choices=(2, 3), default=2, help="largest blend (with --blends)")
    i = sub.add_parser("ideas", help="pairing ideas for one stream")
    i.add_argument("--input", required=True)
    i.add_argument("--stream", required=True)
    i.add_argument("--top", type=int, default=5)
    e = sub.add_parser("evaluate", help="quality on the labelled set")
    e.add_argument("--marks", help="broker marks (JSON or CSV), see docs/matching.md")
    args = ap.parse_args(argv)

    from .matcher import Matcher
    from .model import validate_batch
    try:
        if args.cmd == "rank":
            streams, needs = validate_batch(_load(args.input))
            m = Matcher().fit(streams, needs)
            out = {"matches": {nid: [x.to_contract() for x in ms]
                               for nid, ms in m.rank_all(args.top, args.include_infeasible).items()}}
            if args.blends:
                from .blends import BlendSearch
                found = BlendSearch(m, components=args.components).all(top=args.top)
                out["blends"] = {nid: [b.to_dict() for b in bs] for nid, bs in found.items()}
        elif args.cmd == "ideas":
            streams, needs = validate_batch(_load(args.input))
            m = Matcher().fit(streams, needs)
            if args.stream not in m.stream_index_:
                raise ContractError([f"--stream: field 'id': no side stream {args.stream!r} in {args.input}"])
            out = {"stream_id": args.stream,
                   "ideas": [x.to_dict() for x in m.pairing_ideas(args.stream, args.top)]}
        else:
            from .eval.evaluate import evaluate
            from .eval.blends import evaluate_blends
            out = evaluate(marks=args.marks)
            out["blends"] = evaluate_blends()
    except ContractError as exc:
        for msg in exc.messages:
            print(msg, file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
