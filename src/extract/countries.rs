//! Countries and their demonyms, and finding them in folded text.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// `(ISO code, display name, zone, names and demonyms)`.
const COUNTRIES: &[(&str, &str, &str, &[&str])] = &[
    ("PK", "Pakistan", "Asia/Karachi", &["pakistan", "pakistani", "pakistanis"]),
    ("AF", "Afghanistan", "Asia/Kabul", &["afghanistan", "afghan", "afghans"]),
    ("IR", "Iran", "Asia/Tehran", &["iran", "iranian"]),
    ("IN", "India", "Asia/Kolkata", &["india", "indian"]),
    ("CN", "China", "Asia/Shanghai", &["china", "chinese"]),
    ("UZ", "Uzbekistan", "Asia/Tashkent", &["uzbekistan", "uzbek"]),
    ("TJ", "Tajikistan", "Asia/Dushanbe", &["tajikistan", "tajik"]),
    ("TM", "Turkmenistan", "Asia/Ashgabat", &["turkmenistan", "turkmen"]),
    ("KZ", "Kazakhstan", "Asia/Almaty", &["kazakhstan", "kazakh"]),
    ("KG", "Kyrgyzstan", "Asia/Bishkek", &["kyrgyzstan", "kyrgyz"]),
    ("FI", "Finland", "Europe/Helsinki", &["finland", "finnish"]),
    ("RU", "Russia", "Europe/Moscow", &["russia", "russian"]),
    ("BY", "Belarus", "Europe/Minsk", &["belarus", "belarusian", "belarusians"]),
    ("LT", "Lithuania", "Europe/Vilnius", &["lithuania", "lithuanian"]),
    ("LV", "Latvia", "Europe/Riga", &["latvia", "latvian"]),
    ("EE", "Estonia", "Europe/Tallinn", &["estonia", "estonian"]),
    ("PL", "Poland", "Europe/Warsaw", &["poland", "polish"]),
    ("UA", "Ukraine", "Europe/Kyiv", &["ukraine", "ukrainian"]),
    ("NO", "Norway", "Europe/Oslo", &["norway", "norwegian"]),
    ("MD", "Moldova", "Europe/Chisinau", &["moldova", "moldovan"]),
    ("RO", "Romania", "Europe/Bucharest", &["romania", "romanian"]),
    ("HU", "Hungary", "Europe/Budapest", &["hungary", "hungarian"]),
    ("RS", "Serbia", "Europe/Belgrade", &["serbia", "serbian"]),
    ("GE", "Georgia", "Asia/Tbilisi", &["georgia", "georgian"]),
    ("AM", "Armenia", "Asia/Yerevan", &["armenia", "armenian"]),
    ("AZ", "Azerbaijan", "Asia/Baku", &["azerbaijan", "azerbaijani"]),
    ("TR", "Türkiye", "Europe/Istanbul", &["turkey", "turkish", "turkiye"]),
    ("SY", "Syria", "Asia/Damascus", &["syria", "syrian"]),
    ("IQ", "Iraq", "Asia/Baghdad", &["iraq", "iraqi"]),
    ("LB", "Lebanon", "Asia/Beirut", &["lebanon", "lebanese"]),
    ("JO", "Jordan", "Asia/Amman", &["jordan", "jordanian"]),
    ("IL", "Israel", "Asia/Jerusalem", &["israel", "israeli"]),
    ("PS", "Palestine", "Asia/Gaza", &["gaza", "palestine", "palestinian", "west bank"]),
    ("EG", "Egypt", "Africa/Cairo", &["egypt", "egyptian"]),
    ("US", "United States", "America/New_York", &["united states", "u s", "american"]),
    ("MX", "Mexico", "America/Mexico_City", &["mexico", "mexican"]),
    ("CA", "Canada", "America/Toronto", &["canada", "canadian"]),
    ("TH", "Thailand", "Asia/Bangkok", &["thailand", "thai"]),
    ("KH", "Cambodia", "Asia/Phnom_Penh", &["cambodia", "cambodian"]),
    ("MM", "Myanmar", "Asia/Yangon", &["myanmar"]),
    ("BD", "Bangladesh", "Asia/Dhaka", &["bangladesh", "bangladeshi"]),
    ("NP", "Nepal", "Asia/Kathmandu", &["nepal", "nepalese", "nepali"]),
    ("VE", "Venezuela", "America/Caracas", &["venezuela", "venezuelan"]),
    ("CO", "Colombia", "America/Bogota", &["colombia", "colombian"]),
    ("SD", "Sudan", "Africa/Khartoum", &["sudan", "sudanese"]),
    ("TD", "Chad", "Africa/Ndjamena", &["chad", "chadian"]),
    ("ET", "Ethiopia", "Africa/Addis_Ababa", &["ethiopia", "ethiopian"]),
    ("KE", "Kenya", "Africa/Nairobi", &["kenya", "kenyan"]),
    ("NG", "Nigeria", "Africa/Lagos", &["nigeria", "nigerian"]),
    ("NE", "Niger", "Africa/Niamey", &["niger", "nigerien"]),
    ("BJ", "Benin", "Africa/Porto-Novo", &["benin", "beninese"]),
    ("RW", "Rwanda", "Africa/Kigali", &["rwanda", "rwandan"]),
    ("CD", "DR Congo", "Africa/Kinshasa", &["congo", "congolese", "drc"]),
    ("DZ", "Algeria", "Africa/Algiers", &["algeria", "algerian"]),
    ("MA", "Morocco", "Africa/Casablanca", &["morocco", "moroccan"]),
    ("LY", "Libya", "Africa/Tripoli", &["libya", "libyan"]),
    ("TN", "Tunisia", "Africa/Tunis", &["tunisia", "tunisian"]),
    ("HT", "Haiti", "America/Port-au-Prince", &["haiti", "haitian"]),
    ("DO", "Dominican Republic", "America/Santo_Domingo", &["dominican republic", "dominican"]),
    ("AD", "Andorra", "Europe/Andorra", &["andorra", "andorran"]),
    ("AE", "United Arab Emirates", "Asia/Dubai", &["united arab emirates", "uae", "emirati"]),
    ("AL", "Albania", "Europe/Tirane", &["albania", "albanian"]),
    ("AO", "Angola", "Africa/Luanda", &["angola", "angolan"]),
    ("AR", "Argentina", "America/Argentina/Buenos_Aires", &["argentina", "argentine", "argentinian"]),
    ("AT", "Austria", "Europe/Vienna", &["austria", "austrian"]),
    (
        "BA",
        "Bosnia and Herzegovina",
        "Europe/Sarajevo",
        &["bosnia and herzegovina", "bosnia", "bosnian", "herzegovina"],
    ),
    ("BE", "Belgium", "Europe/Brussels", &["belgium", "belgian"]),
    ("BF", "Burkina Faso", "Africa/Ouagadougou", &["burkina faso", "burkina", "burkinabe"]),
    ("BG", "Bulgaria", "Europe/Sofia", &["bulgaria", "bulgarian"]),
    ("BH", "Bahrain", "Asia/Bahrain", &["bahrain", "bahraini"]),
    ("BI", "Burundi", "Africa/Bujumbura", &["burundi", "burundian"]),
    ("BN", "Brunei", "Asia/Brunei", &["brunei", "bruneian"]),
    ("BO", "Bolivia", "America/La_Paz", &["bolivia", "bolivian"]),
    ("BR", "Brazil", "America/Sao_Paulo", &["brazil", "brazilian"]),
    ("BT", "Bhutan", "Asia/Thimphu", &["bhutan", "bhutanese"]),
    ("BW", "Botswana", "Africa/Gaborone", &["botswana"]),
    ("BZ", "Belize", "America/Belize", &["belize", "belizean"]),
    ("CF", "Central African Republic", "Africa/Bangui", &["central african republic"]),
    ("CG", "Republic of the Congo", "Africa/Brazzaville", &["republic of congo", "congo brazzaville"]),
    ("CH", "Switzerland", "Europe/Zurich", &["switzerland", "swiss"]),
    ("CI", "Côte d'Ivoire", "Africa/Abidjan", &["cote d ivoire", "ivory coast", "ivorian"]),
    ("CL", "Chile", "America/Santiago", &["chile", "chilean"]),
    ("CM", "Cameroon", "Africa/Douala", &["cameroon", "cameroonian"]),
    ("CR", "Costa Rica", "America/Costa_Rica", &["costa rica", "costa rican"]),
    ("CZ", "Czech Republic", "Europe/Prague", &["czech republic", "czechia", "czech"]),
    ("DE", "Germany", "Europe/Berlin", &["germany", "german"]),
    ("DJ", "Djibouti", "Africa/Djibouti", &["djibouti", "djiboutian"]),
    ("DK", "Denmark", "Europe/Copenhagen", &["denmark", "danish"]),
    ("EC", "Ecuador", "America/Guayaquil", &["ecuador", "ecuadorian", "ecuadorean"]),
    ("ER", "Eritrea", "Africa/Asmara", &["eritrea", "eritrean"]),
    ("ES", "Spain", "Europe/Madrid", &["spain", "spanish"]),
    ("FR", "France", "Europe/Paris", &["france", "french"]),
    ("GB", "United Kingdom", "Europe/London", &["united kingdom", "britain", "british"]),
    ("GF", "French Guiana", "America/Cayenne", &["french guiana"]),
    ("GH", "Ghana", "Africa/Accra", &["ghana", "ghanaian"]),
    ("GI", "Gibraltar", "Europe/Gibraltar", &["gibraltar"]),
    ("GM", "Gambia", "Africa/Banjul", &["gambia", "gambian"]),
    ("GN", "Guinea", "Africa/Conakry", &["guinea", "guinean"]),
    ("GQ", "Equatorial Guinea", "Africa/Malabo", &["equatorial guinea", "equatoguinean"]),
    ("GR", "Greece", "Europe/Athens", &["greece", "greek"]),
    ("GT", "Guatemala", "America/Guatemala", &["guatemala", "guatemalan"]),
    ("GW", "Guinea-Bissau", "Africa/Bissau", &["guinea bissau", "bissau guinean"]),
    ("GY", "Guyana", "America/Guyana", &["guyana", "guyanese"]),
    ("HN", "Honduras", "America/Tegucigalpa", &["honduras", "honduran"]),
    ("HR", "Croatia", "Europe/Zagreb", &["croatia", "croatian"]),
    ("ID", "Indonesia", "Asia/Jakarta", &["indonesia", "indonesian"]),
    ("IT", "Italy", "Europe/Rome", &["italy", "italian"]),
    ("KP", "North Korea", "Asia/Pyongyang", &["north korea", "north korean", "dprk"]),
    ("KR", "South Korea", "Asia/Seoul", &["south korea", "south korean"]),
    ("KW", "Kuwait", "Asia/Kuwait", &["kuwait", "kuwaiti"]),
    ("LA", "Laos", "Asia/Vientiane", &["laos", "lao", "laotian"]),
    ("LI", "Liechtenstein", "Europe/Vaduz", &["liechtenstein"]),
    ("LR", "Liberia", "Africa/Monrovia", &["liberia", "liberian"]),
    ("LS", "Lesotho", "Africa/Maseru", &["lesotho"]),
    ("LU", "Luxembourg", "Europe/Luxembourg", &["luxembourg"]),
    ("ME", "Montenegro", "Europe/Podgorica", &["montenegro", "montenegrin"]),
    ("MK", "North Macedonia", "Europe/Skopje", &["north macedonia", "north macedonian"]),
    ("ML", "Mali", "Africa/Bamako", &["mali", "malian"]),
    ("MN", "Mongolia", "Asia/Ulaanbaatar", &["mongolia", "mongolian"]),
    ("MR", "Mauritania", "Africa/Nouakchott", &["mauritania", "mauritanian"]),
    ("MW", "Malawi", "Africa/Blantyre", &["malawi", "malawian"]),
    ("MY", "Malaysia", "Asia/Kuala_Lumpur", &["malaysia", "malaysian"]),
    ("MZ", "Mozambique", "Africa/Maputo", &["mozambique", "mozambican"]),
    ("NA", "Namibia", "Africa/Windhoek", &["namibia", "namibian"]),
    ("NI", "Nicaragua", "America/Managua", &["nicaragua", "nicaraguan"]),
    ("OM", "Oman", "Asia/Muscat", &["oman", "omani"]),
    ("PA", "Panama", "America/Panama", &["panama", "panamanian"]),
    ("PE", "Peru", "America/Lima", &["peru", "peruvian"]),
    ("PG", "Papua New Guinea", "Pacific/Port_Moresby", &["papua new guinea", "png"]),
    ("PT", "Portugal", "Europe/Lisbon", &["portugal", "portuguese"]),
    ("PY", "Paraguay", "America/Asuncion", &["paraguay", "paraguayan"]),
    ("QA", "Qatar", "Asia/Qatar", &["qatar", "qatari"]),
    ("SA", "Saudi Arabia", "Asia/Riyadh", &["saudi arabia", "saudi"]),
    ("SE", "Sweden", "Europe/Stockholm", &["sweden", "swedish"]),
    ("SG", "Singapore", "Asia/Singapore", &["singapore", "singaporean"]),
    ("SI", "Slovenia", "Europe/Ljubljana", &["slovenia", "slovenian", "slovene"]),
    ("SK", "Slovakia", "Europe/Bratislava", &["slovakia", "slovak"]),
    ("SL", "Sierra Leone", "Africa/Freetown", &["sierra leone", "sierra leonean"]),
    ("SN", "Senegal", "Africa/Dakar", &["senegal", "senegalese"]),
    ("SO", "Somalia", "Africa/Mogadishu", &["somalia", "somali"]),
    ("SR", "Suriname", "America/Paramaribo", &["suriname", "surinamese"]),
    ("SS", "South Sudan", "Africa/Juba", &["south sudan", "south sudanese"]),
    ("SV", "El Salvador", "America/El_Salvador", &["el salvador", "salvadoran", "salvadorean"]),
    ("SZ", "Eswatini", "Africa/Mbabane", &["eswatini", "swaziland", "swazi"]),
    ("TG", "Togo", "Africa/Lome", &["togo", "togolese"]),
    ("TL", "Timor-Leste", "Asia/Dili", &["timor leste", "east timor", "timorese"]),
    ("TZ", "Tanzania", "Africa/Dar_es_Salaam", &["tanzania", "tanzanian"]),
    ("UG", "Uganda", "Africa/Kampala", &["uganda", "ugandan"]),
    ("UY", "Uruguay", "America/Montevideo", &["uruguay", "uruguayan"]),
    ("VN", "Vietnam", "Asia/Ho_Chi_Minh", &["vietnam", "vietnamese", "viet nam"]),
    ("XK", "Kosovo", "Europe/Belgrade", &["kosovo", "kosovar"]),
    ("YE", "Yemen", "Asia/Aden", &["yemen", "yemeni"]),
    ("ZA", "South Africa", "Africa/Johannesburg", &["south africa", "south african"]),
    ("ZM", "Zambia", "Africa/Lusaka", &["zambia", "zambian"]),
    ("ZW", "Zimbabwe", "Africa/Harare", &["zimbabwe", "zimbabwean"]),
];

/// A country: code, name, zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Country {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) tz: &'static str,
}

/// Country names and demonyms (folded, one to three words) → index into `COUNTRIES`.
static COUNTRY_WORDS: LazyLock<HashMap<&'static str, usize, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| COUNTRIES.iter().enumerate().flat_map(|(i, c)| c.3.iter().map(move |w| (*w, i))).collect());

/// The first words of `COUNTRY_WORDS`: a phrase whose first word is none of these is
/// no country's name, and `countries_in` looks up nothing more for it.
static FIRST_WORDS: LazyLock<HashSet<&'static str, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| COUNTRY_WORDS.keys().filter_map(|w| w.split(' ').next()).collect());

/// FNV-1a, for `COUNTRY_WORDS` and the date scanner's group names: `countries_in` looks
/// up every phrase of every sentence, and on such short keys the default SipHash cost
/// more than the rest of the lookup (docs/benchmarks.md). The keys are fixed words, not
/// attacker-chosen.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Countries named in folded text, in order of first mention, each once.
pub(crate) fn countries_in(folded: &str) -> Vec<(usize, Country)> {
    // Word spans of the folded text, whose words are joined by single spaces: a phrase
    // of words k..k+n is one slice of it, looked up without building a string.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for w in folded.split(' ') {
        words.push((at, at + w.len()));
        at += w.len() + 1;
    }
    let mut found: Vec<(usize, Country)> = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let pos = words[k].0;
        if !FIRST_WORDS.contains(&folded[pos..words[k].1]) {
            k += 1;
            continue;
        }
        // The longest name that starts here: three words, two, one.
        let hit = (1..=3).rev().find_map(|n| {
            let last = words.get(k + n - 1)?;
            COUNTRY_WORDS.get(&folded[pos..last.1]).map(|&i| (i, n))
        });
        let Some((i, n)) = hit else {
            k += 1;
            continue;
        };
        let (code, name, tz, _) = COUNTRIES[i];
        if !found.iter().any(|(_, c)| c.code == code) {
            found.push((pos, Country { code, name, tz }));
        }
        k += n;
    }
    found
}
