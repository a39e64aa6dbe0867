//! What the generator (`build/`) generates from `openapi/cloudflare-account-dns.json`, included here and
//! never edited by hand: change the fragment or the generator in `build/` instead. The
//! insta snapshots in `tests/snapshots/` show every change to it in review.
//!
//! The request builders, also generated, are the public module [`operations`](crate::operations);
//! the schema table the checks read is included by [`request::schema`](crate::request::schema).

pub(crate) mod enums;
pub(crate) mod progenitor;
pub mod types;
