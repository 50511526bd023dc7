"""`porch preview`: what /porch health answers, at once and a moment later."""

from __future__ import annotations

from porch.core.feature import PreviewSample
from porch.features.health.command import PENDING, SUMMARY
from porch.features.health.report import PATH_NOTE

SAMPLE = {
    "period": "2026-10-22 to 2026-11-20",
    "days": 30,
    "score": "46.2",
    "score_change": "▲ 3.1",
    "participation": "18.4%",
    "status": "Watch",
    "healthy": "60",
    "stagnant": "40",
    "rows": [
        ("Community Health Score", "46.2/100", "43.1/100", "▲ 3.1"),
        ("Active participation (30 days)", "18.4%", "17%", "▲ 1.4"),
        ("Time to first response, median", "42 min", "55 min", "▼ 13"),
    ],
    "width": 30,
}


def previews() -> list[PreviewSample]:
    return [
        (
            "/porch health, at once",
            "Only visible to the manager",
            PENDING,
            {"days": 30},
        ),
        (
            "/porch health, a moment later",
            "Only visible to the manager",
            SUMMARY,
            SAMPLE,
        ),
        (
            "/porch health, with join questions: the figures by path",
            "Only visible to the manager",
            SUMMARY,
            {
                **SAMPLE,
                "paths": [
                    ("design", 12, 7, "58%", "3/4 (75%)"),
                    ("founders", 9, 4, "44%", "1/3 (33%)"),
                ],
                "path_note": PATH_NOTE,
            },
        ),
    ]
