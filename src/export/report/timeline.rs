//! The timeline of a report page: a date axis with one row per channel and
//! a circle per hop of the routes shown (inline SVG, scaled to the page
//! width). Rows and circles link to the tables below.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::{esc, ChannelSection};
use crate::model::Day;
use crate::routes::report::RouteOut;

/// One timeline row: the anchor of the channel's section on the page, the channel, its routes shown there.
pub type Row<'a> = (String, &'a ChannelSection, Vec<&'a RouteOut>);

pub fn timeline(rows: &[Row]) -> String {
    let days: Vec<i32> = rows
        .iter()
        .flat_map(|(_, _, rs)| rs.iter().flat_map(|r| r.hops.iter()))
        .filter_map(|h| Day::parse_iso(&h.date))
        .map(|d| d.0)
        .collect();
    let (Some(&lo), Some(&hi)) = (days.iter().min(), days.iter().max()) else {
        return "<p class=\"note\">No dated hops to place on a timeline.</p>\n".into();
    };
    let (lo, hi) = (lo - 7, hi + 7);
    let (left, width, row) = (90.0, 1000.0, 24.0);
    let x = |d: i32| left + (d - lo) as f64 / (hi - lo).max(1) as f64 * width;
    let height = 40.0 + row * rows.len() as f64;
    let full = left + width + 20.0;
    let mut s = format!(
        "<div class=\"timeline\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {height}\" width=\"{full}\" height=\"{height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n"
    );
    // Month ticks: the first day of every month in range, thinned to at most ~14 labels.
    let (y0, m0, _) = Day(lo).ymd();
    let (y1, m1, _) = Day(hi).ymd();
    let months = (y1 - y0) * 12 + (m1 as i32 - m0 as i32) + 1;
    let step = ((months as f64) / 14.0).ceil().max(1.0) as i32;
    for k in (1..=months).step_by(step as usize) {
        let (y, m) = (y0 + (m0 as i32 - 1 + k) / 12, (m0 as i32 - 1 + k) % 12 + 1);
        if let Some(d) = Day::from_ymd(y, m as u32, 1) {
            if d.0 > hi {
                break;
            }
            let xx = x(d.0);
            let _ = writeln!(s, "<line x1=\"{xx:.1}\" y1=\"18\" x2=\"{xx:.1}\" y2=\"{height}\" stroke=\"#eee\"/><text x=\"{xx:.1}\" y=\"12\" text-anchor=\"middle\" fill=\"#666\">{y}-{m:02}</text>");
        }
    }
    for (i, (anchor, c, routes)) in rows.iter().enumerate() {
        let y = 34.0 + row * i as f64;
        let _ =
            writeln!(s, "<a href=\"#{}\"><text x=\"4\" y=\"{:.1}\" fill=\"#1a4d8f\">channel {}</text></a>", esc(anchor), y + 4.0, c.rank);
        // Each shipment once, at the first route shown that has it.
        let mut seen = BTreeSet::new();
        let mut pts = Vec::new();
        for r in routes {
            for h in &r.hops {
                if let Some(d) = Day::parse_iso(&h.date) {
                    if seen.insert(h.shipment.clone()) {
                        pts.push((x(d.0), r.rank, h));
                    }
                }
            }
        }
        let (a, b) = pts.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        if a <= b {
            let _ = writeln!(s, "<line x1=\"{a:.1}\" y1=\"{y:.1}\" x2=\"{b:.1}\" y2=\"{y:.1}\" stroke=\"#b00000\" stroke-width=\"2\"/>");
        }
        for (px, rank, h) in pts {
            let _ = writeln!(
                s,
                "<a href=\"#route-{rank}-hop-{}\"><circle cx=\"{px:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"#fff\" stroke=\"#b00000\" stroke-width=\"2\"><title>route {rank}, hop {}: {} {} → {} ({})</title></circle><text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"8\">{}</text></a>",
                h.hop,
                h.hop,
                esc(&h.date),
                esc(&h.shipper_name),
                esc(&h.consignee_name),
                esc(&h.shipment),
                y + 3.0,
                h.hop
            );
        }
    }
    s.push_str("</svg></div>\n");
    s
}
