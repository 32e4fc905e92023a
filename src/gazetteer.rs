//! The built-in gazetteer of border crossings and name lookup.
//!
//! Input: a name as a feed, config or article writes it. Output: the crossing, found by
//! id, name or alias after folding case, diacritics and punctuation ("Kuźnica" and
//! "Kuznica", "Angoor Adda" and "Angur Ada" are the same place). Config entries add to
//! and override the built-in ones.

use std::collections::HashMap;

use chrono_tz::Tz;

use crate::model::Crossing;

/// `(id, name, countries, zone, aliases)` of each built-in crossing.
type Entry = (&'static str, &'static str, &'static str, &'static str, &'static [&'static str]);

const BUILT_IN: &[Entry] = &[
    // Pakistan–Afghanistan
    (
        "torkham",
        "Torkham",
        "PK AF",
        "Asia/Karachi",
        &["Torkham Gate", "Torkhum", "Torkham border", "Torkham-Jalalabad"],
    ),
    (
        "chaman",
        "Chaman–Spin Boldak",
        "PK AF",
        "Asia/Karachi",
        &[
            "Chaman",
            "Spin Boldak",
            "Spin Buldak",
            "Chaman-Boldak",
            "Chaman-Boldak Gate",
            "Friendship Gate",
            "Bab-e-Dosti",
        ],
    ),
    ("ghulam-khan", "Ghulam Khan", "PK AF", "Asia/Karachi", &["Ghulam Khan border", "Ghulam Khan checkpost"]),
    ("kharlachi", "Kharlachi", "PK AF", "Asia/Karachi", &["Kharlachi border"]),
    ("angoor-adda", "Angoor Adda", "PK AF", "Asia/Karachi", &["Angur Ada", "Angoor Ada", "Angur Adda"]),
    ("badini", "Badini", "PK AF", "Asia/Karachi", &["Badini border"]),
    ("arandu", "Arandu", "PK AF", "Asia/Karachi", &["Arundu"]),
    ("gursal", "Gursal", "PK AF", "Asia/Karachi", &["Nawa Pass"]),
    // Pakistan–Iran, Afghanistan–Iran, Iran–Turkey
    ("taftan", "Taftan–Mirjaveh", "PK IR", "Asia/Karachi", &["Taftan", "Mirjaveh", "Mirjaveh-Taftan"]),
    (
        "islam-qala",
        "Islam Qala–Dogharoun",
        "AF IR",
        "Asia/Kabul",
        &["Islam Qala", "Islam Qalah", "Dogharoun", "Dogharun"],
    ),
    ("milak", "Milak–Zaranj", "AF IR", "Asia/Kabul", &["Milak", "Zaranj"]),
    ("bazargan", "Bazargan–Gürbulak", "IR TR", "Asia/Tehran", &["Bazargan", "Gurbulak", "Gürbulak"]),
    ("kapikoy", "Kapıköy–Razi", "TR IR", "Europe/Istanbul", &["Kapikoy", "Razi"]),
    // Afghanistan–Central Asia, China–Pakistan
    ("hairatan", "Hairatan–Termez", "AF UZ", "Asia/Kabul", &["Hairatan", "Hayratan", "Termez"]),
    (
        "sher-khan-bandar",
        "Sher Khan Bandar–Nizhny Panj",
        "AF TJ",
        "Asia/Kabul",
        &["Sher Khan Bandar", "Shir Khan Bandar", "Nizhny Panj", "Panji Poyon"],
    ),
    ("torghundi", "Torghundi–Serhetabat", "AF TM", "Asia/Kabul", &["Torghundi", "Towraghondi", "Serhetabat", "Kushka"]),
    ("aqina", "Aqina–Imamnazar", "AF TM", "Asia/Kabul", &["Aqina", "Imamnazar"]),
    ("khunjerab", "Khunjerab Pass", "PK CN", "Asia/Karachi", &["Khunjerab", "Sost"]),
    ("wagah", "Wagah–Attari", "PK IN", "Asia/Karachi", &["Wagah", "Attari", "Attari-Wagah"]),
    // EU's eastern border
    ("kuznica", "Kuźnica–Bruzgi", "PL BY", "Europe/Warsaw", &["Kuźnica", "Kuznica", "Bruzgi", "Kuźnica Białostocka"]),
    ("terespol", "Terespol–Brest", "PL BY", "Europe/Warsaw", &["Terespol", "Brest", "Brest-Terespol", "Warsaw Bridge"]),
    (
        "bobrowniki",
        "Bobrowniki–Bierastavica",
        "PL BY",
        "Europe/Warsaw",
        &["Bobrowniki", "Bierastavica", "Berestovitsa"],
    ),
    ("koroszczyn", "Koroszczyn–Kozlovichi", "PL BY", "Europe/Warsaw", &["Koroszczyn", "Kozlovichi"]),
    ("medininkai", "Medininkai–Kamenny Log", "LT BY", "Europe/Vilnius", &["Medininkai", "Kamenny Log", "Kamienny Log"]),
    (
        "salcininkai",
        "Šalčininkai–Benyakoni",
        "LT BY",
        "Europe/Vilnius",
        &["Šalčininkai", "Salcininkai", "Benyakoni", "Bieniakonie"],
    ),
    ("lavoriskes", "Lavoriškės–Kotlovka", "LT BY", "Europe/Vilnius", &["Lavoriškės", "Lavoriskes", "Kotlovka"]),
    ("raigardas", "Raigardas–Privalka", "LT BY", "Europe/Vilnius", &["Raigardas", "Privalka"]),
    ("silene", "Silene–Urbany", "LV BY", "Europe/Riga", &["Silene", "Urbany"]),
    ("terehova", "Terehova–Burachki", "LV RU", "Europe/Riga", &["Terehova", "Burachki"]),
    ("narva", "Narva–Ivangorod", "EE RU", "Europe/Tallinn", &["Narva", "Ivangorod"]),
    ("koidula", "Koidula–Kunichina Gora", "EE RU", "Europe/Tallinn", &["Koidula"]),
    ("vaalimaa", "Vaalimaa–Torfyanovka", "FI RU", "Europe/Helsinki", &["Vaalimaa", "Torfyanovka"]),
    ("nuijamaa", "Nuijamaa–Brusnichnoye", "FI RU", "Europe/Helsinki", &["Nuijamaa", "Brusnichnoye"]),
    ("imatra", "Imatra–Svetogorsk", "FI RU", "Europe/Helsinki", &["Imatra", "Svetogorsk"]),
    ("niirala", "Niirala–Värtsilä", "FI RU", "Europe/Helsinki", &["Niirala", "Vartsila", "Värtsilä"]),
    ("vartius", "Vartius–Lyttä", "FI RU", "Europe/Helsinki", &["Vartius", "Lytta", "Lyttä"]),
    ("kuusamo", "Kuusamo–Suoperä", "FI RU", "Europe/Helsinki", &["Kuusamo", "Suopera"]),
    ("salla", "Salla–Kelloselkä", "FI RU", "Europe/Helsinki", &["Salla", "Kelloselka"]),
    ("raja-jooseppi", "Raja-Jooseppi–Lotta", "FI RU", "Europe/Helsinki", &["Raja-Jooseppi", "Raja Jooseppi"]),
    ("storskog", "Storskog–Borisoglebsky", "NO RU", "Europe/Oslo", &["Storskog", "Borisoglebsky"]),
    ("yahodyn", "Yahodyn–Dorohusk", "UA PL", "Europe/Kyiv", &["Yahodyn", "Dorohusk"]),
    ("medyka", "Medyka–Shehyni", "PL UA", "Europe/Warsaw", &["Medyka", "Shehyni", "Shehini"]),
    ("krakovets", "Krakovets–Korczowa", "UA PL", "Europe/Kyiv", &["Krakovets", "Korczowa"]),
    // Middle East
    ("rafah", "Rafah", "EG PS", "Africa/Cairo", &["Rafah crossing", "Rafah border"]),
    ("kerem-shalom", "Kerem Shalom", "IL PS", "Asia/Jerusalem", &["Karem Abu Salem", "Kerem Abu Salem"]),
    ("erez", "Erez", "IL PS", "Asia/Jerusalem", &["Beit Hanoun", "Beit Hanun"]),
    ("allenby", "Allenby Bridge", "JO PS", "Asia/Amman", &["Allenby", "King Hussein Bridge", "Al-Karameh"]),
    ("bab-al-hawa", "Bab al-Hawa", "SY TR", "Asia/Damascus", &["Bab al Hawa", "Cilvegözü", "Cilvegozu"]),
    ("bab-al-salam", "Bab al-Salam", "SY TR", "Asia/Damascus", &["Bab al Salam", "Öncüpınar", "Oncupinar"]),
    ("nasib", "Nasib–Jaber", "SY JO", "Asia/Damascus", &["Nasib", "Jaber", "Nassib"]),
    ("masnaa", "Masnaa–Jdeidet Yabous", "LB SY", "Asia/Beirut", &["Masnaa", "Al-Masnaa", "Jdeidet Yabous"]),
    ("al-qaim", "Al-Qaim–Albu Kamal", "IQ SY", "Asia/Baghdad", &["Al-Qaim", "Al Qaim", "Albu Kamal", "Abu Kamal"]),
    ("ibrahim-khalil", "Ibrahim Khalil–Habur", "IQ TR", "Asia/Baghdad", &["Ibrahim Khalil", "Habur"]),
    // US–Mexico
    (
        "san-ysidro",
        "San Ysidro",
        "US MX",
        "America/Los_Angeles",
        &["San Ysidro Port of Entry", "El Chaparral", "PedWest"],
    ),
    ("otay-mesa", "Otay Mesa", "US MX", "America/Los_Angeles", &["Otay Mesa Port of Entry"]),
    ("calexico", "Calexico", "US MX", "America/Los_Angeles", &["Calexico West", "Calexico East", "Mexicali"]),
    (
        "lukeville",
        "Lukeville–Sonoyta",
        "US MX",
        "America/Phoenix",
        &["Lukeville", "Sonoyta", "Lukeville Port of Entry"],
    ),
    ("nogales", "Nogales", "US MX", "America/Phoenix", &["DeConcini", "Mariposa", "Nogales Port of Entry"]),
    ("douglas", "Douglas–Agua Prieta", "US MX", "America/Phoenix", &["Douglas", "Agua Prieta"]),
    ("naco", "Naco", "US MX", "America/Phoenix", &["Naco Port of Entry"]),
    (
        "el-paso",
        "El Paso",
        "US MX",
        "America/Denver",
        &["Bridge of the Americas", "Ysleta", "Paso del Norte", "Ciudad Juárez", "Ciudad Juarez"],
    ),
    ("eagle-pass", "Eagle Pass–Piedras Negras", "US MX", "America/Chicago", &["Eagle Pass", "Piedras Negras"]),
    (
        "laredo",
        "Laredo–Nuevo Laredo",
        "US MX",
        "America/Chicago",
        &["Laredo", "Nuevo Laredo", "World Trade Bridge", "Colombia Solidarity Bridge"],
    ),
    (
        "brownsville",
        "Brownsville–Matamoros",
        "US MX",
        "America/Chicago",
        &["Brownsville", "Matamoros", "Veterans International"],
    ),
    ("hidalgo", "Hidalgo–Reynosa", "US MX", "America/Chicago", &["Hidalgo", "Reynosa", "Pharr"]),
    // US–Canada
    ("blaine", "Blaine–Surrey", "US CA", "America/Los_Angeles", &["Blaine", "Peace Arch", "Pacific Highway"]),
    ("sweetgrass", "Sweetgrass–Coutts", "US CA", "America/Denver", &["Sweetgrass", "Coutts"]),
    (
        "detroit",
        "Detroit–Windsor",
        "US CA",
        "America/Detroit",
        &["Ambassador Bridge", "Detroit-Windsor Tunnel", "Windsor", "Gordie Howe Bridge"],
    ),
    ("port-huron", "Port Huron–Sarnia", "US CA", "America/Detroit", &["Port Huron", "Sarnia", "Blue Water Bridge"]),
    (
        "buffalo",
        "Buffalo–Fort Erie",
        "US CA",
        "America/New_York",
        &["Peace Bridge", "Fort Erie", "Lewiston", "Queenston", "Rainbow Bridge"],
    ),
    ("champlain", "Champlain–Lacolle", "US CA", "America/New_York", &["Champlain", "Lacolle", "St-Bernard-de-Lacolle"]),
    (
        "alexandria-bay",
        "Alexandria Bay–Lansdowne",
        "US CA",
        "America/New_York",
        &["Alexandria Bay", "Thousand Islands Bridge", "Lansdowne"],
    ),
    ("calais", "Calais–St. Stephen", "US CA", "America/New_York", &["Calais", "St. Stephen", "Milltown"]),
];

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
        out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// A slug for a name not in the gazetteer: `Ghulam Khan` → `ghulam-khan`.
#[must_use]
pub fn slug(s: &str) -> String {
    fold(s).replace(' ', "-")
}

/// Crossings by id, with an index of every folded name and alias.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    crossings: Vec<Crossing>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Folded names split into words, keyed by their first word, longest first: what
    /// finding names in running text walks.
    phrases: HashMap<String, Vec<(Vec<String>, usize)>>,
}

impl Gazetteer {
    /// The built-in crossings.
    #[must_use]
    pub fn built_in() -> Self {
        let crossings = BUILT_IN
            .iter()
            .map(|(id, name, countries, tz, aliases)| Crossing {
                id: (*id).to_string(),
                name: (*name).to_string(),
                countries: countries.split(' ').map(str::to_string).collect(),
                tz: tz.parse().expect("built-in zone is valid"),
                aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
            })
            .collect::<Vec<_>>();
        let mut g =
            Self { crossings: Vec::new(), by_id: HashMap::new(), by_name: HashMap::new(), phrases: HashMap::new() };
        for c in crossings {
            g.upsert(c);
        }
        g
    }

    /// Adds a crossing, or replaces the one with the same id.
    pub fn upsert(&mut self, c: Crossing) {
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
            self.by_name.insert(fold(n), idx);
        }
        self.phrases.clear();
        for (name, &i) in &self.by_name {
            let words: Vec<String> = name.split(' ').map(str::to_string).collect();
            self.phrases.entry(words[0].clone()).or_default().push((words, i));
        }
        for v in self.phrases.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
    }

    /// The crossing with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Crossing> {
        self.by_id.get(id).map(|&i| &self.crossings[i])
    }

    /// The crossing known by this id, name or alias.
    #[must_use]
    pub fn lookup(&self, name: &str) -> Option<&Crossing> {
        self.get(name).or_else(|| self.by_name.get(&fold(name)).map(|&i| &self.crossings[i]))
    }

    /// Every crossing, built-in and configured.
    pub fn iter(&self) -> impl Iterator<Item = &Crossing> {
        self.crossings.iter()
    }

    /// The names (as folded words) that begin with the folded word `first`, longest
    /// first, with the crossing each names.
    pub fn phrases_starting(&self, first: &str) -> impl Iterator<Item = (&[String], &Crossing)> {
        self.phrases.get(first).into_iter().flatten().map(|(w, i)| (w.as_slice(), &self.crossings[*i]))
    }
}

impl Default for Gazetteer {
    fn default() -> Self {
        Self::built_in()
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
}
