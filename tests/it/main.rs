//! The integration tests: one binary, one module per feature.

mod cli;
mod daemon;
mod helpers;
mod http;
mod pipeline;
