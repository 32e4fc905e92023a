//! Parse throughput of each adapter on the real captures, beside the raw parser of the
//! same bytes (serde_json into `Value`, quick-xml's event loop, the csv crate; the
//! CBSA HTML page has no raw parser to compare with).
//! Run: `cargo bench --bench parse`.

use borderwatch::formats::{parse, Format};
use borderwatch::gazetteer::Gazetteer;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds").join(name))
        .expect("sample")
}

fn xml_events(bytes: &[u8]) -> usize {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut r = quick_xml::Reader::from_str(&text);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}

fn bench(c: &mut Criterion) {
    let g = Gazetteer::built_in();
    let now = chrono::Utc::now();
    let cases: [(&str, Format, &str); 6] = [
        ("cbp-json", Format::CbpJson, "cbp_bwtnew_2022-06-29.json"),
        ("cbp-xml", Format::CbpXml, "cbp_bwt_xml_legacy_2014-04-28.xml"),
        ("cbp-rss", Format::CbpRss, "cbp_bwtrss_brownsville_20260822T173113Z.xml"),
        ("cbsa-html", Format::CbsaHtml, "cbsa_bwt_menu-eng_2022-07-07.html"),
        ("cbsa-csv", Format::CbsaCsv, "cbsa_bwt-eng_csv_2012-09-27_partial.csv"),
        ("by-equeue", Format::ByEqueue, "by_belarusborder_monitoring_brest_2024-09-30.jsonl"),
    ];
    for (name, format, file) in cases {
        let mut bytes = sample(file);
        if format == Format::ByEqueue {
            bytes = bytes.split(|&b| b == b'\n').next().unwrap_or_default().to_vec();
        }
        let mut g_ = c.benchmark_group(name);
        g_.throughput(Throughput::Bytes(bytes.len() as u64));
        g_.bench_function("adapter", |b| b.iter(|| parse(format, "bench", &bytes, &g, now).expect("parses").len()));
        if format == Format::CbsaHtml {
            // HTML is not XML: there is no raw parser of the same bytes to compare with.
            g_.finish();
            continue;
        }
        g_.bench_function("raw", |b| {
            b.iter(|| match format {
                Format::CbpXml | Format::CbpRss => xml_events(&bytes),
                Format::CbsaCsv => csv::ReaderBuilder::new()
                    .delimiter(b';')
                    .flexible(true)
                    .from_reader(bytes.as_slice())
                    .records()
                    .count(),
                _ => serde_json::from_slice::<serde_json::Value>(&bytes).map(|v| v.is_array() as usize).unwrap_or(0),
            })
        });
        g_.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
