//! Importing organisations from a CSV file in the console: the file is checked first and every
//! problem shown with its line and column, and nothing is written until the checked file, free
//! of problems, is confirmed. The same format, checks and wording as `nko import` (crate
//! `registry-csv`); files larger than a request may carry (256 KiB) go through `nko import`.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use registry::RegistryError;
use registry::actions::ORGANIZATION_IMPORT;
use registry::service::{ImportRow, RowOutcome, RowValidator, StaleRows};
use registry_csv::{Encoding, RowError, decode, detect_delimiter, read};

use crate::Console;
use crate::format::count;
use crate::layout::{form_token, notice, render, staff_page};
use crate::texts::t;
use crate::visit::{FORM_FIELD, Staff, Visit};

/// A checked file: its text, the rows and what importing each would do, or its problems.
struct Checked {
    text: String,
    rows: Vec<(u64, ImportRow, RowOutcome)>,
    errors: Vec<RowError>,
}

/// The most text (UTF-8) a checked file may hold: the confirmation sends it back in a request
/// of at most 256 KiB. A Windows-1251 file grows to up to twice its size in UTF-8.
const MAX_TEXT_BYTES: usize = 200 * 1024;

/// Reads, validates and plans a file without writing anything.
async fn check(console: &Console, visit: &Visit, bytes: &[u8]) -> Result<Checked, RegistryError> {
    let refused = |reason: &str| Checked {
        text: String::new(),
        rows: Vec::new(),
        errors: vec![RowError { line: 1, column: None, reason: reason.to_owned() }],
    };
    if bytes.is_empty() {
        return Ok(refused("файл не выбран или пуст: выберите файл CSV"));
    }
    let text = match decode(bytes, Encoding::Auto) {
        Ok(text) => text,
        Err(errors) => return Ok(Checked { text: String::new(), rows: Vec::new(), errors }),
    };
    if text.len() > MAX_TEXT_BYTES {
        return Ok(refused(&format!(
            "файл больше {} КБ в UTF-8 (файл в Windows-1251 при чтении становится почти вдвое больше): загрузите его командой nko import",
            MAX_TEXT_BYTES / 1024
        )));
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    match read(&text, detect_delimiter(&text)) {
        Ok(reader) => {
            for row in reader {
                match row {
                    Ok(row) => parsed.push(row),
                    Err(problems) => errors.extend(problems),
                }
            }
        }
        Err(problems) => errors.extend(problems),
    }
    let registry = &console.services.registry;
    let vocabulary = registry.vocabulary();
    let mut validator = RowValidator::new(&vocabulary, console.services.clock.today(), parsed.len());
    let mut lines = Vec::with_capacity(parsed.len());
    let mut valid = Vec::new();
    for row in parsed {
        lines.push(row.line);
        match validator.check(&row.input) {
            Ok(profile) => valid.push((row.line, ImportRow::new(profile, row.version).with_status(row.status))),
            Err(reason) => errors.push(registry_csv::rejection(row.line, &reason, &lines, None)),
        }
    }
    let batch: Vec<ImportRow> = valid.iter().map(|(_, row)| row.clone()).collect();
    let planned = registry.plan_import(&visit.actor, &batch, StaleRows::Refuse).await?;
    let mut rows = Vec::with_capacity(valid.len());
    for ((line, row), outcome) in valid.into_iter().zip(planned) {
        if let RowOutcome::Rejected(reason) = &outcome {
            errors.push(registry_csv::rejection(line, reason, &lines, None));
        }
        rows.push((line, row, outcome));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1, column: None, reason: "в файле нет ни одной строки с организацией".into()
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok(Checked { text, rows, errors })
}

fn upload_form(visit: &Visit) -> Markup {
    let lang = visit.lang;
    html! {
        form.edit method="post" action="/console/import" enctype="multipart/form-data" {
            (form_token(visit))
            input type="hidden" name="action" value="check";
            p {
                label for="file" { (t(lang, "Файл CSV (UTF-8 или Windows-1251, разделитель «;» или «,»)", "CSV file (UTF-8 or Windows-1251, «;» or «,» separated)")) }
                input id="file" name="file" type="file" accept=".csv,text/csv" required;
            }
            p { button type="submit" { (t(lang, "Проверить файл", "Check the file")) } }
        }
        p.small {
            (t(lang, "Столбцы — как в выгрузке: full_name, legal_form, inn или ogrn обязательны. Сначала файл проверяется; ничего не записывается, пока вы не подтвердите. Файлы больше 200 КБ загружайте командой nko import.",
               "Columns as in the export: full_name, legal_form and inn or ogrn are required. The file is checked first; nothing is written until you confirm. Files over 200 KB go through nko import."))
        }
    }
}

/// What a row will do, and for a change the fields it changes (a column the file lacks empties
/// its field, so the preview names every field a row would change).
fn outcome_text(lang: kernel::Lang, outcome: &RowOutcome) -> String {
    match outcome {
        RowOutcome::Inserted => t(lang, "будет добавлена", "will be added").to_owned(),
        RowOutcome::Updated { fields } => {
            let names: Vec<&str> = fields.iter().map(|f| crate::organizations::label(lang, f)).collect();
            format!("{} {}", t(lang, "будет изменена:", "will be changed:"), names.join(", "))
        }
        RowOutcome::Unchanged => t(lang, "без изменений", "unchanged").to_owned(),
        RowOutcome::Rejected(_) => t(lang, "отклонена", "refused").to_owned(),
    }
}

/// The problems of a file, line by line, and the promise that nothing was written.
fn problems(lang: kernel::Lang, errors: &[RowError]) -> Markup {
    html! {
        (notice(true, &format!("{} {}. {}", t(lang, "В файле ошибок:", "Problems in the file:"), count(lang, errors.len() as u64), t(lang, "Ничего не записано: исправьте файл и загрузите его снова.", "Nothing was written: fix the file and upload it again."))))
        table.list.errors {
            caption.sr { (t(lang, "Ошибки файла", "Problems of the file")) }
            thead { tr { th scope="col" { (t(lang, "Строка", "Line")) } th scope="col" { (t(lang, "Столбец", "Column")) } th scope="col" { (t(lang, "Что не так", "What is wrong")) } } }
            tbody {
                @for error in errors {
                    tr.error-row { td { (error.line) } td { (error.column.as_deref().unwrap_or("—")) } td { (error.reason) } }
                }
            }
        }
    }
}

/// The preview of a clean file and the form that writes it.
fn preview(visit: &Visit, checked: &Checked) -> Markup {
    let lang = visit.lang;
    let tally = |wanted: fn(&RowOutcome) -> bool| checked.rows.iter().filter(|(_, _, o)| wanted(o)).count() as u64;
    let (added, changed, same) = (
        tally(|o| *o == RowOutcome::Inserted),
        tally(|o| matches!(o, RowOutcome::Updated { .. })),
        tally(|o| *o == RowOutcome::Unchanged),
    );
    html! {
        (notice(false, &format!("{} {}: {} {}, {} {}, {} {}. {}",
            t(lang, "Файл проверен, строк", "The file is checked, rows"), count(lang, checked.rows.len() as u64),
            t(lang, "добавить", "to add"), count(lang, added),
            t(lang, "изменить", "to change"), count(lang, changed),
            t(lang, "без изменений", "unchanged"), count(lang, same),
            t(lang, "Пока ничего не записано.", "Nothing is written yet."))))
        form method="post" action="/console/import" enctype="multipart/form-data" {
            (form_token(visit))
            input type="hidden" name="action" value="write";
            textarea.sr name="text" aria-hidden="true" tabindex="-1" { (checked.text) }
            p { button type="submit" data-action=(ORGANIZATION_IMPORT.code()) { (t(lang, "Записать в реестр", "Write to the registry")) } " " a href="/console/import" { (t(lang, "Отмена", "Cancel")) } }
        }
        table.list {
            thead { tr { th scope="col" { (t(lang, "Строка", "Line")) } th scope="col" { (t(lang, "Организация", "Organisation")) } th scope="col" { (t(lang, "Что будет", "What happens")) } } }
            tbody {
                @for (line, row, outcome) in &checked.rows {
                    tr { td { (line) } td { (row.profile.full_name.as_str()) } td { (outcome_text(lang, outcome)) } }
                }
            }
        }
    }
}

async fn import_visit(console: &Console, visit: Visit) -> Result<Visit, Response> {
    if let Err(error) = console.services.registry.may_import(&visit.actor).await {
        return Err(crate::organizations::refused(console, visit, &error));
    }
    Ok(visit)
}

/// The upload form.
pub async fn form(State(console): State<Console>, Staff(visit): Staff) -> Response {
    let visit = match import_visit(&console, visit).await {
        Ok(visit) => visit,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let page =
        staff_page(&console, &visit, t(lang, "Импорт организаций", "Import of organisations"), upload_form(&visit));
    visit.finish(render(StatusCode::OK, page))
}

/// What the import forms send.
#[derive(Default)]
struct Posted {
    token: Option<String>,
    action: String,
    bytes: Vec<u8>,
}

async fn posted(mut multipart: Multipart) -> Result<Posted, ()> {
    let mut posted = Posted::default();
    // The library's words are English and technical: the visitor is told what to do instead.
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|_| ())?;
        match name.as_str() {
            FORM_FIELD => posted.token = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "action" => posted.action = String::from_utf8_lossy(&bytes).into_owned(),
            "file" | "text" => posted.bytes = bytes.to_vec(),
            _ => {}
        }
    }
    Ok(posted)
}

/// Checks a file and shows its problems or its preview; writes a clean, confirmed file.
pub async fn submit(State(console): State<Console>, Staff(visit): Staff, multipart: Multipart) -> Response {
    let visit = match import_visit(&console, visit).await {
        Ok(visit) => visit,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let title = t(lang, "Импорт организаций", "Import of organisations");
    let form = match posted(multipart).await {
        Ok(form) => form,
        Err(()) => {
            let message = t(
                lang,
                "Форма пришла не полностью. Ничего не записано: выберите файл и отправьте её ещё раз.",
                "The form arrived incomplete. Nothing was written: choose the file and send it again.",
            );
            let body = html! { (notice(true, message)) (upload_form(&visit)) };
            let page = staff_page(&console, &visit, title, body);
            return visit.finish(render(StatusCode::BAD_REQUEST, page));
        }
    };
    if let Err(refusal) = visit.check_form(form.token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let checked = match check(&console, &visit, &form.bytes).await {
        Ok(checked) => checked,
        Err(error) => return crate::organizations::refused(&console, visit, &error),
    };
    let (status, body) = if !checked.errors.is_empty() {
        (StatusCode::UNPROCESSABLE_ENTITY, html! { (problems(lang, &checked.errors)) (upload_form(&visit)) })
    } else if form.action != "write" {
        (StatusCode::OK, preview(&visit, &checked))
    } else {
        let rows: Vec<ImportRow> = checked.rows.into_iter().map(|(_, row, _)| row).collect();
        match console.services.registry.import_batch(&visit.actor, rows, StaleRows::Refuse).await {
            Ok(outcomes) => {
                let done = |wanted: fn(&RowOutcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count() as u64;
                let message = format!(
                    "{} {}, {} {}, {} {}.",
                    t(lang, "Записано. Добавлено:", "Written. Added:"),
                    count(lang, done(|o| *o == RowOutcome::Inserted)),
                    t(lang, "изменено:", "changed:"),
                    count(lang, done(|o| matches!(o, RowOutcome::Updated { .. }))),
                    t(lang, "без изменений:", "unchanged:"),
                    count(lang, done(|o| *o == RowOutcome::Unchanged)),
                );
                (
                    StatusCode::OK,
                    html! { (notice(false, &message)) p { a href="/console/organizations" { (t(lang, "К списку организаций", "To the organisations")) } } },
                )
            }
            Err(RegistryError::StaleVersion { .. }) => (
                StatusCode::CONFLICT,
                html! { (notice(true, t(lang, "Пока вы смотрели проверку, организации из файла изменили. Ничего не записано: проверьте файл снова.", "Organisations of the file changed while you looked at the check. Nothing was written: check the file again."))) (upload_form(&visit)) },
            ),
            Err(error) => return crate::organizations::refused(&console, visit, &error),
        }
    };
    let page = staff_page(&console, &visit, title, body);
    visit.finish(render(status, page))
}
