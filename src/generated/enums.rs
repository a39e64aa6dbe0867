//! The open enums of the API, declared by the generator (`build/open_enums.rs`) from the OpenAPI fragment.

include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));
