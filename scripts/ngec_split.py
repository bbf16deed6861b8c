"""The NGEC synthetic stories and their fixed split (shared by build-event-data
and score-ngec). Stories are read from the zip in ../shared; the held-out fifth
is chosen by a fixed seed and is never used for building."""
import csv
import io
import os
import random
import re
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
ZIP = os.path.join(SHARED, "corpora", "events", "ngec", "gpt_synthetic_events_2023-10-19_19.csv.zip")
SEED = 16

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def stories():
    """All stories in file order: dicts with text, label, mode."""
    with zipfile.ZipFile(ZIP) as z:
        name = [n for n in z.namelist() if n.endswith(".csv")][0]
        with z.open(name) as f:
            rows = list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")))
    # The article: the prompt (headline, blank line, "(Reuters) --") and the
    # story the model wrote after it. The headline states the labelled event.
    return [{"index": i, "text": r["prompt"] + " " + r["text"], "label": r["label"].strip().upper(),
             "mode": r["mode"].strip().upper(), "template": r["title"]} for i, r in enumerate(rows)]


def split():
    """(build, held_out): a fifth of the headline templates, chosen by a fixed
    seed within each label, and all their stories are held out. The 4,500
    stories are written from 332 headline templates (24 or so each, the
    headline naming the labelled event); splitting stories rather than
    templates would hold out headlines already seen in building."""
    rows = stories()
    templates = {}
    for row in rows:
        templates.setdefault(row["label"], {}).setdefault(row["template"], []).append(row)
    rng = random.Random(SEED)
    build, held = [], []
    for label in sorted(templates):
        names = sorted(templates[label])
        rng.shuffle(names)
        cut = max(1, round(len(names) / 5))
        for k, name in enumerate(names):
            (held if k < cut else build).extend(templates[label][name])
    build.sort(key=lambda r: r["index"])
    held.sort(key=lambda r: r["index"])
    return build, held


WORD = re.compile(r"[a-z]+")


def features(text):
    """The classifier's features of a text: its distinct lower-case letter
    words of three or more letters (mirrors events::classifier::features)."""
    return {w for w in WORD.findall(text.lower()) if len(w) >= 3}
