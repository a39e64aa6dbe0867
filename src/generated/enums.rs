//! The open enums of the API, declared by `build.rs` from the OpenAPI fragment.

include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));
