//! The client and types that progenitor generates from `openapi/cloudflare-account-dns.json`.
//!
//! Never edited by hand: change the fragment or the settings in `build/progenitor.rs` instead. The
//! insta snapshots in `tests/snapshots/` show every change to it in review.

#![allow(missing_docs, unused_imports, dead_code, clippy::all, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
