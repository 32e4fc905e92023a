//! `cbp-xml`: the CBP Border Wait Times XML (`bwt.xml`). Its `<port>` elements have the
//! leaf names of the JSON ports, so they go through the same rules (read through
//! [`super::cbp::Port`]). The ports carry no time of their own: the snapshot's
//! `last_updated_date`/`last_updated_time` (unpadded, `21:41:1`, no zone; Eastern local
//! time like the RSS) stands for all. Declared ISO-8859-1 is decoded as Latin-1. Entity
//! declarations are not expanded (no DTD processing), so entity bombs read as errors.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::cbp::Port;
use super::{ParseError, RawRecord};
use crate::gazetteer::Gazetteer;

/// The element names the port rules read; the reader keeps no other element's content.
const READ: &[&str] = &[
    "port",
    "last_updated_date",
    "last_updated_time",
    "port_number",
    "port_name",
    "port_status",
    "crossing_name",
    "border",
    "hours",
    "date",
    "time",
    "construction_notice",
    "commercial_vehicle_lanes",
    "passenger_vehicle_lanes",
    "pedestrian_lanes",
    "standard_lanes",
    "FAST_lanes",
    "NEXUS_SENTRI_lanes",
    "ready_lanes",
    "update_time",
    "operational_status",
    "delay_minutes",
];

/// An element as a JSON value would hold it: its trimmed text when it has no child
/// elements, else its children (those named in [`READ`]; a later child of one name
/// stands for the earlier ones, as a later key does in a JSON object).
#[derive(Debug)]
enum Node<'a> {
    Text(Cow<'a, str>),
    Element(Vec<(&'static str, Node<'a>)>),
}

impl Port for Node<'_> {
    fn is_object(&self) -> bool {
        matches!(self, Node::Element(_))
    }

    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Node::Element(children) => children.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v),
            Node::Text(_) => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Text(t) => Some(t),
            Node::Element(_) => None,
        }
    }
}

/// An element being read: its name if the rules read it, where its children begin on
/// the reader's stack of read children, how many it has (ports under the root aside,
/// and children the rules do not read too) and its text.
struct Open<'a> {
    name: Option<&'static str>,
    first: usize,
    count: usize,
    text: Cow<'a, str>,
}

impl<'a> Open<'a> {
    fn push_text(&mut self, s: Cow<'a, str>) {
        if self.name.is_none() || s.is_empty() {
            return;
        }
        if self.text.is_empty() {
            self.text = s;
        } else {
            self.text.to_mut().push_str(&s);
        }
    }
}

/// Counts a child of `open` and keeps it on `read` if the rules read it.
fn add<'a>(open: &mut Open<'a>, read: &mut Vec<(&'static str, Node<'a>)>, name: Option<&'static str>, node: Node<'a>) {
    open.count += 1;
    if let Some(name) = name {
        read.push((name, node));
    }
}

fn known(name: &str) -> Option<&'static str> {
    READ.iter().find(|k| **k == name).copied()
}

fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

/// The document's root element (its children, as [`Node::Element`]) and its top-level
/// `<port>` elements, in order.
fn read(text: &str) -> Result<(Node<'_>, Vec<Node<'_>>), String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Open<'_>> = Vec::new();
    // The children read so far of every open element, each element's after its parent's.
    let mut children = Vec::new();
    let mut root = Vec::new();
    let mut ports = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))? {
            Event::Start(e) => {
                if stack.len() > 32 {
                    return Err("elements nested more than 32 deep".into());
                }
                let name = known(e.name().into_inner());
                stack.push(Open { name, first: children.len(), count: 0, text: Cow::Borrowed("") });
            }
            Event::Empty(e) => {
                if let Some(open) = stack.last_mut() {
                    add(open, &mut children, known(e.name().into_inner()), Node::Text(Cow::Borrowed("")));
                }
            }
            Event::Text(t) => {
                if let Some(open) = stack.last_mut() {
                    let raw = t.into_inner();
                    let unescaped = match quick_xml::escape::unescape(&raw) {
                        Ok(Cow::Borrowed(_)) => raw,
                        Ok(Cow::Owned(s)) => Cow::Owned(s),
                        Err(e) => return Err(format!("text `{raw}`: {e}")),
                    };
                    open.push_text(unescaped);
                }
            }
            // `B&amp;M`: the reader hands entity and character references over on their
            // own; the predefined ones and character references are resolved, any other
            // stays as written (no DTD, so nothing else is defined).
            Event::GeneralRef(r) => {
                if let Some(open) = stack.last_mut() {
                    let written = format!("&{};", r.into_inner());
                    open.push_text(Cow::Owned(
                        quick_xml::escape::unescape(&written).map_or(written.clone(), Cow::into_owned),
                    ));
                }
            }
            // The construction notices come as CDATA.
            Event::CData(c) => {
                if let Some(open) = stack.last_mut() {
                    open.push_text(c.into_inner());
                }
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else { return Err("unbalanced end tag".into()) };
                let node = if open.count == 0 {
                    Node::Text(trimmed(open.text))
                } else {
                    Node::Element(children.drain(open.first..).collect())
                };
                let top_level_port = open.name == Some("port") && stack.len() == 1;
                match stack.last_mut() {
                    Some(_) if top_level_port => ports.push(node),
                    Some(parent) => add(parent, &mut children, open.name, node),
                    None => {
                        if let Node::Element(children) = node {
                            root = children;
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
    Ok((Node::Element(root), ports))
}

pub(super) fn parse(feed: &str, body: &[u8], gazetteer: &Gazetteer) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: &str, message: String| ParseError {
        feed: feed.to_string(),
        format: "cbp-xml",
        place: place.into(),
        message,
    };
    let latin1 = || {
        let head = String::from_utf8_lossy(&body[..body.len().min(100)]).to_ascii_lowercase();
        head.contains("iso-8859-1") || std::str::from_utf8(body).is_err()
    };
    // ASCII reads the same as Latin-1 and as UTF-8.
    let text: Cow<'_, str> = if body.is_ascii() {
        Cow::Borrowed(std::str::from_utf8(body).expect("ASCII is UTF-8"))
    } else if latin1() {
        Cow::Owned(body.iter().map(|&b| char::from(b)).collect())
    } else {
        String::from_utf8_lossy(body)
    };
    let (root, ports) = read(&text).map_err(|m| err("document", m))?;
    if ports.is_empty() && root.get("last_updated_date").is_none() {
        return Err(err("document", "no <border_wait_time> with <port> elements".into()));
    }
    let field = |key: &str| root.get(key).and_then(Port::as_str);
    let stamp = match (field("last_updated_date"), field("last_updated_time")) {
        (Some(d), Some(t)) => NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M:%S").ok(),
        _ => None,
    };
    let refs: Vec<&Node<'_>> = ports.iter().collect();
    super::cbp::ports_to_records(feed, "cbp-xml", &refs, stamp, gazetteer)
}
