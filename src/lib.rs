//! borderwatch watches border crossings: it polls feeds on schedules, turns them into
//! typed status records, keeps their history in SQLite, and alerts when a status changes
//! and as an expiry date approaches.
//!
//! The modules follow the data flow: [`config`] → [`schedule`] → [`fetch`] →
//! [`formats`] → [`normalize`] → [`diff`] → [`store`] → [`alert`], driven by [`poll`]
//! (one poll of one feed) and [`daemon`] (all of them, forever). [`spec`] holds the
//! feed types config and the stages share. [`events`] is the one place that writes each
//! internal event's log line and counts it. [`commands`] holds what the CLI runs: each
//! command returns its output and an outcome class, and the binary maps the class to an
//! exit code.
#![warn(missing_docs, unreachable_pub)]

pub mod ack;
pub mod alert;
pub mod board;
pub mod calendar;
pub mod clock;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod diff;
pub mod events;
pub mod extract;
pub mod fetch;
pub mod formats;
pub mod gazetteer;
pub mod health;
pub mod listen;
pub mod live;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod normalize;
pub mod policy;
pub mod poll;
pub mod schedule;
pub mod sd_notify;
pub mod spec;
pub mod store;
pub mod timeutil;

pub use daemon::run;
