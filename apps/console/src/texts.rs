//! The console's words in both languages: one call per phrase, Russian first.

use kernel::Lang;

/// The phrase in the visitor's language.
pub fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

/// A field's label, by the name forms and use cases give it (`fullName`, `full_name`,
/// `phones[2]`, `receivedOn`...); `None` for a name it does not know.
pub fn field_label(lang: Lang, field: &str) -> Option<&'static str> {
    // A list's item is named by its list (`phones[2]` -> `phones`).
    let field = field.split('[').next().unwrap_or(field);
    Some(match field {
        "q" => t(lang, "Название, ИНН или ОГРН", "Name, INN or OGRN"),
        "municipality" => t(lang, "Муниципалитет", "Municipality"),
        "legal_form" | "legalForm" => t(lang, "Организационно-правовая форма", "Legal form"),
        "activity_area" => t(lang, "Вид деятельности", "Activity area"),
        "target_group" => t(lang, "Целевая группа", "Target group"),
        "status" => t(lang, "Статус", "Status"),
        "full_name" | "fullName" => t(lang, "Полное название", "Full name"),
        "short_name" | "shortName" => t(lang, "Краткое название", "Short name"),
        "inn" => t(lang, "ИНН", "INN"),
        "ogrn" => t(lang, "ОГРН", "OGRN"),
        "kpp" => t(lang, "КПП", "KPP"),
        "registered_on" | "registeredOn" => t(lang, "Дата регистрации", "Registered on"),
        "legal_address" | "legalAddress" => t(lang, "Юридический адрес", "Legal address"),
        "postal_address" | "postalAddress" => t(lang, "Почтовый адрес", "Postal address"),
        "phones" => t(lang, "Телефоны", "Phones"),
        "emails" => t(lang, "Электронная почта", "E-mails"),
        "website" => t(lang, "Сайт", "Website"),
        "activity_areas" | "activityAreas" => t(lang, "Виды деятельности", "Activity areas"),
        "target_groups" | "targetGroups" => t(lang, "Целевые группы", "Target groups"),
        "relationship" => t(lang, "Отношения с центром", "Relationship with the centre"),
        "relationship_since" | "relationshipSince" => t(lang, "С какого времени", "Since"),
        "in_sonko_register" => {
            t(lang, "В реестре СО НКО — получателей поддержки", "In the register of supported SONKO")
        }
        "social_service_provider" => t(lang, "В реестре поставщиков социальных услуг", "A social-service provider"),
        "after" => t(lang, "Страница", "Page"),
        "received_on" | "receivedOn" => t(lang, "Дата получения запроса", "Received on"),
        "on" => t(lang, "Дата ответа", "Answered on"),
        "reason" => t(lang, "Причина продления", "Reason for the extension"),
        "purpose" => t(lang, "Цель", "Purpose"),
        "categories" => t(lang, "Какие данные", "Which data"),
        "document" => t(lang, "Документ", "Document"),
        "organization" | "organizationId" => t(lang, "Организация", "Organisation"),
        "person" | "personId" => t(lang, "Человек", "Person"),
        "filter.text" => t(lang, "Текст поиска", "Search text"),
        "filter.contact" => t(lang, "Контакт", "Contact"),
        "login" => t(lang, "Логин", "Login"),
        "name" => t(lang, "Фамилия, имя, отчество", "Full name"),
        "email" => t(lang, "Электронная почта", "E-mail"),
        "phone" => t(lang, "Телефон", "Phone"),
        "topic" => t(lang, "Тема", "Topic"),
        "text" => t(lang, "Текст", "Text"),
        "consent" => t(lang, "Согласие на обработку данных", "Consent to processing"),
        "answer" => t(lang, "Ответ", "Answer"),
        "assignee" => t(lang, "Исполнитель", "Assignee"),
        "days" => t(lang, "Дней продления", "Extension days"),
        "notice" => t(lang, "Уведомление заявителя", "Notice to the applicant"),
        "redirectTo" => t(lang, "Куда перенаправлено", "Redirected to"),
        "note" => t(lang, "Что передать организации", "Note to the NGO"),
        "outcome" => t(lang, "Итог", "Outcome"),
        "need" => t(lang, "Нужда", "Need"),
        "age" => t(lang, "Возраст", "Age"),
        "quantity" => t(lang, "Количество", "Quantity"),
        "satisfaction" => t(lang, "Оценка", "Satisfaction"),
        "deliveredOn" => t(lang, "Дата", "Date"),
        "deliveries" => t(lang, "Оказанная услуга", "Delivery"),
        "password" => t(lang, "Пароль", "Password"),
        "place" => t(lang, "Где", "Where"),
        "number" => t(lang, "Номер", "Number"),
        "index" => t(lang, "Срок", "Deadline"),
        "what" => t(lang, "Что сделать", "What to do"),
        "title" => t(lang, "Что за документ", "What it is"),
        "dated" => t(lang, "Дата документа", "Dated"),
        "at" => t(lang, "Когда", "When"),
        "dueOn" => t(lang, "Последний день", "Last day"),
        "subject" => t(lang, "Предмет дела", "Subject"),
        _ => return None,
    })
}
