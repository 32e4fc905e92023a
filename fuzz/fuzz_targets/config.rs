//! The config reader and validator on arbitrary text: every input gives a config or a
//! list of problems, never a panic.
#![no_main]

use borderwatch::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Config::parse(text, std::path::Path::new("/nonexistent/fuzz/borderwatch.toml"));
});
