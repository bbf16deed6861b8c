#!/usr/bin/env python3
"""Writes crates/extract/data/ner/gaz-orgs-phoenix.txt: names of intergovernmental
bodies, NGOs, media and companies from the Phoenix international actors dictionary
of petrarch2 (Open Event Data Alliance, MIT), lowercase, one per line.

The dictionary also lists people (secretaries-general, spokesmen, presidents of
bodies); they are left out: entries coded with a date range (an office held),
entries whose note calls them a spokesman or ruler, names that start with a title,
and names of a known given name and at most three words with no organisation head
word. Legal forms are dropped from the end ("Teradyne Inc" -> "teradyne"), as news
names companies without them; both forms are kept.

    python3 scripts/ner-data/phoenix_orgs.py [PHOENIX_INTERNATIONAL_ACTORS] [GIVEN_NAMES]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "..", "shared", "corpora", "events", "petrarch2", "Phoenix.International.actors.txt")
DATA = os.path.join(ROOT, "crates", "extract", "data", "ner")
OUT = os.path.join(DATA, "gaz-orgs-phoenix.txt")

TITLES = {"secretary", "secretary-general", "president", "chief", "director", "head", "lord",
          "chairman", "spokesman", "spokeswoman", "minister", "commissioner", "ambassador",
          "general", "sir", "dr", "dr.", "mr", "mr.", "envoy", "representative", "deputy",
          "executive", "members", "member", "delegation", "official", "officials"}
LEGAL = {"inc", "inc.", "corp", "corp.", "co", "co.", "ltd", "ltd.", "limited", "plc", "llc",
         "sa", "s.a.", "ag", "nv", "n.v.", "sak", "bhd", "spa", "corporation", "company",
         "group", "holdings", "public"}
GENERIC = {"mnc", "mncs", "ngo", "ngos", "igo", "igos", "foreign owned vessel"}


def gazetteer(path, tag):
    out = set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        kind, word = line.rstrip("\n").split("\t", 1)
        if kind == tag:
            out.add(word)
    return out


def tokens(name):
    """The project's tokens, lowercase: punctuation other than inner hyphens,
    dots and apostrophes stands alone."""
    name = re.sub(r"([^\w\s.'\-])", r" \1 ", name.lower())
    return [t for t in name.split() if t]


def word_set(path):
    return {line.rstrip("\n").split("\t")[0] for line in open(path, encoding="utf-8")
            if not line.startswith("#")}


def lowercase_counts():
    """How often each lower-case word stands in the shipped training text."""
    counts = {}
    for part in ("gum", "ewt", "wikinews", "ngec"):
        for line in open(os.path.join(DATA, f"train-{part}.txt"), encoding="utf-8"):
            word = line.split(" ", 1)[0]
            if word.islower():
                counts[word] = counts.get(word, 0) + 1
    return counts


def entries(path):
    """(name, is_person) for every name of the dictionary. A name line opens a
    block, "+" lines add aliases to it, and indented code lines code the block:
    a dated code there marks the whole block as an office holder."""
    block = []
    out = []
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line[0] in " \t":
            if re.search(r"\[[A-Z]+ *[<>]?\d{6}", line):
                for entry in block:
                    entry[1] = True
            continue
        if not line.startswith("+"):
            block = []
        m = re.match(r"\+?([^\t\[#]+?)\s*(\[[^\]]*\])?\s*(#.*)?$", line)
        if not m:
            continue
        name = m.group(1).strip().rstrip("_").replace("_", " ").strip()
        code, note = m.group(2) or "", (m.group(3) or "").lower()
        entry = [name, bool(re.search(r"\d{6}", code)) or "spokes" in note or "ruler" in note]
        block.append(entry)
        out.append(entry)
    return out


def main():
    first = word_set(os.path.join(DATA, "gaz-first.txt"))
    last = word_set(os.path.join(DATA, "gaz-last.txt"))
    heads = gazetteer(os.path.join(DATA, "gaz-orgs.txt"), "word")
    lower = lowercase_counts()

    def one_word_name(word):
        return lower.get(word, 0) < 2 and word not in first and word not in last

    names = set()
    for name, person in entries(SOURCE):
        toks = tokens(name)
        if person or not toks or " ".join(toks) in GENERIC:
            continue
        if toks[0] == "the":
            toks = toks[1:]
        if not toks or any(t in TITLES for t in toks[:2]):
            continue
        if toks[0] in first and len(toks) <= 3 and not any(t in heads for t in toks):
            continue
        if len(toks) == 1 and not one_word_name(toks[0]):
            continue
        names.add(" ".join(toks))
        while len(toks) > 1 and toks[-1] in LEGAL:
            toks = toks[:-1]
            if len(toks) > 1 or one_word_name(toks[0]):
                names.add(" ".join(toks))
    lines = ["# Organisation names, lowercase, from the Phoenix international actors dictionary",
             "# of petrarch2 (Open Event Data Alliance, MIT): intergovernmental bodies, NGOs,",
             "# media and companies; people left out. Built by scripts/ner-data/phoenix_orgs.py."]
    lines += sorted(names)
    open(OUT, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
