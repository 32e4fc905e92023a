//! Sentence splitting that knows abbreviations ("Jan. 14", "U.S. officials", "i.e.").

const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr", "mrs", "ms", "dr", "st",
    "no", "gen", "col", "lt", "sgt", "gov", "sen", "rep", "e.g", "i.e", "u.s", "u.k", "u.n", "vs", "etc", "approx",
];

/// Splits text into sentences (trimmed, non-empty), at `.`, `!` or `?` followed by space
/// and a capital, digit or quote, and at line breaks.
#[must_use]
pub(crate) fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let mut j = k + 1;
            while chars.get(j).is_some_and(|(_, q)| matches!(q, '"' | '”' | '’' | '\'' | ')')) {
                j += 1;
            }
            let Some(&(_, space)) = chars.get(j) else { continue };
            if !space.is_whitespace() {
                if c == '.' && run_together(&line[start..i], &chars[j..]) {
                    push(&mut out, &line[start..chars[j].0]);
                    start = chars[j].0;
                }
                continue;
            }
            let next = chars[j..].iter().map(|(_, x)| *x).find(|x| !x.is_whitespace());
            if !next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '\''))
            {
                continue;
            }
            if c == '.' {
                let word = line[start..i].rsplit(|x: char| x.is_whitespace() || x == '(').next().unwrap_or("");
                let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
                if is_abbreviation(word) || single_letter || time_before_its_day(word, &line[end_of(&chars, j)..]) {
                    continue;
                }
            }
            let end = chars.get(j).map_or(line.len(), |(p, _)| *p);
            push(&mut out, &line[start..end]);
            start = end;
        }
        push(&mut out, &line[start..]);
    }
    out
}

/// Two sentences a copied page ran together: "until 15 February.Ramaphosa announced":
/// a word of three letters or more written in lower case after its first letter, its
/// period, and a capitalized word.
fn run_together(before: &str, next: &[(usize, char)]) -> bool {
    let word = before.rsplit(|x: char| !x.is_alphabetic()).next().unwrap_or("");
    word.chars().count() >= 3
        && word.chars().skip(1).all(|x| x.is_lowercase())
        && !ABBREVIATIONS.contains(&word.to_lowercase().as_str())
        && next.first().is_some_and(|(_, x)| x.is_uppercase())
        && next.get(1).is_some_and(|(_, x)| x.is_lowercase())
}

/// True when `word` is one of [`ABBREVIATIONS`], ASCII case ignored.
fn is_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// "6 a.m. Monday", "6 p.m. Friday": the period of a time of day before the day it
/// names ends no sentence; `word` in any ASCII case.
fn time_before_its_day(word: &str, rest: &str) -> bool {
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if !(word.eq_ignore_ascii_case("a.m") || word.eq_ignore_ascii_case("p.m")) {
        return false;
    }
    let next = rest.split(|c: char| !c.is_alphabetic()).find(|w| !w.is_empty()).unwrap_or("");
    DAYS.iter().any(|d| d.eq_ignore_ascii_case(next))
}

/// The byte offset of the `j`th character, or the end of the line.
fn end_of(chars: &[(usize, char)], j: usize) -> usize {
    chars.get(j).map_or_else(|| chars.last().map_or(0, |(p, c)| p + c.len_utf8()), |(p, _)| *p)
}

fn push<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let s = split("Finland will extend the closure beyond Jan. 14, media said. U.S. officials agreed. Next.");
        assert_eq!(
            s,
            ["Finland will extend the closure beyond Jan. 14, media said.", "U.S. officials agreed.", "Next."]
        );
        let s = split("“Chaman-Boldak Gate is now open. Pedestrian & trade vehicles started crossing.”\nNew line");
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn sentences_a_page_ran_together_are_two() {
        assert_eq!(
            split("It shut until 15 February.Ramaphosa spoke."),
            ["It shut until 15 February.", "Ramaphosa spoke."]
        );
        // Not an abbreviation, a domain or an initial.
        assert_eq!(split("See cbp.gov and U.S.Customs or Jan.Smith now.").len(), 1);
    }
}
