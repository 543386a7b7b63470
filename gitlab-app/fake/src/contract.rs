//! GitLab's own API description (`fixtures/openapi/gitlab.subset.json`, cut from
//! `doc/api/openapi/openapi_v3.yaml`; CC BY-SA 4.0) as a referee of the requests the client
//! sends: the path and method must be described, and every query or body parameter named.
//! The description is wrong in places (its README lists them); those are normalised here, at
//! load time, each with the reason. Response schemas are too loose to referee (strings for
//! integers, no `nullable`, lists that are not arrays), so responses follow GitLab's
//! documented examples instead.

use serde_json::Value;
use std::collections::BTreeSet;

pub struct Contract {
    operations: Vec<Operation>,
}

struct Operation {
    method: String,
    /// Segments after `/api/v4/`; `{name}` for a parameter.
    segments: Vec<String>,
    query: BTreeSet<String>,
    body: BTreeSet<String>,
}

impl Contract {
    pub fn load() -> Contract {
        let text = include_str!("../fixtures/openapi/gitlab.subset.json");
        let description: Value = serde_json::from_str(text).expect("the committed description parses");
        let schemas = &description["components"]["schemas"];
        let mut operations = Vec::new();
        for (path, item) in description["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("a path item") {
                if !matches!(method.as_str(), "get" | "post" | "put" | "delete") {
                    continue;
                }
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let named = |place: &str| -> BTreeSet<String> {
                    (params.iter().filter(|p| p["in"] == place))
                        .filter_map(|p| p["name"].as_str().map(str::to_owned))
                        .collect()
                };
                let mut body = BTreeSet::new();
                for content in op["requestBody"]["content"].as_object().into_iter().flat_map(|c| c.values()) {
                    let mut schema = &content["schema"];
                    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                        schema = &schemas[name];
                    }
                    body.extend(schema["properties"].as_object().into_iter().flat_map(|p| p.keys().cloned()));
                }
                let path = path.strip_prefix("/api/v4/").expect("every path is under /api/v4");
                operations.push(Operation {
                    method: method.to_uppercase(),
                    segments: path.split('/').map(str::to_owned).collect(),
                    query: named("query"),
                    body,
                });
            }
        }
        let mut contract = Contract { operations };
        contract.normalise();
        contract
    }

    /// Where the description departs from what GitLab does.
    fn normalise(&mut self) {
        // `POST …/repository/commits` is described as the Workhorse upload form (one binary
        // `file`); GitLab takes the documented commit parameters, with `actions[]` as form
        // fields (`actions[][action]`, ...) or JSON.
        if let Some(op) = self.find("POST", "projects/{id}/repository/commits") {
            op.body = [
                "branch",
                "commit_message",
                "start_branch",
                "start_sha",
                "start_project",
                "author_email",
                "author_name",
                "stats",
                "force",
                "actions",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect();
        }
        // The `gitlab` crate sends the tree's parameters as a form body on the GET; Grape reads
        // them from there as from the query.
        if let Some(op) = self.find("GET", "projects/{id}/repository/tree") {
            op.body = op.query.clone();
        }
        // Deleting a note is documented (Notes API, "Delete an issue note" / "Delete a merge
        // request note") but not in the subset: the bot deletes the parts of a split comment
        // that shrank, and overlap notes that no longer hold.
        for noteable in ["issues", "merge_requests"] {
            self.operations.push(Operation {
                method: "DELETE".into(),
                segments: ["projects", "{id}", noteable, "{noteable_id}", "notes", "{note_id}"]
                    .map(str::to_owned)
                    .into(),
                query: BTreeSet::new(),
                body: BTreeSet::new(),
            });
        }
    }

    fn find(&mut self, method: &str, path: &str) -> Option<&mut Operation> {
        let segments: Vec<&str> = path.split('/').collect();
        self.operations.iter_mut().find(|op| op.method == method && op.segments == segments)
    }

    /// Checks a request: `segments` are the path after `/api/v4/`, still percent-encoded (a
    /// file path is one segment); `query` and `body` the parameter names sent. Returns the
    /// described template, or why the request is not described.
    pub fn check(&self, method: &str, segments: &[&str], query: &[String], body: &[String]) -> Result<String, String> {
        let op = (self.operations.iter())
            .find(|op| {
                op.method == method
                    && op.segments.len() == segments.len()
                    && op.segments.iter().zip(segments).all(|(t, s)| t.starts_with('{') || t == s)
            })
            .ok_or_else(|| format!("{method} /api/v4/{} is not in GitLab's description", segments.join("/")))?;
        let template = op.segments.join("/");
        // Pagination is read by every list endpoint (GitLab's "Pagination" docs), described or not.
        let paging = ["page", "per_page", "pagination", "page_token", "id_after", "order_by", "sort"];
        if let Some(name) = query.iter().find(|n| !op.query.contains(*n) && !paging.contains(&n.as_str())) {
            return Err(format!("{method} {template}: query parameter `{name}` is not described"));
        }
        if let Some(name) = body.iter().find(|n| !op.body.contains(n.split('[').next().unwrap_or(n))) {
            return Err(format!("{method} {template}: body parameter `{name}` is not described"));
        }
        Ok(template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_referees_paths_and_parameters() {
        let contract = Contract::load();
        let tree = ["projects", "5", "repository", "tree"];
        assert_eq!(
            contract.check("GET", &tree, &["ref".into(), "pagination".into()], &[]).as_deref(),
            Ok("projects/{id}/repository/tree")
        );
        assert!(contract.check("GET", &tree, &["bogus".into()], &[]).is_err());
        let commits = ["projects", "5", "repository", "commits"];
        let form = ["branch".to_owned(), "actions[][action]".to_owned(), "actions[][last_commit_id]".to_owned()];
        assert!(contract.check("POST", &commits, &[], &form).is_ok(), "normalised: the form fields GitLab takes");
        assert!(contract.check("POST", &commits, &[], &["file".into()]).is_err(), "the upload form is not a commit");
        let note = ["projects", "5", "merge_requests", "1", "notes", "7"];
        assert!(contract.check("DELETE", &note, &[], &[]).is_ok(), "documented, added at load");
        assert!(contract.check("DELETE", &["projects", "5"], &[], &[]).is_err());
        assert!(
            contract
                .check("POST", &["projects", "5", "statuses", "abc"], &[], &["state".into(), "colour".into()])
                .is_err()
        );
    }
}
