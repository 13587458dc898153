//! Server-rendered SVG bar charts: pure geometry (unit-tested) and a template that draws it.
//! No script and no `style` attribute (the CSP forbids inline styles): colours and sizes are
//! SVG presentation attributes. Every bar carries its figure as text, and the chart has a
//! `<title>` and a `<desc>` listing the figures, so a screen reader gets the same content.

use askama::Template;

/// Width of the drawing in SVG units. It is drawn narrow and scales with the page (up to
/// a maximum width set in the stylesheet), so that its 14-unit text stays about 13 CSS px
/// on a 320 px phone: each group's label sits on its own line above its bars.
const WIDTH: f64 = 300.0;
/// Left margin of the bars and labels.
const LEFT: f64 = 4.0;
/// Space for the figure printed after the longest bar.
const VALUE_WIDTH: f64 = 56.0;
const TOP: f64 = 24.0;
const LABEL_HEIGHT: f64 = 20.0;
const BAR_HEIGHT: f64 = 18.0;
const BAR_GAP: f64 = 4.0;
const GROUP_GAP: f64 = 12.0;
const LEGEND_ROW: f64 = 20.0;

/// Colours with at least 4.5:1 contrast on white (text beside bars uses the same colour).
pub const SERIES_FILLS: [&str; 3] = ["#0b4fa3", "#0b7a3e", "#8a3b00"];

/// What to draw: groups (e.g. visions) of bars (e.g. waves), values on a 0–100 scale.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Used to build unique element ids on a page with several charts.
    pub id: String,
    pub title: String,
    pub desc: String,
    pub series: Vec<String>,
    pub groups: Vec<Group>,
    /// Printed instead of a bar for a suppressed value.
    pub suppressed_label: String,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    /// One per series; `None` when the figure is suppressed.
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub fill: &'static str,
    /// Where the figure's text starts, and its baseline.
    pub text_x: f64,
    pub text_y: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub fill: &'static str,
    pub text: String,
}

/// The chart laid out: every coordinate the template needs, rounded to 0.1.
#[derive(Debug, Clone, Template)]
#[template(path = "resident/chart.html")]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub axis_top: f64,
    pub axis_bottom: f64,
    pub ticks: Vec<Tick>,
    pub labels: Vec<Label>,
    pub bars: Vec<Bar>,
    pub legend: Vec<LegendItem>,
}

fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The x coordinate of a value on the 0–100 scale (clamped to the plot).
pub fn scale_x(value: f64) -> f64 {
    let plot = WIDTH - LEFT - VALUE_WIDTH;
    r(LEFT + value.clamp(0.0, 100.0) / 100.0 * plot)
}

pub fn layout(chart: &BarChart) -> ChartView {
    let mut y = TOP;
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for group in &chart.groups {
        labels.push(Label {
            x: LEFT,
            y: r(y + LABEL_HEIGHT - 6.0),
            text: group.label.clone(),
        });
        y += LABEL_HEIGHT;
        for (i, value) in group.values.iter().enumerate() {
            let fill = SERIES_FILLS[i % SERIES_FILLS.len()];
            let x0 = scale_x(0.0);
            let (width, text) = match value {
                Some(v) => (r(scale_x(*v) - x0), format!("{v:.1}")),
                None => (0.0, chart.suppressed_label.clone()),
            };
            bars.push(Bar {
                x: x0,
                y: r(y),
                width,
                height: BAR_HEIGHT,
                fill,
                text_x: r(x0 + width + 4.0),
                text_y: r(y + BAR_HEIGHT - 4.0),
                text,
            });
            y += BAR_HEIGHT + BAR_GAP;
        }
        y += GROUP_GAP - BAR_GAP;
    }
    let axis_bottom = r(y - GROUP_GAP + BAR_GAP + 4.0);
    // One legend entry per row: long series names (e.g. in Vietnamese) fit the width.
    let legend: Vec<LegendItem> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            x: LEFT,
            y: r(axis_bottom + 10.0 + i as f64 * LEGEND_ROW),
            fill: SERIES_FILLS[i % SERIES_FILLS.len()],
            text: s.clone(),
        })
        .collect();
    ChartView {
        id: chart.id.clone(),
        title: chart.title.clone(),
        desc: chart.desc.clone(),
        width: WIDTH,
        height: r(axis_bottom + 14.0 + legend.len() as f64 * LEGEND_ROW),
        axis_top: TOP - 6.0,
        axis_bottom,
        ticks: (0..=4)
            .map(|i| Tick {
                x: scale_x(i as f64 * 25.0),
                label: (i * 25).to_string(),
            })
            .collect(),
        labels,
        bars,
        legend,
    }
}

/// The chart as an inline `<svg>` element (every text escaped by the template).
pub fn render(chart: &BarChart) -> String {
    layout(chart).render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "chart rendering failed");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<Option<f64>>, series: usize) -> BarChart {
        BarChart {
            id: "c".into(),
            title: "t".into(),
            desc: "d".into(),
            series: (0..series).map(|i| format!("s{i}")).collect(),
            groups: vec![Group {
                label: "v1".into(),
                values,
            }],
            suppressed_label: "suppressed".into(),
        }
    }

    #[test]
    fn the_scale_maps_0_to_100_onto_the_plot_and_clamps() {
        assert_eq!(scale_x(0.0), 4.0);
        assert_eq!(scale_x(100.0), 244.0);
        assert_eq!(scale_x(50.0), 124.0);
        assert_eq!(scale_x(-3.0), 4.0);
        assert_eq!(scale_x(140.0), 244.0);
    }

    #[test]
    fn bars_are_proportional_and_labelled_and_suppressed_ones_have_no_bar() {
        let view = layout(&chart(vec![Some(25.0), None], 2));
        assert_eq!(view.bars.len(), 2);
        assert_eq!(view.bars[0].width, 60.0);
        assert_eq!(view.bars[0].text, "25.0");
        assert_eq!(view.bars[0].text_x, 68.0);
        // The group's label sits above its bars, not beside them.
        assert!(view.labels[0].y < view.bars[0].y);
        assert_eq!(view.bars[1].width, 0.0);
        assert_eq!(view.bars[1].text, "suppressed");
        // The second bar sits below the first, not on it.
        assert_eq!(view.bars[1].y, view.bars[0].y + BAR_HEIGHT + BAR_GAP);
        assert_ne!(view.bars[0].fill, view.bars[1].fill);
        assert_eq!(view.legend.len(), 2);
        assert!(view.height > view.axis_bottom);
    }

    #[test]
    fn rendered_svg_is_accessible_and_has_no_style_attribute() {
        let mut c = chart(vec![Some(60.0)], 1);
        c.title = "<Scores & more>".into();
        let svg = render(&c);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(
            svg.contains("<title id=\"c-title\">&#60;Scores &#38; more&#62;</title>")
                || svg.contains("&lt;Scores &amp; more&gt;"),
            "{svg}"
        );
        assert!(svg.contains("<desc id=\"c-desc\">"));
        assert!(svg.contains(">60.0</text>"));
        assert!(!svg.contains("style="));
    }
}
