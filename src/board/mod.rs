//! The board: the crossings, their time left and their history as HTML, for people.
//!
//! Input: the state (records, history, feed rows, alerts) and the config (routes, feeds,
//! ladder), read into a [`data::Board`] or [`data::CrossingView`] as of one instant.
//! Output: whole HTML pages, built with maud, which escapes every value. The daemon's
//! listener serves them with their stylesheet and script (`/board.css`, `/board.js`)
//! under `Content-Security-Policy: default-src 'self'`; `borderwatch board` writes the
//! board as one self-contained file that fetches nothing. Nothing here writes state or
//! fails: reading the state is the caller's.

pub mod crossing;
pub mod data;
pub mod page;
pub mod parts;
pub mod words;

pub use data::{Board, CrossingView};
pub use parts::Mode;
