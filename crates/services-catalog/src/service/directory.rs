//! The directory of NGOs' services: staff and a provider's representative keep an
//! organisation's services; the public finds active ones by need, municipality and target group.

use audit::object;
use kernel::{Actor, OrganizationId, Page, PageRequest, TermKind};

use crate::actions::{SERVICE_FIND, SERVICE_READ, SERVICE_WRITE};
use crate::error::{Conflict, ServicesError};
use crate::model::directory::{
    Capacity, Cost, DirectoryService, DirectoryServiceId, Eligibility, PathwayStep, ServiceStatus,
};
use crate::model::values::{self, AtField, Code, Invalid, Problem};
use crate::ports::DirectoryFilter;
use crate::service::{Lists, Narrow, ServicesCatalog};

/// The most codes of one kind a service lists.
const MAX_CODES: usize = 50;
/// The most steps of a pathway.
const MAX_STEPS: usize = 30;
/// The most documents one list names.
const MAX_DOCUMENTS: usize = 20;
/// The longest text the public finder searches for.
pub const MAX_SEARCH: usize = 200;

/// Eligibility as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EligibilityInput {
    /// Youngest age, years.
    pub min_age: Option<i64>,
    /// Oldest age, years.
    pub max_age: Option<i64>,
    /// Target groups, one of which the person must be in.
    pub target_groups: Vec<String>,
    /// Income limit as a multiple of the subsistence minimum, in hundredths.
    pub income_limit: Option<i64>,
    /// Documents to bring.
    pub documents: Vec<String>,
}

/// A pathway step as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathwayStepInput {
    /// What happens.
    pub title: String,
    /// Who does it.
    pub who: String,
    /// Documents needed.
    pub documents: Vec<String>,
    /// Expected duration, days.
    pub expected_days: i64,
}

/// A directory service as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryInput {
    /// The providing organisation.
    pub provider: Option<OrganizationId>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// `service_type` codes.
    pub service_types: Vec<String>,
    /// `service_form` codes.
    pub forms: Vec<String>,
    /// `target_group` codes of the needs served.
    pub needs: Vec<String>,
    /// `municipality` codes (empty: the whole region).
    pub municipalities: Vec<String>,
    /// Who may receive it.
    pub eligibility: EligibilityInput,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Schedule.
    pub schedule: Option<String>,
    /// `free`, `paid` or `partly`.
    pub cost: String,
    /// Tariffs.
    pub fees: Option<String>,
    /// Places in all and free.
    pub capacity: Option<(i64, i64)>,
    /// The pathway.
    pub pathway: Vec<PathwayStepInput>,
}

fn number<T: TryFrom<i64>>(value: i64, min: i64, max: i64) -> Result<T, Problem> {
    if (min..=max).contains(&value) {
        T::try_from(value).map_err(|_| Problem::OutOfRange { min, max })
    } else {
        Err(Problem::OutOfRange { min, max })
    }
}

fn code_list(raw: &[String], field: &str) -> Result<Vec<Code>, Invalid> {
    values::codes(raw, MAX_CODES).at(field)
}

fn language(raw: &str) -> Result<Code, Problem> {
    let code = Code::parse(raw)?;
    let iso = (2..=3).contains(&code.as_str().len()) && code.as_str().bytes().all(|b| b.is_ascii_lowercase());
    iso.then_some(code).ok_or(Problem::NotOneOf { accepted: &["ru", "en", "uk", "hy", "az", "tg", "uz", "…"] })
}

impl DirectoryInput {
    /// The service this input describes; codes are checked against the profile's lists.
    fn validate(
        &self,
        lists: &Lists,
        id: DirectoryServiceId,
        version: i64,
        provider: OrganizationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DirectoryService, Invalid> {
        let service_types = code_list(&self.service_types, "serviceTypes")?;
        lists.check(TermKind::ServiceType, "serviceTypes", &service_types)?;
        let forms = code_list(&self.forms, "forms")?;
        lists.check(TermKind::ServiceForm, "forms", &forms)?;
        let needs = code_list(&self.needs, "needs")?;
        lists.check(TermKind::TargetGroup, "needs", &needs)?;
        if needs.is_empty() && service_types.is_empty() {
            return Err(Problem::Inconsistent {
                ru: "укажите хотя бы одну нужду или вид услуги: иначе диспетчер её не найдёт",
                en: "name at least one need or service type, or dispatch will never find it",
            })
            .at("needs");
        }
        let municipalities = code_list(&self.municipalities, "municipalities")?;
        lists.check(TermKind::Municipality, "municipalities", &municipalities)?;
        let groups = code_list(&self.eligibility.target_groups, "eligibility.targetGroups")?;
        lists.check(TermKind::TargetGroup, "eligibility.targetGroups", &groups)?;
        let eligibility = Eligibility {
            min_age: self.eligibility.min_age.map(|a| number(a, 0, 120)).transpose().at("eligibility.minAge")?,
            max_age: self.eligibility.max_age.map(|a| number(a, 0, 120)).transpose().at("eligibility.maxAge")?,
            target_groups: groups,
            income_limit: self
                .eligibility
                .income_limit
                .map(|l| number(l, 1, 10_000))
                .transpose()
                .at("eligibility.incomeLimit")?,
            documents: values::texts(&self.eligibility.documents, 300, MAX_DOCUMENTS).at("eligibility.documents")?,
        };
        if let (Some(min), Some(max)) = (eligibility.min_age, eligibility.max_age)
            && min > max
        {
            return Err(Problem::Inconsistent {
                ru: "наименьший возраст больше наибольшего",
                en: "the minimum age is above the maximum",
            })
            .at("eligibility.minAge");
        }
        let mut languages = self
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| language(l).at(format!("languages[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        languages.sort();
        languages.dedup();
        if languages.len() > MAX_CODES {
            return Err(Problem::TooMany { max: MAX_CODES }).at("languages");
        }
        let capacity = match self.capacity {
            None => None,
            Some((total, free)) => {
                let total: u32 = number(total, 0, 1_000_000).at("capacity.total")?;
                let free: u32 = number(free, 0, i64::from(total)).at("capacity.free")?;
                Some(Capacity { total, free })
            }
        };
        if self.pathway.len() > MAX_STEPS {
            return Err(Problem::TooMany { max: MAX_STEPS }).at("pathway");
        }
        let pathway = self
            .pathway
            .iter()
            .enumerate()
            .map(|(i, step)| {
                Ok(PathwayStep {
                    title: values::text(&step.title, 300, false).at(format!("pathway[{i}].title"))?,
                    who: values::text(&step.who, 300, false).at(format!("pathway[{i}].who"))?,
                    documents: values::texts(&step.documents, 300, MAX_DOCUMENTS)
                        .at(format!("pathway[{i}].documents"))?,
                    expected_days: number(step.expected_days, 0, 365).at(format!("pathway[{i}].expectedDays"))?,
                })
            })
            .collect::<Result<Vec<_>, Invalid>>()?;
        Ok(DirectoryService {
            id,
            version,
            provider,
            name: values::text(&self.name, 300, false).at("name")?,
            description: values::text(&self.description, 4000, true).at("description")?,
            service_types,
            forms,
            needs,
            municipalities,
            eligibility,
            languages,
            schedule: values::optional_text(self.schedule.as_deref(), 500, true).at("schedule")?,
            cost: Cost::parse(self.cost.trim()).ok_or(Problem::NotOneOf { accepted: Cost::CODES }).at("cost")?,
            fees: values::optional_text(self.fees.as_deref(), 2000, true).at("fees")?,
            capacity,
            pathway,
            status: ServiceStatus::Active,
            updated_at: now,
        })
    }
}

impl ServicesCatalog {
    /// Adds a service an organisation offers (a representative: their own organisation's).
    pub async fn add_service(&self, actor: &Actor, input: &DirectoryInput) -> Result<DirectoryService, ServicesError> {
        let provider = input.provider.ok_or(Invalid { field: "providerId".into(), problem: Problem::Empty })?;
        let reached = self
            .gate
            .reach(actor, SERVICE_WRITE, object("organization", provider.0), async |scope| {
                Ok::<_, ServicesError>(scope.covers(&[provider], None))
            })
            .await?;
        if !reached {
            return Err(ServicesError::NotFound("organization"));
        }
        let id = DirectoryServiceId::new();
        let service = input.validate(&self.lists().await?, id, 1, provider, self.gate.clock().now())?;
        let event = self
            .gate
            .event(actor, SERVICE_WRITE, object("directory_service", id.0))
            .with_detail(format!("add for organization:{}", provider.0));
        self.ports.directory.insert(&service, &event).await.map_err(|e| match e {
            kernel::StoreError::Conflict(Conflict::MissingReference) => ServicesError::NotFound("organization"),
            other => other.into(),
        })?;
        Ok(service)
    }

    /// The stored service, if the actor may write it.
    async fn writable_service(&self, actor: &Actor, id: DirectoryServiceId) -> Result<DirectoryService, ServicesError> {
        let stored = self.ports.directory.get(id).await?;
        let holders: Vec<OrganizationId> = stored.iter().map(|s| s.provider).collect();
        let reached = self
            .gate
            .reach(actor, SERVICE_WRITE, object("directory_service", id.0), async |scope| {
                Ok::<_, ServicesError>(stored.is_some() && scope.covers(&holders, None))
            })
            .await?;
        match stored {
            Some(service) if reached => Ok(service),
            _ => Err(ServicesError::NotFound("directory service")),
        }
    }

    /// Changes a service read at `expected_version`; its provider never changes.
    pub async fn change_service(
        &self,
        actor: &Actor,
        id: DirectoryServiceId,
        expected_version: i64,
        input: &DirectoryInput,
    ) -> Result<DirectoryService, ServicesError> {
        let stored = self.writable_service(actor, id).await?;
        if stored.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        if input.provider.is_some_and(|p| p != stored.provider) {
            return Err(Problem::Inconsistent {
                ru: "поставщика услуги сменить нельзя: добавьте услугу новой организации",
                en: "a service's provider cannot change: add the service to the other organisation",
            })
            .at("providerId")?;
        }
        let mut service =
            input.validate(&self.lists().await?, id, stored.version + 1, stored.provider, self.gate.clock().now())?;
        service.status = stored.status;
        let event = self
            .gate
            .event(actor, SERVICE_WRITE, object("directory_service", id.0))
            .with_detail(format!("change -> version {}", service.version));
        self.ports.directory.update(&service, &event).await?;
        Ok(service)
    }

    /// Retires or restores a service (`active` false: retired).
    pub async fn set_service_status(
        &self,
        actor: &Actor,
        id: DirectoryServiceId,
        expected_version: i64,
        status: ServiceStatus,
    ) -> Result<DirectoryService, ServicesError> {
        let mut service = self.writable_service(actor, id).await?;
        if service.version != expected_version {
            return Err(ServicesError::Conflict(Conflict::StaleVersion));
        }
        service.version += 1;
        service.status = status;
        service.updated_at = self.gate.clock().now();
        let event = self
            .gate
            .event(actor, SERVICE_WRITE, object("directory_service", id.0))
            .with_detail(format!("status {}", status.code()));
        self.ports.directory.update(&service, &event).await?;
        Ok(service)
    }

    /// One directory service, as staff (and its provider's representative) see it.
    pub async fn service(&self, actor: &Actor, id: DirectoryServiceId) -> Result<DirectoryService, ServicesError> {
        let stored = self.ports.directory.get(id).await?;
        let holders: Vec<OrganizationId> = stored.iter().map(|s| s.provider).collect();
        let reached = self
            .gate
            .reach(actor, SERVICE_READ, object("directory_service", id.0), async |scope| {
                Ok::<_, ServicesError>(stored.is_some() && scope.covers(&holders, None))
            })
            .await?;
        stored.filter(|_| reached).ok_or(ServicesError::NotFound("directory service"))
    }

    /// A page of the directory (a representative: their organisation's services).
    pub async fn services(
        &self,
        actor: &Actor,
        filter: DirectoryFilter,
        page: PageRequest,
    ) -> Result<Page<DirectoryService>, ServicesError> {
        let scope = self.gate.check(actor, SERVICE_READ, None).await?;
        self.directory_page(Narrow::from(scope), filter, page).await
    }

    /// The public service finder: active services only, by need, municipality, form and text.
    pub async fn find_services(
        &self,
        actor: &Actor,
        mut filter: DirectoryFilter,
        page: PageRequest,
    ) -> Result<Page<DirectoryService>, ServicesError> {
        self.gate.require_all(actor, SERVICE_FIND, None).await?;
        filter.status = Some(ServiceStatus::Active);
        filter.active_providers = true;
        self.directory_page(Narrow::All, filter, page).await
    }

    async fn directory_page(
        &self,
        narrow: Narrow,
        mut filter: DirectoryFilter,
        page: PageRequest,
    ) -> Result<Page<DirectoryService>, ServicesError> {
        if let Some(text) = &filter.text {
            let text = values::text(text, MAX_SEARCH, false).at("filter.text")?;
            filter.text = Some(text);
        }
        // The lists are read only when a code is asked for: a plain page costs no extra read.
        let coded = filter.need.is_some() || filter.municipality.is_some() || filter.form.is_some();
        let lists = if coded { self.lists().await? } else { Lists(Vec::new()) };
        if let Some(need) = &filter.need {
            let one = std::slice::from_ref(need);
            if lists.check(TermKind::TargetGroup, "need", one).is_err()
                && lists.check(TermKind::ServiceType, "need", one).is_err()
            {
                return Err(Problem::UnknownCode { code: need.to_string(), list: "target_group / service_type" })
                    .at("need")?;
            }
        }
        lists.check(TermKind::Municipality, "municipality", filter.municipality.as_slice())?;
        lists.check(TermKind::ServiceForm, "form", filter.form.as_slice())?;
        match narrow {
            Narrow::All => {}
            Narrow::Organization(own) if filter.provider.is_none_or(|p| p == own) => filter.provider = Some(own),
            _ => return Ok(Page::empty(&page)),
        }
        Ok(self.ports.directory.list(&filter, page).await?)
    }

    /// The services of these providers (the `servicesOffered` field of a page of organisations),
    /// in one read; a representative gets only their organisation's.
    pub async fn services_of(
        &self,
        actor: &Actor,
        providers: &[OrganizationId],
    ) -> Result<Vec<DirectoryService>, ServicesError> {
        let scope = self.gate.check(actor, SERVICE_READ, None).await?;
        let providers = Narrow::from(scope).organizations(providers);
        if providers.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.ports.directory.of_providers(&providers).await?)
    }
}
