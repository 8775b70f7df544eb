"""Geometry for the server-rendered SVG charts of /barriers/stats/.

No chart library and no inline styles (CSP): the templates draw rectangles
and text with SVG presentation attributes from the numbers computed here.
Every chart has the same data as a table next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

STEEL = "#1d3557"
COPPER = "#9c4a1a"
# Light to dark; text on the last three is white.
HEAT = ["#f4f6f9", "#d6e0ec", "#aebfd6", "#7d97bb", "#4d6d9a", "#1d3557"]


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float
    text_x: float
    extra: int | None = None


def bar_chart(items: list[tuple], *, width: int = 640, label_width: int = 250, row: int = 28):
    """Horizontal bars: (label, value[, extra]) per row."""
    top = max((item[1] for item in items), default=0) or 1
    room = width - label_width - 50
    bars = []
    for index, item in enumerate(items):
        label, value = item[0], item[1]
        bar_width = round(room * value / top, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=index * row,
                width=bar_width,
                text_x=label_width + bar_width + 6,
                extra=item[2] if len(item) > 2 else None,
            )
        )
    return {
        "bars": bars,
        "width": width,
        "height": max(len(items) * row, row),
        "label_width": label_width,
        "label_x": label_width - 8,
        "bar_height": row - 8,
        "fill": STEEL,
    }


@dataclass
class Column:
    label: str
    value: int
    x: float
    y: float
    height: float
    text_x: float


def column_chart(items: list[tuple[str, int]], *, width: int = 640, height: int = 220):
    """Vertical columns (monthly trend) with the value above each column."""
    top = max((value for _label, value in items), default=0) or 1
    plot = height - 50
    step = width / max(len(items), 1)
    columns = []
    for index, (label, value) in enumerate(items):
        column_height = round(plot * value / top, 1)
        x = round(index * step + step * 0.15, 1)
        columns.append(
            Column(
                label=label,
                value=value,
                x=x,
                y=round(20 + plot - column_height, 1),
                height=column_height,
                text_x=round(index * step + step / 2, 1),
            )
        )
    return {
        "columns": columns,
        "width": width,
        "height": height,
        "column_width": round(step * 0.7, 1),
        "baseline": 20 + plot,
        "label_y": 20 + plot + 18,
        "fill": COPPER,
    }


@dataclass
class Cell:
    x: int
    y: int
    value: int
    fill: str
    text_fill: str
    text_x: int
    text_y: int


def heatmap(rows: list[tuple[str, list[int]]], columns: list[str], *, cell: int = 44):
    """Stage × material grid; darker means more barriers."""
    label_width = 230
    header = 120
    top = max((max(values, default=0) for _label, values in rows), default=0) or 1
    cells = []
    row_labels = []
    for r, (label, values) in enumerate(rows):
        y = header + r * cell
        row_labels.append({"label": label, "y": y + cell // 2 + 5})
        for c, value in enumerate(values):
            shade = 0 if value == 0 else 1 + round((len(HEAT) - 2) * value / top)
            x = label_width + c * cell
            cells.append(
                Cell(
                    x=x,
                    y=y,
                    value=value,
                    fill=HEAT[shade],
                    text_fill="#ffffff" if shade >= 3 else "#13243b",
                    text_x=x + cell // 2,
                    text_y=y + cell // 2 + 5,
                )
            )
    column_labels = [
        {"label": label, "x": label_width + c * cell + cell // 2, "y": header - 8}
        for c, label in enumerate(columns)
    ]
    return {
        "cells": cells,
        "row_labels": row_labels,
        "column_labels": column_labels,
        "label_x": label_width - 8,
        "cell": cell - 2,
        "width": label_width + len(columns) * cell + 10,
        "height": header + len(rows) * cell + 10,
    }
