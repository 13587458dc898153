//! The CS portfolio's scatter (satisfaction × importance as 偏差値), as an inline SVG: shown
//! on the workspace's evaluation page and in the report's chapter Ⅴ.

use askama::Template;

/// Rounds a coordinate to 0.1 SVG units (shorter markup, same picture).
fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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
#[template(path = "report/scatter.html")]
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

/// One placed item of the CS portfolio as pages and the report list it (numbered as in
/// the scatter, form order).
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioRow {
    pub number: usize,
    pub item_id: String,
    /// The id and the item's text.
    pub item: String,
    /// The item's text alone.
    pub text: String,
    pub satisfaction: String,
    pub importance: String,
    /// `偏差値 satisfaction / importance`.
    pub t_scores: String,
    pub quadrant: &'static str,
    pub index: String,
    /// The CI of a score crosses a mean line: the quadrant is uncertain.
    pub uncertain: bool,
}

/// The portfolio's rows and its scatter in `lang` (ja, or en for every other language).
pub fn portfolio(
    wave: &crate::definitions::Wave,
    p: &crate::evaluation::portfolio::Portfolio,
    lang: crate::i18n::Lang,
) -> (Vec<PortfolioRow>, String) {
    use crate::evaluation::portfolio::Quadrant;
    let ja = lang == crate::i18n::Lang::Ja;
    let quadrant = |q: Quadrant| if ja { q.ja() } else { q.en() };
    let rows: Vec<PortfolioRow> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, placed)| PortfolioRow {
            number: i + 1,
            item_id: placed.input.id.clone(),
            item: wave
                .question(&placed.input.id)
                .map_or(placed.input.id.clone(), |q| {
                    format!("{} {}", placed.input.id, q.text.get(lang))
                }),
            text: wave
                .question(&placed.input.id)
                .map_or(placed.input.id.clone(), |q| q.text.get(lang).to_string()),
            satisfaction: format!("{:.1}", placed.input.satisfaction.value()),
            importance: match placed.input.importance {
                crate::evaluation::portfolio::Importance::Derived(c) => format!("{:.3}", c.r),
                crate::evaluation::portfolio::Importance::Asked(e) => format!("{:.1}", e.value()),
            },
            t_scores: format!("{:.1} / {:.1}", placed.satisfaction_t, placed.importance_t),
            quadrant: quadrant(placed.quadrant),
            index: format!("{:.1}", placed.improvement_index),
            uncertain: placed.crosses_mean_line,
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| {
            if ja {
                format!(
                    "{}：{}、満足度{}、重要度{}、{}。",
                    r.number, r.item, r.satisfaction, r.importance, r.quadrant
                )
            } else {
                format!(
                    "{}: {}, satisfaction {}, importance {}, {}.",
                    r.number, r.item, r.satisfaction, r.importance, r.quadrant
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let quadrants = [
        Quadrant::PriorityMaintain,
        Quadrant::Maintain,
        Quadrant::PriorityImprove,
        Quadrant::Improve,
    ];
    let svg = render_scatter(&Scatter {
        id: format!("cs-{}", wave.id),
        title: if ja {
            "CSポートフォリオ：重要度（横）× 満足度（縦）の偏差値".into()
        } else {
            "CS portfolio: importance (across) × satisfaction (up), standardised scores".into()
        },
        desc,
        points: rows
            .iter()
            .zip(&p.items)
            .map(|(r, placed)| {
                (
                    r.number.to_string(),
                    placed.importance_t,
                    placed.satisfaction_t,
                )
            })
            .collect(),
        quadrants: quadrants.map(|q| quadrant(q).to_string()),
        axes: if ja {
            ("重要度".into(), "満足度".into())
        } else {
            ("Importance".into(), "Satisfaction".into())
        },
    });
    (rows, svg)
}
