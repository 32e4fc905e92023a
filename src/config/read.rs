//! A reader over a parsed TOML document that records every problem instead of stopping
//! at the first one, each with the file, line and dotted key it is about.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Problem;

/// Collects problems while reading one file.
pub(crate) struct Ctx<'s> {
    file: &'s Path,
    src: &'s str,
    pub(crate) problems: Vec<Problem>,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(file: &'s Path, src: &'s str) -> Self {
        Self { file, src, problems: Vec::new() }
    }

    /// The 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())].bytes().filter(|&b| b == b'\n').count() + 1
    }

    pub(crate) fn problem(&mut self, span: &Range<usize>, key: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line: self.line(span.start),
            key: key.to_string(),
            message: message.into(),
        });
    }
}

type Val<'i> = Spanned<DeValue<'i>>;

/// One TOML table being read; remembers which keys were asked for.
pub(crate) struct Table<'a, 'i> {
    table: &'a DeTable<'i>,
    span: Range<usize>,
    path: String,
    used: BTreeSet<String>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub(crate) fn new(table: &'a DeTable<'i>, span: Range<usize>, path: impl Into<String>) -> Self {
        Self { table, span, path: path.into(), used: BTreeSet::new() }
    }

    pub(crate) fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub(crate) fn key(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&mut self, key: &str) -> Option<&'a Val<'i>> {
        self.used.insert(key.to_string());
        self.table.get(key)
    }

    fn typed<T>(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &str,
        want: &str,
        f: impl Fn(&'a DeValue<'i>) -> Option<T>,
    ) -> Option<(T, Range<usize>)> {
        let v = self.get(key)?;
        match f(v.get_ref()) {
            Some(x) => Some((x, v.span())),
            None => {
                let k = self.key(key);
                ctx.problem(&v.span(), &k, format!("expected {want}, found {}", v.get_ref().type_str()));
                None
            }
        }
    }

    /// Whether `key` is written here; it counts as read.
    pub(crate) fn has(&mut self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A string (`Ok`) or a number (`Err`), for a level that is a duration or a count.
    pub(crate) fn str_or_number(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &str,
    ) -> Option<(Result<String, f64>, Range<usize>)> {
        self.typed(ctx, key, "a string or a number", |v| match v {
            DeValue::String(s) => Some(Ok(s.to_string())),
            DeValue::Float(f) => f.as_str().parse().ok().map(Err),
            DeValue::Integer(i) => i.as_str().parse().ok().map(Err),
            _ => None,
        })
    }

    /// Where `key`'s value is, if it is written.
    pub(crate) fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.table.get(key).map(Val::span)
    }

    pub(crate) fn str(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<(String, Range<usize>)> {
        self.typed(ctx, key, "a string", |v| v.as_str().map(str::to_string))
    }

    pub(crate) fn req_str(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.str(ctx, key);
        if v.is_none() && !self.table.contains_key(key) {
            let (k, span) = (self.key(key), self.span());
            ctx.problem(&span, &k, "is required");
        }
        v
    }

    pub(crate) fn bool(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<bool> {
        self.typed(ctx, key, "true or false", DeValue::as_bool).map(|x| x.0)
    }

    /// `true`/`false`, or a list of strings (`Err` holds the list).
    #[allow(clippy::type_complexity)]
    pub(crate) fn bool_or_list(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &str,
    ) -> Option<Result<bool, Vec<(String, Range<usize>)>>> {
        if self.table.get(key).is_some_and(|v| v.get_ref().as_array().is_some()) {
            return self.str_list(ctx, key).map(Err);
        }
        self.typed(ctx, key, "true, false or a list of addresses", DeValue::as_bool).map(|x| Ok(x.0))
    }

    /// One string or a list of strings, required.
    pub(crate) fn req_str_or_list(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<Vec<(String, Range<usize>)>> {
        if self.table.get(key).is_some_and(|v| v.get_ref().as_array().is_some()) {
            return self.str_list(ctx, key);
        }
        let v = self.typed(ctx, key, "a string or a list of strings", |v| v.as_str().map(str::to_string));
        if v.is_none() && !self.table.contains_key(key) {
            let (k, span) = (self.key(key), self.span());
            ctx.problem(&span, &k, "is required");
        }
        v.map(|x| vec![x])
    }

    pub(crate) fn int(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        self.typed(ctx, key, "an integer", |v| {
            v.as_integer().and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
        })
    }

    pub(crate) fn req_int(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        let v = self.int(ctx, key);
        if v.is_none() && !self.table.contains_key(key) {
            let (k, span) = (self.key(key), self.span());
            ctx.problem(&span, &k, "is required");
        }
        v
    }

    pub(crate) fn float(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<(f64, Range<usize>)> {
        self.typed(ctx, key, "a number", |v| match v {
            DeValue::Float(f) => f.as_str().parse().ok(),
            DeValue::Integer(i) => i.as_str().parse().ok(),
            _ => None,
        })
    }

    /// A list of strings; a non-string element is reported and skipped.
    pub(crate) fn str_list(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<Vec<(String, Range<usize>)>> {
        let (arr, _) = self.typed(ctx, key, "a list of strings", DeValue::as_array)?;
        let k = self.key(key);
        let mut out = Vec::new();
        for v in arr.iter() {
            match v.get_ref().as_str() {
                Some(s) => out.push((s.to_string(), v.span())),
                None => ctx.problem(&v.span(), &k, format!("expected a string, found {}", v.get_ref().type_str())),
            }
        }
        Some(out)
    }

    pub(crate) fn table(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Option<Table<'a, 'i>> {
        let k = self.key(key);
        self.typed(ctx, key, "a table", DeValue::as_table).map(|(t, span)| Table::new(t, span, k))
    }

    /// An array of tables (`[[feed]]`), each with its own reader.
    pub(crate) fn tables(&mut self, ctx: &mut Ctx<'_>, key: &str) -> Vec<Table<'a, 'i>> {
        let Some((arr, _)) = self.typed(ctx, key, "an array of tables", DeValue::as_array) else {
            return Vec::new();
        };
        let k = self.key(key);
        let mut out = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            match v.get_ref().as_table() {
                Some(t) => {
                    let id = t.get("id").and_then(|x| x.get_ref().as_str().map(str::to_string));
                    let path = id.map_or_else(|| format!("{k}[{}]", i + 1), |id| format!("{k}.{id}"));
                    out.push(Table::new(t, v.span(), path));
                }
                None => ctx.problem(&v.span(), &k, format!("expected a table, found {}", v.get_ref().type_str())),
            }
        }
        out
    }

    /// Every key with a string value, in file order; other values are reported.
    pub(crate) fn strings(&mut self, ctx: &mut Ctx<'_>) -> Vec<(String, String, Range<usize>)> {
        let mut out = Vec::new();
        for (k, v) in self.table.iter() {
            let key = k.get_ref().to_string();
            self.used.insert(key.clone());
            match v.get_ref().as_str() {
                Some(s) => out.push((key, s.to_string(), v.span())),
                None => ctx.problem(
                    &v.span(),
                    &self.key(&key),
                    format!("expected a string, found {}", v.get_ref().type_str()),
                ),
            }
        }
        out
    }

    /// Reports every key that no reader asked for.
    pub(crate) fn finish(&self, ctx: &mut Ctx<'_>) {
        for (k, _) in self.table.iter() {
            if !self.used.contains(k.get_ref().as_ref()) {
                let known: Vec<_> = self.used.iter().map(String::as_str).collect();
                ctx.problem(
                    &k.span(),
                    &self.key(k.get_ref()),
                    format!("unknown key (known here: {})", known.join(", ")),
                );
            }
        }
    }
}
