"""HumanML3D's caption files (`texts/<id>.txt`), read and written in one place.

A line is `caption#tokens#start#end`: `tokens` are spaCy `word/POS` pairs, `start`/`end` seconds of a sub-caption
(0.0#0.0, or NaN in some releases, for the whole motion). A line without '#' is read as a plain caption, so sidecar
`<stem>.txt` files beside BVH files use the same reader.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from .schema import MotionRecord, Segment

_WORD = re.compile(r"[A-Za-z0-9']+|[^\sA-Za-z0-9']")


def read_humanml3d_texts(path: str | Path) -> tuple[list[str], list[str], list[Segment], list[str]]:
    """Parse a caption file: returns (texts, tokens, segments, segment_tokens).

    Lines are `caption#tokens#start#end` (HumanML3D) or a plain caption (no '#'). Raises ValueError naming the
    file and line for empty captions, malformed fields or a segment whose end is not after its start.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: caption file missing")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text ({e})") from None
    texts, tokens, segments, seg_tokens = [], [], [], []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if "#" not in line:
            texts.append(line)
            tokens.append("")
            continue
        fields = line.split("#")
        if len(fields) != 4:
            raise ValueError(f"{path}, line {n}: expected 'caption#tokens#start#end', got {len(fields)} '#'-fields")
        caption, tok = fields[0].strip(), fields[1].strip()
        if not caption:
            raise ValueError(f"{path}, line {n}: empty caption")
        try:
            start, end = float(fields[2]), float(fields[3])
        except ValueError:
            raise ValueError(f"{path}, line {n}: start/end must be numbers, got {fields[2]!r}, {fields[3]!r}") from None
        start = 0.0 if math.isnan(start) else start
        end = 0.0 if math.isnan(end) else end
        if start == 0.0 and end == 0.0:
            texts.append(caption)
            tokens.append(tok)
        else:
            if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
                raise ValueError(f"{path}, line {n}: segment times must satisfy 0 <= start < end, got {start}, {end}")
            segments.append(Segment(start, end, caption))
            seg_tokens.append(tok)
    if not texts and not segments:
        raise ValueError(f"{path}: no captions (empty file)")
    if not texts:
        raise ValueError(f"{path}: only time-stamped sub-captions, no caption for the whole motion")
    return texts, tokens, segments, seg_tokens


def simple_tokens(caption: str) -> str:
    """Tagger-free stand-in for HumanML3D's spaCy tokens: 'A man walks.' -> 'a/OTHER man/OTHER walks/OTHER ./OTHER'."""
    return " ".join(f"{w.lower()}/OTHER" for w in _WORD.findall(caption))


def humanml3d_caption_lines(rec: MotionRecord) -> list[str]:
    """The lines of `rec`'s HumanML3D caption file: whole-motion captions at 0.0#0.0, then segments with their times;
    ValueError naming the record for a caption that the format cannot hold."""
    tokens = rec.meta.get("tokens") if isinstance(rec.meta, dict) else None
    seg_tokens = rec.meta.get("segment_tokens") if isinstance(rec.meta, dict) else None
    if not isinstance(tokens, list) or len(tokens) != len(rec.texts):
        tokens = [""] * len(rec.texts)
    if not isinstance(seg_tokens, list) or len(seg_tokens) != len(rec.segments):
        seg_tokens = [""] * len(rec.segments)
    lines = []
    for text, tok in zip(rec.texts, tokens):
        lines.append((text, tok, 0.0, 0.0))
    for seg, tok in zip(rec.segments, seg_tokens):
        lines.append((seg.text, tok, seg.start, seg.end))
    out = []
    for text, tok, start, end in lines:
        if "#" in text or "\n" in text:
            raise ValueError(f"record {rec.id!r}: caption {text!r} contains '#' or a newline, which HumanML3D cannot hold")
        out.append(f"{text}#{tok or simple_tokens(text)}#{start!r}#{end!r}")
    return out
