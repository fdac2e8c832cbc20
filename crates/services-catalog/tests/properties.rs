//! Properties of the domain's rules: the request state machine and its 59-FZ deadlines, dispatch
//! ranking, and quantities as typed.

use chrono::{Days, NaiveDate};
use kernel::workdays;
use proptest::prelude::*;
use services_catalog::model::directory::{Capacity, DirectoryService, Eligibility, ServiceStatus};
use services_catalog::model::request::{Applicant, RejectionReason, Request, RequestState};
use services_catalog::rules::deadlines::{DayCount, DeadlinePolicy};
use services_catalog::rules::dispatch::{self, Need};
use services_catalog::rules::request_flow::{self, FlowError, Step};
use services_catalog::service::parse_quantity;
use services_catalog::testing::fixtures::{self, code, day};

/// The legal changes of a request's state, written out independently of the rule's table.
const LEGAL: &[(RequestState, &str, RequestState)] = {
    use RequestState::*;
    &[
        (Received, "register", Registered),
        (Received, "reject", Rejected),
        (Registered, "assign", Assigned),
        (Assigned, "assign", Assigned),
        (InProgress, "assign", Assigned),
        (Assigned, "start", InProgress),
        (Registered, "extend", Registered),
        (Assigned, "extend", Assigned),
        (InProgress, "extend", InProgress),
        (Registered, "answer", Answered),
        (Assigned, "answer", Answered),
        (InProgress, "answer", Answered),
        (Registered, "redirect", Redirected),
        (Assigned, "redirect", Redirected),
        (InProgress, "redirect", Redirected),
        (Registered, "reject", Rejected),
        (Assigned, "reject", Rejected),
        (InProgress, "reject", Rejected),
        (Answered, "close", Closed),
        (Redirected, "close", Closed),
        (Rejected, "close", Closed),
        (Answered, "reopen", Registered),
        (Redirected, "reopen", Registered),
        (Rejected, "reopen", Registered),
        (Closed, "reopen", Registered),
        (Answered, "reopen", Assigned),
        (Redirected, "reopen", Assigned),
        (Rejected, "reopen", Assigned),
        (Closed, "reopen", Assigned),
    ]
};

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Register),
        Just(Step::Assign { to: "anna".into() }),
        Just(Step::Start),
        (0u16..40).prop_map(|days| Step::Extend {
            days, reason: "Запрос в МФЦ".into(), notice: "Письмо".into()
        }),
        Just(Step::Answer { text: "Ответ".into() }),
        Just(Step::Redirect { to: "Минтруд".into() }),
        prop::sample::select(RejectionReason::ALL.to_vec()).prop_map(|reason| Step::Reject { reason }),
        Just(Step::Close),
        Just(Step::Reopen),
    ]
}

fn policy() -> impl Strategy<Value = DeadlinePolicy> {
    prop_oneof![
        Just(DeadlinePolicy::APPEAL),
        (1u16..=60, any::<bool>(), any::<bool>()).prop_map(|(days, working, shift)| {
            let counting = if working { DayCount::Working } else { DayCount::Calendar };
            DeadlinePolicy::new(days, counting, shift).expect("in range")
        }),
    ]
}

fn applicant() -> impl Strategy<Value = Applicant> {
    prop_oneof![
        Just(fixtures::citizen("Иванова")),
        Just(Applicant::Anonymous),
        Just(Applicant::Person(kernel::PersonId::new()))
    ]
}

fn is_working(date: NaiveDate) -> bool {
    workdays::day(date).expect("in the calendar").working
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any sequence of steps on any request: every accepted step is a legal change and raises
    /// the version by one; the answer deadline is never before registration, moves by the one
    /// extension at most once, and always lands on a working day when the policy shifts (or
    /// counts working days); an appeal that cannot be answered has no answer deadline.
    #[test]
    fn no_sequence_of_steps_drives_a_request_through_an_illegal_change(
        received in 0u64..1000, policy in policy(), applicant in applicant(),
        steps in prop::collection::vec((step(), 0u64..20), 1..25),
    ) {
        let received_on = day(2025, 1, 1) + Days::new(received);
        let mut request = Request { policy, ..fixtures::request(applicant, received_on, audit::testing::instant()) };
        let mut today = received_on;
        let mut extensions = 0;
        for (step, wait) in steps {
            today = today + Days::new(wait);
            match request_flow::apply(&request, &step, today) {
                Ok(next) => {
                    prop_assert!(
                        LEGAL.contains(&(request.state, step.code(), next.state)),
                        "{:?} --{}--> {:?} is not a legal change", request.state, step.code(), next.state
                    );
                    prop_assert_eq!(next.version, request.version + 1);
                    if matches!(step, Step::Reopen) && request.answer_due.is_some() && next.answer_due.is_some() {
                        prop_assert!(next.answer_due >= request.answer_due, "reopening never shortens a promised term");
                    }
                    if matches!(step, Step::Extend { .. }) {
                        extensions += 1;
                        prop_assert!(next.answer_due > request.answer_due, "an extension moves the deadline later");
                    }
                    request = next;
                }
                Err(FlowError::NotAllowed { from, .. }) => {
                    prop_assert_eq!(from, request.state);
                    prop_assert!(!LEGAL.iter().any(|(f, s, _)| *f == request.state && *s == step.code()));
                }
                Err(_) => prop_assert!(LEGAL.iter().any(|(f, s, _)| *f == request.state && *s == step.code())),
            }
            prop_assert!(extensions <= 1, "the answer term was extended {} times", extensions);
            prop_assert_eq!(request.extension.is_some(), extensions == 1);
            if let Some(due) = request.answer_due {
                let registered = request.registered_on.expect("a deadline runs from registration");
                prop_assert!(due > registered, "due {} is not after registration {}", due, registered);
                if policy.shift_to_working_day || policy.counting == DayCount::Working {
                    prop_assert!(is_working(due), "due {} is a day off", due);
                }
            }
            if !request.applicant.can_be_answered() {
                prop_assert_eq!(request.answer_due, None);
                prop_assert!(request.state != RequestState::Answered);
            }
            prop_assert!(is_working(request.register_due));
        }
    }
}

fn service() -> impl Strategy<Value = DirectoryService> {
    let codes = |pool: &'static [&'static str]| {
        prop::collection::vec(prop::sample::select(pool), 0..3).prop_map(|v| {
            let mut c: Vec<_> = v.into_iter().map(code).collect();
            c.sort();
            c.dedup();
            c
        })
    };
    (
        codes(&["homelessness", "disabled_children", "family_conflict_violence"]),
        codes(&["social_legal", "social_household"]),
        codes(&["kaluga_city", "obninsk_city"]),
        codes(&["remote", "home_based"]),
        (
            prop::option::of(0u8..30),
            prop::option::of(30u8..90),
            codes(&["disabled_children", "homelessness"]),
            prop::option::of(50u16..300),
        ),
        prop::option::of((0u32..10, 0u32..10)),
        codes(&["ru", "en"]),
        any::<bool>(),
    )
        .prop_map(
            |(
                needs,
                types,
                municipalities,
                forms,
                (min_age, max_age, groups, income),
                capacity,
                languages,
                retired,
            )| {
                DirectoryService {
                    needs,
                    service_types: types,
                    municipalities,
                    forms,
                    eligibility: Eligibility {
                        min_age,
                        max_age,
                        target_groups: groups,
                        income_limit: income,
                        documents: Vec::new(),
                    },
                    capacity: capacity.map(|(free, extra)| Capacity { total: free + extra, free }),
                    languages,
                    status: if retired { ServiceStatus::Retired } else { ServiceStatus::Active },
                    ..fixtures::directory_service(kernel::OrganizationId::new(), "Услуга", audit::testing::instant())
                }
            },
        )
}

/// Whether the service's rules exclude the person, written out independently of the rule: an
/// age outside the range, none of the required target groups, an income above the limit, or
/// a retired service. What the person did not say excludes nothing.
fn excludes(service: &DirectoryService, need: &Need) -> bool {
    let rules = &service.eligibility;
    let age =
        need.age.is_some_and(|age| rules.min_age.is_some_and(|m| age < m) || rules.max_age.is_some_and(|m| age > m));
    let group = !rules.target_groups.is_empty() && rules.target_groups.iter().all(|g| !need.target_groups.contains(g));
    let income = matches!((need.income, rules.income_limit), (Some(i), Some(l)) if i > l);
    age || group || income || service.status == ServiceStatus::Retired
}

fn need() -> impl Strategy<Value = Need> {
    (
        prop::sample::select(&["homelessness", "disabled_children", "social_legal"][..]),
        prop::option::of(prop::sample::select(&["kaluga_city", "obninsk_city", "borovsky"][..])),
        prop::collection::vec(
            prop::sample::select(&["disabled_children", "homelessness", "family_conflict_violence"][..]),
            0..3,
        ),
        prop::option::of(0u8..100),
        prop::option::of(prop::sample::select(&["ru", "en", "uk"][..])),
        prop::option::of(0u16..400),
    )
        .prop_map(|(need, municipality, groups, age, language, income)| Need {
            need: code(need),
            municipality: municipality.map(code),
            target_groups: groups.into_iter().map(code).collect(),
            age,
            language: language.map(code),
            income,
        })
}

proptest! {
    /// Dispatch ranks exactly the eligible services that serve the need, never one whose
    /// eligibility excludes the person, best score first; the same services in any order give
    /// the same ranking.
    #[test]
    fn dispatch_never_ranks_an_excluded_service_and_ranks_the_same_way_every_time(
        services in prop::collection::vec(service(), 0..12), need in need(), seed in any::<u64>(),
    ) {
        let ranked = dispatch::rank(&services, &need);
        for r in &ranked {
            let service = services.iter().find(|s| s.id == r.service).expect("ranked from the list");
            prop_assert!(!excludes(service, &need), "an excluded service was ranked: {:?}", service.eligibility);
            prop_assert!(service.needs.contains(&need.need) || service.service_types.contains(&need.need));
        }
        let serving = services.iter().filter(|s| {
            !excludes(s, &need) && (s.needs.contains(&need.need) || s.service_types.contains(&need.need))
        });
        prop_assert_eq!(serving.count(), ranked.len(), "every eligible service serving the need is ranked");
        prop_assert!(ranked.windows(2).all(|w| (w[0].score, std::cmp::Reverse(w[0].service)) > (w[1].score, std::cmp::Reverse(w[1].service))));
        let mut shuffled = services.clone();
        let n = shuffled.len().max(1);
        shuffled.rotate_left(usize::try_from(seed).unwrap_or(0) % n);
        shuffled.reverse();
        prop_assert_eq!(dispatch::rank(&shuffled, &need), ranked);
    }

    /// A service serving the person's municipality by name always ranks above one that does not
    /// serve it at all (territory weighs most).
    #[test]
    fn a_service_in_the_persons_municipality_ranks_above_one_outside_it(need in need(), a in service(), b in service()) {
        let municipality = code("kaluga_city");
        let need = Need { municipality: Some(municipality.clone()), age: None, income: None, target_groups: Vec::new(), ..need };
        let open = |s: DirectoryService, places: Vec<services_catalog::model::values::Code>| DirectoryService {
            municipalities: places,
            forms: Vec::new(),
            needs: vec![need.need.clone()],
            eligibility: Eligibility::default(),
            status: ServiceStatus::Active,
            ..s
        };
        let near = open(a, vec![municipality]);
        let far = open(b, vec![code("obninsk_city")]);
        let ranked = dispatch::rank([&far, &near], &need);
        prop_assert_eq!(ranked.first().map(|r| r.service), Some(near.id));
    }

    /// Any quantity with at most two decimals reads back in hundredths, with a point or a comma;
    /// any other text is refused, never a panic.
    #[test]
    fn a_quantity_reads_back_in_hundredths(hundredths in 0i64..100_000_000, comma in any::<bool>(), junk in "\\PC{0,12}") {
        let text = format!("{}{}{:02}", hundredths / 100, if comma { ',' } else { '.' }, hundredths % 100);
        prop_assert_eq!(parse_quantity(&text), Ok(hundredths));
        if let Ok(n) = parse_quantity(&junk) {
            prop_assert!(n >= 0);
        }
    }
}

#[test]
fn an_anonymous_appeal_is_registered_without_an_answer_term_and_can_only_be_rejected_or_redirected() {
    let at = audit::testing::instant();
    let received = fixtures::request(Applicant::Anonymous, day(2026, 11, 2), at);
    let registered = request_flow::apply(&received, &Step::Register, day(2026, 11, 2)).expect("registered");
    assert_eq!(registered.answer_due, None);
    assert_eq!(
        request_flow::apply(&registered, &Step::Answer { text: "…".into() }, day(2026, 11, 3)),
        Err(FlowError::CannotBeAnswered)
    );
    let extend = Step::Extend { days: 10, reason: "r".into(), notice: "n".into() };
    assert_eq!(request_flow::apply(&registered, &extend, day(2026, 11, 3)), Err(FlowError::NoTerm));
    let rejected = Step::Reject { reason: RejectionReason::Anonymous };
    assert_eq!(
        request_flow::apply(&registered, &rejected, day(2026, 11, 3)).expect("rejected").state,
        RequestState::Rejected
    );
    let named = fixtures::request(fixtures::citizen("Иванова"), day(2026, 11, 2), at);
    assert_eq!(request_flow::apply(&named, &rejected, day(2026, 11, 3)), Err(FlowError::NotAnonymous));
}

#[test]
fn an_extension_after_the_deadline_or_a_second_one_is_refused() {
    let at = audit::testing::instant();
    let received = fixtures::request(fixtures::citizen("Иванова"), day(2026, 11, 2), at);
    let registered = request_flow::apply(&received, &Step::Register, day(2026, 11, 2)).expect("registered");
    assert_eq!(registered.answer_due, Some(day(2026, 12, 2)));
    let extend = |days| Step::Extend {
        days, reason: "Запрос документов".into(), notice: "Письмо № 7".into()
    };
    assert_eq!(request_flow::apply(&registered, &extend(31), day(2026, 11, 20)), Err(FlowError::ExtensionLength));
    assert_eq!(
        request_flow::apply(&registered, &extend(10), day(2026, 12, 3)),
        Err(FlowError::ExtensionTooLate { due: day(2026, 12, 2) })
    );
    let extended = request_flow::apply(&registered, &extend(30), day(2026, 12, 2)).expect("extended on the last day");
    // 2 January 2027 is a holiday: the deadline moves to the first working day after them.
    assert_eq!(extended.answer_due, Some(day(2027, 1, 11)));
    assert_eq!(request_flow::apply(&extended, &extend(5), day(2026, 12, 3)), Err(FlowError::AlreadyExtended));
}

proptest! {
    /// Anonymising a request keeps every id, date, state and code, leaves none of its texts or
    /// contacts, and a second time changes nothing.
    #[test]
    fn an_anonymised_request_keeps_its_dates_and_codes_and_none_of_its_words(
        topic in "\\PC{1,40}", text in "\\PC{1,200}", answer in prop::option::of("\\PC{1,80}"), named in any::<bool>(),
    ) {
        use services_catalog::rules::anonymise::{self, REMOVED};
        let applicant = if named { fixtures::citizen(&topic) } else { Applicant::Person(kernel::PersonId::new()) };
        let received = fixtures::request(applicant, day(2026, 11, 2), audit::testing::instant());
        let registered = request_flow::apply(&received, &Step::Register, day(2026, 11, 3)).expect("registered");
        let original = Request { topic: topic.clone(), text: text.clone(), answer: answer.clone(), ..registered };
        let once = anonymise::request(&original);
        prop_assert_eq!(anonymise::request(&once), once.clone());
        prop_assert_eq!((once.id, once.version, once.state, once.received_on, once.registered_on, once.answer_due),
            (original.id, original.version, original.state, original.received_on, original.registered_on, original.answer_due));
        prop_assert_eq!(once.topic.as_str(), REMOVED);
        prop_assert_eq!(once.text.as_str(), REMOVED);
        prop_assert!(once.answer.as_deref().is_none_or(|a| a == REMOVED));
        prop_assert_eq!(once.applicant.can_be_answered(), matches!(once.applicant, Applicant::Person(_)));
        if let Applicant::Citizen(contact) = &once.applicant {
            prop_assert_eq!(contact.email.as_deref(), None);
            prop_assert_eq!(contact.name.as_deref(), Some(REMOVED));
        }
    }
}

proptest! {
    /// Any sequence of appeals from a few addresses at any times: an appeal is taken exactly when
    /// its address sent fewer than five in the hour before it, and a refusal says to wait until
    /// the oldest of those leaves the hour.
    #[test]
    fn an_address_gets_at_most_five_appeals_an_hour(
        arrivals in prop::collection::vec((0usize..3, 0i64..600), 1..60),
    ) {
        use services_catalog::rules::appeal_limits::{AppealWindow, APPEALS_PER_HOUR};
        let start = audit::testing::instant();
        let mut window = AppealWindow::default();
        let mut taken: Vec<(usize, chrono::DateTime<chrono::Utc>)> = Vec::new();
        let mut now = start;
        for (address, minutes) in arrivals {
            now += chrono::TimeDelta::minutes(minutes / 10);
            let recent: Vec<_> = taken.iter().filter(|(a, at)| *a == address && now - *at < chrono::TimeDelta::hours(1)).map(|(_, at)| *at).collect();
            match window.admit(&format!("10.0.0.{address}"), now) {
                Ok(()) => {
                    prop_assert!(recent.len() < APPEALS_PER_HOUR, "a sixth appeal within the hour was taken");
                    taken.push((address, now));
                }
                Err(wait) => {
                    prop_assert_eq!(recent.len(), APPEALS_PER_HOUR);
                    let oldest = recent.iter().min().copied().expect("five recent ones");
                    let expected = (oldest + chrono::TimeDelta::hours(1) - now).num_seconds().max(1);
                    prop_assert_eq!(i64::try_from(wait).expect("small"), expected);
                }
            }
        }
        prop_assert!(window.addresses() <= 3);
    }
}

proptest! {
    /// Any sequence of steps on a referral, the consent given or withdrawn between them: the NGO
    /// sees the person exactly while the consent holds and it still has something to do with the
    /// referral (answer it, or complete it); once it is closed, no later step opens it again.
    #[test]
    fn the_ngo_sees_a_referred_person_only_while_it_can_still_act_on_the_referral_with_consent(
        moves in prop::collection::vec((0usize..4, any::<bool>()), 0..12),
    ) {
        use services_catalog::model::referral::ReferralState;
        use services_catalog::rules::referral_flow::{ReferralStep, Withheld, target, withheld};
        const STEPS: [ReferralStep; 4] =
            [ReferralStep::Accept, ReferralStep::Decline, ReferralStep::Complete, ReferralStep::Revoke];
        let providers_can_act = |state: ReferralState| {
            STEPS.iter().filter(|s| s.is_the_providers()).any(|step| target(state, *step).is_some())
        };
        let mut state = ReferralState::Pending;
        let mut closed_once = false;
        for (step, consented) in moves {
            if let Some(next) = target(state, STEPS[step]) {
                state = next;
            }
            let seen = withheld(state, consented).is_none();
            prop_assert_eq!(seen, consented && providers_can_act(state), "{:?} consented={}", state, consented);
            prop_assert!(!(closed_once && seen), "a closed referral showed the person again");
            if withheld(state, consented) == Some(Withheld::Closed) {
                closed_once = true;
            }
        }
    }
}

proptest! {
    /// A catalogue service given to any recipient by any audiences: to an organisation it is
    /// recorded exactly when an organisation (NGO, business, public body) is among its
    /// audiences; to a person or a group whatever its audiences (an NGO's staff at a seminar).
    #[test]
    fn a_catalogue_service_reaches_an_organisation_only_when_organisations_are_its_audience(
        audiences in prop::collection::vec(0usize..4, 1..4), recipient in 0usize..3,
    ) {
        use services_catalog::model::catalogue::Audience;
        use services_catalog::model::delivery::DeliveredService;
        use services_catalog::service::{DeliveryInput, RecipientInput};
        const ALL: [Audience; 4] = [Audience::Ngo, Audience::Citizen, Audience::Business, Audience::PublicBody];
        let mut service = fixtures::catalogue_service("consulting");
        service.audiences = audiences.iter().map(|i| ALL[*i]).collect();
        let recipient = match recipient {
            0 => RecipientInput::Organization(kernel::OrganizationId::new()),
            1 => RecipientInput::Person(kernel::PersonId::new()),
            _ => RecipientInput::Group { head_count: 12, description: "участники семинара".into() },
        };
        let to_organisation = matches!(recipient, RecipientInput::Organization(_));
        let input = DeliveryInput {
            service: DeliveredService::Catalogue(service.id),
            recipient,
            delivered_on: day(2026, 11, 30),
            quantity: 100,
            volunteer: None,
            staff: None,
            outcome: None,
            satisfaction: None,
            request: None,
        };
        let organisational = service.audiences.iter().any(|a| !matches!(a, Audience::Citizen));
        let recorded = input.validate(&[service], "coordinator", audit::testing::instant(), day(2026, 12, 1));
        match recorded {
            Ok(_) => prop_assert!(!to_organisation || organisational, "a citizens-only service reached an organisation"),
            Err(invalid) => {
                prop_assert!(to_organisation && !organisational, "refused without cause: {:?}", invalid);
                prop_assert_eq!(invalid.field.as_str(), "organizationId");
            }
        }
    }
}

proptest! {
    /// Any applicant and any person referred: refused exactly when the request is a registry
    /// person's own and the person referred is someone else.
    #[test]
    fn a_persons_own_request_refers_only_that_person(kind in 0usize..4, same in any::<bool>()) {
        use services_catalog::rules::referral_flow::may_refer;
        let (writer, other) = (kernel::PersonId::new(), kernel::PersonId::new());
        let applicant = match kind {
            0 => Applicant::Person(writer),
            1 => Applicant::Organization(kernel::OrganizationId::new()),
            2 => fixtures::citizen("Иванова Анна"),
            _ => Applicant::Anonymous,
        };
        let referred = if same { writer } else { other };
        prop_assert_eq!(may_refer(&applicant, referred), kind != 0 || same);
    }
}
