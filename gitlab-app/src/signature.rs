//! Who sent a webhook. GitLab sends the hook's secret token as `X-Gitlab-Token`, compared here
//! in constant time against every configured token (several while rotating). A hook with a
//! signing token is also signed the Standard Webhooks way: `webhook-signature: v1,<base64>` of
//! HMAC-SHA256 over `"<webhook-id>.<webhook-timestamp>.<body>"`, with the key the `whsec_` token
//! encodes; a timestamp more than five minutes away is refused, so a captured delivery cannot
//! be replayed later.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// How far a signed delivery's timestamp may be from now, either way.
pub const TOLERANCE_SECS: u64 = 5 * 60;

/// The secrets in force.
#[derive(Clone)]
pub struct WebhookVerifier {
    /// SHA-256 of each token: compared digest to digest, so neither content nor length leaks.
    tokens: Vec<[u8; 32]>,
    /// The signing keys, decoded; none: deliveries are not signed.
    signing: Vec<Vec<u8>>,
}

/// The headers a verification reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Presented<'a> {
    pub token: Option<&'a str>,
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl WebhookVerifier {
    /// From `GITLAB_WEBHOOK_SECRET` (comma-separated while rotating) and, optionally,
    /// `GITLAB_WEBHOOK_SIGNING_TOKEN` (`whsec_<base64>`, comma-separated too).
    pub fn new(tokens: &str, signing: Option<&str>) -> Result<WebhookVerifier, SignatureError> {
        let tokens: Vec<[u8; 32]> =
            tokens.split(',').map(str::trim).filter(|t| !t.is_empty()).map(|t| Sha256::digest(t).into()).collect();
        if tokens.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        let signing = (signing.unwrap_or_default().split(',').map(str::trim).filter(|t| !t.is_empty()))
            .map(|t| {
                let encoded = t.strip_prefix("whsec_").ok_or(SignatureError::BadSigningToken)?;
                STANDARD.decode(encoded).map_err(|_| SignatureError::BadSigningToken)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WebhookVerifier { tokens, signing })
    }

    /// No token: every delivery is refused ([`SignatureError::NoSecret`]), for a service that does
    /// not serve GitLab.
    pub fn unconfigured() -> WebhookVerifier {
        WebhookVerifier { tokens: Vec::new(), signing: Vec::new() }
    }

    /// Whether deliveries must be signed.
    pub fn signs(&self) -> bool {
        !self.signing.is_empty()
    }

    /// Checks a delivery: the token always, the signature when a signing token is configured.
    /// `now` is seconds since the Unix epoch. Every secret is tried (no early return), so timing
    /// does not tell which matched.
    pub fn verify(&self, presented: &Presented, body: &[u8], now: u64) -> Result<(), SignatureError> {
        if self.tokens.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        let token = presented.token.ok_or(SignatureError::MissingToken)?;
        let given: [u8; 32] = Sha256::digest(token.trim()).into();
        let matched = self.tokens.iter().fold(0u8, |found, t| found | t.ct_eq(&given).unwrap_u8());
        if matched == 0 {
            return Err(SignatureError::WrongToken);
        }
        if !self.signs() {
            return Ok(());
        }
        let (Some(id), Some(timestamp), Some(signatures)) = (presented.id, presented.timestamp, presented.signature)
        else {
            return Err(SignatureError::MissingSignature);
        };
        let at: u64 = timestamp.trim().parse().map_err(|_| SignatureError::MalformedSignature)?;
        if at.abs_diff(now) > TOLERANCE_SECS {
            return Err(SignatureError::Stale);
        }
        let mut matched = false;
        let mut any = false;
        for signature in signatures.split_whitespace() {
            let Some(encoded) = signature.strip_prefix("v1,") else { continue };
            let Ok(expected) = STANDARD.decode(encoded) else { continue };
            any = true;
            for key in &self.signing {
                let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SignatureError::BadSigningToken)?;
                mac.update(id.as_bytes());
                mac.update(b".");
                mac.update(timestamp.trim().as_bytes());
                mac.update(b".");
                mac.update(body);
                matched |= mac.verify_slice(&expected).is_ok();
            }
        }
        match (any, matched) {
            (_, true) => Ok(()),
            (false, false) => Err(SignatureError::MalformedSignature),
            (true, false) => Err(SignatureError::SignatureMismatch),
        }
    }

    /// The `webhook-signature` GitLab would send with the first signing token (tests, tools).
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
        let key = self.signing.first()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
    }
}

/// Secrets never print.
impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookVerifier({} tokens, {} signing keys, redacted)", self.tokens.len(), self.signing.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no webhook secret token is configured")]
    NoSecret,
    #[error("the signing token is not `whsec_` followed by base64")]
    BadSigningToken,
    #[error("the request carries no X-Gitlab-Token")]
    MissingToken,
    #[error("X-Gitlab-Token does not match")]
    WrongToken,
    #[error("the request is not signed (webhook-id, webhook-timestamp and webhook-signature are required)")]
    MissingSignature,
    #[error("webhook-timestamp or webhook-signature is malformed")]
    MalformedSignature,
    #[error("webhook-signature does not match the body")]
    SignatureMismatch,
    #[error("webhook-timestamp is more than five minutes from now")]
    Stale,
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn presented<'a>(token: &'a str, id: &'a str, at: &'a str, signature: &'a str) -> Presented<'a> {
        Presented { token: Some(token), id: Some(id), timestamp: Some(at), signature: Some(signature) }
    }

    #[test]
    fn the_standard_webhooks_example_verifies() {
        // The example of the Standard Webhooks specification, which GitLab's signed hooks follow.
        let verifier = WebhookVerifier::new("t", Some(KEY)).unwrap();
        let body = br#"{"test": 2432232314}"#;
        let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let at = "1614265330";
        assert_eq!(verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).as_deref(), Some(signature));
        let ok = presented("t", "msg_p5jXN8AQM9LWM0D4loKWxJek", at, signature);
        assert_eq!(verifier.verify(&ok, body, 1614265330 + 60), Ok(()));
        assert_eq!(verifier.verify(&ok, body, 1614265330 + 301), Err(SignatureError::Stale));
        assert_eq!(verifier.verify(&ok, b"{}", 1614265330), Err(SignatureError::SignatureMismatch));
        let other_id = presented("t", "msg_other", at, signature);
        assert_eq!(verifier.verify(&other_id, body, 1614265330), Err(SignatureError::SignatureMismatch));
    }

    #[test]
    fn tokens_rotate_and_wrong_or_missing_ones_are_refused() {
        let verifier = WebhookVerifier::new(" new , old ,", None).unwrap();
        let with = |token| Presented { token: Some(token), ..Default::default() };
        assert_eq!(verifier.verify(&with("new"), b"{}", 0), Ok(()));
        assert_eq!(verifier.verify(&with("old"), b"{}", 0), Ok(()));
        assert_eq!(verifier.verify(&with("ne"), b"{}", 0), Err(SignatureError::WrongToken));
        assert_eq!(verifier.verify(&Presented::default(), b"{}", 0), Err(SignatureError::MissingToken));
        assert_eq!(WebhookVerifier::new(" , ", None).unwrap_err(), SignatureError::NoSecret);
        assert_eq!(WebhookVerifier::new("t", Some("plain")).unwrap_err(), SignatureError::BadSigningToken);
        assert!(!format!("{verifier:?}").contains("new"));
    }

    #[test]
    fn with_a_signing_token_an_unsigned_or_malformed_delivery_is_refused() {
        let verifier = WebhookVerifier::new("t", Some(KEY)).unwrap();
        let token_only = Presented { token: Some("t"), ..Default::default() };
        assert_eq!(verifier.verify(&token_only, b"{}", 0), Err(SignatureError::MissingSignature));
        let signature = verifier.sign("id", 100, b"{}").unwrap();
        assert_eq!(verifier.verify(&presented("t", "id", "100", &signature), b"{}", 100), Ok(()));
        assert_eq!(
            verifier.verify(&presented("t", "id", "soon", &signature), b"{}", 100),
            Err(SignatureError::MalformedSignature)
        );
        assert_eq!(
            verifier.verify(&presented("t", "id", "100", "v2,abc"), b"{}", 100),
            Err(SignatureError::MalformedSignature)
        );
        // Several signatures (a key being rotated on GitLab's side): one matching is enough.
        let both = format!("v1,AAAA {signature}");
        assert_eq!(verifier.verify(&presented("t", "id", "100", &both), b"{}", 100), Ok(()));
        // The right signature never excuses a wrong token.
        assert_eq!(
            verifier.verify(&presented("x", "id", "100", &signature), b"{}", 100),
            Err(SignatureError::WrongToken)
        );
    }
}
