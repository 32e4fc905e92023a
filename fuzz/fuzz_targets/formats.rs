//! Every feed adapter, then normalization, on arbitrary bytes: the first byte picks the
//! format. Any panic, hang or runaway allocation is a bug; errors are fine.
#![no_main]

use borderwatch::formats::{parse, Format};
use borderwatch::gazetteer::Gazetteer;
use borderwatch::normalize::normalize;
use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;

static GAZETTEER: std::sync::LazyLock<Gazetteer> = std::sync::LazyLock::new(Gazetteer::built_in);

const FORMATS: [Format; 9] = [
    Format::BorderwatchJson,
    Format::Rss,
    Format::Atom,
    Format::CbpJson,
    Format::CbpRss,
    Format::CbpXml,
    Format::CbsaCsv,
    Format::CbsaHtml,
    Format::ByEqueue,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    let gazetteer = &*GAZETTEER;
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    if let Ok(raw) = parse(format, "fuzz", body, gazetteer, now) {
        for r in raw {
            let _ = normalize(r, "fuzz", gazetteer, now);
        }
    }
});
