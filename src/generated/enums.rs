//! The open enums of the API, written by the generator (`build/open_enums.rs`) from the
//! OpenAPI fragment, and the value their `Unknown` variant holds.

pub use crate::core::open_enum::UnknownValue;

use crate::core::open_enum::json_schema;

include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));
