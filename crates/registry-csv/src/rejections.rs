//! Why an imported row was refused, as a line-numbered error in the operator's words.

use kernel::{Lang, Localized as _};
use registry::service::RowRejection;

use crate::{RowError, VERSION, column_of};

/// The error of the row at `line`. `lines` are the lines of the rows checked so far, by the
/// validator's index (a repeated row names the line it repeats); `overwrite_hint` is how this
/// frontend lets an operator write over a record changed since the export, when it does.
pub fn rejection(line: u64, rejection: &RowRejection, lines: &[u64], overwrite_hint: Option<&str>) -> RowError {
    let hint = |base: String| match overwrite_hint {
        Some(hint) => format!("{base} или {hint}, чтобы записать поверх"),
        None => base,
    };
    match rejection {
        RowRejection::Invalid(field) => {
            RowError { line, column: Some(column_of(&field.field)), reason: field.problem.message(Lang::Ru) }
        }
        RowRejection::NoNaturalKey => RowError {
            line,
            column: Some("inn".into()),
            reason: "нужен ИНН или ОГРН, чтобы повторный импорт не создал дубль".into(),
        },
        RowRejection::RepeatsRow { key, first } => RowError {
            line,
            column: Some(key.field().into()),
            reason: format!(
                "повторяет строку {} (тот же {})",
                lines.get(*first).map_or_else(|| "выше".to_owned(), u64::to_string),
                key.field()
            ),
        },
        RowRejection::KeysOfTwoOrganizations => RowError {
            line,
            column: Some("inn".into()),
            reason: "ИНН и ОГРН принадлежат двум разным организациям реестра".into(),
        },
        RowRejection::NotAtVersion { row: Some(version), stored } => RowError {
            line,
            column: Some(VERSION.into()),
            reason: hint(format!(
                "«{version}» — в реестре уже версия {stored}: организацию изменили после выгрузки файла. Выгрузите \
                 её заново"
            )),
        },
        RowRejection::NotActive { status } => RowError {
            line,
            column: Some("status".into()),
            reason: format!(
                "«{}»: импорт добавляет только действующие организации (иначе закрытая появилась бы в каталоге как \
                 действующая); добавьте её в реестр и отметьте ликвидацию",
                status.code()
            ),
        },
        RowRejection::NotAtVersion { row: None, stored } => RowError {
            line,
            column: Some(VERSION.into()),
            reason: hint(format!(
                "нет версии, а организация уже есть в реестре (версия {stored}): укажите version из свежей \
                 выгрузки"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_row_names_the_version_and_the_frontends_way_to_overwrite() {
        let stale = RowRejection::NotAtVersion { row: Some(2), stored: 3 };
        let cli = rejection(7, &stale, &[], Some("запустите с --overwrite-newer"));
        assert_eq!(cli.line, 7);
        assert_eq!(cli.column.as_deref(), Some("version"));
        assert!(
            cli.reason.ends_with("Выгрузите её заново или запустите с --overwrite-newer, чтобы записать поверх"),
            "{}",
            cli.reason
        );
        let console = rejection(7, &stale, &[], None);
        assert!(console.reason.ends_with("Выгрузите её заново"), "{}", console.reason);
    }

    #[test]
    fn a_repeated_row_names_the_line_it_repeats() {
        let repeated = RowRejection::RepeatsRow { key: registry::NaturalKey::Inn, first: 1 };
        assert_eq!(rejection(9, &repeated, &[2, 5], None).reason, "повторяет строку 5 (тот же inn)");
        assert_eq!(rejection(9, &repeated, &[], None).reason, "повторяет строку выше (тот же inn)");
    }
}
