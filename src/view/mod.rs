//! `specbuilder view`: a repository's specs as web pages, served by our own binary. The pages
//! read through [`repo::RepoAt`]; every response carries a strict Content-Security-Policy.

pub mod artifact;
pub mod compare;
mod contrast;
pub mod dashboard;
pub mod decision;
pub mod diagram;
pub mod graph;
pub mod highlight;
pub mod live;
pub mod markdown;
pub mod page;
pub mod project;
pub mod repo;
pub mod search;

use axum::extract::{Path, Query, State as Shared};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};
use repo::{RepoAt, Revision, ViewError};
use serde::Deserialize;
use std::sync::Arc;

/// No inline script or style, nothing from elsewhere: the page's own script and stylesheet only.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const STYLESHEET: &str = include_str!("../../assets/view/view.css");
const SCRIPT: &str = include_str!("../../assets/view/view.js");
const ICON: &str = include_str!("../../assets/view/favicon.svg");

type Repo = Arc<dyn RepoAt>;

/// The viewer's routes over one repository; changes to it are pushed to open pages (this
/// starts the watcher, so call it inside the runtime).
pub fn router(repo: Repo) -> Router {
    let changes = live::Changes::watch(repo.clone());
    Router::new()
        .route(
            "/events",
            get(move || {
                let changes = changes.clone();
                async move { ([("x-accel-buffering", "no")], changes.stream()) }
            }),
        )
        .route("/", get(dashboard))
        .route("/search", get(search))
        .route("/p/{slug}", get(project))
        .route("/p/{slug}/decisions", get(decisions))
        .route("/p/{slug}/d/{key}", get(decision))
        .route("/p/{slug}/a/{*path}", get(artifact))
        .route("/p/{slug}/raw/{*path}", get(raw))
        .route("/p/{slug}/svg/{*path}", get(svg))
        .route("/p/{slug}/findings", get(findings))
        .route("/p/{slug}/compare", get(compare))
        .route("/p/{slug}/graph", get(graph))
        .route("/static/view.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET) }))
        .route(
            "/static/view.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT) }),
        )
        .route(
            "/static/highlight.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], highlight::stylesheet()) }),
        )
        .route("/favicon.ico", get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], ICON) }))
        .fallback(|| async { page_error(ViewError::NotFound("there is no page at this address".to_owned())) })
        .layer(middleware::map_response(secure))
        .with_state(repo)
}

async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    // A route may set a stricter policy of its own (the raw files: `sandbox`).
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn page_error(error: ViewError) -> Response {
    match error {
        ViewError::NotFound(message) => (StatusCode::NOT_FOUND, Html(page::not_found(&message).into_string())),
        ViewError::Failed(message) => (StatusCode::INTERNAL_SERVER_ERROR, Html(page::failed(&message).into_string())),
    }
    .into_response()
}

/// Runs `build` off the async threads (reading and checking a revision is blocking work).
async fn render<F>(build: F) -> Response
where
    F: FnOnce() -> Result<Response, ViewError> + Send + 'static,
{
    match tokio::task::spawn_blocking(build).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => page_error(error),
        Err(_) => page_error(ViewError::Failed("the page could not be built".to_owned())),
    }
}

fn html(markup: maud::Markup) -> Response {
    Html(markup.into_string()).into_response()
}

#[derive(Debug, Default, Deserialize)]
struct At {
    #[serde(rename = "ref")]
    rev: Option<String>,
}

/// The revision a project page reads: the one asked for, else the project's branch
/// `spec/<slug>` when it exists, else the working tree.
fn revision_for(repo: &dyn RepoAt, slug: &str, at: &At) -> Result<Revision, ViewError> {
    match at.rev.as_deref().filter(|r| !r.is_empty()) {
        Some(rev) => Ok(Revision::from_query(rev)),
        None => Ok(default_revision(&repo.revisions()?, slug)),
    }
}

/// The project's branch `spec/<slug>` among `revisions`, else the working tree.
fn default_revision(revisions: &[Revision], slug: &str) -> Revision {
    let branch = Revision::Branch(format!("spec/{slug}"));
    if revisions.contains(&branch) { branch } else { Revision::WorkingTree }
}

/// A project's page at the revision asked for (else its default), built off the async threads.
async fn on_project<F>(repo: Repo, slug: String, at: At, build: F) -> Response
where
    F: FnOnce(&dyn RepoAt, &repo::State, &str) -> Result<Response, ViewError> + Send + 'static,
{
    render(move || {
        let state = repo.state(&revision_for(repo.as_ref(), &slug, &at)?)?;
        build(repo.as_ref(), &state, &slug)
    })
    .await
}

async fn dashboard(Shared(repo): Shared<Repo>) -> Response {
    render(move || dashboard::dashboard(repo.as_ref()).map(html)).await
}

async fn project(Shared(repo): Shared<Repo>, Path(slug): Path<String>, Query(at): Query<At>) -> Response {
    on_project(repo, slug, at, |_, state, slug| project::overview(state, slug).map(html)).await
}

#[derive(Debug, Default, Deserialize)]
struct DecisionsQuery {
    #[serde(flatten)]
    at: At,
    #[serde(flatten)]
    filter: project::DecisionFilter,
}

async fn decisions(
    Shared(repo): Shared<Repo>,
    Path(slug): Path<String>,
    Query(query): Query<DecisionsQuery>,
) -> Response {
    on_project(repo, slug, query.at, move |_, state, slug| project::decisions(state, slug, &query.filter).map(html))
        .await
}

async fn decision(
    Shared(repo): Shared<Repo>,
    Path((slug, key)): Path<(String, String)>,
    Query(at): Query<At>,
) -> Response {
    on_project(repo, slug, at, move |repo, state, slug| decision::decision(repo, state, slug, &key).map(html)).await
}

#[derive(Debug, Default, Deserialize)]
struct ArtifactQuery {
    #[serde(flatten)]
    at: At,
    #[serde(flatten)]
    diff: artifact::DiffQuery,
}

async fn artifact(
    Shared(repo): Shared<Repo>,
    Path((slug, path)): Path<(String, String)>,
    Query(query): Query<ArtifactQuery>,
) -> Response {
    on_project(repo, slug, query.at, move |repo, state, slug| {
        artifact::artifact(repo, state, slug, &path, &query.diff).map(html)
    })
    .await
}

async fn svg(Shared(repo): Shared<Repo>, Path((slug, path)): Path<(String, String)>, Query(at): Query<At>) -> Response {
    on_project(repo, slug, at, move |_, state, slug| {
        let svg = diagram::svg_of(state, project::find(state, slug)?, &path)?;
        Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CONTENT_SECURITY_POLICY, "sandbox")], svg)
            .into_response())
    })
    .await
}

async fn raw(Shared(repo): Shared<Repo>, Path((slug, path)): Path<(String, String)>, Query(at): Query<At>) -> Response {
    on_project(repo, slug, at, move |_, state, slug| {
        let bytes = artifact::bytes(state, project::find(state, slug)?, &path)?.to_vec();
        Ok((
            [
                (header::CONTENT_TYPE, artifact::raw_type(&path)),
                // Opened on its own, a file still cannot run anything.
                (header::CONTENT_SECURITY_POLICY, "sandbox"),
            ],
            bytes,
        )
            .into_response())
    })
    .await
}

async fn findings(Shared(repo): Shared<Repo>, Path(slug): Path<String>, Query(at): Query<At>) -> Response {
    on_project(repo, slug, at, |_, state, slug| project::findings(state, slug).map(html)).await
}

#[derive(Debug, Default, Deserialize)]
struct CompareQuery {
    base: Option<String>,
    head: Option<String>,
}

async fn compare(Shared(repo): Shared<Repo>, Path(slug): Path<String>, Query(query): Query<CompareQuery>) -> Response {
    render(move || {
        let head = revision_for(repo.as_ref(), &slug, &At { rev: query.head })?;
        // By default, what the project's branch changes against the main line.
        let base = match query.base.filter(|b| !b.is_empty()) {
            Some(base) => Revision::from_query(&base),
            None => ["main", "master"]
                .into_iter()
                .map(|b| Revision::Branch(b.to_owned()))
                .find(|b| repo.state(b).is_ok())
                .ok_or_else(|| ViewError::NotFound("no `main` or `master` branch: choose a base with ?base=".into()))?,
        };
        let (base, head) = (repo.state(&base)?, repo.state(&head)?);
        compare::compare(&base, &head, &slug).map(html)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
struct GraphQuery {
    #[serde(flatten)]
    at: At,
    #[serde(flatten)]
    selection: graph::Selection,
}

async fn graph(Shared(repo): Shared<Repo>, Path(slug): Path<String>, Query(query): Query<GraphQuery>) -> Response {
    on_project(repo, slug, query.at, move |_, state, slug| graph::graph(state, slug, &query.selection).map(html)).await
}

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Searches each project on the revision its pages show by default.
async fn search(Shared(repo): Shared<Repo>, Query(query): Query<SearchQuery>) -> Response {
    render(move || {
        let revisions = repo.revisions()?;
        let mut states = Vec::new();
        for revision in &revisions {
            let state = repo.state(revision)?;
            let slugs: Vec<String> = (state.workspace.projects.iter())
                .filter(|p| default_revision(&revisions, &p.slug) == *revision)
                .map(|p| p.slug.clone())
                .collect();
            if !slugs.is_empty() {
                states.push((state, slugs));
            }
        }
        Ok(html(search::results(&states, &query.q)))
    })
    .await
}
