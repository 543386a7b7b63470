//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the webhook secret, checked in
//! constant time against each configured secret, so a secret can be rotated without downtime.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

/// The webhook secrets in force: the new one and, while rotating, the old ones.
#[derive(Clone)]
pub struct WebhookSecrets(Vec<Vec<u8>>);

impl WebhookSecrets {
    /// From a comma-separated list (`GITHUB_WEBHOOK_SECRET=new,old`); blanks are dropped.
    pub fn from_list(list: &str) -> Result<WebhookSecrets, SignatureError> {
        let secrets: Vec<Vec<u8>> =
            list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.as_bytes().to_vec()).collect();
        if secrets.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        Ok(WebhookSecrets(secrets))
    }

    /// No secret: every delivery is refused ([`SignatureError::NoSecret`]), for a service that does
    /// not serve GitHub.
    pub fn unconfigured() -> WebhookSecrets {
        WebhookSecrets(Vec::new())
    }

    /// Checks `header` (`sha256=<64 hex digits>`) against the body with every secret. Each
    /// comparison is constant-time (`Mac::verify_slice`); which secret matched is not revealed.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
        if self.0.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        let header = header.ok_or(SignatureError::Missing)?;
        let hex_digest = header.trim().strip_prefix("sha256=").ok_or(SignatureError::Malformed)?;
        let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
        if expected.len() != 32 {
            return Err(SignatureError::Malformed);
        }
        let mut matched = false;
        for secret in &self.0 {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| SignatureError::NoSecret)?;
            mac.update(body);
            // No early return: every secret is tried, so timing does not tell which matched.
            matched |= mac.verify_slice(&expected).is_ok();
        }
        if matched { Ok(()) } else { Err(SignatureError::Mismatch) }
    }

    /// The header GitHub would send for `body` with the first secret (for tests and tools).
    pub fn sign(&self, body: &[u8]) -> String {
        let key = self.0.first().map(Vec::as_slice).unwrap_or_default();
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }
}

/// Secrets never print.
impl fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecrets({} redacted)", self.0.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no webhook secret is configured")]
    NoSecret,
    #[error("the request is not signed (no X-Hub-Signature-256 header)")]
    Missing,
    #[error("X-Hub-Signature-256 is not `sha256=` and 64 hex digits")]
    Malformed,
    #[error("X-Hub-Signature-256 does not match the body")]
    Mismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_documented_example_verifies() {
        // From GitHub's "Validating webhook deliveries" page.
        let secrets = WebhookSecrets::from_list("It's a Secret to Everybody").unwrap();
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(secrets.verify(b"Hello, World!", Some(header)), Ok(()));
        assert_eq!(secrets.sign(b"Hello, World!"), header);
    }

    #[test]
    fn forged_missing_and_malformed_signatures_are_refused() {
        let secrets = WebhookSecrets::from_list("s3cret").unwrap();
        let good = secrets.sign(b"{}");
        assert_eq!(secrets.verify(b"{ }", Some(&good)), Err(SignatureError::Mismatch));
        assert_eq!(secrets.verify(b"{}", None), Err(SignatureError::Missing));
        assert_eq!(secrets.verify(b"{}", Some("sha1=abc")), Err(SignatureError::Malformed));
        assert_eq!(secrets.verify(b"{}", Some("sha256=zz")), Err(SignatureError::Malformed));
        assert_eq!(secrets.verify(b"{}", Some("sha256=00")), Err(SignatureError::Malformed));
        let other = WebhookSecrets::from_list("other").unwrap().sign(b"{}");
        assert_eq!(secrets.verify(b"{}", Some(&other)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_rotated_secret_is_accepted_alongside_the_new_one() {
        let old = WebhookSecrets::from_list("old").unwrap().sign(b"payload");
        let new = WebhookSecrets::from_list("new").unwrap().sign(b"payload");
        let rotating = WebhookSecrets::from_list(" new , old ,").unwrap();
        assert_eq!(rotating.verify(b"payload", Some(&old)), Ok(()));
        assert_eq!(rotating.verify(b"payload", Some(&new)), Ok(()));
        assert_eq!(WebhookSecrets::from_list(" , ").unwrap_err(), SignatureError::NoSecret);
        assert_eq!(format!("{rotating:?}"), "WebhookSecrets(2 redacted)");
    }
}
