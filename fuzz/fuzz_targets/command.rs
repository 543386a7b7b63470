//! Any comment body through the bot's command parser (`/spec ...`, `/answer`, plain replies,
//! quoted text and code blocks): a command or nothing, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use specbuilder::service::bot::commands::{Command, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    if let Some(Command::Reply { reply }) = parse(body) {
        assert!(!reply.trim().is_empty(), "an empty reply is no reply");
    }
    let _ = specbuilder::grammar::parse_spec(body);
});
