//! Generates the Cloudflare client from the checked-in OpenAPI fragment.
//!
//! Everything the crate knows about the API comes from `openapi/cloudflare-account-dns.json`
//! through this script; hand-written code holds only what a schema cannot say. Files that
//! land in `OUT_DIR`:
//!
//! - `codegen.rs`: the progenitor client and its types (never edited by hand);
//! - `open_enums.rs`: every string enum of the fragment as an open enum, which keeps values
//!   that Cloudflare adds later instead of failing to decode;
//! - `schema_table.rs`: every request body and path parameter schema as static data, and
//!   one entry per operation (method, path, retry class, examples), from which the client
//!   checks arguments before sending and the fake validates requests and seeds its state;
//! - `operations.rs`: per operation, a request builder with a setter for every request
//!   field at any depth, its `Client` method, and how its success envelope unwraps;
//! - `public_types.rs`: which generated types are public (those a call takes or returns).
//!
//! The fragment is Cloudflare's published schema with the overlay applied
//! (`cargo xtask sync-spec`), so it keeps upstream's shapes; first, this script:
//!
//! - gives components the Rust names the overlay declares (`x-rust-name`) and points every
//!   `$ref` at them;
//! - writes in place references to plain components (a number, a boolean, an array), so
//!   that a field is a plain Rust value rather than a newtype named after upstream's
//!   component;
//! - drops schemas no operation reaches;
//! - reads the facts the overlay states about Cloudflare's answers: `x-known-refusals`
//!   (the `KNOWN_REFUSALS` table: request builders refuse them, plans report them, the fake
//!   answers them) and `x-cloudflare-answers` (what the fake's new account holds).
//!
//! Service quirks handled here, so that they survive regeneration:
//!
//! - string enums and objects written inline are hoisted into named schemas, so that every
//!   enum becomes an open enum and every object a public type;
//! - a request body is sent as the JSON object that the builder assembled (an explicit
//!   `null` stays `null`; an unset field is absent), so progenitor sees each request body
//!   as a free-form object;
//! - success envelopes keep only `success`, `errors`, `messages` and `result`: fields the
//!   caller never gets (`result_info`) cannot fail a call;
//! - a POST is not safe to repeat and other methods are, unless the operation says
//!   otherwise with `x-idempotent`.
//!
//! The script reruns exactly when something under `openapi/` changes (or when this file does).

mod api;
mod builders;
mod deprecation;
mod formats;
mod guardrails;
mod names;
mod open_enums;
#[allow(dead_code)] // the README half is xtask's
mod operation_list;
mod prepare;
mod progenitor;
mod public_types;
mod schema_table;
mod text;

use std::path::{Path, PathBuf};

use serde_json::Value;

use api::Api;
use prepare::{hoist_inline_enums, inline_plain_refs, prune_unreachable, rename_components};

pub(crate) const FRAGMENT: &str = "openapi/cloudflare-account-dns.json";
pub(crate) const SCHEMAS: &str = "#/components/schemas/";

fn main() {
    println!("cargo:rerun-if-changed=openapi");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let started = std::time::Instant::now();

    let text =
        std::fs::read_to_string(FRAGMENT).unwrap_or_else(|e| panic!("cannot read {FRAGMENT}: {e}"));
    let mut raw: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{FRAGMENT} is not JSON: {e}"));
    let fragment = raw.clone();
    rename_components(&mut raw);
    hoist_inline_enums(&mut raw);
    inline_plain_refs(&mut raw);
    prune_unreachable(&mut raw);
    let api = Api::read(&raw);
    check_setter_names(&api);

    let for_progenitor = api.progenitor_spec();
    let spec: openapiv3::OpenAPI = serde_json::from_value(for_progenitor)
        .unwrap_or_else(|e| panic!("{FRAGMENT} is not OpenAPI 3.0: {e}"));

    write(&out_dir, "codegen.rs", &api.generate_client(&spec));
    write(&out_dir, "open_enums.rs", &api.generate_open_enums());
    write(&out_dir, "schema_table.rs", &api.generate_schema_table());
    write(&out_dir, "operations.rs", &api.generate_operations());
    write(&out_dir, "public_types.rs", &api.generate_public_types());
    write(
        &out_dir,
        "guardrail_calls.rs",
        &api.generate_guardrail_calls(),
    );
    write(
        &out_dir,
        "operation_list.md",
        &operation_list::markdown(&fragment, operation_list::Style::Rustdoc),
    );
    // For benches/build_times.sh: how long code generation took, in milliseconds.
    write(
        &out_dir,
        "codegen-ms.txt",
        &format!("{}\n", started.elapsed().as_millis()),
    );
}

/// Every request field has a setter name of its own, from its path alone
/// ([`names::setter`]): a field without one, or two fields with one, fail the build here.
fn check_setter_names(api: &Api) {
    for op in &api.operations {
        let Some(body) = &op.body else { continue };
        let mut fields = Vec::new();
        api.fields(body, &[], &mut fields);
        let setters = fields.iter().map(|field| {
            let name = names::setter(&field.path).unwrap_or_else(|why| {
                panic!(
                    "{FRAGMENT}: {}: the field {} has no setter name: {why}; {}",
                    op.id,
                    field.path.join("."),
                    names::SETTER_REMEDY
                )
            });
            (name, field.path.join("."))
        });
        names::check_unique(
            &format!("{FRAGMENT}: setters of {}", op.id),
            names::SETTER_REMEDY,
            setters,
        )
        .unwrap_or_else(|message| panic!("{message}"));
    }
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}
