//! The services commands: the HSDS export validated against the official HSDS 3.0 schemas, the
//! deliveries import with its line-numbered refusals, and the overdue requests for cron.

use serde_json::Value;
use services_catalog::model::request::{IntakeChannel, RequestKind};
use services_catalog::service::{ApplicantInput, DirectoryInput, EligibilityInput, PathwayStepInput, RequestInput};

use super::Env;

fn schema(path: &str) -> jsonschema::Validator {
    let file = format!("{}/tests/hsds/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("a JSON schema");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("a valid schema")
}

fn problems(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator.iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[tokio::test]
async fn the_hsds_export_validates_against_the_official_schemas() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", super::csv_rows(0..2).as_bytes())]).await;
    let (system, admin) = env.open_as_admin().await;
    let registry = &system.services.registry;
    let orgs = registry
        .organizations(
            &admin,
            &Default::default(),
            registry::ports::OrganizationOrder::NameAsc,
            kernel::PageRequest::new(10, None).unwrap(),
        )
        .await
        .unwrap();
    let full = DirectoryInput {
        provider: Some(orgs.items[0].id),
        name: "Ночлег и питание".into(),
        description: "Койко-место и горячее питание".into(),
        service_types: vec!["social_household".into(), "hot_meals_food_kits".into()],
        forms: vec!["semi_residential".into()],
        needs: vec!["homelessness".into()],
        municipalities: vec!["kaluga_city".into(), "obninsk_city".into()],
        eligibility: EligibilityInput {
            min_age: Some(18),
            max_age: Some(80),
            target_groups: vec!["homelessness".into()],
            income_limit: Some(150),
            documents: vec!["паспорт, если есть".into()],
        },
        languages: vec!["ru".into(), "en".into()],
        schedule: Some("ежедневно 18:00–08:00".into()),
        cost: "partly".into(),
        fees: Some("бесплатно для бездомных".into()),
        capacity: Some((20, 3)),
        pathway: vec![PathwayStepInput {
            title: "Прийти".into(),
            who: "Человек".into(),
            documents: vec!["справка".into()],
            expected_days: 0,
        }],
    };
    system.services.catalog.add_service(&admin, &full).await.unwrap();
    let bare = DirectoryInput {
        provider: Some(orgs.items[1].id),
        name: "Юрист".into(),
        description: "Консультации".into(),
        service_types: vec!["social_legal".into()],
        cost: "free".into(),
        ..Default::default()
    };
    system.services.catalog.add_service(&admin, &bare).await.unwrap();
    let dir = env.dir.join("hsds");
    let out = env.ok(&["export", "hsds", &dir.display().to_string()]).await;
    assert!(out.contains("услуг / services 2, организаций / organizations 2"), "{out}");

    let services: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("services.json")).unwrap()).unwrap();
    let organizations: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("organizations.json")).unwrap()).unwrap();
    let service_schema = schema("service_with_definitions.json");
    let organization_schema = schema("organization_list.json");
    for service in &services {
        assert_eq!(problems(&service_schema, service), Vec::<String>::new(), "{service:#}");
    }
    for organization in &organizations {
        assert_eq!(problems(&organization_schema, organization), Vec::<String>::new(), "{organization:#}");
    }
    let rich = services.iter().find(|s| s["name"] == "Ночлег и питание").expect("exported");
    assert_eq!(rich["service_areas"].as_array().unwrap().len(), 2);
    assert_eq!(rich["minimum_age"], 18);
    assert_eq!(rich["organization"]["organization_identifiers"][0]["identifier_type"], "ИНН");
    assert!(rich["eligibility_description"].as_str().unwrap().contains("1.50 прожиточного минимума"), "{rich:#}");
    // The validator is not a formality: a broken document is refused.
    let mut broken = rich.clone();
    broken["status"] = Value::from("open");
    broken["service_areas"][0]["id"] = Value::from("not-a-uuid");
    assert_eq!(problems(&service_schema, &broken).len(), 2, "{:?}", problems(&service_schema, &broken));
    // A second export of the same data writes the same files.
    let first = std::fs::read_to_string(dir.join("services.json")).unwrap();
    env.ok(&["export", "hsds", &dir.display().to_string()]).await;
    assert_eq!(std::fs::read_to_string(dir.join("services.json")).unwrap(), first);
}

#[tokio::test]
async fn a_deliveries_file_with_bad_lines_names_each_and_writes_nothing() {
    let env = Env::new().await;
    env.ok(&["import", "organizations", &env.file("orgs.csv", super::csv_rows(0..2).as_bytes())]).await;
    let inn = registry::testing::fixtures::inn_number(0);
    let bad = format!(
        "catalogue_service;organization_inn;group_size;group_description;delivered_on;quantity;satisfaction\n\
         ngo_seminars_consulting;{inn};;;30.11.2026;2;5\n\
         ngo_seminars_consulting;{inn};;;30.11.2026;0;5\n\
         no_such_service;{inn};;;30.11.2026;1;\n\
         staff_training;;25;участники семинара;2026-11-29;1,5;7\n\
         staff_training;0000000000;;;01.12.2099;1;\n"
    );
    let (result, out) = env.run(&["import", "deliveries", &env.file("bad.csv", bad.as_bytes())]).await;
    assert!(result.is_err(), "{out}");
    for expected in [
        "строка 3, столбец quantity",
        "строка 4, столбец catalogue_service",
        "строка 5, столбец satisfaction",
        "строка 6, столбец organization_inn",
    ] {
        assert!(out.contains(expected), "{expected} in:\n{out}");
    }
    assert!(!out.contains("строка 2"), "the good line is not reported:\n{out}");
    let (system, admin) = env.open_as_admin().await;
    let page = kernel::PageRequest::new(10, None).unwrap().counted();
    let none = system.services.catalog.deliveries(&admin, Default::default(), page.clone()).await.unwrap();
    assert_eq!(none.total, Some(0), "nothing of a refused file is written");

    // A person id of the right shape that the registry does not hold: found by the use case's
    // check, still named by line and column.
    let stranger = uuid::Uuid::now_v7();
    let unknown = format!(
        "catalogue_service;organization_inn;person_id;delivered_on;quantity\n\
         ngo_seminars_consulting;{inn};;30.11.2026;2\n\
         ngo_seminars_consulting;;{stranger};30.11.2026;1\n\
         ngo_seminars_consulting;{inn};;30.11.2026;0\n\
         ngo_seminars_consulting;;{stranger};31.02.2026;1\n"
    );
    let file = env.file("unknown.csv", unknown.as_bytes());
    for dry_run in [true, false] {
        let mut args = vec!["import", "deliveries", file.as_str()];
        if dry_run {
            args.push("--dry-run");
        }
        let (result, out) = env.run(&args).await;
        assert!(result.is_err(), "dry run {dry_run}: a file with unknown records is not clean:\n{out}");
        for expected in ["строка 3, столбец person_id", "строка 4, столбец quantity", "строка 5, столбец delivered_on"]
        {
            assert!(out.contains(expected), "dry run {dry_run}: {expected}, every problem at once:\n{out}");
        }
        let third = out.find("строка 3").expect("line 3");
        assert!(third < out.find("строка 4").expect("line 4"), "in line order:\n{out}");
    }
    let none = system.services.catalog.deliveries(&admin, Default::default(), page.clone()).await.unwrap();
    assert_eq!(none.total, Some(0), "nothing of a file with an unknown person is written");

    let good = format!(
        "catalogue_service,organization_inn,group_size,group_description,delivered_on,quantity,satisfaction\n\
         ngo_seminars_consulting,{inn},,,30.11.2026,2,5\n\
         staff_training,,25,участники семинара,2026-11-29,\"1,5\",\n"
    );
    let out = env.ok(&["import", "deliveries", &env.file("good.csv", good.as_bytes())]).await;
    assert!(out.contains("Записано оказанных услуг / deliveries recorded: 2"), "{out}");
    let both = system.services.catalog.deliveries(&admin, Default::default(), page).await.unwrap();
    assert_eq!(both.total, Some(2));
    assert!(both.items.iter().any(|d| d.quantity == 150), "1,5 hours are 150 hundredths");
}

#[tokio::test]
async fn overdue_requests_are_listed_for_cron_and_an_empty_list_is_success() {
    let env = Env::new().await;
    let out = env.ok(&["requests", "overdue"]).await;
    assert!(out.contains("нет"), "{out}");
    let (system, admin) = env.open_as_admin().await;
    let late = RequestInput {
        kind: RequestKind::Citizen,
        channel: IntakeChannel::Post,
        topic: "Письмо\u{7}из архива".into(),
        service: None,
        text: "Прошу помочь".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Anonymous,
        consent_given: false,
        received_on: Some(registry::testing::fixtures::day(2026, 11, 2)),
    };
    let refused = system.services.catalog.receive(&admin, &late).await;
    assert!(refused.is_err(), "a control character in the topic is refused");
    let late = RequestInput { topic: "Письмо из архива".into(), ..late };
    let request = system.services.catalog.receive(&admin, &late).await.unwrap();
    let (result, out) = env.run(&["requests", "overdue"]).await;
    assert!(result.is_err(), "cron sees a failure while requests are overdue");
    assert!(out.contains(&request.number) && out.contains("received") && out.contains("05.11.2026"), "{out}");
}

#[test]
fn the_schemas_kept_here_are_the_shared_copy_of_hsds_when_it_is_present() {
    let shared = format!("{}/../../../shared/hsds/compiled", env!("CARGO_MANIFEST_DIR"));
    if !std::path::Path::new(&shared).is_dir() {
        return;
    }
    for file in ["service_with_definitions.json", "organization_list.json"] {
        let kept = std::fs::read(format!("{}/tests/hsds/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert_eq!(kept, std::fs::read(format!("{shared}/{file}")).unwrap(), "{file} differs from ../shared");
    }
}
