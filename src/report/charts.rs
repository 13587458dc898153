//! The report's charts as inline SVG, beside the public bar chart of `web/charts.rs` (same
//! approach: pure geometry, unit-tested, drawn by an askama template; its series colours):
//! 100% stacked bars per question and per cross, CI bars of the vision scores, and the
//! 経年 dumbbell. For a grey photocopy every category has a hatching as well as a colour,
//! drawn as one path per bar ([`hatch`]; SVG `<pattern>` fills made Chromium's PDF output
//! take minutes and gigabytes), and every figure is also printed as text. Japanese labels are never clipped: the label column is as wide as the longest
//! label (up to 40% of the chart) and longer labels wrap onto more lines.

use askama::Template;

/// Width of every chart in SVG units (scaled to the page's width).
pub const WIDTH: f64 = 640.0;
const FONT: f64 = 11.0;
const LINE: f64 = 13.0;
const BAR: f64 = 16.0;
const GAP: f64 = 7.0;
const TOP: f64 = 8.0;

/// Fills of the categories: colours from dark to light (distinct in grey too), each drawn
/// under its own hatching (see `templates/report/patterns.html`).
pub const FILLS: [&str; 10] = [
    "#0b4fa3", "#5b8fd6", "#a9c6ec", "#f2b56b", "#c8641c", "#7a3b00", "#0b7a3e", "#7cc197",
    "#6d6d6d", "#c9c9c9",
];

fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The width of a text in SVG units at `size`: full-width characters (kana, kanji,
/// full-width forms) take 1 em, others about 0.6 em (a safe over-estimate for sans-serif).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
                | 0x20000..=0x3FFFD);
            if wide { 1.0 } else { 0.62 }
        })
        .sum::<f64>()
        * size
}

/// Splits `text` into lines no wider than `width` (at `size`), between characters for
/// Japanese and at spaces for other scripts where possible.
pub fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_inclusive(' ') {
        if text_width(&format!("{current}{word}"), size) <= width {
            current.push_str(word);
            continue;
        }
        if !current.is_empty() && text_width(word, size) <= width {
            lines.push(current.trim_end().to_string());
            current = word.to_string();
            continue;
        }
        for c in word.chars() {
            if text_width(&format!("{current}{c}"), size) > width && !current.is_empty() {
                lines.push(current.trim_end().to_string());
                current.clear();
            }
            current.push(c);
        }
    }
    if !current.trim().is_empty() || lines.is_empty() {
        lines.push(current.trim_end().to_string());
    }
    lines
}

#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub fill: String,
    /// The hatching's path (`d`), empty for none, and its ink.
    pub hatch: String,
    pub ink: &'static str,
}

/// The hatching of category `i` over a rectangle, as one path: plain, `/`, dots, `\`,
/// horizontal, vertical, grid… Lines sit on a global grid, so adjacent bars line up.
pub fn hatch(i: usize, x: f64, y: f64, w: f64, h: f64) -> String {
    const STEP: f64 = 4.5;
    let mut d = String::new();
    let mut seg = |x1: f64, y1: f64, x2: f64, y2: f64| {
        d.push_str(&format!("M{} {}L{} {} ", r(x1), r(y1), r(x2), r(y2)));
    };
    let kind = i % 7;
    match kind {
        1 | 3 => {
            // "/" lines X + Y = c, "\" lines X − Y = c.
            let (lo_c, hi_c) = if kind == 1 {
                (x + y, x + w + y + h)
            } else {
                (x - y - h, x + w - y)
            };
            let mut c = (lo_c / STEP).ceil() * STEP;
            while c <= hi_c {
                let (a, b) = if kind == 1 {
                    (x.max(c - (y + h)), (x + w).min(c - y))
                } else {
                    (x.max(c + y), (x + w).min(c + y + h))
                };
                if b - a > 0.3 {
                    if kind == 1 {
                        seg(a, c - a, b, c - b)
                    } else {
                        seg(a, a - c, b, b - c)
                    }
                }
                c += STEP;
            }
        }
        2 => {
            let mut yy = (y / STEP).ceil() * STEP + 1.0;
            while yy < y + h - 0.5 {
                let mut xx = (x / STEP).ceil() * STEP + 1.0;
                while xx < x + w - 0.5 {
                    seg(xx, yy, xx + 0.01, yy);
                    xx += STEP;
                }
                yy += STEP;
            }
        }
        4 | 6 => {
            let mut yy = (y / STEP).ceil() * STEP;
            while yy < y + h {
                seg(x, yy, x + w, yy);
                yy += STEP;
            }
            if kind == 6 {
                let mut xx = (x / STEP).ceil() * STEP;
                while xx < x + w {
                    seg(xx, y, xx, y + h);
                    xx += STEP;
                }
            }
        }
        5 => {
            let mut xx = (x / STEP).ceil() * STEP;
            while xx < x + w {
                seg(xx, y, xx, y + h);
                xx += STEP;
            }
        }
        _ => {}
    }
    d.trim_end().to_string()
}

/// A filled, hatched rectangle of category `i`.
fn category_rect(i: usize, x: f64, y: f64, width: f64, height: f64) -> Rect {
    let light = matches!(i % FILLS.len(), 2 | 3 | 7 | 9);
    Rect {
        x: r(x),
        y: r(y),
        width: r(width),
        height,
        fill: FILLS[i % FILLS.len()].to_string(),
        hatch: hatch(i, r(x), r(y), r(width), height),
        ink: if light { "#000" } else { "#fff" },
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub dashed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub cx: f64,
    pub cy: f64,
    /// Filled (this wave, unweighted) or hollow (earlier wave, weighted).
    pub filled: bool,
    /// A diamond instead of a circle (weighted figures).
    pub diamond: bool,
}

/// A laid-out chart: everything the template draws.
#[derive(Debug, Clone, Template)]
#[template(path = "report/chart.html")]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub rects: Vec<Rect>,
    pub segments: Vec<Segment>,
    pub dots: Vec<Dot>,
    /// Texts drawn on bars, with a white halo.
    pub halo_texts: Vec<Text>,
    pub texts: Vec<Text>,
}

impl Chart {
    pub fn svg(&self) -> String {
        self.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "chart rendering failed");
            String::new()
        })
    }
}

/// The label column: as wide as the widest label, 60 to 40% of the chart.
fn label_column(labels: &[&str]) -> f64 {
    let widest = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    (widest + 8.0).clamp(60.0, WIDTH * 0.4)
}

/// Adds the wrapped label of a row at `y` (its top) and returns the row's height.
fn row_label(texts: &mut Vec<Text>, label: &str, column: f64, y: f64, height: f64) -> f64 {
    let lines = wrap(label, column - 8.0, FONT);
    let needed = (lines.len() as f64 * LINE).max(height);
    let first = y + (needed - lines.len() as f64 * LINE) / 2.0 + LINE - 3.0;
    for (i, l) in lines.into_iter().enumerate() {
        texts.push(Text {
            x: 2.0,
            y: r(first + i as f64 * LINE),
            text: l,
            anchor: "start",
            bold: false,
        });
    }
    needed
}

/// A legend of swatches below `y`, wrapping across lines; returns its height.
fn legend(rects: &mut Vec<Rect>, texts: &mut Vec<Text>, items: &[String], y: f64) -> f64 {
    let (mut x, mut line) = (2.0, 0.0);
    for (i, item) in items.iter().enumerate() {
        if item.is_empty() {
            continue;
        }
        let w = 14.0 + text_width(item, FONT) + 12.0;
        if x + w > WIDTH && x > 2.0 {
            x = 2.0;
            line += 1.0;
        }
        let top = y + line * (LINE + 4.0);
        rects.push(category_rect(i, x, top, 11.0, 11.0));
        texts.push(Text {
            x: r(x + 14.0),
            y: r(top + 10.0),
            text: item.clone(),
            anchor: "start",
            bold: false,
        });
        x += w;
    }
    (line + 1.0) * (LINE + 4.0)
}

/// One bar of a 100% stacked chart: a label and each category's percent (`None`: the row
/// is not published, drawn as the `blank` text).
#[derive(Debug, Clone)]
pub struct StackedRow {
    pub label: String,
    pub shares: Option<Vec<f64>>,
}

/// 100% stacked horizontal bars, one per row, categories in order with their patterns.
pub fn stacked(
    id: &str,
    title: &str,
    categories: &[String],
    rows: &[StackedRow],
    blank: &str,
) -> Chart {
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let column = label_column(&labels);
    let (x0, x1) = (column, WIDTH - 4.0);
    let mut rects = Vec::new();
    let mut texts = Vec::new();
    let mut halo_texts = Vec::new();
    let mut y = TOP;
    for row in rows {
        let h = row_label(&mut texts, &row.label, column, y, BAR);
        let bar_y = y + (h - BAR) / 2.0;
        match &row.shares {
            Some(shares) => {
                let total: f64 = shares.iter().sum::<f64>().max(1e-9);
                let mut x = x0;
                for (i, s) in shares.iter().enumerate() {
                    // Scaled to the row's own total: shares of multiple answers add up
                    // to more than 100, shares rounded to less.
                    let w = s / total * (x1 - x0);
                    // A category without a name is the rest of a bar (multiple answers).
                    let rest = categories.get(i).is_some_and(String::is_empty);
                    if w > 0.0 && rest {
                        rects.push(Rect {
                            x: r(x),
                            y: r(bar_y),
                            width: r(w),
                            height: BAR,
                            fill: "#ffffff".into(),
                            hatch: String::new(),
                            ink: "#000",
                        });
                    } else if w > 0.0 {
                        rects.push(category_rect(i, x, bar_y, w, BAR));
                        if w >= 28.0 {
                            halo_texts.push(Text {
                                x: r(x + w / 2.0),
                                y: r(bar_y + BAR - 4.0),
                                text: format!("{s:.1}"),
                                anchor: "middle",
                                bold: false,
                            });
                        }
                    }
                    x += w;
                }
            }
            None => texts.push(Text {
                x: r(x0 + 4.0),
                y: r(bar_y + BAR - 4.0),
                text: blank.to_string(),
                anchor: "start",
                bold: false,
            }),
        }
        y += h + GAP;
    }
    let legend_h = legend(&mut rects, &mut texts, categories, y + 2.0);
    let desc = rows
        .iter()
        .map(|row| match &row.shares {
            Some(s) => format!(
                "{}: {}",
                row.label,
                categories
                    .iter()
                    .zip(s)
                    .map(|(c, p)| format!("{c} {p:.1}%"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!("{}: {blank}", row.label),
        })
        .collect::<Vec<_>>()
        .join(". ");
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        desc,
        width: WIDTH,
        height: r(y + 2.0 + legend_h + 2.0),
        rects,
        segments: Vec::new(),
        dots: Vec::new(),
        halo_texts,
        texts,
    }
}

/// The x of a 0–100 value in a plot from `x0` to `x1`.
fn scale(v: f64, x0: f64, x1: f64) -> f64 {
    r(x0 + v.clamp(0.0, 100.0) / 100.0 * (x1 - x0))
}

/// The 0–100 axis: ticks every 25 with labels, 50 (neutral) dashed.
fn axis(
    segments: &mut Vec<Segment>,
    texts: &mut Vec<Text>,
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
) {
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let x = scale(t, x0, x1);
        segments.push(Segment {
            x1: x,
            y1: top,
            x2: x,
            y2: bottom,
            dashed: t == 50.0,
        });
        texts.push(Text {
            x,
            y: r(bottom + 12.0),
            text: format!("{t:.0}"),
            anchor: "middle",
            bold: false,
        });
    }
}

/// A score with its interval, and optionally a second one (weighted) drawn as a diamond.
#[derive(Debug, Clone)]
pub struct IntervalRow {
    pub label: String,
    pub value: Option<(f64, Option<(f64, f64)>)>,
    pub second: Option<(f64, Option<(f64, f64)>)>,
}

/// Scores on the 0–100 axis with their 95% intervals (CI bars).
pub fn intervals(
    id: &str,
    title: &str,
    rows: &[IntervalRow],
    legend_items: &[String],
    blank: &str,
) -> Chart {
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let column = label_column(&labels);
    let value_w = 120.0;
    let (x0, x1) = (column + 6.0, WIDTH - value_w);
    let (mut rects, mut texts, mut segments, mut dots) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut y = TOP + 4.0;
    let mut desc = Vec::new();
    for row in rows {
        let h = row_label(&mut texts, &row.label, column, y, 2.0 * BAR);
        let mid = y + h / 2.0 - 4.0;
        let mut line_at = |v: (f64, Option<(f64, f64)>), at: f64, filled: bool, diamond: bool| {
            if let Some((lo, hi)) = v.1 {
                segments.push(Segment {
                    x1: scale(lo, x0, x1),
                    y1: r(at),
                    x2: scale(hi, x0, x1),
                    y2: r(at),
                    dashed: diamond,
                });
            }
            dots.push(Dot {
                cx: scale(v.0, x0, x1),
                cy: r(at),
                filled,
                diamond,
            });
        };
        match row.value {
            Some(v) => {
                line_at(v, mid, true, false);
                let text = match v.1 {
                    Some((lo, hi)) => format!("{:.1} ({lo:.1}–{hi:.1})", v.0),
                    None => format!("{:.1}", v.0),
                };
                texts.push(Text {
                    x: r(x1 + 8.0),
                    y: r(mid + 4.0),
                    text: text.clone(),
                    anchor: "start",
                    bold: true,
                });
                desc.push(format!("{}: {text}", row.label));
                if let Some(w) = row.second {
                    line_at(w, mid + 10.0, false, true);
                    texts.push(Text {
                        x: r(x1 + 8.0),
                        y: r(mid + 15.0),
                        text: format!("{:.1}", w.0),
                        anchor: "start",
                        bold: false,
                    });
                }
            }
            None => {
                texts.push(Text {
                    x: r(x0 + 4.0),
                    y: r(mid + 4.0),
                    text: blank.to_string(),
                    anchor: "start",
                    bold: false,
                });
                desc.push(format!("{}: {blank}", row.label));
            }
        }
        y += h + GAP;
    }
    axis(&mut segments, &mut texts, x0, x1, TOP, r(y));
    let mut legend_y = y + 22.0;
    for (i, item) in legend_items.iter().enumerate() {
        dots.push(Dot {
            cx: 8.0,
            cy: r(legend_y - 4.0),
            filled: i == 0,
            diamond: i == 1,
        });
        texts.push(Text {
            x: 18.0,
            y: r(legend_y),
            text: item.clone(),
            anchor: "start",
            bold: false,
        });
        legend_y += LINE + 3.0;
    }
    rects.clear();
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.join(". "),
        width: WIDTH,
        height: r(legend_y),
        rects,
        segments,
        dots,
        halo_texts: Vec::new(),
        texts,
    }
}

/// A figure in two waves.
#[derive(Debug, Clone)]
pub struct PairRow {
    pub label: String,
    pub earlier: Option<f64>,
    pub later: Option<f64>,
}

/// The 経年 dumbbell: each row's earlier (hollow) and later (filled) score joined by a line.
pub fn dumbbell(id: &str, title: &str, rows: &[PairRow], series: [&str; 2], blank: &str) -> Chart {
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let column = label_column(&labels);
    let value_w = 96.0;
    let (x0, x1) = (column + 6.0, WIDTH - value_w);
    let (mut texts, mut segments, mut dots) = (Vec::new(), Vec::new(), Vec::new());
    let mut y = TOP + 4.0;
    let mut desc = Vec::new();
    for row in rows {
        let h = row_label(&mut texts, &row.label, column, y, BAR + 4.0);
        let mid = y + h / 2.0;
        match (row.earlier, row.later) {
            (Some(a), Some(b)) => {
                segments.push(Segment {
                    x1: scale(a, x0, x1),
                    y1: r(mid),
                    x2: scale(b, x0, x1),
                    y2: r(mid),
                    dashed: false,
                });
                dots.push(Dot {
                    cx: scale(a, x0, x1),
                    cy: r(mid),
                    filled: false,
                    diamond: false,
                });
                dots.push(Dot {
                    cx: scale(b, x0, x1),
                    cy: r(mid),
                    filled: true,
                    diamond: false,
                });
                let t = format!("{a:.1} → {b:.1}");
                texts.push(Text {
                    x: r(x1 + 8.0),
                    y: r(mid + 4.0),
                    text: t.clone(),
                    anchor: "start",
                    bold: false,
                });
                desc.push(format!("{}: {t}", row.label));
            }
            _ => {
                texts.push(Text {
                    x: r(x0 + 4.0),
                    y: r(mid + 4.0),
                    text: blank.to_string(),
                    anchor: "start",
                    bold: false,
                });
                desc.push(format!("{}: {blank}", row.label));
            }
        }
        y += h + GAP;
    }
    axis(&mut segments, &mut texts, x0, x1, TOP, r(y));
    let legend_y = y + 22.0;
    for (i, s) in series.iter().enumerate() {
        let x = 8.0 + i as f64 * (text_width(series[0], FONT) + 40.0);
        dots.push(Dot {
            cx: r(x),
            cy: r(legend_y - 4.0),
            filled: i == 1,
            diamond: false,
        });
        texts.push(Text {
            x: r(x + 10.0),
            y: r(legend_y),
            text: s.to_string(),
            anchor: "start",
            bold: false,
        });
    }
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.join(". "),
        width: WIDTH,
        height: r(legend_y + 6.0),
        rects: Vec::new(),
        segments,
        dots,
        halo_texts: Vec::new(),
        texts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_is_measured_wide_and_wrapped_never_cut() {
        assert_eq!(text_width("あいう", 10.0), 30.0);
        assert!((text_width("abc", 10.0) - 18.6).abs() < 1e-9);
        let long = "千里ニュータウン・万博・阪大にお住まいの方";
        let lines = wrap(long, 100.0, 11.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long, "every character is kept");
        assert!(lines.iter().all(|l| text_width(l, 11.0) <= 100.0));
        let en = wrap("Senri New Town / Banpaku / Handai", 90.0, 11.0);
        assert!(
            en.len() > 1 && en.iter().all(|l| text_width(l, 11.0) <= 90.0),
            "{en:?}"
        );
    }

    #[test]
    fn stacked_bars_fill_the_width_and_label_every_wide_segment() {
        let c = stacked(
            "q1",
            "t",
            &["はい".into(), "いいえ".into(), "無回答".into()],
            &[
                StackedRow {
                    label: "全体".into(),
                    shares: Some(vec![50.0, 40.0, 10.0]),
                },
                StackedRow {
                    label: "80歳以上".into(),
                    shares: None,
                },
            ],
            "x",
        );
        let bars: Vec<&Rect> = c.rects.iter().filter(|r| r.height == BAR).collect();
        assert_eq!(bars.len(), 3);
        let width: f64 = bars.iter().map(|b| b.width).sum();
        assert!((width - (WIDTH - 4.0 - bars[0].x)).abs() < 0.3);
        assert_eq!(bars[0].fill, FILLS[0]);
        assert!(
            bars[0].hatch.is_empty() && !bars[1].hatch.is_empty(),
            "the first is plain, the next hatched"
        );
        assert_eq!(
            c.halo_texts
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>(),
            ["50.0", "40.0", "10.0"]
        );
        assert!(c.texts.iter().any(|t| t.text == "x"));
        assert!(c.desc.contains("全体: はい 50.0%"));
        // Labels sit left of the bars, inside the drawing.
        assert!(
            c.texts
                .iter()
                .filter(|t| t.text == "全体")
                .all(|t| t.x + text_width("全体", FONT) < bars[0].x)
        );
        let svg = c.svg();
        assert!(svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("<title"));
    }

    #[test]
    fn hatching_stays_inside_its_rectangle() {
        for i in 0..7 {
            let d = hatch(i, 10.0, 20.0, 30.0, 16.0);
            for pair in d.split(['M', 'L']).filter(|p| !p.trim().is_empty()) {
                let v: Vec<f64> = pair
                    .split_whitespace()
                    .map(|n| n.parse().unwrap())
                    .collect();
                assert!(
                    (9.9..=40.1).contains(&v[0]) && (19.9..=36.1).contains(&v[1]),
                    "{i}: {d}"
                );
            }
            assert_eq!(d.is_empty(), i == 0);
        }
    }

    #[test]
    fn intervals_and_dumbbells_place_values_on_the_0_100_axis() {
        let c = intervals(
            "v",
            "t",
            &[IntervalRow {
                label: "v1".into(),
                value: Some((50.0, Some((40.0, 60.0)))),
                second: Some((52.0, Some((45.0, 59.0)))),
            }],
            &["a".into(), "b".into()],
            "x",
        );
        let x0 = c
            .segments
            .iter()
            .find(|s| s.dashed && s.y1 == s.y2)
            .map(|s| s.x1);
        assert!(x0.is_some(), "the weighted interval is dashed");
        let dot = &c.dots[0];
        let tick50 = c
            .segments
            .iter()
            .find(|s| s.dashed && s.x1 == s.x2)
            .unwrap();
        assert_eq!(dot.cx, tick50.x1, "50 sits on the neutral line");
        let d = dumbbell(
            "d",
            "t",
            &[PairRow {
                label: "v1".into(),
                earlier: Some(25.0),
                later: Some(75.0),
            }],
            ["2026", "2028"],
            "x",
        );
        assert!(d.dots[0].cx < d.dots[1].cx && !d.dots[0].filled && d.dots[1].filled);
        assert!(d.texts.iter().any(|t| t.text == "25.0 → 75.0"));
    }
}
