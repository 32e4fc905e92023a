//! `cbsa-csv` and `cbsa-html`: Canada CBSA Border Wait Times (`bwt-eng.csv`, and the
//! table `#bwttaf` of `menu-eng.html`). In the CSV Fields are separated by
//! `;;` with a trailing `;;`, a UTF-8 BOM may lead, values are compared ignoring case
//! (`No delay` / `No Delay`), and `--` means not reported. One record per office: `open`,
//! or `closed` when a flow says `Closed`; wait times are not status, but the Canada-bound
//! ones (the CBSA's own; the U.S.-bound columns repeat CBP's) are the values
//! `wait.commercial` and `wait.passenger`. `Last updated` carries its own zone label
//! (ADT, EDT, CST, …).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::{ParseError, RawRecord};
use crate::gazetteer::slug;
use crate::model::{format_instant, Status};
use crate::timeutil::local_to_utc;

/// A flow's wait in minutes: `No delay` is 0, `14 minutes`, `1 hour 5 minutes`; other
/// words (`Not applicable`, `Closed`, `--`) are none.
fn wait_minutes(v: &str) -> Option<i64> {
    let v = v.trim().to_ascii_lowercase();
    if v == "no delay" {
        return Some(0);
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    let mut total = None;
    for pair in words.chunks(2) {
        let [n, unit] = pair else { return None };
        let n: i64 = n.parse().ok()?;
        let per = match unit.trim_end_matches('s') {
            "minute" => 1,
            "hour" => 60,
            _ => return None,
        };
        total = Some(total.unwrap_or(0) + n * per);
    }
    total
}

/// The values of a row: each named flow whose wait can be read.
fn waits<'a>(flows: impl IntoIterator<Item = (&'static str, &'a str)>) -> BTreeMap<String, i64> {
    flows.into_iter().filter_map(|(field, v)| Some((field.to_string(), wait_minutes(v)?))).collect()
}

/// The value field of a CSV column: the Canada-bound flows only.
fn column_field(header: &str) -> Option<&'static str> {
    let h = header.to_ascii_lowercase();
    if !h.contains("canada") {
        None
    } else if h.contains("commercial") {
        Some("wait.commercial")
    } else if h.contains("traveller") {
        Some("wait.passenger")
    } else {
        None
    }
}

fn zone(label: &str) -> Option<&'static str> {
    Some(match label.to_ascii_uppercase().as_str() {
        "NDT" | "NST" => "America/St_Johns",
        "ADT" | "AST" => "America/Halifax",
        "EDT" | "EST" => "America/Toronto",
        "CDT" => "America/Winnipeg",
        "CST" => "America/Regina",
        "MDT" | "MST" => "America/Edmonton",
        "PDT" | "PST" => "America/Vancouver",
        _ => return None,
    })
}

pub(super) fn parse(feed: &str, body: &[u8]) -> Result<Vec<RawRecord>, ParseError> {
    let err =
        |place: String, message: String| ParseError { feed: feed.to_string(), format: "cbsa-csv", place, message };
    let text = std::str::from_utf8(body).map_err(|e| err("document".into(), format!("not UTF-8: {e}")))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().ok_or_else(|| err("line 1".into(), "empty document".into()))?;
    // The fields of a line, and how many there are: a line with a million separators is
    // counted, not copied (at most 64 fields are kept).
    let cells = |l: &str| -> (Vec<String>, usize) {
        let l = l.trim_end();
        let l = l.strip_suffix(";;").unwrap_or(l);
        (l.split(";;").take(64).map(|c| c.trim().to_string()).collect(), l.split(";;").count())
    };
    let (head, _) = cells(header);
    if head.len() < 4 || !head[0].to_ascii_lowercase().contains("office") {
        return Err(err(
            "line 1".into(),
            format!("expected a `Customs Office;; Location;; Last updated;; …` header, found `{header}`"),
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let (row, count) = cells(line);
        let place = format!("line {}", i + 2);
        if count != head.len() {
            return Err(err(place, format!("{count} fields where the header has {}", head.len())));
        }
        let (office, location, updated) = (&row[0], &row[1], &row[2]);
        let (stamp, label) = updated.rsplit_once(' ').unwrap_or((updated, ""));
        let tz = zone(label).unwrap_or("America/Toronto");
        let observed_at = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M")
            .map_err(|e| err(format!("{place} `{updated}`"), e.to_string()))
            .map(|t| format_instant(&local_to_utc(t, tz.parse().expect("known zone"))))?;
        let closed = row[3..].iter().any(|v| v.eq_ignore_ascii_case("closed"));
        let values = waits(head.iter().zip(&row).filter_map(|(h, v)| Some((column_field(h)?, v.as_str()))));
        out.push(RawRecord {
            crossing: Some(format!("cbsa-{}", slug(office))),
            name: Some(office.clone()),
            countries: Some(vec!["CA".into(), "US".into()]),
            status: Some(if closed { Status::Closed } else { Status::Open }),
            tz: Some(tz.to_string()),
            observed_at: Some(observed_at),
            evidence: Some(format!("{office}: {location}")),
            values,
            ..RawRecord::default()
        });
    }
    Ok(out)
}

static ROW: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?s)<tr>\s*<th>\s*<b>(?P<office>.*?)</b>\s*<br\s*/?>(?P<location>.*?)<br\s*/?>\s*</th>(?P<cells>.*?)</tr>"#,
    )
    .expect("row regex")
});
static CELL: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?s)<td>(.*?)</td>").expect("cell regex"));
static TIME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"<time datetime="(?P<t>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?P<o>[+-]\d{4})">[^<]*?(?P<z>[A-Z]{3})</time>"#,
    )
    .expect("time regex")
});

/// The HTML page: rows of `<table id="bwttaf">`. The `datetime` offset has no colon
/// (`-0300`); the zone label after it names the zone.
pub(super) fn parse_html(feed: &str, body: &[u8]) -> Result<Vec<RawRecord>, ParseError> {
    let err =
        |place: String, message: String| ParseError { feed: feed.to_string(), format: "cbsa-html", place, message };
    let text = std::str::from_utf8(body)
        .map_err(|e| err(format!("byte {}", e.valid_up_to()), "invalid UTF-8 (the page declares UTF-8)".into()))?;
    let start = text.find("id=\"bwttaf\"").ok_or_else(|| err("document".into(), "no table #bwttaf".into()))?;
    let end = text[start..]
        .find("</table>")
        .ok_or_else(|| err(format!("byte {}", text.len()), "truncated: table #bwttaf is not closed".into()))?;
    let table = &text[start..start + end];
    let mut out = Vec::new();
    for (i, row) in ROW.captures_iter(table).enumerate() {
        let place = format!("row {}", i + 1);
        let office = row["office"].trim().replace("&amp;", "&");
        let location = row["location"].trim().replace("&amp;", "&");
        let cells: Vec<String> = CELL.captures_iter(&row["cells"]).map(|c| c[1].trim().to_string()).collect();
        let time = TIME
            .captures(&row["cells"])
            .ok_or_else(|| err(place.clone(), "no <time datetime> in the Updated cell".into()))?;
        let at = chrono::DateTime::parse_from_str(&format!("{}{}", &time["t"], &time["o"]), "%Y-%m-%dT%H:%M%z")
            .map_err(|e| err(place.clone(), format!("datetime `{}{}`: {e}", &time["t"], &time["o"])))?;
        let tz = zone(&time["z"]).unwrap_or("America/Toronto");
        let closed = cells.iter().any(|v| v.eq_ignore_ascii_case("closed"));
        // The page's columns: Commercial Flow, Travellers Flow (both Canada-bound), Updated.
        let flows = ["wait.commercial", "wait.passenger"].into_iter().zip(cells.iter().map(String::as_str));
        let values = waits(flows);
        out.push(RawRecord {
            crossing: Some(format!("cbsa-{}", slug(&office))),
            name: Some(office.clone()),
            countries: Some(vec!["CA".into(), "US".into()]),
            status: Some(if closed { Status::Closed } else { Status::Open }),
            tz: Some(tz.to_string()),
            observed_at: Some(format_instant(&at.with_timezone(&chrono::Utc))),
            evidence: Some(format!("{office}: {location}")),
            values,
            ..RawRecord::default()
        });
    }
    if out.is_empty() {
        return Err(err("table #bwttaf".into(), "no office rows".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::wait_minutes;

    #[test]
    fn waits_read_as_minutes_and_other_words_are_none() {
        assert_eq!(wait_minutes("No Delay"), Some(0));
        assert_eq!(wait_minutes("1 minute"), Some(1));
        assert_eq!(wait_minutes("14 minutes"), Some(14));
        assert_eq!(wait_minutes("1 hour 5 minutes"), Some(65));
        for none in ["Not applicable", "Closed", "--", "", "5", "5 parsecs"] {
            assert_eq!(wait_minutes(none), None, "{none:?}");
        }
    }
}
