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

/// A scatter of items in the plane of two standardised scores (偏差値, centre 50): the CS
/// portfolio's importance (x) × satisfaction (y), its four quadrants named and filled with a
/// pattern each (not colour alone), every point numbered (the table beside it names them).
#[derive(Debug, Clone)]
pub struct Scatter {
    pub id: String,
    pub title: String,
    pub desc: String,
    /// `(number shown, x, y)`, both 偏差値.
    pub points: Vec<(String, f64, f64)>,
    /// Names of the quadrants: top right, top left, bottom right, bottom left.
    pub quadrants: [String; 4],
    /// Axis names: x, y.
    pub axes: (String, String),
}

/// Side of the square plot, and its margin (axis names) in SVG units.
const PLOT: f64 = 260.0;
const MARGIN: f64 = 20.0;

/// A quadrant's rectangle (top-left corner), its pattern and its name's place.
#[derive(Debug, Clone, PartialEq)]
pub struct QuadrantView {
    pub x: f64,
    pub y: f64,
    pub pattern: &'static str,
    pub name: String,
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
}

#[derive(Debug, Clone, Template)]
#[template(path = "workspace/scatter.html")]
pub struct ScatterView {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub size: f64,
    pub margin: f64,
    pub plot: f64,
    pub centre: f64,
    pub quadrants: Vec<QuadrantView>,
    pub points: Vec<(f64, f64, String)>,
    pub axes: (String, String),
}

/// Lays the scatter out: the centre in the middle, the range wide enough for the farthest
/// point (at least ±20 偏差値).
pub fn layout_scatter(chart: &Scatter) -> ScatterView {
    let reach = chart
        .points
        .iter()
        .map(|(_, x, y)| (x - 50.0).abs().max((y - 50.0).abs()))
        .fold(20.0f64, f64::max)
        + 3.0;
    let half = PLOT / 2.0;
    let at = |v: f64| (v - 50.0).clamp(-reach, reach) / reach * half;
    let centre = MARGIN + half;
    let ids = ["q-tr", "q-tl", "q-br", "q-bl"];
    let corners = [
        (centre, MARGIN),
        (MARGIN, MARGIN),
        (centre, centre),
        (MARGIN, centre),
    ];
    ScatterView {
        id: chart.id.clone(),
        title: chart.title.clone(),
        desc: chart.desc.clone(),
        size: r(PLOT + 2.0 * MARGIN),
        margin: MARGIN,
        plot: PLOT,
        centre: r(centre),
        quadrants: corners
            .iter()
            .zip(ids)
            .zip(&chart.quadrants)
            .enumerate()
            .map(|(i, (((x, y), pattern), name))| {
                let right_half = i % 2 == 0;
                QuadrantView {
                    x: r(*x),
                    y: r(*y),
                    pattern,
                    name: name.clone(),
                    label_x: r(if right_half { x + half - 4.0 } else { x + 4.0 }),
                    label_y: r(y + 16.0),
                    anchor: if right_half { "end" } else { "start" },
                }
            })
            .collect(),
        points: chart
            .points
            .iter()
            .map(|(label, x, y)| (r(centre + at(*x)), r(centre - at(*y)), label.clone()))
            .collect(),
        axes: chart.axes.clone(),
    }
}

/// The scatter as an inline `<svg>` element.
pub fn render_scatter(chart: &Scatter) -> String {
    layout_scatter(chart).render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "chart rendering failed");
        String::new()
    })
}

#[cfg(test)]
mod scatter_tests {
    use super::*;

    #[test]
    fn points_sit_in_their_quadrant_and_the_svg_is_accessible() {
        let chart = Scatter {
            id: "cs".into(),
            title: "CS".into(),
            desc: "d".into(),
            points: vec![("1".into(), 60.0, 40.0), ("2".into(), 50.0, 50.0)],
            quadrants: ["重点維持", "維持", "重点改善", "改善"].map(String::from),
            axes: ("重要度".into(), "満足度".into()),
        };
        let v = layout_scatter(&chart);
        let (x, y, _) = &v.points[0];
        // More important (right), less satisfied (down): the 重点改善 quadrant.
        assert!(*x > v.centre && *y > v.centre);
        assert_eq!((v.points[1].0, v.points[1].1), (v.centre, v.centre));
        let svg = render_scatter(&chart);
        assert!(svg.contains("role=\"img\"") && svg.contains("<desc id=\"cs-desc\">"));
        assert!(svg.contains("重点改善") && svg.contains("<pattern"));
        assert!(!svg.contains("style="));
    }
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
