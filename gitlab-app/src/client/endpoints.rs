//! Endpoints the `gitlab` crate has no builder for.

use super::{DiffPlace, Noteable};
use gitlab::api::{self, Endpoint};
use std::borrow::Cow;

/// `DELETE …/notes/:id` (the crate has no builder for merge request notes).
pub(super) struct DeleteNote {
    pub(super) project: u64,
    pub(super) on: Noteable,
    pub(super) id: u64,
}

impl Endpoint for DeleteNote {
    fn method(&self) -> http::Method {
        http::Method::DELETE
    }

    fn endpoint(&self) -> Cow<'static, str> {
        match self.on {
            Noteable::Issue(iid) => format!("projects/{}/issues/{iid}/notes/{}", self.project, self.id).into(),
            Noteable::MergeRequest(iid) => {
                format!("projects/{}/merge_requests/{iid}/notes/{}", self.project, self.id).into()
            }
        }
    }
}

/// `POST …/merge_requests/:iid/discussions` with a text `position` on the new side.
pub(super) struct DiffDiscussion<'a> {
    pub(super) project: u64,
    pub(super) iid: u64,
    pub(super) place: &'a DiffPlace<'a>,
    pub(super) body: &'a str,
}

impl Endpoint for DiffDiscussion<'_> {
    fn method(&self) -> http::Method {
        http::Method::POST
    }

    fn endpoint(&self) -> Cow<'static, str> {
        format!("projects/{}/merge_requests/{}/discussions", self.project, self.iid).into()
    }

    fn body(&self) -> Result<Option<(&'static str, Vec<u8>)>, api::BodyError> {
        let place = self.place;
        let body = serde_json::json!({
            "body": self.body,
            "position": {
                "position_type": "text",
                "base_sha": place.base_sha,
                "start_sha": place.start_sha,
                "head_sha": place.head_sha,
                "new_path": place.path,
                "old_path": place.path,
                "new_line": place.line,
            }
        });
        Ok(Some(("application/json", serde_json::to_vec(&body)?)))
    }
}
