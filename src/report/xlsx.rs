//! `report.xlsx`: the report's tables for staff to restyle — one sheet per table family
//! (概要, 単純集計, each cross axis, ビジョン, 経年, 自由記述), numbers as numbers (a blanked
//! figure is the text `x`), column widths set for Japanese text, and native Excel charts
//! (stacked-percent bars drawn from the count cells, so they follow any edit).

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartPatternFill, ChartPatternFillType, ChartType, Color, Format, Workbook,
    Worksheet, XlsxError,
};

use super::model::*;
use super::strings::Strings;

const PATTERNS: [ChartPatternFillType; 8] = [
    ChartPatternFillType::Dotted90Percent,
    ChartPatternFillType::DiagonalStripesWideUpwards,
    ChartPatternFillType::Dotted50Percent,
    ChartPatternFillType::DiagonalStripesWideDownwards,
    ChartPatternFillType::LargeGrid,
    ChartPatternFillType::HorizontalStripesDark,
    ChartPatternFillType::Dotted20Percent,
    ChartPatternFillType::VerticalStripesDark,
];

fn series_format(i: usize) -> ChartFormat {
    let colour = super::charts::FILLS[i % super::charts::FILLS.len()];
    let rgb = u32::from_str_radix(&colour[1..], 16).unwrap_or(0);
    let mut fill = ChartPatternFill::new();
    fill.set_pattern(PATTERNS[i % PATTERNS.len()])
        .set_foreground_color(Color::RGB(rgb))
        .set_background_color(Color::White);
    let mut f = ChartFormat::new();
    f.set_pattern_fill(&fill);
    f
}

/// Column width (Excel's character units) for a text: full-width characters count twice.
fn width_of(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if super::charts::text_width(&c.to_string(), 1.0) >= 1.0 {
                2.1
            } else {
                1.1
            }
        })
        .sum::<f64>()
        + 2.0
}

/// A sheet being written, remembering the widest text per column.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    name: String,
    widths: Vec<f64>,
    bold: Format,
    pct: Format,
    dec: Format,
    wrap: Format,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, name: &str) -> Result<Self, XlsxError> {
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            name: name.to_string(),
            widths: Vec::new(),
            bold: Format::new().set_bold(),
            pct: Format::new().set_num_format("0.0"),
            dec: Format::new().set_num_format("0.0000"),
            wrap: Format::new().set_text_wrap(),
        })
    }

    fn fit(&mut self, col: u16, text: &str, cap: f64) {
        let c = usize::from(col);
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 6.0);
        }
        self.widths[c] = self.widths[c].max(width_of(text).min(cap));
    }

    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.fit(col, text, 48.0);
        self.ws.write_string(row, col, text)?;
        Ok(())
    }

    fn heading(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col, text, &self.bold)?;
        Ok(())
    }

    fn count(&mut self, row: u32, col: u16, n: Option<u64>) -> Result<(), XlsxError> {
        match n {
            Some(n) => self.ws.write_number(row, col, n as f64)?,
            None => self.ws.write_string(row, col, "x")?,
        };
        self.fit(col, "0000000", 12.0);
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, x: Option<f64>, format: Fmt) -> Result<(), XlsxError> {
        let f = match format {
            Fmt::Pct => &self.pct,
            Fmt::Dec => &self.dec,
        };
        match x {
            Some(x) if x.is_finite() => self.ws.write_number_with_format(row, col, x, f)?,
            _ => self.ws.write_string(row, col, "x")?,
        };
        self.fit(col, "000.0000", 12.0);
        Ok(())
    }

    fn finish(self) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Fmt {
    Pct,
    Dec,
}

/// A stacked-percent bar chart of the count block `rows` × `cols` (first column: labels,
/// header row above: the series' names), placed at (`at_row`, `at_col`).
#[allow(clippy::too_many_arguments)]
fn stacked_chart(
    sheet: &mut Sheet<'_>,
    title: &str,
    header_row: u32,
    first_row: u32,
    last_row: u32,
    label_col: u16,
    first_col: u16,
    last_col: u16,
    at: (u32, u16),
) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::BarPercentStacked);
    for (i, col) in (first_col..=last_col).enumerate() {
        chart
            .add_series()
            .set_name((sheet.name.as_str(), header_row, col))
            .set_categories((
                sheet.name.as_str(),
                first_row,
                label_col,
                last_row,
                label_col,
            ))
            .set_values((sheet.name.as_str(), first_row, col, last_row, col))
            .set_format(&mut series_format(i));
    }
    chart.title().set_name(title);
    chart.x_axis().set_num_format("0%");
    chart.y_axis().set_reverse();
    let rows = (last_row - first_row + 1).max(1);
    chart.set_width(720).set_height(140 + 28 * rows);
    sheet.ws.insert_chart(at.0, at.1, &chart)?;
    Ok(())
}

/// The workbook of the report.
pub fn write(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let s = Strings::get(r.lang);
    let mut wb = Workbook::new();
    outline(&mut wb, r, s)?;
    simple(&mut wb, r, s)?;
    for (i, dim) in super::build::DIMENSIONS.iter().enumerate() {
        cross(&mut wb, r, s, dim, s.sheet_names[2 + i])?;
    }
    visions(&mut wb, r, s)?;
    if let Some(c) = &r.comparison {
        comparison(&mut wb, c, s)?;
    }
    free_text(&mut wb, r, s)?;
    wb.save_to_buffer()
}

fn outline(wb: &mut Workbook, r: &Report, s: &Strings) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb.add_worksheet(), s.sheet_names[0])?;
    sh.heading(0, 0, &r.title)?;
    sh.text(
        1,
        0,
        if r.edition == Edition::Public {
            s.edition_public
        } else {
            s.edition_internal
        },
    )?;
    let mut row = 3;
    for (k, v) in &r.outline.design {
        sh.text(row, 0, k)?;
        sh.text(row, 1, v)?;
        row += 1;
    }
    row += 1;
    sh.heading(row, 0, s.collection_title)?;
    row += 1;
    let c = &r.outline.collection;
    for (label, n) in [
        (s.mailed, c.mailed),
        (s.undeliverable, Some(c.undeliverable)),
        (s.distributed, c.distributed),
    ] {
        sh.text(row, 0, label)?;
        match n {
            Some(n) => sh.count(row, 1, Some(n))?,
            None => sh.text(row, 1, "—")?,
        }
        row += 1;
    }
    for (i, h) in [s.channel, s.valid, s.rate].iter().enumerate() {
        sh.heading(row, i as u16, h)?;
    }
    row += 1;
    for x in c.rows.iter().chain(std::iter::once(&c.total)) {
        sh.text(row, 0, &x.label)?;
        sh.count(row, 1, Some(x.valid))?;
        match x.rate {
            Some(rate) => sh.number(row, 2, Some(rate), Fmt::Pct)?,
            None => sh.text(row, 2, "—")?,
        }
        row += 1;
    }
    row += 1;
    sh.heading(row, 0, s.sampling_error_title)?;
    row += 1;
    sh.heading(row, 0, s.sampling_error_n)?;
    for (i, p) in super::sampling_error::SHARES.iter().enumerate() {
        sh.heading(row, 1 + i as u16, &format!("{p}%"))?;
    }
    row += 1;
    for e in &r.outline.sampling_error {
        sh.count(row, 0, Some(e.n))?;
        for (i, m) in e.margins.iter().enumerate() {
            sh.number(row, 1 + i as u16, Some(*m), Fmt::Dec)?;
        }
        row += 1;
    }
    sh.finish()
}

/// 単純集計: one row per question and answer with the export's columns, and a
/// stacked-percent bar per single-choice or scale question.
fn simple(wb: &mut Workbook, r: &Report, s: &Strings) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb.add_worksheet(), s.sheet_names[1])?;
    let header = [
        "question_id",
        "number",
        "question",
        "option_code",
        "option_label",
        "n",
        "count",
        "pct_of_n",
        "respondents",
        "share_pct",
    ];
    for (i, h) in header.iter().enumerate() {
        sh.heading(0, i as u16, h)?;
    }
    let mut row = 1;
    for q in &r.questions {
        let first = row;
        for (c, cell) in q.simple.columns.iter().zip(&q.simple.total.cells) {
            sh.text(row, 0, &q.id)?;
            sh.text(row, 1, &q.number)?;
            sh.text(row, 2, &q.text)?;
            sh.text(
                row,
                3,
                c.code.as_deref().unwrap_or(super::html::NO_ANSWER_CODE),
            )?;
            sh.text(row, 4, &c.label)?;
            sh.count(row, 5, q.simple.total.n)?;
            sh.count(row, 6, cell.count)?;
            sh.number(row, 7, cell.pct, Fmt::Dec)?;
            // The export's respondents and share (of those who answered), answers only.
            if c.code.is_some() {
                sh.count(row, 8, q.answered)?;
                let share = cell
                    .count
                    .zip(q.answered)
                    .and_then(|(n, a)| (a > 0).then(|| n as f64 / a as f64 * 100.0));
                sh.number(row, 9, share, Fmt::Dec)?;
            }
            row += 1;
        }
        if !q.multiple && q.simple.total.n.is_some() {
            // One bar: each answer a series of one cell.
            let mut chart = Chart::new(ChartType::BarPercentStacked);
            for (i, rr) in (first..row).enumerate() {
                chart
                    .add_series()
                    .set_name((sh.name.as_str(), rr, 4))
                    .set_categories((sh.name.as_str(), first, 1, first, 1))
                    .set_values((sh.name.as_str(), rr, 6, rr, 6))
                    .set_format(&mut series_format(i));
            }
            chart.title().set_name(&format!("{} {}", q.number, q.text));
            chart.x_axis().set_num_format("0%");
            chart.set_width(640).set_height(200);
            sh.ws.insert_chart(first, 11, &chart)?;
            row = row.max(first + 11);
        }
        row += 1;
    }
    sh.ws.set_freeze_panes(1, 0)?;
    sh.finish()
}

/// One cross axis: per question a block of counts (n, each answer, 無回答) and the same
/// as row percentages, with a stacked-percent bar chart of the counts.
fn cross(
    wb: &mut Workbook,
    r: &Report,
    s: &Strings,
    dim: &str,
    name: &str,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb.add_worksheet(), name)?;
    let mut row = 0;
    for q in &r.questions {
        let Some(t) = q.crosses.iter().find(|t| t.dimension == dim) else {
            continue;
        };
        sh.heading(row, 0, &format!("{} {}（{}）", q.number, q.text, q.id))?;
        row += 1;
        let k = t.columns.len() as u16;
        let header_row = row;
        sh.heading(row, 0, &t.title)?;
        sh.heading(row, 1, "n")?;
        let pct_col = 3 + k;
        for (i, c) in t.columns.iter().enumerate() {
            sh.ws
                .write_string_with_format(row, 2 + i as u16, &c.label, &sh.wrap)?;
            sh.fit(2 + i as u16, "00000000", 14.0);
            sh.ws.write_string_with_format(
                row,
                pct_col + i as u16,
                format!("{}（%）", c.label),
                &sh.wrap,
            )?;
            sh.fit(pct_col + i as u16, "00000000", 14.0);
        }
        row += 1;
        let first = row;
        for l in std::iter::once(&t.total).chain(&t.rows) {
            sh.text(row, 0, &l.label)?;
            sh.count(row, 1, l.n)?;
            for (i, c) in l.cells.iter().enumerate() {
                sh.count(row, 2 + i as u16, c.count)?;
                sh.number(row, pct_col + i as u16, c.pct, Fmt::Pct)?;
            }
            row += 1;
        }
        let last = row - 1;
        let mut note = String::new();
        if let Some(c) = &t.chisq {
            note = format!(
                "{}: χ² = {:.4}, df = {}, p = {:.6}",
                s.chisq, c.statistic, c.df, c.p_value
            );
            sh.text(row, 0, &note)?;
            sh.number(row, 1, Some(c.p_value), Fmt::Dec)?;
        } else if let Some(n) = &t.chisq_note {
            note = format!("{}: {n}", s.chisq);
            sh.text(row, 0, &note)?;
        }
        if !note.is_empty() {
            row += 1;
        }
        if !q.multiple {
            stacked_chart(
                &mut sh,
                &format!("{} {}", q.number, t.title),
                header_row,
                first,
                last,
                0,
                2,
                1 + k,
                (header_row, pct_col + k + 1),
            )?;
            row = row.max(header_row + 6 + (last - first));
        }
        row += 2;
    }
    sh.finish()
}

fn visions(wb: &mut Workbook, r: &Report, s: &Strings) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb.add_worksheet(), s.sheet_names[6])?;
    let header = [
        "vision_id",
        "vision",
        "respondents",
        "mean_score",
        "sd",
        "ci95_lower",
        "ci95_upper",
        "top2_box_pct",
        "weighted_mean",
        "weighted_se",
        "weighted_ci95_lower",
        "weighted_ci95_upper",
        "weighted_top2_box_pct",
        "weighted_kish_deff",
        "weighted_effective_n",
    ];
    for (i, h) in header.iter().enumerate() {
        sh.heading(0, i as u16, h)?;
    }
    let mut row = 1;
    for v in &r.visions {
        sh.text(row, 0, &v.id)?;
        sh.text(row, 1, &v.name)?;
        sh.count(row, 2, v.n)?;
        sh.number(row, 3, v.mean, Fmt::Dec)?;
        sh.number(row, 4, v.sd, Fmt::Dec)?;
        sh.number(row, 5, v.ci95.map(|c| c.0), Fmt::Dec)?;
        sh.number(row, 6, v.ci95.map(|c| c.1), Fmt::Dec)?;
        sh.number(row, 7, v.top2_pct, Fmt::Dec)?;
        let w = v.weighted;
        sh.number(row, 8, w.map(|w| w.mean), Fmt::Dec)?;
        sh.number(row, 9, w.and_then(|w| w.se), Fmt::Dec)?;
        sh.number(row, 10, w.and_then(|w| w.ci95).map(|c| c.0), Fmt::Dec)?;
        sh.number(row, 11, w.and_then(|w| w.ci95).map(|c| c.1), Fmt::Dec)?;
        sh.number(row, 12, w.map(|w| w.top2_pct), Fmt::Dec)?;
        sh.number(row, 13, w.map(|w| w.kish_deff), Fmt::Dec)?;
        sh.number(row, 14, w.map(|w| w.effective_n), Fmt::Dec)?;
        row += 1;
    }
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_name(s.score)
        .set_categories((sh.name.as_str(), 1, 1, row - 1, 1))
        .set_values((sh.name.as_str(), 1, 3, row - 1, 3))
        .set_format(&mut series_format(0));
    chart
        .add_series()
        .set_name(&format!("{} {}", s.weighted, s.score))
        .set_categories((sh.name.as_str(), 1, 1, row - 1, 1))
        .set_values((sh.name.as_str(), 1, 8, row - 1, 8))
        .set_format(&mut series_format(3));
    chart.title().set_name(s.scores_title);
    chart.y_axis().set_reverse();
    chart.set_width(720).set_height(320);
    sh.ws.insert_chart(row + 1, 1, &chart)?;
    row += 19;
    // Items and groups.
    let header = [
        "vision_id",
        "question_id",
        "question",
        "respondents",
        "mean_score",
        "sd",
        "ci95_lower",
        "ci95_upper",
        "top2_box_pct",
        "dont_know",
        "dont_know_pct",
    ];
    for (i, h) in header.iter().enumerate() {
        sh.heading(row, i as u16, h)?;
    }
    row += 1;
    for v in &r.vision_sections {
        for i in &v.items {
            let f = i.figures.as_ref();
            sh.text(row, 0, &v.figures.id)?;
            sh.text(row, 1, &i.id)?;
            sh.text(row, 2, &i.text)?;
            sh.count(row, 3, f.map(|f| f.n))?;
            sh.number(row, 4, f.and_then(|f| f.mean), Fmt::Dec)?;
            sh.number(row, 5, f.and_then(|f| f.sd), Fmt::Dec)?;
            sh.number(row, 6, f.and_then(|f| f.ci95).map(|c| c.0), Fmt::Dec)?;
            sh.number(row, 7, f.and_then(|f| f.ci95).map(|c| c.1), Fmt::Dec)?;
            sh.number(row, 8, f.and_then(|f| f.top2_pct), Fmt::Dec)?;
            sh.count(row, 9, f.map(|f| f.dont_know))?;
            sh.number(row, 10, f.and_then(|f| f.dont_know_pct), Fmt::Dec)?;
            row += 1;
        }
    }
    row += 1;
    let header = [
        "vision_id",
        "group_by",
        "group_code",
        "group_label",
        "respondents",
        "mean_score",
        "ci95_lower",
        "ci95_upper",
        "top2_box_pct",
    ];
    for (i, h) in header.iter().enumerate() {
        sh.heading(row, i as u16, h)?;
    }
    row += 1;
    for v in &r.vision_sections {
        for g in &v.by_group {
            for x in &g.rows {
                sh.text(row, 0, &v.figures.id)?;
                sh.text(row, 1, &g.dimension)?;
                sh.text(row, 2, x.code.as_deref().unwrap_or(""))?;
                sh.text(row, 3, &x.label)?;
                sh.count(row, 4, x.n)?;
                if x.n.is_some() && x.mean.is_none() {
                    row += 1;
                    continue;
                }
                sh.number(row, 5, x.mean, Fmt::Dec)?;
                sh.number(row, 6, x.ci95.map(|c| c.0), Fmt::Dec)?;
                sh.number(row, 7, x.ci95.map(|c| c.1), Fmt::Dec)?;
                sh.number(row, 8, x.top2_pct, Fmt::Dec)?;
                row += 1;
            }
        }
    }
    sh.finish()
}

fn comparison(wb: &mut Workbook, c: &ComparisonSection, s: &Strings) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb.add_worksheet(), s.sheet_names[7])?;
    let header = [
        "level",
        "id",
        "vision_id",
        "name",
        "earlier_wave",
        "later_wave",
        "earlier_n",
        "earlier_mean",
        "later_n",
        "later_mean",
        "difference",
        "ci95_lower",
        "ci95_upper",
        "p_value",
        "weighted_earlier_mean",
        "weighted_later_mean",
        "weighted_difference",
        "weighted_p_value",
        "weighted_earlier_kish_deff",
        "weighted_earlier_effective_n",
        "weighted_later_kish_deff",
        "weighted_later_effective_n",
    ];
    for (i, h) in header.iter().enumerate() {
        sh.heading(0, i as u16, h)?;
    }
    let mut row = 1;
    for x in &c.rows {
        sh.text(row, 0, x.level)?;
        sh.text(row, 1, &x.id)?;
        sh.text(row, 2, &x.vision_id)?;
        sh.text(row, 3, &x.name)?;
        sh.text(row, 4, &c.earlier.id)?;
        sh.text(row, 5, &c.later.id)?;
        sh.count(row, 6, x.earlier_n)?;
        sh.number(row, 7, x.earlier_mean, Fmt::Dec)?;
        sh.count(row, 8, x.later_n)?;
        sh.number(row, 9, x.later_mean, Fmt::Dec)?;
        sh.number(row, 10, x.difference, Fmt::Dec)?;
        sh.number(row, 11, x.ci95.map(|c| c.0), Fmt::Dec)?;
        sh.number(row, 12, x.ci95.map(|c| c.1), Fmt::Dec)?;
        sh.number(row, 13, x.p_value, Fmt::Dec)?;
        let w = x.weighted;
        sh.number(row, 14, w.map(|w| w.earlier), Fmt::Dec)?;
        sh.number(row, 15, w.map(|w| w.later), Fmt::Dec)?;
        sh.number(row, 16, w.map(|w| w.difference), Fmt::Dec)?;
        sh.number(row, 17, w.and_then(|w| w.p_value), Fmt::Dec)?;
        sh.number(row, 18, w.map(|w| w.earlier_kish_deff), Fmt::Dec)?;
        sh.number(row, 19, w.map(|w| w.earlier_effective_n), Fmt::Dec)?;
        sh.number(row, 20, w.map(|w| w.later_kish_deff), Fmt::Dec)?;
        sh.number(row, 21, w.map(|w| w.later_effective_n), Fmt::Dec)?;
        row += 1;
    }
    let mut chart = Chart::new(ChartType::Bar);
    for (i, (col, name)) in [(7u16, &c.earlier.series), (9, &c.later.series)]
        .into_iter()
        .enumerate()
    {
        chart
            .add_series()
            .set_name(name)
            .set_categories((sh.name.as_str(), 1, 3, row - 1, 3))
            .set_values((sh.name.as_str(), 1, col, row - 1, col))
            .set_format(&mut series_format(i * 3));
    }
    chart.title().set_name(s.comparison_chart);
    chart.y_axis().set_reverse();
    chart.set_width(760).set_height(200 + 18 * row);
    sh.ws.insert_chart(row + 1, 3, &chart)?;
    sh.finish()
}

fn free_text(wb: &mut Workbook, r: &Report, s: &Strings) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(
        wb.add_worksheet(),
        s.ch6.trim_start_matches("Ⅵ ").trim_start_matches("VI. "),
    )?;
    sh.heading(0, 0, "question_id")?;
    sh.heading(0, 1, s.free_text_count)?;
    sh.heading(0, 2, "comment")?;
    let mut row = 1;
    for q in &r.free_text.questions {
        sh.text(row, 0, &q.id)?;
        sh.count(row, 1, q.count)?;
        row += 1;
        for c in &q.comments {
            sh.text(row, 0, &q.id)?;
            sh.ws.write_string_with_format(row, 2, c, &sh.wrap)?;
            row += 1;
        }
    }
    sh.widths.resize(3, 10.0);
    sh.widths[2] = 80.0;
    sh.finish()
}
