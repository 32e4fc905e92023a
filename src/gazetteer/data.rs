//! The built-in crossings: tab-separated rows in `data/crossings/*.tsv`, one file a
//! region, compiled in (the format is in `data/crossings/README.md`).

/// The region files, by name.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("americas.tsv", include_str!("../../data/crossings/americas.tsv")),
    ("asia.tsv", include_str!("../../data/crossings/asia.tsv")),
    ("europe.tsv", include_str!("../../data/crossings/europe.tsv")),
    ("mideast-africa.tsv", include_str!("../../data/crossings/mideast-africa.tsv")),
];

/// One row of a region file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Unique slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The name on the first country's side.
    pub side_a: String,
    /// The name on the second country's side.
    pub side_b: String,
    /// ISO 3166 codes, first side first.
    pub countries: [String; 2],
    /// road, rail, pedestrian, bridge, river, pass, ferry.
    pub kind: Vec<String>,
    /// Zone of the first side: the one its dates are read in.
    pub tz_a: String,
    /// Zone of the second side.
    pub tz_b: String,
    /// Every other name, with whether it is ambiguous (`~` in the file).
    pub aliases: Vec<(String, bool)>,
}

impl Row {
    /// Every name of the crossing with whether it is ambiguous: display name, both
    /// sides, aliases.
    pub fn names(&self) -> impl Iterator<Item = (&str, bool)> {
        [&self.name, &self.side_a, &self.side_b]
            .into_iter()
            .map(|n| unmark(n))
            .chain(self.aliases.iter().map(|(a, amb)| (a.as_str(), *amb)))
    }
}

/// A name without its `~` mark, and whether it had one.
fn unmark(s: &str) -> (&str, bool) {
    s.strip_prefix('~').map_or((s, false), |n| (n, true))
}

/// Reads one region file.
///
/// # Errors
/// `file:line: message` for the first malformed row.
pub(super) fn parse(file: &str, text: &str) -> Result<Vec<Row>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |m: String| format!("{file}:{}: {m}", n + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, name, side_a, side_b, cc, kind, tz_a, tz_b, aliases] = cols[..] else {
            return Err(at(format!("{} columns, want 9", cols.len())));
        };
        let Some((a, b)) = cc.split_once(' ') else { return Err(at(format!("countries `{cc}` are not two codes"))) };
        out.push(Row {
            id: id.to_string(),
            name: name.to_string(),
            side_a: side_a.to_string(),
            side_b: side_b.to_string(),
            countries: [a.to_string(), b.to_string()],
            kind: kind.split(',').map(str::to_string).collect(),
            tz_a: tz_a.to_string(),
            tz_b: tz_b.to_string(),
            aliases: aliases
                .split('|')
                .filter(|a| !a.is_empty())
                .map(|a| {
                    let (n, amb) = unmark(a);
                    (n.to_string(), amb)
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Every built-in row. The data is checked by this module's tests, so a malformed file
/// cannot reach a release.
pub(super) fn rows() -> Vec<Row> {
    FILES.iter().flat_map(|(f, t)| parse(f, t).expect("built-in gazetteer rows are checked by tests")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::gazetteer::{fold, parse_tz};

    /// What a crossing is: the ways across it.
    const KINDS: &[&str] = &["road", "rail", "pedestrian", "bridge", "river", "pass", "ferry"];

    /// ISO 3166-1 alpha-2 codes, with `XK` (Kosovo) as the gazetteer uses it.
    const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW  XK";

    #[test]
    fn every_built_in_row_is_valid() {
        let mut ids = HashMap::new();
        let mut names: HashMap<String, (String, bool)> = HashMap::new();
        let mut errors = Vec::new();
        for (file, text) in FILES {
            let rows = match parse(file, text) {
                Ok(r) => r,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for r in rows {
                let id_ok = !r.id.is_empty()
                    && r.id
                        .split('-')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
                if !id_ok {
                    errors.push(format!("{file}: bad id `{}`", r.id));
                }
                if let Some(prev) = ids.insert(r.id.clone(), *file) {
                    errors.push(format!("{file}: id {} also in {prev}", r.id));
                }
                for c in &r.countries {
                    if c.len() != 2 || !COUNTRIES.split(' ').any(|k| k == c) {
                        errors.push(format!("{}: `{c}` is not an ISO 3166 code", r.id));
                    }
                }
                if r.countries[0] == r.countries[1] {
                    errors.push(format!("{}: both sides in {}", r.id, r.countries[0]));
                }
                for z in [&r.tz_a, &r.tz_b] {
                    if parse_tz(z).is_err() {
                        errors.push(format!("{}: `{z}` is not an IANA zone", r.id));
                    }
                }
                if r.kind.iter().any(|k| !KINDS.contains(&k.as_str())) {
                    errors.push(format!("{}: kind {:?}", r.id, r.kind));
                }
                for (n, amb) in r.names() {
                    let key = fold(n);
                    if key.chars().count() < 3 {
                        errors.push(format!("{}: name `{n}` is too short to match", r.id));
                    }
                    match names.get(&key) {
                        Some((other, other_amb)) if other != &r.id && !(amb && *other_amb) => {
                            errors.push(format!("{}: `{n}` also names {other}; mark it ~ on both", r.id));
                        }
                        Some(_) => {}
                        None => {
                            names.insert(key, (r.id.clone(), amb));
                        }
                    }
                }
            }
        }
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert!(ids.len() >= 800, "{} crossings", ids.len());
    }

    #[test]
    fn a_malformed_row_is_named_by_file_and_line() {
        let err = parse("x.tsv", "# head\nonly\tthree\tcolumns\n").unwrap_err();
        assert_eq!(err, "x.tsv:2: 3 columns, want 9");
        let rows = parse("x.tsv", "a\tA\tA\tA\tPK AF\troad\tAsia/Karachi\tAsia/Kabul\t~Big City|Other\n").unwrap();
        assert_eq!(rows[0].aliases, vec![("Big City".to_string(), true), ("Other".to_string(), false)]);
    }
}
