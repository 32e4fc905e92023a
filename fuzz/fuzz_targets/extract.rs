//! The news extractor on arbitrary text.
#![no_main]

use borderwatch::extract::extract;
use borderwatch::gazetteer::Gazetteer;
use libfuzzer_sys::fuzz_target;

static GAZETTEER: std::sync::LazyLock<Gazetteer> = std::sync::LazyLock::new(Gazetteer::built_in);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let published = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let _ = extract(&text, published, &GAZETTEER, "fuzz");
});
