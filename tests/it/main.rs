//! The integration tests: one binary, one module per feature.

mod ack;
mod alerts;
mod board;
mod browser;
mod channels;
mod cli;
mod crash;
mod daemon;
mod desktop;
mod digest;
mod faults;
mod feeds;
mod helpers;
mod hostile;
mod http;
mod mail;
mod model;
mod operate;
mod pipeline;
mod reuse;
mod review;
mod service;
mod shape;
mod storage;
mod time;
