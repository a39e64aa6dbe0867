//! The hand-written client core: what a schema cannot say about calling Cloudflare.

pub(crate) mod auth;
pub(crate) mod call_options;
pub(crate) mod client;
pub(crate) mod error;
pub(crate) mod hooks;
pub(crate) mod http;
pub(crate) mod open_enum;
pub(crate) mod rate_limit;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod text;
pub(crate) mod tracked_body;
pub(crate) mod transport;
