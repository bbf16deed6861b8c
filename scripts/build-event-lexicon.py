#!/usr/bin/env python3
"""Builds crates/extract/data/event_verbs.tsv from petrarch2's CAMEO verb
dictionary (MIT, Open Event Data Alliance) and the CAMEO→PLOVER table
(CAMEO2PLOVER-2021.txt, Schrodt), both under ../shared/corpora/events.

Each verb of a synonym block (its own CAMEO code, else the block's) becomes a
PLOVER type and mode; regular inflections are generated, irregular ones are
taken from the dictionary's braces. Phrase patterns (the "- ..." lines) are not
used: they are corpus-specific. CAMEO 01 (statements) and 02 (appeals) are
dropped, as PLOVER drops them. Run by scripts/build-event-data."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
EVENTS = os.path.join(SHARED, "corpora", "events")
OUT = os.path.join(HERE, "..", "crates", "extract", "data", "event_verbs.tsv")


# Verbs of CAMEO 060 that name mutual cooperation or exchange themselves.
MUTUAL = {"COOPERATE", "COLLABORATE", "COALESCE", "COMBINE", "MERGE", "UNIFY", "FUSE", "LINK",
          "CONNECT", "TIE", "EXCHANGE", "SWAP", "TRADE", "SHARE", "JOINT", "EXTRADITE", "EXTRADITION"}


def plover_table():
    table = {}
    for line in open(os.path.join(EVENTS, "CAMEO2PLOVER-2021.txt"), encoding="utf-8"):
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*,\s*([^,#]*)", line)
        if m:
            code, kind, mode = m.group(1), m.group(2), m.group(3).strip().lower()
            table[code] = (kind, mode.replace(" ", ""))
    # Two-digit families named only by their heading ("03: AGREE").
    for line in open(os.path.join(EVENTS, "CAMEO2PLOVER-2021.txt"), encoding="utf-8"):
        m = re.match(r"^(\d{2}):\s*([A-Z]+)\s*$", line.strip())
        if m:
            table.setdefault(m.group(1), (m.group(2), ""))
    return table


def to_plover(code, table):
    code = code.split(":")[0].strip()
    if not code.isdigit() or code[:2] in ("01", "02"):
        return None
    for k in range(len(code), 1, -1):
        if code[:k] in table:
            kind, mode = table[code[:k]]
            # The PLOVER manual reads CAMEO 20 (mass violence) as ASSAULT.
            return ("ASSAULT" if kind == "FIGHT" else kind), mode
    return None


def inflect(word):
    """Regular forms of an upper-case verb: base, -s, -ed, -ing."""
    w = word.lower()
    forms = {w}
    if re.search(r"(s|x|z|ch|sh)$", w):
        forms.add(w + "es")
    elif re.search(r"[^aeiou]y$", w):
        forms.add(w[:-1] + "ies")
    else:
        forms.add(w + "s")
    if w.endswith("e"):
        forms.add(w + "d")
        forms.add(w[:-1] + "ing")
    elif re.search(r"[^aeiou]y$", w):
        forms.add(w[:-1] + "ied")
        forms.add(w + "ing")
    else:
        forms.add(w + "ed")
        forms.add(w + "ing")
        # Doubled final consonant after one short vowel (stop, ban, plan, grab).
        if re.search(r"^[^aeiou]*[aeiou][bdgmnprt]$", w):
            forms.add(w + w[-1] + "ed")
            forms.add(w + w[-1] + "ing")
        # Stressed -mit and -gret (admit → admitted, commit → committed).
        if re.search(r"(mit|gret)$", w):
            forms.add(w + "ted")
            forms.add(w + "ting")
        # British doubled l (cancel → cancelled, travel → travelled).
        if re.search(r"[cv]el$", w):
            forms.add(w + "led")
            forms.add(w + "ling")
    return forms


def main():
    table = plover_table()
    entries = {}
    block_code = None
    path = os.path.join(EVENTS, "petrarch2", "CAMEO.verbpatterns.150430.txt")
    in_verbs = False
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = raw.split("#")[0].rstrip()
        if raw.startswith("####### VERB PATTERNS") or raw.startswith("--- "):
            in_verbs = True
        if not in_verbs:
            continue
        m = re.match(r"^---\s*(\S+)\s*\[([^\]]*)\]", line)
        if m:
            block_code = m.group(2)
            continue
        if line.startswith("---"):
            block_code = None
            continue
        if not line.strip() or line.startswith("-") or line.startswith("&") or block_code is None:
            continue
        m = re.match(r"^\s*(\+?[A-Z][A-Z_'\-]*)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?", line)
        if not m:
            continue
        verb, irregular, own = m.group(1), m.group(2), m.group(3)
        code = own[1:-1] if own else block_code
        plover = to_plover(code, table)
        if plover is None:
            continue
        # CAMEO 060 (material cooperation, not specified) collects generic
        # verbs ("lead", "order", "provide", "expand"); PLOVER's COOPERATE is
        # *mutual* material cooperation or exchange (manual 3.5), so only the
        # verbs that say so themselves are kept.
        if code.split(":")[0].strip() == "060" and verb.lstrip("+").split("_")[0] not in MUTUAL:
            continue
        multi = verb.startswith("+")
        words = verb.lstrip("+").strip("_").split("_")
        if any(not w for w in words):
            continue
        if irregular:
            forms = {f.lstrip("+").strip("_").lower().replace("_", " ")
                     for f in irregular[1:-1].split()}
            forms.add(" ".join(words).lower())
            if not multi or len(words) == 1:
                forms |= inflect(words[0]) if len(words) == 1 else set()
        elif len(words) == 1:
            forms = inflect(words[0])
        else:
            forms = {" ".join([f] + [w.lower() for w in words[1:]]) for f in inflect(words[0])}
        for form in forms:
            form = form.strip()
            if form and form not in entries:
                entries[form] = (plover[0], plover[1], code.split(":")[0])
    # Hand-written triggers (nouns, corrections from the PLOVER manual) win.
    hand = os.path.join(HERE, "..", "crates", "extract", "data", "event_triggers.hand.tsv")
    plurals = []
    for line in open(hand, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        words, kind, mode, cls = line.rstrip("\n").split("\t")
        first, *rest = words.split(" ")
        forms = inflect(first.upper()) if cls == "verb" else {first}
        for form in forms:
            key = " ".join([form] + rest)
            if kind == "NONE":
                entries.pop(key, None)
            else:
                # A noun that is also a verb of its type ("pledge", "attack",
                # "demand"): the reading rules tell which by its neighbours.
                verbal = cls == "noun" and key in entries and entries[key][2] != "noun" \
                    and entries[key][0] == kind
                entries[key] = (kind, mode, "noun+verb" if verbal else cls)
        if cls == "noun" and kind != "NONE":
            plurals.append((" ".join([first] + rest), kind, mode))
    # Regular plurals of the hand-written count nouns ("meetings",
    # "bombings", "ceasefires"), where neither source gives one; mass nouns,
    # adjectives and particles have none ("aids" is the disease).
    uncounted = {"aid", "relief", "assistance", "cooperation", "fighting", "censorship",
                 "disinformation", "misinformation", "repression", "hacking", "disapproval",
                 "criticism", "mediation", "conscription", "cleansing", "sharing", "training",
                 "warfare", "law", "emergency", "regret", "alert", "guilty", "convicted",
                 "investigative", "police", "in", "into", "of", "to", "back", "action", "currency"}
    for words, kind, mode in plurals:
        *head, last = words.split(" ")
        if last.endswith("s") or last in uncounted:
            continue
        if re.search(r"[^aeiou]y$", last):
            plural = last[:-1] + "ies"
        elif re.search(r"(ch|sh|x|z)$", last):
            plural = last + "es"
        else:
            plural = last + "s"
        key = " ".join(head + [plural])
        if key not in entries:
            entries[key] = (kind, mode, "noun")
    # British spellings of -ize and -yze forms ("penalise", "mobilisation",
    # "analyse"), where the sources give only the American one.
    for form, entry in list(entries.items()):
        first, *rest = form.split(" ")
        m = re.match(r"^(.{3,})([iy])z(e|es|ed|ing|ation|ations)$", first)
        if m:
            twin = " ".join([m.group(1) + m.group(2) + "s" + m.group(3)] + rest)
            entries.setdefault(twin, entry)
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# Event triggers: form<TAB>PLOVER type<TAB>mode<TAB>CAMEO code, or verb/noun for hand-written ones.\n")
        out.write("# Generated by scripts/build-event-data from petrarch2's CAMEO.verbpatterns.150430.txt\n")
        out.write("# (MIT licence, Copyright (c) 2015 Open Event Data Alliance) and CAMEO2PLOVER-2021.txt\n")
        out.write("# (PLOVER manual draft 0.8, P. Schrodt), overridden by event_triggers.hand.tsv\n")
        out.write("# (Readout authors, Apache-2.0). Do not edit: regenerate.\n")
        for form in sorted(entries):
            kind, mode, code = entries[form]
            out.write(f"{form}\t{kind}\t{mode}\t{code}\n")
    print(f"{len(entries)} verb forms → {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
