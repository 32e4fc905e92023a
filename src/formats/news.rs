//! `rss` and `atom`: news feeds. Each item's title and text, with its publication date,
//! go through the extractor; the records carry the item's link as their source.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use super::{ParseError, RawRecord};
use crate::extract::extract;
use crate::gazetteer::Gazetteer;
use crate::model::format_instant;

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]{0,2000}>").expect("tag regex"));

/// Plain text from an HTML fragment: tags become spaces, common entities are decoded.
fn plain(html: &str) -> String {
    let text = TAG.replace_all(html, " ");
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&rsquo;", "’")
        .replace("&amp;", "&")
}

pub(super) fn parse(
    feed: &str,
    format: &'static str,
    body: &[u8],
    gazetteer: &Gazetteer,
    now: DateTime<Utc>,
) -> Result<Vec<RawRecord>, ParseError> {
    let parsed = feed_rs::parser::parse(body).map_err(|e| ParseError {
        feed: feed.to_string(),
        format,
        place: "document".into(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for item in parsed.entries {
        let published = item.published.or(item.updated).unwrap_or(now);
        let title = item.title.map(|t| plain(&t.content)).unwrap_or_default();
        let body = item
            .content
            .and_then(|c| c.body)
            .or_else(|| item.summary.map(|s| s.content))
            .map(|b| plain(&b))
            .unwrap_or_default();
        let source = item.links.first().map_or_else(|| feed.to_string(), |l| l.href.clone());
        let text = if title.is_empty() { body } else { format!("{}.\n{body}", title.trim_end_matches('.')) };
        out.extend(extract(&text, published.date_naive(), gazetteer, &source).into_iter().map(|r| RawRecord {
            observed_at: Some(format_instant(&published)),
            source: Some(source.clone()),
            ..RawRecord::from(r)
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_go_through_the_extractor() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>Torkham reopens</title><link>https://news.example/1</link>
            <pubDate>Mon, 24 Mar 2025 08:00:00 GMT</pubDate>
            <description>&lt;p&gt;The Torkham border crossing was temporarily reopened until April 15.&lt;/p&gt;</description></item>
            </channel></rss>"#;
        let r = parse("news", "rss", rss, &Gazetteer::built_in(), Utc::now()).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].crossing.as_deref(), Some("torkham"));
        assert_eq!(r[0].until.as_deref(), Some("2025-04-15"));
        assert_eq!(r[0].source.as_deref(), Some("https://news.example/1"));
        assert_eq!(r[0].observed_at.as_deref(), Some("2025-03-24T08:00:00Z"));
    }

    #[test]
    fn a_broken_feed_is_a_parse_error() {
        let e = parse("news", "rss", b"<rss><channel><item>", &Gazetteer::built_in(), Utc::now()).unwrap_err();
        assert_eq!(e.feed, "news");
        assert!(e.to_string().starts_with("feed news: cannot parse rss at document"), "{e}");
    }
}
