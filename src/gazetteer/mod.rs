//! The built-in gazetteer of border crossings and name lookup.
//!
//! Input: a name as a feed, config or article writes it. Output: the crossing, found by
//! id, name or alias after folding case, diacritics and punctuation ("Kuźnica" and
//! "Kuznica", "Angoor Adda" and "Angur Ada" are the same place). Config entries add to
//! and override the built-in ones.

mod data;

pub use self::data::Row;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use chrono_tz::Tz;

use crate::model::Crossing;

/// Folds a name for matching: lower case, no diacritics, words joined by single spaces.
#[must_use]
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if s.is_ascii() {
        return fold_ascii(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'ł' | 'Ł' => 'l',
            'ø' | 'Ø' => 'o',
            'đ' | 'Đ' => 'd',
            'ı' => 'i',
            'ß' => 's',
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold`] for ASCII text, which needs no Unicode decomposition (most feed values).
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.make_ascii_lowercase();
    out
}

/// A slug for a name not in the gazetteer: `Ghulam Khan` → `ghulam-khan`.
#[must_use]
pub fn slug(s: &str) -> String {
    fold(s).replace(' ', "-")
}

/// A name's skeleton: its folded letters, with the spellings that transliterations vary
/// on made one ("sh" and "š", "y", "j" and "i", "kh" and "h", "ou", "oo" and "u", a
/// doubled letter and a single one), so "Vishne-Nemecke" and "Vyšné Nemecké" are one name, and so are
/// "Nijrala" and "Niirala" (Russian "Нийрала").
#[must_use]
pub fn skeleton(s: &str) -> String {
    let letters: Vec<u8> = fold(s).bytes().filter(u8::is_ascii_alphanumeric).collect();
    let mut out = String::with_capacity(letters.len());
    let mut i = 0;
    while i < letters.len() {
        let c = match (letters[i], letters.get(i + 1)) {
            (b's' | b'c' | b'z', Some(b'h')) => {
                i += 1;
                letters[i - 1]
            }
            (b'k', Some(b'h')) => {
                i += 1;
                b'h'
            }
            (b'o', Some(b'u' | b'o')) => {
                i += 1;
                b'u'
            }
            (b'y' | b'j', _) => b'i',
            (b'w', _) => b'v',
            (c, _) => c,
        };
        if out.as_bytes().last() != Some(&c) {
            out.push(char::from(c));
        }
        i += 1;
    }
    out
}

/// Crossings by id, with an index of every folded name and alias. The index of the
/// built-in crossings (over a thousand, some milliseconds and a few MiB to build) is made
/// the first time a name is looked up: a poll whose bodies did not change never needs it.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Crossings from config, over the built-in ones, in order.
    overrides: Vec<Crossing>,
    index: OnceLock<Index>,
}

#[derive(Debug, Clone)]
struct Index {
    crossings: Vec<Crossing>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Every folded name in one automaton: what finding names in running text searches.
    names: NameIndex,
    /// Folded names that also name a place or another crossing (`~` in the data): text
    /// must call them a crossing before they count.
    ambiguous: HashSet<String>,
    /// Folded names that more than one crossing has, with every crossing that has it.
    shared: HashMap<String, Vec<usize>>,
    /// The built-in rows, by id: both sides' names, kind, second zone.
    rows: HashMap<String, Row>,
    /// Crossings by the [`skeleton`] of a name of six letters or more that no other
    /// crossing's name shares (`None` where two do).
    by_skeleton: HashMap<String, Option<usize>>,
}

impl Index {
    /// The built-in crossings, from `data/crossings/`, then `overrides`.
    fn build(overrides: &[Crossing]) -> Self {
        let mut g = Self {
            crossings: Vec::new(),
            by_id: HashMap::new(),
            by_name: HashMap::new(),
            names: NameIndex::new(&HashMap::new()),
            ambiguous: HashSet::new(),
            shared: HashMap::new(),
            rows: HashMap::new(),
            by_skeleton: HashMap::new(),
        };
        for row in data::rows() {
            let mut aliases = Vec::new();
            for (n, amb) in row.names().skip(1) {
                if amb {
                    g.ambiguous.insert(fold(n));
                }
                if !aliases.iter().any(|a: &String| a == n) && n != row.name.trim_start_matches('~') {
                    aliases.push(n.to_string());
                }
            }
            let c = Crossing {
                id: row.id.clone(),
                name: row.name.trim_start_matches('~').to_string(),
                countries: row.countries.to_vec(),
                tz: row.tz_a.parse().expect("built-in zone is valid"),
                aliases,
            };
            g.insert(c);
            g.rows.insert(row.id.clone(), row);
        }
        for c in overrides {
            g.insert(c.clone());
        }
        g.index_names();
        g
    }

    fn insert(&mut self, c: Crossing) {
        let idx = match self.by_id.get(&c.id) {
            Some(&i) => {
                self.crossings[i] = c;
                i
            }
            None => {
                self.crossings.push(c);
                self.crossings.len() - 1
            }
        };
        let c = &self.crossings[idx];
        self.by_id.insert(c.id.clone(), idx);
        for n in std::iter::once(&c.name).chain(&c.aliases).chain(std::iter::once(&c.id)) {
            if let Some(other) = self.by_name.insert(fold(n), idx).filter(|&o| o != idx) {
                let all = self.shared.entry(fold(n)).or_default();
                for i in [other, idx] {
                    if !all.contains(&i) {
                        all.push(i);
                    }
                }
                self.by_name.insert(fold(n), other.min(idx));
            }
        }
    }

    fn index_names(&mut self) {
        self.names = NameIndex::new(&self.by_name);
        self.by_skeleton.clear();
        for (name, &i) in &self.by_name {
            let k = skeleton(name);
            if k.len() >= 6 && !self.ambiguous.contains(name) && !self.shared.contains_key(name) {
                let e = self.by_skeleton.entry(k).or_insert(Some(i));
                if *e != Some(i) {
                    *e = None;
                }
            }
        }
    }
}

impl Gazetteer {
    /// The built-in crossings, from `data/crossings/` (indexed on first use).
    #[must_use]
    pub fn built_in() -> Self {
        Self::default()
    }

    /// Adds a crossing, or replaces the one with the same id.
    pub fn upsert(&mut self, c: Crossing) {
        if let Some(ix) = self.index.get_mut() {
            ix.insert(c.clone());
            ix.index_names();
        }
        self.overrides.push(c);
    }

    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.overrides))
    }

    /// Whether this folded name also names something other than one crossing.
    #[must_use]
    pub fn is_ambiguous(&self, folded: &str) -> bool {
        self.ix().ambiguous.contains(folded)
    }

    /// Whether more than one crossing has this folded name.
    #[must_use]
    pub fn is_shared(&self, folded: &str) -> bool {
        self.ix().shared.contains_key(folded)
    }

    /// Every crossing with this folded name, when more than one has it.
    pub fn sharing(&self, folded: &str) -> impl Iterator<Item = &Crossing> {
        let ix = self.ix();
        ix.shared.get(folded).into_iter().flatten().map(|&i| &ix.crossings[i])
    }

    /// The built-in row of a crossing: both sides' names, kind and zones.
    #[must_use]
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.ix().rows.get(id)
    }

    /// The crossing with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Crossing> {
        let ix = self.ix();
        ix.by_id.get(id).map(|&i| &ix.crossings[i])
    }

    /// The crossing known by this id, name or alias.
    #[must_use]
    pub fn lookup(&self, name: &str) -> Option<&Crossing> {
        let ix = self.ix();
        self.get(name).or_else(|| ix.by_name.get(&fold(name)).map(|&i| &ix.crossings[i]))
    }

    /// The one crossing with a name of the same [`skeleton`]: `name` as another
    /// transliteration spells it ("Vishne-Nemecke" for "Vyšné Nemecké").
    #[must_use]
    pub fn lookup_spelled(&self, name: &str) -> Option<&Crossing> {
        let ix = self.ix();
        ix.by_skeleton.get(&skeleton(name)).copied().flatten().map(|i| &ix.crossings[i])
    }

    /// Every crossing, built-in and configured.
    pub fn iter(&self) -> impl Iterator<Item = &Crossing> {
        self.ix().crossings.iter()
    }

    /// Every occurrence of a name in `folded` text (see [`fold`]), overlapping ones
    /// included, in order of where they end: byte range, folded name and crossing. A
    /// name may start or end inside a word; the caller checks word boundaries.
    pub fn names_in<'a, 'h>(
        &'a self,
        folded: &'h str,
    ) -> impl Iterator<Item = (std::ops::Range<usize>, &'a str, &'a Crossing)> + use<'a, 'h> {
        let ix = self.ix();
        ix.names.automaton.find_overlapping_iter(folded).map(move |m| {
            let (name, i) = &ix.names.names[m.pattern().as_usize()];
            (m.range(), name.as_str(), &ix.crossings[*i])
        })
    }
}

/// An automaton over folded names. `Standard` match semantics, so a search reports
/// overlapping names too: the caller picks among them by word boundaries and context (a
/// longer name may be ambiguous where a shorter one it contains is not).
#[derive(Debug, Clone)]
struct NameIndex {
    automaton: AhoCorasick,
    /// What pattern `k` stands for: the folded name and the crossing's index.
    names: Vec<(String, usize)>,
}

impl NameIndex {
    fn new(by_name: &HashMap<String, usize>) -> Self {
        // An empty name would match everywhere.
        let mut names: Vec<(String, usize)> =
            by_name.iter().filter(|(n, _)| !n.is_empty()).map(|(n, &i)| (n.clone(), i)).collect();
        names.sort_unstable();
        let automaton = AhoCorasick::new(names.iter().map(|(n, _)| n)).expect("folded names fit an automaton");
        Self { automaton, names }
    }
}

/// Parses an IANA zone name.
///
/// # Errors
/// A message naming the zone.
pub fn parse_tz(s: &str) -> Result<Tz, String> {
    s.parse::<Tz>().map_err(|_| format!("`{s}` is not an IANA time zone (e.g. Asia/Karachi)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_folds_case_diacritics_and_punctuation() {
        let g = Gazetteer::built_in();
        assert_eq!(g.lookup("Kuźnica").unwrap().id, "kuznica");
        assert_eq!(g.lookup("KUZNICA").unwrap().id, "kuznica");
        assert_eq!(g.lookup("Angur Ada").unwrap().id, "angoor-adda");
        assert_eq!(g.lookup("Spin Boldak").unwrap().id, "chaman");
        assert_eq!(g.lookup("Friendship Gate").unwrap().id, "chaman");
        assert_eq!(g.lookup("torkham").unwrap().tz, chrono_tz::Asia::Karachi);
        assert!(g.lookup("Atlantis").is_none());
    }

    #[test]
    fn a_name_spelled_by_another_transliteration_is_found_by_its_skeleton() {
        assert_eq!(skeleton("Vishne-Nemecke"), skeleton("Vyšné Nemecké"));
        assert_eq!(skeleton("Khorgos"), skeleton("Horgos"));
        assert_eq!(skeleton("Nijrala"), skeleton("Niirala"));
        assert_eq!(skeleton("Dogharoon"), skeleton("Dogharoun"));
        assert_eq!(skeleton("Raya-Joosepi"), skeleton("Raja-Jooseppi"));
        assert_ne!(skeleton("Torkham"), skeleton("Torkam Gate"));
        let g = Gazetteer::built_in();
        assert_eq!(g.lookup_spelled("Vishne-Nemecke").unwrap().id, g.lookup("Vyšné Nemecké").unwrap().id);
        assert_eq!(g.lookup_spelled("Nuiyamaa").unwrap().id, g.lookup("Nuijamaa").unwrap().id);
        // Too short to tell apart, or no crossing's name at all.
        assert!(g.lookup_spelled("Pap").is_none());
        assert!(g.lookup_spelled("Qushkent").is_none());
    }

    #[test]
    fn fold_and_slug() {
        assert_eq!(fold("  Šalčininkai – Benyakoni! "), "salcininkai benyakoni");
        assert_eq!(slug("Ghulam Khan"), "ghulam-khan");
        assert_eq!(fold("Łódź"), "lodz");
    }

    #[test]
    fn config_overrides_a_built_in_crossing() {
        let mut g = Gazetteer::built_in();
        let mut c = g.get("torkham").unwrap().clone();
        c.aliases.push("Torkham Crossing Point".into());
        g.upsert(c);
        assert_eq!(g.lookup("torkham crossing point").unwrap().id, "torkham");
        assert_eq!(g.iter().filter(|c| c.id == "torkham").count(), 1);
    }

    #[test]
    fn a_name_two_crossings_share_is_marked_shared_and_looks_up_the_first() {
        let g = Gazetteer::built_in();
        assert!(g.is_shared("mae sot"));
        assert_eq!(g.lookup("Mae Sot").unwrap().id, "mae-sot");
        assert!(!g.is_shared("kuznica"));
    }
}
