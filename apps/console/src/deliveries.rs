//! Deliveries: the services given, latest first, and the entry form for one (a catalogue service
//! to an organisation by its ИНН, or to a counted group); whole files go through
//! `nko import deliveries`.

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;
use services_catalog::actions::DELIVERY_WRITE;
use services_catalog::model::delivery::{DeliveredService, Recipient};
use services_catalog::ports::DeliveryFilter;
use services_catalog::service::{DeliveryInput, RecipientInput, parse_quantity};

use crate::Console;
use crate::format::date;
use crate::layout::{form_token, notice, render, staff_page};
use crate::refusals::{refused, with_message};
use crate::texts::t;
use crate::visit::{Done, Staff, query_of};

/// The latest deliveries and the entry form.
pub async fn list(State(console): State<Console>, Staff(visit): Staff, RawQuery(raw): RawQuery) -> Response {
    let lang = visit.lang;
    let done: Done = query_of(raw.as_deref());
    let catalog = &console.services.catalog;
    let page = kernel::PageRequest::new(50, None).expect("a valid size").counted();
    let found = match catalog.deliveries(&visit.actor, DeliveryFilter::default(), page).await {
        Ok(found) => found,
        Err(error) => return refused(&console, visit, &error),
    };
    let writing = visit.may(&console, DELIVERY_WRITE);
    let catalogue = if writing || visit.may(&console, services_catalog::actions::CATALOGUE_READ) {
        match catalog.catalogue(&visit.actor).await {
            Ok(list) => list,
            Err(error) => return refused(&console, visit, &error),
        }
    } else {
        Vec::new()
    };
    let names: std::collections::HashMap<_, _> = catalogue.iter().map(|s| (s.id, s.name_ru.clone())).collect();
    let today = console.services.clock.today();
    let mut recipients: Vec<_> = found.items.iter().filter_map(|d| d.organization()).collect();
    recipients.sort();
    recipients.dedup();
    let organizations =
        console.services.registry.organizations_by_ids(&visit.actor, &recipients).await.unwrap_or_default();
    let organization_name = |id| {
        organizations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.profile.full_name.as_str().to_owned())
    };
    let body = html! {
        @if done.done.is_some() { (notice(false, t(lang, "Записано.", "Recorded."))) }
        @if writing {
            form.card method="post" action="/console/deliveries" {
                (form_token(&visit))
                h2 { (t(lang, "Записать оказанную услугу", "Record a service given")) }
                div.grid {
                    p {
                        label for="service" { (t(lang, "Услуга центра", "The centre's service")) }
                        select id="service" name="service" required {
                            @for s in catalogue.iter().filter(|s| s.is_offered(today)) {
                                option value=(s.code) { (if lang == kernel::Lang::En { &s.name_en } else { &s.name_ru }) " (" (s.unit) ")" }
                            }
                        }
                    }
                    p { label for="inn" { (t(lang, "ИНН организации-получателя", "Recipient organisation's INN")) } input id="inn" name="inn" type="text" inputmode="numeric"; }
                    p { label for="group_size" { (t(lang, "или число участников группы", "or the group's size")) } input id="group_size" name="group_size" type="number" min="1"; }
                    p { label for="group_description" { (t(lang, "Кто были участники", "Who the group was")) } input id="group_description" name="group_description" type="text"; }
                    p { label for="delivered_on" { (t(lang, "Дата", "Date")) } input id="delivered_on" name="delivered_on" type="date" value=(today.to_string()) required; }
                    p { label for="quantity" { (t(lang, "Количество (в единицах услуги)", "Quantity (in the service's unit)")) } input id="quantity" name="quantity" type="text" value="1" required; }
                    p { label for="satisfaction" { (t(lang, "Оценка 1–5", "Satisfaction 1–5")) } input id="satisfaction" name="satisfaction" type="number" min="1" max="5"; }
                    p { label for="outcome" { (t(lang, "Результат", "Outcome")) } input id="outcome" name="outcome" type="text"; }
                }
                button type="submit" data-action=(DELIVERY_WRITE.code()) { (t(lang, "Записать", "Record")) }
            }
        }
        p { (t(lang, "Всего записей", "Records in all")) ": " (found.total.unwrap_or_default()) }
        table.list {
            thead { tr { th { (t(lang, "Дата", "Date")) } th { (t(lang, "Услуга", "Service")) } th { (t(lang, "Получатель", "Recipient")) } th { (t(lang, "Количество", "Quantity")) } } }
            tbody {
                @for d in &found.items {
                    tr {
                        td { (date(lang, d.delivered_on)) }
                        td { @match d.service {
                            DeliveredService::Catalogue(id) => { (names.get(&id).cloned().unwrap_or_else(|| id.to_string())) },
                            DeliveredService::Directory(id) => { (t(lang, "услуга НКО", "an NGO's service")) " " (id) },
                        } }
                        td { @match &d.recipient {
                            Recipient::Organization(id) => { (organization_name(*id)) },
                            Recipient::Person(_) => { (t(lang, "человек", "a person")) },
                            Recipient::Group { head_count, description } => { (description) " (" (head_count) ")" },
                        } }
                        td { (format!("{}.{:02}", d.quantity / 100, d.quantity % 100)) }
                    }
                }
            }
        }
    };
    let page = staff_page(&console, &visit, t(lang, "Оказанные услуги", "Services given"), body);
    visit.finish(render(StatusCode::OK, page))
}

/// What the entry form sends.
#[derive(Deserialize)]
pub struct DeliveryForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    inn: String,
    #[serde(default)]
    group_size: String,
    #[serde(default)]
    group_description: String,
    #[serde(default)]
    delivered_on: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    outcome: String,
    form_token: Option<String>,
}

/// Records one delivery.
pub async fn record(State(console): State<Console>, Staff(visit): Staff, Form(form): Form<DeliveryForm>) -> Response {
    let lang = visit.lang;
    if let Err(refusal) = visit.check_form(form.form_token.as_deref()) {
        return visit.refused_form(refusal);
    }
    let services = &console.services;
    let problem = |visit, message: &str| with_message(&console, visit, StatusCode::UNPROCESSABLE_ENTITY, message);
    let catalogue = match services.catalog.catalogue(&visit.actor).await {
        Ok(list) => list,
        Err(error) => return refused(&console, visit, &error),
    };
    let Some(service) = catalogue.iter().find(|s| s.code.as_str() == form.service.trim()) else {
        return problem(visit, t(lang, "«Услуга»: выберите услугу из списка.", "«Service»: choose one from the list."));
    };
    let recipient = match (form.inn.trim(), form.group_size.trim()) {
        (inn, "") if !inn.is_empty() => {
            let filter = registry::ports::OrganizationFilter {
                inn: registry::model::Inn::parse(inn).ok(),
                ..Default::default()
            };
            if filter.inn.is_none() {
                return problem(
                    visit,
                    t(lang, "«ИНН»: это не ИНН (10 или 12 цифр с верной контрольной суммой).", "«INN»: not an INN."),
                );
            }
            let page = kernel::PageRequest::new(1, None).expect("a valid size");
            match services
                .registry
                .organizations(&visit.actor, &filter, registry::ports::OrganizationOrder::NameAsc, page)
                .await
            {
                Ok(found) => match found.items.first() {
                    Some(org) => RecipientInput::Organization(org.id),
                    None => {
                        return problem(
                            visit,
                            t(
                                lang,
                                "«ИНН»: такой организации нет в реестре.",
                                "«INN»: no such organisation in the registry.",
                            ),
                        );
                    }
                },
                Err(error) => return refused(&console, visit, &error),
            }
        }
        ("", size) if !size.is_empty() => {
            RecipientInput::Group { head_count: size.parse().unwrap_or(0), description: form.group_description.clone() }
        }
        _ => {
            return problem(
                visit,
                t(
                    lang,
                    "Укажите получателя: ИНН организации или число участников группы.",
                    "Name the recipient: an organisation's INN or the group's size.",
                ),
            );
        }
    };
    let Ok(delivered_on) = NaiveDate::parse_from_str(form.delivered_on.trim(), "%Y-%m-%d") else {
        return problem(visit, t(lang, "«Дата»: укажите дату.", "«Date»: give a date."));
    };
    let Ok(quantity) = parse_quantity(&form.quantity) else {
        return problem(
            visit,
            t(
                lang,
                "«Количество»: число, не больше двух знаков после запятой.",
                "«Quantity»: a number with at most two decimals.",
            ),
        );
    };
    let input = DeliveryInput {
        service: DeliveredService::Catalogue(service.id),
        recipient,
        delivered_on,
        quantity,
        volunteer: None,
        staff: None,
        outcome: Some(form.outcome).filter(|o| !o.trim().is_empty()),
        satisfaction: form.satisfaction.trim().parse().ok(),
        request: None,
    };
    match services.catalog.record_deliveries(&visit.actor, &[input]).await {
        Ok(_) => visit.finish(Redirect::to("/console/deliveries?done=1")),
        Err(error) => refused(&console, visit, &error),
    }
}
