"""Measure every visible control of a page in the browser: boundary contrast, focus ring, text
size and target size, from computed styles and boxes (axe does not see a borderless input)."""

from __future__ import annotations

from typing import Any

#: The thresholds: WCAG 2.1 1.4.11 (3:1), 16 px text (phones do not zoom), 44 x 44 px targets.
MIN_CONTRAST = 3.0
MIN_FONT_PX = 16.0
MIN_TARGET_PX = 44.0

#: Runs in the page: one record per visible input, select, textarea and button.
_MEASURE = """
() => {
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const backdrop = (node) => {
    const layers = [];
    for (let el = node; el; el = el.parentElement) {
      const colour = parse(getComputedStyle(el).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i -= 1) colour = over(layers[i], colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.visibility !== "visible" && node === el) return false;
      if (style.display === "none" || Number(style.opacity) === 0) return false;
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return false;
    }
    return true;
  };
  const name = (el) => {
    const label = el.labels && el.labels[0] ? el.labels[0].innerText : "";
    const text = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
    return (el.id ? "#" + el.id + " " : "") + el.tagName.toLowerCase() +
      (el.type ? "[" + el.type + "]" : "") + " " + text.slice(0, 24);
  };
  const records = [];
  document.querySelectorAll("input, select, textarea, button").forEach((el) => {
    if (el.type === "hidden" || !shown(el)) return;
    const style = getComputedStyle(el);
    const outside = backdrop(el.parentElement);
    const own = over(parse(style.backgroundColor), outside);
    // Each side must show: through its border, or through the control's fill.
    const fill = contrast(own, outside);
    let boundary = Infinity;
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      const width = parseFloat(style["border" + side + "Width"]);
      const kind = style["border" + side + "Style"];
      const drawn = width >= 1 && kind !== "none" && kind !== "hidden";
      const line = drawn ? contrast(over(parse(style["border" + side + "Color"]), outside), outside) : 0;
      boundary = Math.min(boundary, Math.max(line, fill));
    }
    const choice = el.type === "radio" || el.type === "checkbox";
    const target = (choice && el.closest("label")) || el;
    const box = target.getBoundingClientRect();
    el.focus({ preventScroll: true });
    const focused = getComputedStyle(el);
    const ringWidth = focused.outlineStyle === "none" ? 0 : parseFloat(focused.outlineWidth);
    const ring = ringWidth ? contrast(over(parse(focused.outlineColor), outside), outside) : 0;
    el.blur();
    records.push({
      name: name(el),
      choice: choice,
      boundary: Math.round(boundary * 100) / 100,
      fontSize: parseFloat(style.fontSize),
      width: Math.round(box.width * 10) / 10,
      height: Math.round(box.height * 10) / 10,
      ringWidth: ringWidth,
      ring: Math.round(ring * 100) / 100,
      disabled: el.matches(":disabled"),
    });
  });
  return records;
}
"""


def measure_controls(page: Any) -> list[dict[str, Any]]:
    """Every visible control's measurements, focusing each in turn (keyboard modality first)."""
    page.keyboard.press("Shift")
    return list(page.evaluate(_MEASURE))


def shortfalls(record: dict[str, Any], *, min_font: float = MIN_FONT_PX) -> list[str]:
    """What a control misses, in words; empty when it meets every threshold."""
    found = []
    if record["boundary"] < MIN_CONTRAST:
        found.append(f"boundary {record['boundary']}:1")
    if not record["choice"] and record["fontSize"] < min_font:
        found.append(f"text {record['fontSize']} px")
    if record["width"] < MIN_TARGET_PX or record["height"] < MIN_TARGET_PX:
        found.append(f"target {record['width']} x {record['height']} px")
    if not record["disabled"] and (record["ringWidth"] < 2 or record["ring"] < MIN_CONTRAST):
        found.append(f"focus ring {record['ringWidth']} px at {record['ring']}:1")
    return found
