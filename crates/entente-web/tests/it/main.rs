//! One integration binary for the web crate, split by topic.
#![allow(clippy::unwrap_used)]

mod browser;
mod fuzz;
mod http;
mod util;
