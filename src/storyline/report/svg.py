"""Small inline SVG charts: no scripts, no external assets, every label escaped."""

from __future__ import annotations

from html import escape

from storyline.report.words import counted, noun_for


def coverage_chart(
    days: list[tuple[str, int]], *, width: int = 640, height: int = 120, noun: str = "article"
) -> str:
    """Bars of `noun`s (articles) per day, with the first and last day and the peak
    labelled. Returns SVG markup (safe to embed: labels are escaped)."""
    if not days:
        return ""
    peak = max(n for _, n in days)
    pad, base = 4, height - 18
    step = (width - 2 * pad) / len(days)
    bar = max(step - 1, 1)
    nouns = noun_for(2, noun)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(nouns)} per day, {escape(days[0][0])} to {escape(days[-1][0])}">'
    ]
    for i, (day, count) in enumerate(days):
        h = max((base - 14) * count / peak, 1)
        x = pad + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{escape(day)}: {escape(counted(count, noun))}</title></rect>"
        )
    parts.append(f'<text x="{pad}" y="{height - 4}">{escape(days[0][0])}</text>')
    if len(days) > 1:
        parts.append(
            f'<text x="{width - pad}" y="{height - 4}" text-anchor="end">'
            f"{escape(days[-1][0])}</text>"
        )
    parts.append(f'<text x="{pad}" y="11">peak {escape(counted(peak, noun))} a day</text>')
    parts.append("</svg>")
    return "".join(parts)
