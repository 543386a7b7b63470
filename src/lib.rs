//! Spec Builder: interrogates a product idea and keeps a consistent, traceable specification
//! in the customer's own git repository. This crate is the product; the format itself lives
//! in `spec-format`.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod conversation;
pub mod delivery;
pub mod engine;
pub mod forge;
pub mod generate;
pub mod grammar;
pub mod llm;
pub mod report;
pub mod review;
pub mod service;
pub mod source;
pub mod store;
pub mod synth;
pub mod verify;
pub mod view;
