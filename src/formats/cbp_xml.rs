//! `cbp-xml`: the CBP Border Wait Times XML (`bwt.xml`). Its `<port>` elements have the
//! leaf names of the JSON ports, so they are read into the same shape and go through the
//! same rules. The ports carry no time of their own: the snapshot's
//! `last_updated_date`/`last_updated_time` (unpadded, `21:41:1`, no zone; Eastern local
//! time like the RSS) stands for all. Declared ISO-8859-1 is decoded as Latin-1. Entity
//! declarations are not expanded (no DTD processing), so entity bombs read as errors.

use chrono::NaiveDateTime;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use super::{ParseError, RawRecord};
use crate::gazetteer::Gazetteer;

/// The document as nested JSON objects: elements become keys, text becomes strings,
/// repeated `<port>` elements become a list.
fn read(text: &str) -> Result<(Map<String, Value>, Vec<Value>), String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root = Map::new();
    let mut ports = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))? {
            Event::Start(e) => {
                if stack.len() > 32 {
                    return Err("elements nested more than 32 deep".into());
                }
                stack.push((e.name().into_inner().to_string(), Map::new(), String::new()));
            }
            Event::Empty(e) => {
                let name = e.name().into_inner().to_string();
                if let Some((_, m, _)) = stack.last_mut() {
                    m.insert(name, Value::String(String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, _, s)) = stack.last_mut() {
                    let raw = t.into_inner();
                    let unescaped = quick_xml::escape::unescape(&raw).map_err(|e| format!("text `{raw}`: {e}"))?;
                    s.push_str(&unescaped);
                }
            }
            // `B&amp;M`: the reader hands entity and character references over on their
            // own; the predefined ones and character references are resolved, any other
            // stays as written (no DTD, so nothing else is defined).
            Event::GeneralRef(r) => {
                if let Some((_, _, s)) = stack.last_mut() {
                    let written = format!("&{};", r.into_inner());
                    s.push_str(&quick_xml::escape::unescape(&written).map_or(written.clone(), |c| c.into_owned()));
                }
            }
            // The construction notices come as CDATA.
            Event::CData(c) => {
                if let Some((_, _, s)) = stack.last_mut() {
                    s.push_str(&c.into_inner());
                }
            }
            Event::End(_) => {
                let Some((name, map, s)) = stack.pop() else { return Err("unbalanced end tag".into()) };
                let value = if map.is_empty() { Value::String(s.trim().to_string()) } else { Value::Object(map) };
                let top_level_port = name == "port" && stack.len() == 1;
                match stack.last_mut() {
                    Some(_) if top_level_port => ports.push(value),
                    Some((_, parent, _)) => {
                        parent.insert(name, value);
                    }
                    None => {
                        if let Value::Object(m) = value {
                            root = m;
                        }
                    }
                }
            }
            Event::DocType(_) => return Err("a DOCTYPE is not allowed (entities are never expanded)".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element (truncated?)".into());
    }
    Ok((root, ports))
}

pub(super) fn parse(feed: &str, body: &[u8], gazetteer: &Gazetteer) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: &str, message: String| ParseError {
        feed: feed.to_string(),
        format: "cbp-xml",
        place: place.into(),
        message,
    };
    let head = String::from_utf8_lossy(&body[..body.len().min(100)]).to_ascii_lowercase();
    let text: String = if head.contains("iso-8859-1") || std::str::from_utf8(body).is_err() {
        body.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let (root, ports) = read(&text).map_err(|m| err("document", m))?;
    if ports.is_empty() && !root.contains_key("last_updated_date") {
        return Err(err("document", "no <border_wait_time> with <port> elements".into()));
    }
    let stamp = match (
        root.get("last_updated_date").and_then(Value::as_str),
        root.get("last_updated_time").and_then(Value::as_str),
    ) {
        (Some(d), Some(t)) => NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M:%S").ok(),
        _ => None,
    };
    let refs: Vec<&Value> = ports.iter().collect();
    super::cbp::ports_to_records(feed, "cbp-xml", &refs, stamp, gazetteer)
}
