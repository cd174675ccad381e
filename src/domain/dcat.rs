//! The public catalogue in DCAT-AP 3 (the EU application profile of W3C DCAT), for open data
//! portals that harvest DCAT: a `dcat:Catalog` whose open datasets are `dcat:Dataset`s with
//! their `dcat:Distribution`s, and whose published services are `dcat:DataService`s, with
//! publishers, licences, update frequencies and access rights from the sharing modes. Paged
//! with Hydra (`hydra:PartialCollectionView`), as CKAN's DCAT extension pages.
//!
//! Built once as triples and written as JSON-LD or Turtle from them, so the two always say the
//! same. Only what the public may read is in it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use entity::enums::{ConsumerType, ServiceStatus, SharingMode, UpdateFrequency};
use entity::{
    data_item, data_service, data_service_item, database, open_dataset, organization,
    sharing_policy,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use crate::error::Result;

const PREFIXES: [(&str, &str); 9] = [
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
];

const EU: &str = "http://publications.europa.eu/resource/authority";

/// Resources (datasets and services) per page.
pub const PAGE_SIZE: u64 = 100;

/// An RDF term.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Term {
    Iri(String),
    /// A literal, in Vietnamese when `lang`, else typed (`xsd:` name) or plain.
    Literal {
        value: String,
        lang: bool,
        datatype: Option<&'static str>,
    },
}

fn iri(s: impl Into<String>) -> Term {
    Term::Iri(s.into())
}

fn vi(s: impl Into<String>) -> Term {
    Term::Literal {
        value: s.into(),
        lang: true,
        datatype: None,
    }
}

fn plain(s: impl Into<String>) -> Term {
    Term::Literal {
        value: s.into(),
        lang: false,
        datatype: None,
    }
}

fn typed(s: impl Into<String>, datatype: &'static str) -> Term {
    Term::Literal {
        value: s.into(),
        lang: false,
        datatype: Some(datatype),
    }
}

/// Triples grouped by subject, in the order subjects were first named.
#[derive(Default, Debug)]
pub struct Graph {
    order: Vec<String>,
    nodes: HashMap<String, Vec<(&'static str, Term)>>,
}

impl Graph {
    /// Adds `subject predicate object`; the predicate is a prefixed name (`dct:title`), `a`
    /// for `rdf:type`.
    fn add(&mut self, subject: &str, predicate: &'static str, object: Term) {
        let entry = self.nodes.entry(subject.to_owned()).or_insert_with(|| {
            self.order.push(subject.to_owned());
            Vec::new()
        });
        if !entry.contains(&(predicate, object.clone())) {
            entry.push((predicate, object));
        }
    }

    /// A node typed with a class and labelled, for the controlled vocabularies the shapes want
    /// typed (`dct:Frequency`, `dct:RightsStatement`, ...).
    fn typed_node(&mut self, subject: &str, class: &'static str) -> Term {
        self.add(subject, "a", iri_curie(class));
        iri(subject)
    }

    /// As Turtle.
    pub fn turtle(&self) -> String {
        let mut out = String::new();
        for (prefix, ns) in PREFIXES {
            let _ = writeln!(out, "@prefix {prefix}: <{ns}> .");
        }
        for subject in &self.order {
            let _ = write!(out, "\n<{}>", escape_iri(subject));
            let mut by_predicate: BTreeMap<&str, Vec<&Term>> = BTreeMap::new();
            for (p, o) in &self.nodes[subject] {
                by_predicate.entry(p).or_default().push(o);
            }
            let mut first = true;
            for (p, objects) in by_predicate {
                out.push_str(if first { "\n    " } else { " ;\n    " });
                first = false;
                out.push_str(p);
                out.push(' ');
                let written: Vec<String> = objects.iter().map(|o| turtle_term(o)).collect();
                out.push_str(&written.join(", "));
            }
            out.push_str(" .\n");
        }
        out
    }

    /// As JSON-LD: an inline context (no remote fetch) and the nodes in a `@graph`.
    pub fn json_ld(&self) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let mut context = Map::new();
        for (prefix, ns) in PREFIXES {
            context.insert(prefix.into(), json!(ns));
        }
        let graph: Vec<Value> = self
            .order
            .iter()
            .map(|subject| {
                let mut node = Map::new();
                node.insert("@id".into(), json!(subject));
                let mut types = Vec::new();
                let mut props: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
                for (p, o) in &self.nodes[subject] {
                    if *p == "a" {
                        if let Term::Iri(t) = o {
                            types.push(json!(curie(t)));
                        }
                        continue;
                    }
                    let value = match o {
                        Term::Iri(i) => json!({ "@id": i }),
                        Term::Literal {
                            value, lang: true, ..
                        } => json!({ "@value": value, "@language": "vi" }),
                        Term::Literal {
                            value,
                            datatype: Some(dt),
                            ..
                        } => json!({ "@value": value, "@type": dt }),
                        Term::Literal { value, .. } => json!(value),
                    };
                    props.entry(p).or_default().push(value);
                }
                if !types.is_empty() {
                    node.insert("@type".into(), Value::Array(types));
                }
                for (p, values) in props {
                    node.insert(p.into(), Value::Array(values));
                }
                Value::Object(node)
            })
            .collect();
        json!({ "@context": context, "@graph": graph })
    }
}

/// `dcat:Dataset` → the full IRI.
fn iri_curie(name: &str) -> Term {
    iri(expand(name))
}

fn expand(name: &str) -> String {
    match name.split_once(':') {
        Some((prefix, local)) => PREFIXES
            .iter()
            .find(|(p, _)| *p == prefix)
            .map_or(name.to_owned(), |(_, ns)| format!("{ns}{local}")),
        None => name.to_owned(),
    }
}

/// A full IRI as a prefixed name where a prefix covers it.
fn curie(full: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(p, ns)| full.strip_prefix(ns).map(|local| format!("{p}:{local}")))
        .unwrap_or_else(|| full.to_owned())
}

fn escape_iri(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\')
                && !c.is_control()
                && *c != ' '
        })
        .collect()
}

fn turtle_term(t: &Term) -> String {
    match t {
        Term::Iri(i) => format!("<{}>", escape_iri(i)),
        Term::Literal {
            value,
            lang,
            datatype,
        } => {
            let mut s = String::with_capacity(value.len() + 8);
            s.push('"');
            for c in value.chars() {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    '\r' => s.push_str("\\r"),
                    '\t' => s.push_str("\\t"),
                    c => s.push(c),
                }
            }
            s.push('"');
            if *lang {
                s.push_str("@vi");
            } else if let Some(dt) = datatype {
                s.push_str("^^");
                s.push_str(dt);
            }
            s
        }
    }
}

/// The EU frequency vocabulary's term for an update frequency.
fn frequency(f: UpdateFrequency) -> String {
    let code = match f {
        UpdateFrequency::Realtime => "CONT",
        UpdateFrequency::Daily => "DAILY",
        UpdateFrequency::Weekly => "WEEKLY",
        UpdateFrequency::Monthly => "MONTHLY",
        UpdateFrequency::Quarterly => "QUARTERLY",
        UpdateFrequency::Yearly => "ANNUAL",
        UpdateFrequency::Irregular => "IRREG",
    };
    format!("{EU}/frequency/{code}")
}

/// The EU access-right term for how the public may have data: open data is `PUBLIC`, data
/// shared by default or on request is `RESTRICTED`, data not shared is `NON_PUBLIC`.
pub fn access_right(modes: &[SharingMode]) -> &'static str {
    if !modes.is_empty() && modes.iter().all(|m| *m == SharingMode::Open) {
        "PUBLIC"
    } else if modes.iter().any(|m| {
        matches!(
            m,
            SharingMode::Open | SharingMode::Default | SharingMode::OnRequest
        )
    }) {
        "RESTRICTED"
    } else {
        "NON_PUBLIC"
    }
}

/// The EU file-type term for a format name as stewards write it ("CSV", "xlsx", "JSON").
fn file_type(format: &str) -> Option<String> {
    let code: String = format
        .trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!code.is_empty()).then(|| format!("{EU}/file-type/{code}"))
}

/// What the catalogue says about itself.
pub struct About<'a> {
    /// Absolute base of every IRI, e.g. `https://sharegraph.namdong.gov.vn`.
    pub base: &'a str,
    /// The path of the pages, for Hydra's links (`/dcat/catalog.jsonld`).
    pub pages: &'a str,
    pub title: &'a str,
    pub publisher: &'a str,
}

/// Page `page` (from 1; past the last, the last) of the public catalogue.
pub async fn catalogue(db: &DatabaseConnection, about: &About<'_>, page: u64) -> Result<Graph> {
    let base = about.base.trim_end_matches('/');
    let datasets_total = public_datasets().count(db).await?;
    let services_total = public_services().count(db).await?;
    let total = datasets_total + services_total;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let start = (page - 1) * PAGE_SIZE;

    // This page's slice of datasets, then services.
    let datasets = if start < datasets_total {
        public_datasets()
            .order_by_asc(open_dataset::Column::Id)
            .offset(start)
            .limit(PAGE_SIZE)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let service_start = start.saturating_sub(datasets_total);
    let service_count = PAGE_SIZE - datasets.len() as u64;
    let services = if service_count > 0 && service_start < services_total {
        public_services()
            .order_by_asc(data_service::Column::Id)
            .offset(service_start)
            .limit(service_count)
            .all(db)
            .await?
    } else {
        Vec::new()
    };

    let describer = Describer::load(db, base, &datasets, &services).await?;
    let mut g = Graph::default();
    let catalog = format!("{base}/dcat/catalog");
    g.add(&catalog, "a", iri_curie("dcat:Catalog"));
    g.add(&catalog, "dct:title", vi(about.title));
    g.add(
        &catalog,
        "dct:description",
        vi("Danh mục dữ liệu mở và dịch vụ chia sẻ dữ liệu công bố theo Nghị định 47/2020/NĐ-CP."),
    );
    let publisher = format!("{base}/dcat/publisher");
    g.add(&publisher, "a", iri_curie("foaf:Agent"));
    g.add(&publisher, "foaf:name", vi(about.publisher));
    g.add(&catalog, "dct:publisher", iri(&publisher));
    let language = g.typed_node(&format!("{EU}/language/VIE"), "dct:LinguisticSystem");
    g.add(&catalog, "dct:language", language);
    let home = g.typed_node(&format!("{base}/"), "foaf:Document");
    g.add(&catalog, "foaf:homepage", home);

    // Hydra paging: where this page is among all.
    let page_iri = |n: u64| format!("{base}{}?page={n}", about.pages);
    let view = page_iri(page);
    g.add(&view, "a", iri_curie("hydra:PartialCollectionView"));
    g.add(
        &view,
        "hydra:totalItems",
        typed(total.to_string(), "xsd:integer"),
    );
    g.add(
        &view,
        "hydra:itemsPerPage",
        typed(PAGE_SIZE.to_string(), "xsd:integer"),
    );
    g.add(&view, "hydra:first", iri(page_iri(1)));
    g.add(&view, "hydra:last", iri(page_iri(pages)));
    if page > 1 {
        g.add(&view, "hydra:previous", iri(page_iri(page - 1)));
    }
    if page < pages {
        g.add(&view, "hydra:next", iri(page_iri(page + 1)));
    }
    g.add(&catalog, "hydra:view", iri(&view));

    for d in &datasets {
        let subject = describer.dataset(&mut g, d);
        g.add(&catalog, "dcat:dataset", iri(subject));
    }
    for s in &services {
        let subject = describer.service(&mut g, s);
        g.add(&catalog, "dcat:service", iri(subject));
    }
    Ok(g)
}

/// One record of the public catalogue, by the IRI the export gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Organization(i64),
    OpenDataset(i64),
    DataService(i64),
    Database(i64),
}

/// The open datasets in the export: the published ones.
fn public_datasets() -> sea_orm::Select<open_dataset::Entity> {
    open_dataset::Entity::find().filter(open_dataset::Column::PublishedOn.is_not_null())
}

/// The services in the export: published (or deprecated, still running) with an endpoint,
/// which DCAT-AP requires of a `dcat:DataService`.
fn public_services() -> sea_orm::Select<data_service::Entity> {
    data_service::Entity::find()
        .filter(
            data_service::Column::Status
                .is_in([ServiceStatus::Published, ServiceStatus::Deprecated]),
        )
        .filter(data_service::Column::Endpoint.is_not_null())
}

/// The RDF description of one record, as the export describes it (`None` when the export does
/// not hold it: a draft, a service without an endpoint, no such row). A database, which the
/// export does not list, is described as a `dcat:Dataset` whose access rights follow the
/// public's modes of its published items.
pub async fn record(db: &DatabaseConnection, base: &str, record: Record) -> Result<Option<Graph>> {
    let base = base.trim_end_matches('/');
    let mut g = Graph::default();
    match record {
        Record::OpenDataset(id) => {
            let Some(d) = public_datasets()
                .filter(open_dataset::Column::Id.eq(id))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            let datasets = [d];
            Describer::load(db, base, &datasets, &[])
                .await?
                .dataset(&mut g, &datasets[0]);
        }
        Record::DataService(id) => {
            let Some(s) = public_services()
                .filter(data_service::Column::Id.eq(id))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            let services = [s];
            Describer::load(db, base, &[], &services)
                .await?
                .service(&mut g, &services[0]);
        }
        Record::Organization(id) => {
            let Some(o) = organization::Entity::find_by_id(id).one(db).await? else {
                return Ok(None);
            };
            let describer = Describer {
                base,
                organizations: HashMap::from([(o.id, o)]),
                links: Vec::new(),
                public_modes: HashMap::new(),
            };
            describer.agent(&mut g, id);
        }
        Record::Database(id) => {
            let Some(d) = database::Entity::find_by_id(id).one(db).await? else {
                return Ok(None);
            };
            let items = data_item::Entity::find()
                .select_only()
                .column(data_item::Column::Id)
                .filter(data_item::Column::DatabaseId.eq(id))
                .filter(data_item::Column::Published.eq(true))
                .into_query();
            let modes: Vec<SharingMode> = sharing_policy::Entity::find()
                .filter(sharing_policy::Column::DataItemId.in_subquery(items))
                .filter(sharing_policy::Column::ConsumerType.eq(ConsumerType::Public))
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.mode)
                .collect();
            let owner = organization::Entity::find_by_id(d.owner_id).one(db).await?;
            let describer = Describer {
                base,
                organizations: owner.into_iter().map(|o| (o.id, o)).collect(),
                links: Vec::new(),
                public_modes: HashMap::new(),
            };
            let subject = format!("{base}/databases/{}", d.id);
            g.add(&subject, "a", iri_curie("dcat:Dataset"));
            g.add(&subject, "dct:identifier", plain(d.code.clone()));
            g.add(&subject, "dct:title", vi(d.name.clone()));
            let description = [&d.purpose, &d.content, &d.scope]
                .into_iter()
                .flatten()
                .find(|t| !t.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| d.name.clone());
            g.add(&subject, "dct:description", vi(description));
            let publisher = describer.agent(&mut g, d.owner_id);
            g.add(&subject, "dct:publisher", publisher);
            let right = describer.rights(&mut g, access_right(&modes));
            g.add(&subject, "dct:accessRights", right);
            let freq = g.typed_node(&frequency(d.update_frequency), "dct:Frequency");
            g.add(&subject, "dct:accrualPeriodicity", freq);
        }
    }
    Ok(Some(g))
}

/// What describing datasets and services needs besides their rows: their publishers, and the
/// public's modes of each service's items.
struct Describer<'a> {
    base: &'a str,
    organizations: HashMap<i64, organization::Model>,
    links: Vec<data_service_item::Model>,
    public_modes: HashMap<i64, SharingMode>,
}

impl<'a> Describer<'a> {
    async fn load(
        db: &DatabaseConnection,
        base: &'a str,
        datasets: &[open_dataset::Model],
        services: &[data_service::Model],
    ) -> Result<Self> {
        let mut org_ids: Vec<i64> = datasets.iter().map(|d| d.organization_id).collect();
        org_ids.extend(services.iter().map(|s| s.provider_id));
        let organizations: HashMap<i64, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(org_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let service_ids: Vec<i64> = services.iter().map(|s| s.id).collect();
        let links = data_service_item::Entity::find()
            .filter(data_service_item::Column::ServiceId.is_in(service_ids))
            .all(db)
            .await?;
        let items: Vec<i64> = links.iter().map(|l| l.data_item_id).collect();
        let public_modes: HashMap<i64, SharingMode> = sharing_policy::Entity::find()
            .filter(sharing_policy::Column::DataItemId.is_in(items))
            .filter(sharing_policy::Column::ConsumerType.eq(ConsumerType::Public))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.data_item_id, p.mode))
            .collect();
        Ok(Self {
            base,
            organizations,
            links,
            public_modes,
        })
    }

    fn agent(&self, g: &mut Graph, id: i64) -> Term {
        let subject = format!("{}/organizations/{id}", self.base);
        g.add(&subject, "a", iri_curie("foaf:Agent"));
        if let Some(o) = self.organizations.get(&id) {
            g.add(&subject, "foaf:name", vi(o.name.clone()));
            g.add(&subject, "dct:identifier", plain(o.code.clone()));
        }
        iri(subject)
    }

    fn rights(&self, g: &mut Graph, right: &str) -> Term {
        let subject = format!("{EU}/access-right/{right}");
        g.typed_node(&subject, "dct:RightsStatement")
    }

    /// An open dataset with its distributions; returns its IRI.
    fn dataset(&self, g: &mut Graph, d: &open_dataset::Model) -> String {
        let base = self.base;
        let subject = format!("{base}/open-datasets/{}", d.id);
        g.add(&subject, "a", iri_curie("dcat:Dataset"));
        g.add(&subject, "dct:identifier", plain(d.code.clone()));
        g.add(&subject, "dct:title", vi(d.title.clone()));
        g.add(
            &subject,
            "dct:description",
            vi(d.description.clone().unwrap_or_else(|| d.title.clone())),
        );
        let publisher = self.agent(g, d.organization_id);
        g.add(&subject, "dct:publisher", publisher);
        let public = self.rights(g, "PUBLIC");
        g.add(&subject, "dct:accessRights", public);
        let freq = g.typed_node(&frequency(d.update_frequency), "dct:Frequency");
        g.add(&subject, "dct:accrualPeriodicity", freq);
        if let Some(day) = d.published_on {
            g.add(&subject, "dct:issued", typed(day.to_string(), "xsd:date"));
        }
        if let Some(day) = d.refreshed_on.or(d.published_on) {
            g.add(&subject, "dct:modified", typed(day.to_string(), "xsd:date"));
        }
        let licence = format!("{subject}#licence");
        g.add(&licence, "a", iri_curie("dct:LicenseDocument"));
        g.add(&licence, "rdfs:label", vi(d.licence.clone()));
        let access = d
            .download_url
            .clone()
            .or_else(|| {
                d.data_service_id
                    .map(|s| format!("{base}/data-services/{s}"))
            })
            .unwrap_or_else(|| subject.clone());
        let formats: Vec<&str> = d
            .formats
            .split([',', ';'])
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        for format in formats {
            let distribution = format!("{subject}/distributions/{}", format.to_ascii_lowercase());
            g.add(&subject, "dcat:distribution", iri(&distribution));
            g.add(&distribution, "a", iri_curie("dcat:Distribution"));
            g.add(
                &distribution,
                "dct:title",
                vi(format!("{} ({format})", d.title)),
            );
            g.add(&distribution, "dcat:accessURL", iri(&access));
            if let Some(url) = &d.download_url {
                g.add(&distribution, "dcat:downloadURL", iri(url));
            }
            if let Some(ft) = file_type(format) {
                let ft = g.typed_node(&ft, "dct:MediaTypeOrExtent");
                g.add(&distribution, "dct:format", ft);
            }
            g.add(&distribution, "dct:license", iri(&licence));
            let public = self.rights(g, "PUBLIC");
            g.add(&distribution, "dct:accessRights", public);
            if let Some(s) = d.data_service_id {
                g.add(
                    &distribution,
                    "dcat:accessService",
                    iri(format!("{base}/data-services/{s}")),
                );
            }
        }
        subject
    }

    /// A data service; returns its IRI.
    fn service(&self, g: &mut Graph, s: &data_service::Model) -> String {
        let base = self.base;
        let subject = format!("{base}/data-services/{}", s.id);
        g.add(&subject, "a", iri_curie("dcat:DataService"));
        g.add(&subject, "dct:identifier", plain(s.code.clone()));
        g.add(&subject, "dct:title", vi(s.name.clone()));
        if let Some(description) = &s.description {
            g.add(&subject, "dct:description", vi(description.clone()));
        }
        if let Some(endpoint) = &s.endpoint {
            g.add(&subject, "dcat:endpointURL", iri(endpoint));
        }
        let publisher = self.agent(g, s.provider_id);
        g.add(&subject, "dct:publisher", publisher);
        let modes: Vec<SharingMode> = self
            .links
            .iter()
            .filter(|l| l.service_id == s.id)
            .map(|l| {
                self.public_modes
                    .get(&l.data_item_id)
                    .copied()
                    .unwrap_or(SharingMode::NotShared)
            })
            .collect();
        let right = self.rights(g, access_right(&modes));
        g.add(&subject, "dct:accessRights", right);
        if let Some(conditions) = &s.conditions_of_use {
            let licence = format!("{subject}#conditions");
            g.add(&licence, "a", iri_curie("dct:LicenseDocument"));
            g.add(&licence, "rdfs:label", vi(conditions.clone()));
            g.add(&subject, "dct:license", iri(&licence));
        }
        subject
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_rights_follow_the_sharing_modes() {
        use SharingMode::*;
        assert_eq!(access_right(&[Open, Open]), "PUBLIC");
        assert_eq!(access_right(&[Open, Default]), "RESTRICTED");
        assert_eq!(access_right(&[OnRequest]), "RESTRICTED");
        assert_eq!(access_right(&[NotShared]), "NON_PUBLIC");
        assert_eq!(access_right(&[]), "NON_PUBLIC");
    }

    #[test]
    fn turtle_and_json_ld_say_the_same() {
        let mut g = Graph::default();
        g.add("http://x/d", "a", iri_curie("dcat:Dataset"));
        g.add("http://x/d", "dct:title", vi("Điểm thu gom \"rác\""));
        let ttl = g.turtle();
        assert!(ttl.contains("<http://x/d>\n    a <http://www.w3.org/ns/dcat#Dataset> ;\n    dct:title \"Điểm thu gom \\\"rác\\\"\"@vi ."), "{ttl}");
        let json = g.json_ld();
        assert_eq!(json["@graph"][0]["@type"][0], "dcat:Dataset");
        assert_eq!(json["@graph"][0]["dct:title"][0]["@language"], "vi");
    }
}
