//! The optional language model: a follow-up question when a free-text answer leaves a gap, and
//! semantic contradiction warnings between free-text answers.
//!
//! Everything works without it. Replies must be JSON of an exact shape (structured output,
//! parsed strictly); a timeout, an error or junk makes the caller take the deterministic path.
//! Configured by `SPECBUILDER_LLM_BASE_URL`, `SPECBUILDER_LLM_API_KEY`, `SPECBUILDER_LLM_MODEL`
//! (and `SPECBUILDER_LLM_TIMEOUT_SECS`) against any OpenAI-compatible endpoint.

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestSystemMessageArgs, ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
    ResponseFormat, ResponseFormatJsonSchema,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::time::Duration;

/// Where the model lives.
#[derive(Clone, Debug)]
pub struct LlmConfig {
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub timeout: Duration,
}

impl LlmConfig {
    /// From the environment; `None` unless both the base URL and the model are set.
    pub fn from_env() -> Option<LlmConfig> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let timeout = var("SPECBUILDER_LLM_TIMEOUT_SECS").and_then(|s| s.parse().ok()).unwrap_or(20);
        Some(LlmConfig {
            base_url: var("SPECBUILDER_LLM_BASE_URL")?,
            api_key: var("SPECBUILDER_LLM_API_KEY"),
            model: var("SPECBUILDER_LLM_MODEL")?,
            timeout: Duration::from_secs(timeout),
        })
    }
}

/// Why the model gave nothing usable. Never fatal: callers go on without it.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the model endpoint failed: {0}")]
    Endpoint(String),
    #[error("the model's reply was not the JSON asked for: {0}")]
    Junk(String),
}

/// A follow-up question for an answer that leaves a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub question: String,
    pub why: String,
}

/// Two free-text answers that contradict in meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticWarning {
    pub keys: [String; 2],
    pub explanation: String,
}

/// One free-text decision, as the model sees it.
pub struct TextAnswer<'a> {
    pub key: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
}

pub struct Assistant {
    client: Client<OpenAIConfig>,
    model: String,
    timeout: Duration,
    runtime: tokio::runtime::Runtime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverviewReply {
    overview: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpReply {
    gap: bool,
    question: Option<String>,
    why: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningsReply {
    warnings: Vec<WarningReply>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningReply {
    keys: Vec<String>,
    explanation: String,
}

impl Assistant {
    pub fn new(config: &LlmConfig) -> std::io::Result<Assistant> {
        let mut openai = OpenAIConfig::new().with_api_base(config.base_url.trim_end_matches('/'));
        if let Some(key) = &config.api_key {
            openai = openai.with_api_key(key);
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Assistant {
            client: Client::with_config(openai),
            model: config.model.clone(),
            timeout: config.timeout,
            runtime,
        })
    }

    /// A follow-up question if `answer` leaves a gap a builder would need filled; `None` if not.
    pub fn follow_up(&self, question: &str, answer: &str) -> Result<Option<FollowUp>, LlmError> {
        let schema = json!({
            "type": "object",
            "properties": {
                "gap": { "type": "boolean" },
                "question": { "type": ["string", "null"] },
                "why": { "type": ["string", "null"] }
            },
            "required": ["gap", "question", "why"],
            "additionalProperties": false
        });
        let system = "You review answers in a product specification interview. If the free-text answer leaves \
                      a gap an engineer would need filled before building, set gap to true and ask one short \
                      follow-up question, with one line on why it matters. Otherwise set gap to false and the \
                      other fields to null. Reply with JSON only.";
        let user = format!("Question: {question}\nAnswer: {answer}");
        let reply: FollowUpReply = self.ask("follow_up", schema, system, &user)?;
        match (reply.gap, reply.question, reply.why) {
            (false, _, _) => Ok(None),
            (true, Some(question), Some(why)) if !question.trim().is_empty() => {
                Ok(Some(FollowUp { question: question.trim().to_owned(), why: why.trim().to_owned() }))
            }
            _ => Err(LlmError::Junk("a gap without a question".to_owned())),
        }
    }

    /// A short overview paragraph for the PRD, from the idea and the requirements. Prose only:
    /// the requirements themselves always come from the decisions.
    pub fn prd_overview(&self, name: &str, idea: &str, requirements: &[String]) -> Result<String, LlmError> {
        let schema = json!({
            "type": "object",
            "properties": { "overview": { "type": "string" } },
            "required": ["overview"],
            "additionalProperties": false
        });
        let system = "You write the overview of a product requirements document: one paragraph of at most \
                      120 words, plain prose without Markdown, saying what the product is, for whom, and what \
                      the first release includes. Use only what the idea and requirements say. Reply with JSON only.";
        let user = format!("Product: {name}\nIdea: {idea}\nRequirements:\n{}", requirements.join("\n"));
        let reply: OverviewReply = self.ask("prd_overview", schema, system, &user)?;
        let overview = reply.overview.trim();
        if overview.is_empty() {
            return Err(LlmError::Junk("an empty overview".to_owned()));
        }
        Ok(overview.chars().take(2_000).collect())
    }

    /// Pairs of free-text answers that contradict each other in meaning.
    pub fn semantic_warnings(&self, answers: &[TextAnswer<'_>]) -> Result<Vec<SemanticWarning>, LlmError> {
        if answers.len() < 2 {
            return Ok(Vec::new());
        }
        let schema = json!({
            "type": "object",
            "properties": {
                "warnings": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "keys": { "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 },
                        "explanation": { "type": "string" }
                    },
                    "required": ["keys", "explanation"],
                    "additionalProperties": false
                }}
            },
            "required": ["warnings"],
            "additionalProperties": false
        });
        let system = "You check a product specification for contradictions in meaning between free-text answers \
                      (not wording). List each contradicting pair by the two keys, with a one-sentence \
                      explanation. An empty list is a fine answer. Reply with JSON only.";
        let listing: Vec<String> = answers
            .iter()
            .map(|a| format!("- key: {}\n  question: {}\n  answer: {}", a.key, a.question, a.answer))
            .collect();
        let reply: WarningsReply = self.ask("contradictions", schema, system, &listing.join("\n"))?;
        let known = |key: &String| answers.iter().any(|a| a.key == key);
        reply
            .warnings
            .into_iter()
            .map(|w| match w.keys.as_slice() {
                [a, b] if a != b && known(a) && known(b) => {
                    Ok(SemanticWarning { keys: [a.clone(), b.clone()], explanation: w.explanation })
                }
                _ => Err(LlmError::Junk(format!("warning names unknown or repeated keys {:?}", w.keys))),
            })
            .collect()
    }

    /// One structured request, retried once when the endpoint fails or stalls.
    fn ask<T: DeserializeOwned>(
        &self,
        name: &str,
        schema: serde_json::Value,
        system: &str,
        user: &str,
    ) -> Result<T, LlmError> {
        let endpoint = |e: &dyn std::fmt::Display| LlmError::Endpoint(e.to_string());
        let system =
            ChatCompletionRequestSystemMessageArgs::default().content(system).build().map_err(|e| endpoint(&e))?;
        let user = ChatCompletionRequestUserMessageArgs::default().content(user).build().map_err(|e| endpoint(&e))?;
        let request = CreateChatCompletionRequestArgs::default()
            .model(&self.model)
            .messages([system.into(), user.into()])
            .response_format(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: name.to_owned(),
                    schema,
                    strict: Some(true),
                },
            })
            .build()
            .map_err(|e| endpoint(&e))?;
        let mut last = LlmError::Endpoint("no attempt made".to_owned());
        for _ in 0..2 {
            let chat = self.client.chat();
            // The timer must be made inside the runtime it runs on.
            let call = async { tokio::time::timeout(self.timeout, chat.create(request.clone())).await };
            let response = match self.runtime.block_on(call) {
                Err(_) => {
                    last = LlmError::Timeout(self.timeout);
                    continue;
                }
                Ok(Err(e)) => {
                    last = endpoint(&e);
                    continue;
                }
                Ok(Ok(response)) => response,
            };
            // A reply arrived: junk is not retried, the model would likely say the same again.
            let content = response.choices.into_iter().next().and_then(|c| c.message.content);
            let content = content.ok_or_else(|| LlmError::Junk("no message content".to_owned()))?;
            return serde_json::from_str(&content).map_err(|e| LlmError::Junk(e.to_string()));
        }
        Err(last)
    }
}
