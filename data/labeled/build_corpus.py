"""Merge the hand-written parts into data/labeled/corpus.csv with fixed train/dev/test splits.

Run from the repository root: ``python data/labeled/build_corpus.py``. The split of
each row is fixed by a hash of its near-duplicate ``group`` (convolens.corpus.split_of),
so paraphrases and ASR renderings of one utterance always land in the same split,
and adding rows never moves existing ones. Prints the counts the datasheet quotes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from convolens.corpus import check_corpus, merge_near_duplicate_groups, split_of

HERE = Path(__file__).resolve().parent


def main() -> int:
    parts = sorted((HERE / "parts").glob("*.csv"))
    frame = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts], ignore_index=True)
    # Two writers can write the very same short line ("yep yep got it"); keep the first copy only.
    key = frame["text"].str.lower().str.split().str.join(" ")
    dropped = frame.loc[key.duplicated(), "id"].tolist()
    frame = frame.loc[~key.duplicated()].reset_index(drop=True)
    # Near-duplicates written in different parts join one group, so no pair straddles a split.
    frame["group"] = merge_near_duplicate_groups(frame)
    frame["split"] = [split_of(g) for g in frame["group"]]
    frame.to_csv(HERE / "corpus.csv", index=False, lineterminator="\n")
    print(
        f"{len(frame)} rows from {', '.join(p.name for p in parts)}; exact duplicates dropped: {', '.join(dropped) or 'none'}"
    )
    for column in ("split", "label", "style", "is_question", "context", "role", "hard", "hard_type", "segment"):
        print(column, frame[column].value_counts().to_dict())
    print("industries", frame["industry"].nunique(), frame["industry"].value_counts().to_dict())
    problems = check_corpus(frame)
    print("check:", problems["problem"].value_counts().to_dict() if len(problems) else "no flagged pairs")
    for _, row in problems.iterrows():
        i, j = int(row["i"]), int(row["j"])
        print(
            f"  {row['problem']}: {frame.loc[i, 'id']} [{frame.loc[i, 'label']}] / {frame.loc[j, 'id']} [{frame.loc[j, 'label']}]: {frame.loc[i, 'text'][:60]!r} / {frame.loc[j, 'text'][:60]!r}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
