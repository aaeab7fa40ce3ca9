"""`reportgen import`, `reportgen export` and `reportgen schema`: the formats other tools speak.

    reportgen import codecarbon emissions.csv --phase training [-o OUT.yaml] [--into DISCLOSURE]
    reportgen import hf-model-card README.md [--phase training|finetuning] [-o OUT.yaml] [--into DISCLOSURE]
    reportgen export eu-ai-act DISCLOSURE [--format markdown|json] [-o FILE]
    reportgen export hf-model-card DISCLOSURE [--phase training|finetuning] [-o FILE]
    reportgen schema [--evaluation] [-o FILE]

Exit codes: 0 done; 1 done but something needs the reporter (a merge conflict, form items missing, no
emissions to export); 2 unreadable input or bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.commands import add_input, add_lang, add_output_file, add_phase
from reportgen.errors import ReportgenError
from reportgen.interop import Fragment
from reportgen.presentation.fmt import fill, system_title
from reportgen.resources import t
from reportgen.standard import Standard, load_standard


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import",
        help="import CodeCarbon or Hugging Face figures into disclosure fields",
        description="Turn another tool's output into AILD fields: a YAML fragment, or merged "
        "into a disclosure with --into (supplied values are never overwritten; a different "
        "value is a conflict: kept, reported, exit code 1).",
    )
    isub = imp.add_subparsers(dest="import_format", metavar="FORMAT", required=True)
    cc = isub.add_parser(
        "codecarbon",
        help="CodeCarbon emissions.csv (2.x and 3.x)",
        description="Sum the runs of a CodeCarbon emissions.csv into one phase: energy_consumed "
        "(kWh, includes CodeCarbon's pue), emissions (kg), water_consumed (L), wall-clock span, "
        "GPU model and count, country (alpha-3 → alpha-2), pue.",
    )
    cc.add_argument("csv", help="CodeCarbon emissions.csv")
    add_phase(
        cc,
        _energy_phases,
        "a phase with an energy field",
        required=True,
        help="phase the runs belong to: any phase of the standard with an energy field",
    )
    _io(cc)
    cc.set_defaults(func=run_import_codecarbon)
    hf = isub.add_parser(
        "hf-model-card",
        help="the co2_eq_emissions block of a Hugging Face model card",
        description="Read co2_eq_emissions from a model card's YAML front matter (emissions in "
        "grams; energy_consumed in kWh and hours_used when the card has them) into training or "
        "fine-tuning fields. CPUs in hardware_used are not accelerators and fill no accelerator "
        "field.",
    )
    hf.add_argument("readme", help="the model card (README.md)")
    add_phase(
        hf,
        _card_phases,
        "a phase a model card reports",
        help="training or finetuning: overrides the card's training_type (pre-training → training, "
        "fine-tuning → finetuning)",
    )
    _io(hf)
    hf.set_defaults(func=run_import_hf)

    exp = sub.add_parser(
        "export",
        help="export a disclosure to the EU AI Act items or a Hugging Face block",
        description="Write what other audiences ask for, from a disclosure.",
    )
    esub = exp.add_subparsers(dest="export_format", metavar="FORMAT", required=True)
    eu = esub.add_parser(
        "eu-ai-act",
        help="EU AI Act Annex XI §1 2(d)-(e), GPAI Code of Practice form",
        description="Training compute (FLOP), training time, hardware, training energy (MWh), "
        "methodology, to 3 significant figures, with what is missing named. Exit code 1 when "
        "an item is missing.",
    )
    add_input(eu)
    eu.add_argument(
        "--format",
        choices=["markdown", "json"],
        default="markdown",
        help="the document's format: markdown (default) or json",
    )
    add_output_file(eu)
    add_lang(
        eu,
        help="language of the labels and text (default: en); the form's item references stay as the "
        "form words them",
    )
    eu.set_defaults(func=run_export_eu)
    hx = esub.add_parser(
        "hf-model-card",
        help="the co2_eq_emissions YAML block for a model card",
        description="Print the co2_eq_emissions block (emissions in grams) for a model card's "
        "front matter, from training (else fine-tuning) location-based GHG.",
    )
    add_input(hx)
    add_phase(
        hx,
        _card_phases,
        "a phase a model card reports",
        help="training or finetuning (default: training, else finetuning, whichever has a value)",
    )
    add_output_file(hx)
    add_lang(
        hx,
        help="language of the header comment and the notes (default: en); the block's keys and values "
        "are what model cards expect",
    )
    hx.set_defaults(func=run_export_hf)

    sch = sub.add_parser(
        "schema",
        help="print the JSON Schema of the input format (or of the result)",
        description="The JSON Schema (draft 2020-12) of a disclosure input, generated from the "
        "standard, for tools that produce disclosures: types, units, error ranges and withheld "
        "notes as far as JSON Schema can say them; its description lists what only check decides. "
        "With --evaluation, the schema of the result `reportgen check --format json` prints, for "
        "tools that read it.",
    )
    sch.add_argument(
        "--evaluation",
        action="store_true",
        help="the schema of the evaluation JSON (its format_version is in the title)",
    )
    add_output_file(sch)
    sch.set_defaults(func=run_schema)


def _energy_phases(std: Standard) -> list[str]:
    """CodeCarbon measures energy: the phases of the standard that have an energy field."""
    return [p for p in std.phase_ids if f"{p}.energy" in std.fields]


def _card_phases(std: Standard) -> list[str]:
    from reportgen.interop.hf import PHASE_TYPES

    return [p for p in PHASE_TYPES if p in std.phase_ids]


def _io(p: argparse.ArgumentParser) -> None:
    add_output_file(p)
    p.add_argument(
        "--into",
        metavar="DISCLOSURE",
        help="merge into this YAML/JSON disclosure and write the result to -o (the input itself "
        "is never overwritten)",
    )


def _emit(text: str, output: str | None, protect: list[Path], lang: str = "en") -> None:
    if output:
        from reportgen.output import write_bytes

        path = write_bytes(Path(output), text.encode("utf-8"), protect=protect)
        print(t("wrote", lang).format(path=path), file=sys.stderr)
    else:
        sys.stdout.write(text)


def _finish_import(frag: Fragment, args: argparse.Namespace, source: Path) -> int:
    from reportgen.interop.merge import fragment_text, merge_into

    std = load_standard()
    protect = [source] + ([Path(args.into)] if args.into else [])
    if args.output and any(Path(args.output).resolve() == p.resolve() for p in protect):
        raise ReportgenError(f"refusing to overwrite the input file {args.output}; choose another -o path.")
    for note in frag.notes:
        print(f"note: {note}", file=sys.stderr)
    if not frag.values:
        raise ReportgenError(f"nothing in {source.name} maps to a field of this phase.")
    if not args.into:
        _emit(fragment_text(frag), args.output, protect)
        return 0
    fmt = (
        "json"
        if args.output and Path(args.output).suffix.lower() == ".json"
        else ("yaml" if args.output else None)
    )
    result = merge_into(args.into, frag, std, fmt)
    _emit(result.text, args.output, protect)
    print(
        f"merged into {Path(args.into).name}: {len(result.added)} added, {len(result.same)} already there "
        f"with the same value, {len(result.conflicts)} conflict(s)"
        + ("" if result.comments_kept else "; the input's comments were not kept"),
        file=sys.stderr,
    )
    for c in result.conflicts:
        print(
            f"conflict: {c.field}: the disclosure has {c.kept} ({c.location}); the import gives {c.imported}. "
            "The disclosure's value was kept; delete it there and import again to take the imported one.",
            file=sys.stderr,
        )
    return 1 if result.conflicts else 0


def run_import_codecarbon(args: argparse.Namespace) -> int:
    from reportgen.interop import codecarbon

    std = load_standard()
    summary = codecarbon.read_emissions_csv(args.csv)
    return _finish_import(codecarbon.to_fragment(summary, args.phase, std), args, Path(args.csv))


def run_import_hf(args: argparse.Namespace) -> int:
    from reportgen.interop import hf

    frag = hf.to_fragment(args.readme, load_standard(), args.phase)
    return _finish_import(frag, args, Path(args.readme))


def run_export_eu(args: argparse.Namespace) -> int:
    from reportgen.evaluation.pipeline import evaluate_file
    from reportgen.interop import eu_ai_act

    lang = args.lang or "en"
    ev = evaluate_file(args.input, lang=lang)  # under its own edition (A1); traces in the document's language
    std = load_standard(ev.standard.edition, ev.standard.id)
    text = eu_ai_act.as_json(ev, std, lang) if args.format == "json" else eu_ai_act.as_markdown(ev, std, lang)
    _emit(text, args.output, [Path(args.input)], lang)
    _, missing = eu_ai_act.items(ev, std, lang)
    return 1 if missing else 0


def run_export_hf(args: argparse.Namespace) -> int:
    from reportgen.evaluation.pipeline import evaluate_file
    from reportgen.interop import dump_yaml, hf

    lang = args.lang or "en"
    ev = evaluate_file(args.input, lang="en")  # under its own edition (A1); values for a model card
    std = load_standard(ev.standard.edition, ev.standard.id)
    try:
        block, gaps = hf.export_block(ev, std, args.phase)
    except ValueError as exc:
        print(f"reportgen: {exc}", file=sys.stderr)
        return 1
    for fid in gaps:
        key = "geographical_location" if "location" in fid else "hardware_used"
        print(t("hf_gap", lang).format(field=fid, key=key), file=sys.stderr)
    header = [
        fill(
            t("hf_header", lang),
            {
                "standard": f"{ev.standard.id} {ev.standard.edition}",
                "system": system_title(ev) or t("unnamed_system", lang),
                "fingerprint": ev.fingerprint,
            },
            lang,
        )
    ]
    _emit(dump_yaml(block, header), args.output, [Path(args.input)], lang)
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from reportgen.interop.json_schema import evaluation_json_schema_text, json_schema_text

    _emit(
        evaluation_json_schema_text() if args.evaluation else json_schema_text(load_standard()),
        args.output,
        [],
    )
    return 0
