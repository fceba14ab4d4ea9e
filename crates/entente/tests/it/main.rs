//! Integration tests: the real `entente` binary on corpora built at test
//! time. One binary, split by topic; `util::Run` prints the whole command,
//! status, stdout and stderr when an assertion fails.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod cli;
mod crash;
mod gen;
mod util;
mod versions;
